"""Formulas on pages as the engine reads them: printed from the parsed formula, with
the parentheses they need (``engine.formula_text``)."""

from __future__ import annotations

from django import template

from benchlearn.engine.formula_text import printed, ratio_text

register = template.Library()


@register.filter
def formula(text: str) -> str:
    """``{{ version.formula|formula }}``"""
    return printed(text or "")


@register.filter
def ratio(numerator: str, denominator: str) -> str:
    """``{{ version.numerator|ratio:version.denominator }}``: one formula, the
    denominator in parentheses where it needs them."""
    return ratio_text(numerator or "", denominator or "")
