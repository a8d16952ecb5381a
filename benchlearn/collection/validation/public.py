"""A form's figure against the one GUS publishes.

A variable whose catalogue entry names a GUS BDL source (``Variable.bdl``, e.g. a
gmina's total revenue) and whose published figure was fetched (``bdl-fetch``, stored as
the unit's context value of the same variable and year) is entered on the form all the
same, from the unit's own report; an entry that differs from the published figure by
more than ``PUBLIC_TOLERANCE`` of it gets a warning, so that a typing slip or a figure of
another scope (one report column instead of another) is explained before it is sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from benchlearn.catalogue.models import Source, Variable
from benchlearn.units.models import ContextValue

# A relative difference within this is rounding or a late correction, not a mistake.
PUBLIC_TOLERANCE = 0.005


@dataclass(frozen=True)
class PublicFigure:
    value: float
    source: str  # where it came from, e.g. "BDL 76037"


def public_figures(
    unit_ids: Iterable[int], period: int, variables: Iterable[Variable]
) -> dict[tuple[int, str], PublicFigure]:
    """The published figures of the data year by (unit id, variable code), for the form
    variables among ``variables`` that name a BDL source."""
    codes = [v.code for v in variables if v.bdl and v.source == Source.FORM]
    if not codes:
        return {}
    rows = ContextValue.objects.filter(
        unit_id__in=list(unit_ids), year=period, variable__code__in=codes
    ).values_list("unit_id", "variable__code", "value", "source")
    return {(unit, code): PublicFigure(value, source) for unit, code, value, source in rows}


def differs(value: float | Decimal, public: float) -> bool:
    """Whether an entry differs from the published figure by more than the tolerance
    (and by more than one unit of measure, the figures' rounding)."""
    gap = abs(float(value) - public)
    return gap > max(PUBLIC_TOLERANCE * abs(public), 1.0)


def public_warning(value: float | Decimal, public: PublicFigure, shown: str) -> str | None:
    """The warning for an entry that differs from the published figure, or None.
    ``shown`` is the published figure as the page shows numbers."""
    if not differs(value, public.value):
        return None
    return _(
        "GUS publishes %(public)s for this unit and year (%(source)s): the value differs "
        "from it. Check the figure and its scope against the report, or explain the "
        "difference."
    ) % {"public": shown, "source": public.source or "BDL"}
