"""The "who to learn from" section of the results pages (dashboard, indicator).

A tag, not the results views: those sit below practices and plans in the layers
(pyproject's import-linter contract), and the section reads both."""

from __future__ import annotations

from typing import Any

from django import template

from benchlearn.practices.learn_from import learn_from_for
from benchlearn.results.pages import Dashboard, IndicatorPage

register = template.Library()

TEMPLATE = "practices/partials/learn_from.html"


@register.inclusion_tag(TEMPLATE, takes_context=True)
def learn_from_dashboard(context: template.Context, page: Dashboard) -> dict[str, Any]:
    positions = [(row.indicator, row.position) for row in page.rows]
    learn = learn_from_for(context["request"].user, page.context, positions)
    return {"learn": learn, "ctx": page.context, "single": False}


@register.inclusion_tag(TEMPLATE, takes_context=True)
def learn_from_indicator(context: template.Context, page: IndicatorPage) -> dict[str, Any]:
    own = next((row.position for row in page.rows if row.own), None)
    learn = learn_from_for(context["request"].user, page.context, [(page.indicator, own)])
    return {"learn": learn, "ctx": page.context, "single": True}
