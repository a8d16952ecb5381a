"""The survey results pages: the surveys a person may read, one unit's results (its
team, its group's moderator, the office), its open answers (its team and the office),
its change over time, and the comparison across the survey's units with the intervals
drawn. Who reads what is decided in ``results_pages``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from benchlearn.accounts.access import AuthenticatedHttpRequest, Perm, require
from benchlearn.charts.intervals import IntervalItem, interval_chart
from benchlearn.reports.models import DocumentKind
from benchlearn.reports.pdf_tasks import document_request
from benchlearn.surveys.margins import MARGIN_CODES, MARGIN_VARIABLES
from benchlearn.surveys.margins_entry import MarginsError, margins_store
from benchlearn.surveys.results import in_language, unit_results
from benchlearn.surveys.results import open_answers as unit_open_answers
from benchlearn.surveys.results_pages import (
    may_read_open_answers,
    require_open_answers,
    survey_comparison,
    survey_get_for_results,
    survey_unit_for_results,
    surveys_for_results,
    unit_trend,
)


@login_required
@require_GET
def results_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "surveys/results/list.html", {"surveys": surveys_for_results(request.user)}
    )


@login_required
@require_GET
def unit_page(request: AuthenticatedHttpRequest, survey_id: int, teryt: str) -> HttpResponse:
    survey = survey_get_for_results(request.user, survey_id)
    unit = survey_unit_for_results(request.user, survey, teryt)
    context = {
        "survey": survey,
        "unit": unit,
        "result": unit_results(survey, unit),
        "open_answers_shown": may_read_open_answers(request.user, unit),
    }
    return render(request, "surveys/results/unit.html", context)


@login_required
@require_GET
def open_answers(request: AuthenticatedHttpRequest, survey_id: int, teryt: str) -> HttpResponse:
    survey = survey_get_for_results(request.user, survey_id)
    unit = survey_unit_for_results(request.user, survey, teryt)
    require_open_answers(request.user, unit)
    context = {"survey": survey, "unit": unit, "answers": unit_open_answers(survey, unit)}
    return render(request, "surveys/results/open_answers.html", context)


@login_required
@require_GET
def trend(request: AuthenticatedHttpRequest, survey_id: int, teryt: str) -> HttpResponse:
    survey = survey_get_for_results(request.user, survey_id)
    unit = survey_unit_for_results(request.user, survey, teryt)
    points = unit_trend(survey, unit)
    charts = []
    for question in points[-1].result.questions:
        if not question.has_share and question.kind != "scale5":
            continue
        items = []
        for point in points:
            found = point.result.question(question.code)
            if found is None or found.percent is None or point.result.below_minimum:
                continue
            items.append(
                IntervalItem(
                    str(point.survey.period),
                    found.percent,
                    found.percent_low or 0.0,
                    found.percent_high or 0.0,
                    found.n,
                    own=point.survey.pk == survey.pk,
                )
            )
        if items:
            charts.append(interval_chart(title=question.text, items=items, label_title=_("Year")))
    context = {"survey": survey, "unit": unit, "points": points, "charts": charts}
    return render(request, "surveys/results/trend.html", context)


@login_required
@require_GET
def comparison(request: AuthenticatedHttpRequest, survey_id: int) -> HttpResponse:
    survey = survey_get_for_results(request.user, survey_id)
    compared = survey_comparison(request.user, survey)
    charts = []
    questions = survey.questionnaire_version.questions.filter(
        code__in=compared.question_codes
    ).order_by("position", "pk")
    for question in questions:
        items = [
            IntervalItem(
                c.label,
                q.percent,
                q.percent_low or 0.0,
                q.percent_high or 0.0,
                q.n,
                own=c.own,
            )
            for c in compared.compared
            if (q := c.result.question(question.code)) is not None and q.percent is not None
        ]
        if items:
            title = in_language(question.text_pl, question.text_en)
            charts.append(interval_chart(title=title, items=items, label_title=_("Unit")))
    context = {"survey": survey, "comparison": compared, "charts": charts}
    return render(request, "surveys/results/comparison.html", context)


@login_required
@require_GET
def unit_pdf(request: AuthenticatedHttpRequest, survey_id: int, teryt: str) -> HttpResponse:
    """The unit's results as a PDF, made by the document task (its page follows)."""
    survey = survey_get_for_results(request.user, survey_id)
    unit = survey_unit_for_results(request.user, survey, teryt)
    document = document_request(
        user=request.user, kind=DocumentKind.SURVEY_RESULTS, survey=survey, unit=unit
    )
    return redirect("document", document.pk)


@login_required
@require_GET
def comparison_pdf(request: AuthenticatedHttpRequest, survey_id: int) -> HttpResponse:
    survey = survey_get_for_results(request.user, survey_id)
    document = document_request(
        user=request.user, kind=DocumentKind.SURVEY_COMPARISON, survey=survey
    )
    return redirect("document", document.pk)


class PopulationForm(forms.Form):
    """A unit's adults by sex and its population by age band, for one year."""

    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=1990, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for spec in MARGIN_VARIABLES:
            label = spec.name_en if (get_language() or "pl").startswith("en") else spec.name_pl
            self.fields[spec.code] = forms.IntegerField(label=label, min_value=0)


@login_required
def population(request: AuthenticatedHttpRequest, survey_id: int, teryt: str) -> HttpResponse:
    """The office enters the unit's population by sex and age band (the weighting's
    margins), kept as context values with their history."""
    survey = survey_get_for_results(request.user, survey_id)
    unit = survey_unit_for_results(request.user, survey, teryt)
    require(request.user, Perm.SURVEY_MANAGE)
    form = PopulationForm(request.POST or None, initial={"year": survey.period})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            margins_store(
                unit=unit,
                year=data["year"],
                counts={code: data[code] for code in MARGIN_CODES},
                by=request.user,
            )
        except MarginsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The population is saved."))
            return redirect("survey-results", survey.pk, unit.teryt)
    status = 400 if form.errors else 200
    context = {"survey": survey, "unit": unit, "form": form}
    return render(request, "surveys/results/population.html", context, status=status)
