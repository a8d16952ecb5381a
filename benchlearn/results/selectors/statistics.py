"""A comparison's statistics and a unit's place in it, from the stored statistics and
sorted values."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from benchlearn.engine.stats import Position, position_in_group, summary_of
from benchlearn.results.cache import remembered_many
from benchlearn.results.models import (
    ComparisonGroup,
    Computation,
    GroupStat,
    Neighbour,
    Result,
)
from benchlearn.results.selectors.comparisons import (
    IN_LIST_LIMIT,
    Comparison,
)
from benchlearn.results.selectors.indicators import (
    IndicatorInfo,
)
from benchlearn.units.models import Unit


@dataclass
class Stat:
    """A group's statistics of one indicator in one period (see GroupStat)."""

    n: int
    mean: float | None
    aggregate: float | None
    median: float | None
    q1: float | None
    q3: float | None
    minimum: float | None
    maximum: float | None
    std: float | None
    best: float | None
    worst: float | None
    values: np.ndarray = field(repr=False)
    # Shown as how many units have a value only (the programme's minimum group size,
    # ``Comparison.withheld``): no figure, no place of a unit in it.
    withheld: bool = False


_NO_VALUES = np.zeros(0)


_STAT_FIELDS = [
    *("n", "mean", "aggregate", "median", "q1", "q3", "minimum", "maximum"),
    *("std", "best", "worst"),
]


def comparison_stats(
    comparison: Comparison,
    unit: Unit,
    computation: Computation,
    indicators: dict[str, IndicatorInfo],
    periods: list[int],
    *,
    sorted_values: Iterable[int] | None = None,
) -> dict[tuple[str, int], Stat]:
    """(indicator code, period) -> the comparison's statistics.

    ``sorted_values``: the periods whose statistics need the group's sorted values (to
    place units with ``place``); by default all. Those of a large group are most of what
    is read (2,800 floats an indicator and period for all units), so a page that places
    units in one period only reads them for that one; the others' ``values`` are empty.
    """
    by_pk = {info.pk: code for code, info in indicators.items()}
    if comparison.group is not None:
        group = comparison.group
        placed = set(periods if sorted_values is None else sorted_values)
        by_period = remembered_many(
            computation,
            [("stats", group.pk, period) for period in periods],
            lambda keys: _group_stats(group, keys),
            lambda stats: 300 * len(stats),
        )
        wanted = [
            ("values", group.pk, period, pk)
            for (_kind, _group, period), stats in by_period.items()
            if period in placed
            for pk in stats
            if pk in by_pk
        ]
        sorted_by_key = remembered_many(
            computation, wanted, lambda keys: _group_values(group, keys), _array_size
        )
        found: dict[tuple[str, int], Stat] = {}
        for (_kind, _group, period), stats in by_period.items():
            for pk, stat in stats.items():
                if pk in by_pk:
                    values = sorted_by_key.get(("values", group.pk, period, pk))
                    found[(by_pk[pk], period)] = (
                        stat if values is None else dataclasses.replace(stat, values=values)
                    )
        if comparison.withheld:
            return {key: _withheld(stat) for key, stat in found.items()}
        return found
    return _neighbour_stats(unit, computation, indicators, periods, comparison.pool)


def _withheld(stat: Stat) -> Stat:
    figures = {name: None for name in _STAT_FIELDS if name != "n"}
    return Stat(n=stat.n, **figures, values=_NO_VALUES, withheld=True)


def _group_stats(
    group: ComparisonGroup, keys: list[tuple[str, int, int]]
) -> dict[tuple[str, int, int], dict[int, Stat]]:
    """("stats", group, period) -> indicator id -> the statistics (without the sorted
    values), every indicator of the group in each period asked for."""
    found: dict[tuple[str, int, int], dict[int, Stat]] = {key: {} for key in keys}
    rows = GroupStat.objects.filter(group=group, period__in=[period for _k, _g, period in keys])
    for pk, period, *figures in rows.values_list("indicator_id", "period", *_STAT_FIELDS):
        found[("stats", group.pk, period)][pk] = Stat(*figures, values=_NO_VALUES)  # type: ignore[misc]
    return found


def _group_values(
    group: ComparisonGroup, keys: list[tuple[str, int, int, int]]
) -> dict[tuple[str, int, int, int], np.ndarray]:
    """("values", group, period, indicator id) -> the group's sorted values."""
    found = {key: _NO_VALUES for key in keys}
    rows = GroupStat.objects.filter(
        group=group,
        period__in={period for _k, _g, period, _i in keys},
        indicator_id__in={pk for _k, _g, _p, pk in keys},
    ).values_list("period", "indicator_id", "values")
    for period, pk, blob in rows:
        key = ("values", group.pk, period, pk)
        if key in found:
            found[key] = np.frombuffer(bytes(blob), dtype="<f8")
    return found


def _array_size(values: np.ndarray) -> int:
    return int(values.nbytes) + 120


def _neighbour_stats(
    unit: Unit,
    computation: Computation,
    indicators: dict[str, IndicatorInfo],
    periods: list[int],
    pool: str,
) -> dict[tuple[str, int], Stat]:
    """The statistics of a unit with its nearest neighbours of ``pool``, from their
    stored results (the engine's definitions, on a dozen values per indicator)."""
    members = [
        unit.pk,
        *Neighbour.objects.filter(computation=computation, unit=unit, pool=pool).values_list(
            "peer_id", flat=True
        ),
    ]
    by_pk = {info.pk: code for code, info in indicators.items()}
    rows = Result.objects.filter(
        computation=computation,
        unit_id__in=members,
        period__in=periods,
        indicator_id__in=list(by_pk),
    ).values_list("indicator_id", "period", "value", "numerator", "denominator")
    cells: dict[tuple[int, int], list[tuple[float | None, ...]]] = {}
    for pk, period, *figures in rows:
        cells.setdefault((pk, period), []).append(tuple(figures))
    found: dict[tuple[str, int], Stat] = {}
    for (pk, period), cell in cells.items():
        # None becomes NaN: missing, as the engine counts it.
        value, numerator, denominator = np.array(cell, dtype=np.float64).T
        summary = summary_of(
            value,
            indicators[by_pk[pk]].polarity,
            numerators=numerator,
            denominators=denominator,
        )
        found[(by_pk[pk], period)] = Stat(
            n=int(summary["n"] or 0),
            mean=summary["mean"],
            aggregate=summary["aggregate"],
            median=summary["median"],
            q1=summary["q1"],
            q3=summary["q3"],
            minimum=summary["min"],
            maximum=summary["max"],
            std=summary["std"],
            best=summary["best"],
            worst=summary["worst"],
            values=np.sort(value[np.isfinite(value)]),
        )
    return found


def place(value: float | None, stat: Stat | None, polarity: str) -> Position | None:
    """Where a unit's value stands in its comparison (None without a value)."""
    if value is None or stat is None or math.isnan(value) or stat.n == 0 or stat.withheld:
        return None
    return position_in_group(
        value,
        stat.values,
        polarity,
        mean=stat.mean,
        std=stat.std,
        median=stat.median,
        best=stat.best,
        q1=stat.q1,
        q3=stat.q3,
    )


def unit_results(
    computation: Computation,
    unit_ids: list[int],
    indicator_ids: list[int],
    periods: list[int] | None = None,
) -> dict[tuple[int, int, int], tuple[float | None, str]]:
    """(unit id, indicator id, period) -> (value, flag) from stored results."""
    rows = Result.objects.filter(
        computation=computation, unit_id__in=unit_ids, indicator_id__in=indicator_ids
    )
    if periods is not None:
        rows = rows.filter(period__in=periods)
    return {
        (u, i, p): (v, f)
        for u, i, p, v, f in rows.values_list("unit_id", "indicator_id", "period", "value", "flag")
    }


def indicator_values(
    computation: Computation, indicator_id: int, period: int, unit_ids: Iterable[int]
) -> dict[int, tuple[float | None, str]]:
    """Unit id -> (value, flag) of one indicator in one period, for the units given
    that have a stored result."""
    wanted = set(unit_ids)
    rows = Result.objects.filter(computation=computation, indicator_id=indicator_id, period=period)
    if len(wanted) <= IN_LIST_LIMIT:
        rows = rows.filter(unit_id__in=wanted)
    return {u: (v, f) for u, v, f in rows.values_list("unit_id", "value", "flag") if u in wanted}
