"""One value against a group's stored statistics and sorted values: the figures of
:func:`~benchlearn.engine.stats.unit_positions` for one unit, without frames."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from benchlearn.engine.catalogue import Polarity
from benchlearn.engine.stats.common import (
    GROUP_STATS_COLUMNS,
    Floats,
    Ints,
    finite_or_none,
    quartile_of,
    ratio,
)


@dataclass(frozen=True)
class Position:
    """Where one value stands in a group: the columns of :func:`unit_positions` but the
    change, worked out from the group's statistics and sorted values (as stored)."""

    rank: int | None
    n: int
    percentile: float | None
    quartile: int | None
    z: float | None
    gap_median_pct: float | None
    gap_best_pct: float | None
    # Where the value stands whatever the indicator's direction (a neutral indicator has
    # no rank, percentile or quartile, but this): "below", "around" or "above" the
    # median; the quarter of the values it falls in (1 = lowest values, 4 = highest,
    # from the group's Q1, median and Q3); the percentile from the lowest value (0) to
    # the highest (100).
    side: str | None = None
    band: int | None = None
    level: float | None = None

    @property
    def ranked(self) -> bool:
        return self.quartile is not None


def position_in_group(
    value: float,
    values: Floats,
    polarity: Polarity | str,
    *,
    mean: float | None,
    std: float | None,
    median: float | None,
    best: float | None,
    q1: float | None = None,
    q3: float | None = None,
) -> Position:
    """The position of ``value`` among ``values`` (the group's values sorted in
    increasing order, ``value`` among them), with the definitions of the module
    docstring: the same figures as :func:`unit_positions` gives for that unit; and,
    for every indicator, neutral ones too, its side of the median, its quarter of the
    values (with ``q1`` and ``q3``) and its percentile from the lowest
    (:func:`level_in_group`)."""
    n = len(values)
    polarity = Polarity(polarity)

    def gap(reference: float | None) -> float | None:
        if reference is None or reference == 0 or math.isnan(reference):
            return None
        return finite_or_none((value - reference) * (100.0 / abs(reference)))

    z = None
    if mean is not None and std is not None and std != 0 and not math.isnan(std):
        z = finite_or_none((value - mean) * (1.0 / std))
    side, band, level = level_in_group(value, values, median=median, q1=q1, q3=q3)
    if polarity == Polarity.NEUTRAL or n == 0:
        return Position(None, n, None, None, z, gap(median), None, side, band, level)
    rank = int(ranks_in_group(np.array([value]), values, polarity)[0])
    percentile = 100.0 if n == 1 else (n - rank) * (100.0 / (n - 1))
    quartile = int(quartile_of(np.array([percentile]))[0])
    return Position(rank, n, percentile, quartile, z, gap(median), gap(best), side, band, level)


# "Around the median": within this share of the interquartile range of it. A tenth keeps
# a value that the quartile column would show as the median's neighbour from being
# called above or below it, without swallowing a real difference.
AROUND_MEDIAN = 0.1


def level_in_group(
    value: float,
    values: Floats,
    *,
    median: float | None,
    q1: float | None = None,
    q3: float | None = None,
) -> tuple[str | None, int | None, float | None]:
    """(side, band, level) of ``value`` among ``values`` (sorted increasing, ``value``
    among them), whatever the indicator's direction: "below", "around" or "above" the
    median (around: within ``AROUND_MEDIAN`` of the interquartile range, or equal to it
    when Q1 = Q3); the quarter of the values it falls in, 1 (below Q1) to 4 (above Q3),
    a value on a quartile counting to the quarter nearer the median (on the
    median: to the middle quarter its percentile falls in); the percentile
    from the lowest: the share of the other values not above it (50 alone)."""
    n = len(values)
    if n == 0 or median is None or math.isnan(value):
        return None, None, None
    spread = (q3 - q1) if q1 is not None and q3 is not None else 0.0
    if abs(value - median) <= AROUND_MEDIAN * spread or value == median:
        side = "around"
    else:
        side = "below" if value < median else "above"
    not_above = int(np.searchsorted(values, value, side="right")) - 1
    level = 50.0 if n == 1 else min(max(not_above, 0), n - 1) * (100.0 / (n - 1))
    if value < median:
        band = 1 if q1 is not None and value < q1 else 2
    elif value > median:
        band = 4 if q3 is not None and value > q3 else 3
    else:  # on the median: the middle quarter its percentile is in
        band = 3 if level >= 50 else 2
    return side, band, level


def summary_of(
    values: Floats,
    polarity: Polarity | str,
    *,
    numerators: Floats | None = None,
    denominators: Floats | None = None,
) -> dict[str, float | int | None]:
    """The statistics of one small group's values (one indicator, one period), with the
    definitions and the columns of :func:`group_stats` (``n`` … ``worst``; None where it
    gives null): for a page that summarises a dozen units, where building frames costs
    more than the arithmetic. ``numerators`` and ``denominators``, aligned with
    ``values`` (NaN where missing), give the aggregate."""
    values = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(values)
    ordered = np.sort(values[finite])
    n = len(ordered)
    found: dict[str, float | int | None] = dict.fromkeys(GROUP_STATS_COLUMNS[3:])
    found["n"] = n
    if numerators is not None and denominators is not None:
        top, bottom = np.asarray(numerators, np.float64), np.asarray(denominators, np.float64)
        usable = finite & np.isfinite(top) & np.isfinite(bottom)
        if usable.any():
            found["aggregate"] = finite_or_none(
                ratio(top[usable].sum(keepdims=True), bottom[usable].sum(keepdims=True))[0]
            )
    if n == 0:
        return found
    h = (n - 1) * np.array([0.0, 0.25, 0.5, 0.75, 1.0])
    low = np.floor(h).astype(np.int64)
    high = np.minimum(low + 1, n - 1)
    minimum, q1, median, q3, maximum = ordered[low] + (h - low) * (ordered[high] - ordered[low])
    with np.errstate(over="ignore", invalid="ignore"):
        deviation = ordered - median
        first, second = deviation.sum(), (deviation * deviation).sum()
        mean = median + first / n
        std = math.sqrt(max(second - first * first / n, 0.0) / (n - 1)) if n > 1 else math.nan
    polarity = Polarity(polarity)
    best, worst = {
        Polarity.HIGHER_BETTER: (maximum, minimum),
        Polarity.LOWER_BETTER: (minimum, maximum),
    }.get(polarity, (math.nan, math.nan))
    figures = {"mean": mean, "median": median, "q1": q1, "q3": q3, "min": minimum}
    figures |= {"max": maximum, "std": std, "best": best, "worst": worst}
    found |= {name: finite_or_none(float(figure)) for name, figure in figures.items()}
    return found


def ranks_in_group(values: Floats, group: Floats, polarity: Polarity | str) -> Ints:
    """The rank of each of ``values`` among ``group`` (the group's values sorted in
    increasing order, each of ``values`` among them): 1 = best, ties share the best
    rank (as :func:`unit_positions`). For neutral indicators, the place from the
    highest, with the same tie rule (they have no rank; this orders them for lists)."""
    if Polarity(polarity) == Polarity.LOWER_BETTER:
        return np.searchsorted(group, values, side="left").astype(np.int64) + 1
    return len(group) - np.searchsorted(group, values, side="right").astype(np.int64) + 1
