"""Numbers on collection pages: exact, in the page's locale (``1 234,56``)."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def number(value: Decimal | float | None) -> str:
    """A stored value as it is, without trailing zeros, grouped in the page's locale;
    an em dash when there is none."""
    if value is None or value == "":
        return "—"
    exact = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    exact = exact.normalize() if exact else Decimal(0)
    exponent = exact.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return number_format(exact, decimal_pos=places, force_grouping=True)
