"""Numbers on collection pages: exact, in the page's locale (``1 234,56``)."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language

from benchlearn.catalogue.models import IndicatorVersion
from benchlearn.collection import pages
from benchlearn.collection.validation.checks import shown_ratio
from benchlearn.formats.measures import money_decimals, unit_in

register = template.Library()


@register.filter
def number(value: Decimal | float | None, unit: str = "") -> str:
    """A stored value as it is, without trailing zeros, grouped in the page's locale;
    an em dash when there is none. In a ``unit`` of money, with two decimals at least
    (612 345 678,90)."""
    if value is None or value == "":
        return "—"
    exact = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    exact = exact.normalize() if exact else Decimal(0)
    exponent = exact.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return number_format(exact, decimal_pos=money_decimals(unit or "", places), force_grouping=True)


@register.filter
def measure(unit: str) -> str:
    """A unit of measure in the page's language (``zł/mieszk.``: PLN/resident)."""
    return unit_in(unit or "", get_language() or "pl")


@register.filter
def rounded(value: float | None, decimals: int) -> str:
    """A computed indicator to ``decimals`` places (half away from zero, as the engine's
    ``round`` and Excel do), grouped in the page's locale; an em dash when missing.
    Rounded here, not by ``number_format``, which cuts a float's digits off."""
    if value is None:
        return "—"
    places = Decimal(1).scaleb(-int(decimals))
    exact = Decimal(repr(float(value))).quantize(places, rounding=ROUND_HALF_UP)
    if not exact:
        exact = abs(exact)  # no "-0,00"
    return number_format(exact, decimal_pos=int(decimals), force_grouping=True)


@register.filter
def indicator_name(version: IndicatorVersion) -> str:
    """The indicator version's name in the page's language (Polish when it has no other)."""
    return pages.indicator_name(version)


@register.filter
def ratio_number(value: float | None) -> str:
    """A peer statistic (a value, or a value per its basis) with three significant
    digits at least, in the page's locale."""
    if value is None:
        return "—"
    return shown_ratio(float(value))
