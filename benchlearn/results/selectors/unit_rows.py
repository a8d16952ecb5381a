"""A unit's own results with its positions, for the API's ``/units/{teryt}/results``:
one row per indicator and year of the current computation, placed in every comparison
the unit's dashboard offers the reader, under the same rules (``comparisons_for``: the
exchange groups the reader may see; ``comparison_stats``: a group below its programme's
minimum size gives its count only, no figure and no place)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, overload

from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benchlearn.engine.stats import Position
from benchlearn.results.models import Computation, Result
from benchlearn.results.selectors.comparisons import Comparison, comparisons_for
from benchlearn.results.selectors.computations import current_computation
from benchlearn.results.selectors.indicators import (
    IndicatorInfo,
    computed_indicators,
    result_periods,
)
from benchlearn.results.selectors.statistics import Stat, comparison_stats, place
from benchlearn.units.models import Unit

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


@dataclass(frozen=True)
class Placing:
    """The unit in one comparison: the comparison's statistics (None where withheld)
    and its place (None without a value, or where withheld)."""

    comparison: Comparison
    stat: Stat | None
    position: Position | None


@dataclass(frozen=True)
class UnitResultRow:
    indicator: IndicatorInfo
    year: int
    value: float | None
    flag: str
    numerator: float | None
    denominator: float | None
    computation: int
    placings: list[Placing]


@dataclass(frozen=True)
class _Stored:
    indicator: IndicatorInfo
    year: int
    value: float | None
    flag: str
    numerator: float | None
    denominator: float | None


class UnitResultRows(Sequence[UnitResultRow]):
    """The rows, placed only when sliced: a page reads the comparisons' statistics and
    sorted values of its own indicators and years, whatever the number of rows."""

    def __init__(
        self,
        unit: Unit,
        computation: Computation | None,
        comparisons: list[Comparison],
        stored: list[_Stored],
    ) -> None:
        self.unit, self.computation = unit, computation
        self.comparisons, self.stored = comparisons, stored

    def __len__(self) -> int:
        return len(self.stored)

    @overload
    def __getitem__(self, index: int) -> UnitResultRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[UnitResultRow]: ...
    def __getitem__(self, index: int | slice) -> UnitResultRow | list[UnitResultRow]:
        if isinstance(index, int):
            return self._placed([self.stored[index]])[0]
        return self._placed(self.stored[index])

    def _placed(self, chosen: list[_Stored]) -> list[UnitResultRow]:
        if not chosen or self.computation is None:
            return []
        computation = self.computation
        indicators = {row.indicator.code: row.indicator for row in chosen}
        periods = sorted({row.year for row in chosen})
        stats = {
            comparison.choice: comparison_stats(
                comparison, self.unit, computation, indicators, periods
            )
            for comparison in self.comparisons
        }
        rows = []
        for row in chosen:
            placings = []
            for comparison in self.comparisons:
                stat = stats[comparison.choice].get((row.indicator.code, row.year))
                position = place(row.value, stat, row.indicator.polarity)
                placings.append(Placing(comparison, stat, position))
            rows.append(
                UnitResultRow(
                    row.indicator,
                    row.year,
                    row.value,
                    row.flag,
                    row.numerator,
                    row.denominator,
                    computation.pk,
                    placings,
                )
            )
        return rows


def unit_result_rows(
    user: AnyUser, unit: Unit, *, year: int | None = None, indicator: str = ""
) -> UnitResultRows:
    """The unit's rows in the current computation, in catalogue order then by year
    (the caller has checked that ``user`` may open ``unit``). Http404 with a message for
    an indicator the computation does not hold or a year the unit has no results in;
    no rows while nothing is computed."""
    computation = current_computation()
    if computation is None:
        indicators: dict[str, IndicatorInfo] = {}
        periods: list[int] = []
    else:
        indicators = computed_indicators(computation, language=get_language() or "pl")
        periods = result_periods(computation, unit)
    if indicator and indicator not in indicators:
        raise Http404(
            _("The results hold no indicator with code %(code)s.") % {"code": indicator[:64]}
        )
    if year is not None and year not in periods:
        raise Http404(
            _("%(unit)s has no results for %(year)s.") % {"unit": unit.name, "year": year}
        )
    if computation is None:
        return UnitResultRows(unit, None, [], [])
    chosen = {indicator: indicators[indicator]} if indicator else indicators
    by_pk = {info.pk: info for info in chosen.values()}
    order = {code: number for number, code in enumerate(indicators)}
    found = Result.objects.filter(computation=computation, unit=unit, indicator_id__in=by_pk)
    if year is not None:
        found = found.filter(period=year)
    stored = [
        _Stored(by_pk[pk], period, value, flag, numerator, denominator)
        for pk, period, value, flag, numerator, denominator in found.values_list(
            "indicator_id", "period", "value", "flag", "numerator", "denominator"
        )
    ]
    stored.sort(key=lambda row: (order[row.indicator.code], row.year))
    return UnitResultRows(unit, computation, comparisons_for(user, unit, computation), stored)
