"""What every comparison page of a unit shares: the computation, the comparison chosen
and the year, read once from the query string's choices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benchlearn.results.models import Computation
from benchlearn.results.selectors import (
    Comparison,
    IndicatorInfo,
    comparison_get,
    computed_indicators,
    current_computation,
    result_periods,
)
from benchlearn.units.models import Unit

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


@dataclass
class Context:
    """What every comparison page of a unit shares: the computation, the comparison
    chosen (and those offered), the year and the years with results."""

    unit: Unit
    computation: Computation
    comparison: Comparison
    comparisons: list[Comparison]
    year: int
    years: list[int]
    indicators: dict[str, IndicatorInfo]

    @property
    def query(self) -> str:
        return f"group={self.comparison.choice}&year={self.year}"


def context_for(user: AnyUser, unit: Unit, *, choice: str, year: str) -> Context:
    """Http404 with a message when there are no results or the year or group is unknown."""
    computation = current_computation()
    if computation is None or computation.first_period is None:
        raise Http404(
            _("Results have not been computed yet: they appear once an operator has approved data.")
        )
    comparison, offered = comparison_get(user, unit, computation, choice)
    years = result_periods(computation, unit)
    if not years:
        raise Http404(_("There are no results for %(unit)s yet.") % {"unit": unit.name})
    chosen = years[-1]
    if year:
        if not year.isdigit() or int(year) not in years:
            raise Http404(
                _("%(unit)s has no results for %(year)s.") % {"unit": unit.name, "year": year[:8]}
            )
        chosen = int(year)
    indicators = computed_indicators(computation, language=get_language() or "pl")
    return Context(unit, computation, comparison, offered, chosen, years, indicators)
