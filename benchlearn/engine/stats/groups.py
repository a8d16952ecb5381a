"""Statistics of every group and every unit's position in its groups, for every
indicator and period at once: :func:`group_stats` and :func:`unit_positions`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from benchlearn.engine.catalogue import Polarity
from benchlearn.engine.stats.common import (
    GROUP_STATS_COLUMNS,
    UNIT_POSITIONS_COLUMNS,
    Bools,
    Floats,
    Ints,
    float_series,
    nan_if_infinite,
    percent_of,
    quartile_of,
    ratio,
)
from benchlearn.engine.stats.layout import Cube, Members, cells_of_periods, members_of, results_cube
from benchlearn.engine.stats.sorting import Block, sorted_blocks

# Nulls to put in place of neutral indicators' ranks, percentiles and quartiles.
_NULL_INT32 = pl.Series([None], dtype=pl.Int32)
_NULL_FLOAT = pl.Series([None], dtype=pl.Float64)
_NULL_INT8 = pl.Series([None], dtype=pl.Int8)


@dataclass(frozen=True)
class _Summary:
    """Statistics per (cell, group) for the cells of a block; NaN where undefined."""

    n: Ints
    mean: Floats
    std: Floats
    minimum: Floats
    q1: Floats
    median: Floats
    q3: Floats
    maximum: Floats
    best: Floats
    worst: Floats

    @classmethod
    def empty(cls, shape: tuple[int, int]) -> _Summary:
        """n = 0 and every statistic NaN, to be filled block by block."""
        floats = (np.full(shape, np.nan) for _ in range(len(cls.__dataclass_fields__) - 1))
        return cls(np.zeros(shape, dtype=np.int64), *floats)

    def put(self, rows: Ints, other: _Summary) -> None:
        for name in self.__dataclass_fields__:
            getattr(self, name)[rows] = getattr(other, name)


def group_stats(
    results: pl.DataFrame, groups: pl.DataFrame, polarity: Mapping[str, Polarity]
) -> pl.DataFrame:
    """Statistics of each group for each indicator and period.

    ``results`` has ``unit``, ``period``, ``indicator``, ``value`` and optionally
    ``numerator`` and ``denominator``; ``groups`` has ``group`` and ``unit`` (a unit may
    be in several groups); ``polarity`` maps indicator codes to their polarity (a
    missing code is neutral). Returns one row per (group, indicator, period) for every
    group with members and every indicator and period found together in ``results``:
    ``n`` (units with a value), ``mean``, ``aggregate``, ``median``, ``q1``, ``q3``,
    ``min``, ``max``, ``std``, ``best`` and ``worst``. A group where no unit has a value
    gets ``n`` = 0 and nulls. Definitions are in the module docstring. Rows are sorted
    by indicator, period and group. Raises ValueError when a column is missing or a
    unit has two values for one indicator and period.
    """
    cube = results_cube(results, polarity, parts=True)
    members = members_of(groups, cube.units)
    summary = _Summary.empty((cube.cells, len(members.names)))
    for block in sorted_blocks(cube, members, units=False):
        summary.put(block.cells, _summarise(cube, block, members))
    columns = {
        "mean": summary.mean,
        "aggregate": _aggregate(cube, members),
        "median": summary.median,
        "q1": summary.q1,
        "q3": summary.q3,
        "min": summary.minimum,
        "max": summary.maximum,
        "std": summary.std,
        "best": summary.best,
        "worst": summary.worst,
    }
    keep = np.flatnonzero(np.repeat(cube.present, len(members.names)))
    frame = _keys(keep, cube, members).with_columns(
        pl.Series("n", summary.n.ravel()[keep], dtype=pl.Int32),
        *(float_series(name, array.ravel()[keep]) for name, array in columns.items()),
    )
    return frame.select(GROUP_STATS_COLUMNS)


def unit_positions(
    results: pl.DataFrame,
    groups: pl.DataFrame,
    polarity: Mapping[str, Polarity],
    *,
    periods: Iterable[int] | None = None,
) -> pl.DataFrame:
    """Where each unit stands in each of its groups, for each indicator and period.

    Takes the same arguments as :func:`group_stats`. Returns one row per (group,
    indicator, period, unit) for units with a value: ``value``, ``rank`` (1 = best),
    ``n``, ``percentile``, ``quartile`` (1 = best quarter), ``z``, ``gap_median_pct``,
    ``gap_best_pct``, ``change_prev`` and ``change_prev_pct``. Definitions are in the
    module docstring. Rows are sorted by indicator, period, group and value.

    With ``periods``, only those periods get rows; the others in ``results`` serve as
    previous periods for ``change_prev``. The result has a row per membership, unit,
    indicator and period: 33 million rows (more than 2 GB) for a whole national
    programme over 20 years, so place the units a period at a time, as results are
    stored: ``periods=[2024]`` with the results of 2023 and 2024. The frame comes in
    chunks (one per block of cells, as computed); ``rechunk()`` it if one chunk matters.
    """
    cube = results_cube(results, polarity, parts=False)
    members = members_of(groups, cube.units)
    cells = None if periods is None else cells_of_periods(cube, periods)
    frames = [
        _positions(block, cube, members, _summarise(cube, block, members))
        for block in sorted_blocks(cube, members, units=True, cells=cells)
    ]
    # One chunk per block: concatenating without copying saves writing gigabytes again.
    return pl.concat(frames, rechunk=False) if frames else _empty_positions(results)


# --- Statistics -------------------------------------------------------------------


def _summarise(cube: Cube, block: Block, members: Members) -> _Summary:
    """All statistics per (cell, group) of a block."""
    n = block.n
    shares = np.array([0.0, 0.25, 0.5, 0.75, 1.0])[:, None, None]
    h = np.maximum(n - 1, 0)[None] * shares
    low = np.floor(h).astype(np.int64)
    high = np.minimum(low + 1, np.maximum(n - 1, 0)[None])
    below, above = _kth(block, members, low), _kth(block, members, high)
    minimum, q1, median, q3, maximum = np.where(n > 0, below + (h - low) * (above - below), np.nan)
    mean, std = _mean_std(block, members, n, centre=median)
    higher, lower = cube.higher[block.cells, None], cube.lower[block.cells, None]
    return _Summary(
        n=n,
        mean=mean,
        std=std,
        minimum=minimum,
        q1=q1,
        median=median,
        q3=q3,
        maximum=maximum,
        best=np.where(higher, maximum, np.where(lower, minimum, np.nan)),
        worst=np.where(higher, minimum, np.where(lower, maximum, np.nan)),
    )


def _kth(block: Block, members: Members, k: Ints) -> Floats:
    """The k[…, r, g]-th smallest value of group g in the block's row r (any when n = 0)."""
    memberships = len(members.unit)
    if memberships == 0:
        return np.full(k.shape, np.nan)
    rows = np.arange(len(block.value), dtype=np.int64)[:, None]
    slot = np.minimum(members.start[None, :] + k, memberships - 1)
    found: Floats = block.value.ravel()[rows * memberships + slot]
    return found


def _mean_std(block: Block, members: Members, n: Ints, *, centre: Floats) -> tuple[Floats, Floats]:
    """Mean and sample standard deviation per (cell, group) of a block.

    Sums are taken of deviations from a member's value (the median), so that they are
    exact for equal values and accurate however far the group lies from zero or from
    other groups (two passes in effect, as a spreadsheet does).
    """
    with np.errstate(over="ignore", invalid="ignore"):  # beyond ~1e308: left out below
        deviation = block.value - centre[:, members.group]
        deviation[np.isnan(deviation)] = 0.0
        first, second = members.sums(deviation), members.sums(deviation * deviation)
        squares = np.maximum(second - ratio(first * first, n), 0.0)
        mean = centre + ratio(first, n)
        std = np.sqrt(ratio(squares, np.where(n > 1, n - 1, 0)))
    return nan_if_infinite(mean), nan_if_infinite(std)


def _aggregate(cube: Cube, members: Members) -> Floats:
    """Σ numerator / Σ denominator per (cell, group); NaN when undeclared or Σ = 0."""
    aggregate = np.full((cube.cells, len(members.names)), np.nan)
    if cube.parts is None:
        return aggregate
    matrix = members.matrix(cube.n_units, np.float64)
    parts = cube.parts
    top, bottom = parts.numerators @ matrix, parts.denominators @ matrix
    declared = parts.given @ matrix > 0
    aggregate[cube.parts.cells] = np.where(declared, ratio(top, bottom), np.nan)
    return aggregate


def _positions(block: Block, cube: Cube, members: Members, summary: _Summary) -> pl.DataFrame:
    """The unit_positions rows of one block of cells."""
    valid = ~np.isnan(block.value)
    row, slot = np.nonzero(valid)
    group = members.group[slot]
    unit = block.unit[valid]
    value = block.value[valid]
    cell = block.cells[row]
    key = row * len(members.names) + group
    n = summary.n.ravel()[key]
    rank = _ranks(value, slot - members.start[group], n, cube.higher[cell])
    # (n − rank) / (n − 1) · 100, and 100 for a group of one (whose rank is 1).
    percentile = (n - rank) * (100.0 / np.maximum(n - 1, 1)) + np.where(n == 1, 100.0, 0.0)
    previous = cube.previous[cell]
    before = cube.values.ravel()[np.maximum(previous, 0) * cube.n_units + unit]
    before[previous < 0] = np.nan
    change = value - before
    # Divisions happen once per (cell, group); the rows multiply by the reciprocals.
    per_std = ratio(np.ones(summary.std.shape), summary.std).ravel()[key]
    per_median = percent_of(summary.median).ravel()[key]
    per_best = percent_of(summary.best).ravel()[key]
    polar = pl.Series(cube.higher[cell] | cube.lower[cell])
    indicator, period = np.divmod(cell.astype(np.uint32), max(len(cube.periods), 1))
    return pl.DataFrame(
        [
            members.names.gather(group.astype(np.uint32)).alias("group"),
            cube.indicators.gather(indicator).alias("indicator"),
            cube.periods.gather(period).alias("period"),
            cube.units.gather(unit.astype(np.uint32)).alias("unit"),
            float_series("value", value),
            pl.Series("rank", rank.astype(np.int32)).zip_with(polar, _NULL_INT32),
            pl.Series("n", n.astype(np.int32)),
            float_series("percentile", percentile).zip_with(polar, _NULL_FLOAT),
            pl.Series("quartile", quartile_of(percentile)).zip_with(polar, _NULL_INT8),
            float_series("z", (value - summary.mean.ravel()[key]) * per_std),
            float_series("gap_median_pct", (value - summary.median.ravel()[key]) * per_median),
            float_series("gap_best_pct", (value - summary.best.ravel()[key]) * per_best),
            float_series("change_prev", change),
            float_series("change_prev_pct", change * percent_of(before)),
        ]
    )


def _ranks(value: Floats, within: Ints, n: Ints, higher: Bools) -> Ints:
    """The "min" rank of each row (1 = best): ties share the best rank of their run.

    Rows come sorted by value within each (cell, group) and ``within`` is the place in
    that order, so a tie is a run of equal values: a higher-better rank counts the rows
    after the run's end, a lower-better (or neutral) one the rows before its start.
    """
    rows = len(value)
    if rows == 0:
        return np.zeros(0, dtype=np.int64)
    index = np.arange(rows, dtype=np.int64)
    starts = np.ones(rows, dtype=np.bool_)
    starts[1:] = (value[1:] != value[:-1]) | (within[1:] == 0)
    ends = np.ones(rows, dtype=np.bool_)
    ends[:-1] = starts[1:]
    first = np.maximum.accumulate(np.where(starts, index, 0))
    last = np.minimum.accumulate(np.where(ends, index, rows)[::-1])[::-1]
    return np.where(higher, n - within - (last - index), within - (index - first) + 1)


# --- Frames -----------------------------------------------------------------------


def _keys(key: Ints, cube: Cube, members: Members) -> pl.DataFrame:
    """``group``, ``indicator`` and ``period`` of (cell, group) grid positions."""
    groups, periods = max(len(members.names), 1), max(len(cube.periods), 1)
    cell = key // groups
    return pl.DataFrame(
        [
            members.names.gather(key % groups).alias("group"),
            cube.indicators.gather(cell // periods).alias("indicator"),
            cube.periods.gather(cell % periods).alias("period"),
        ]
    )


def _empty_positions(results: pl.DataFrame) -> pl.DataFrame:
    """unit_positions' frame without rows."""
    kinds: dict[str, pl.DataType] = {"rank": pl.Int32(), "n": pl.Int32(), "quartile": pl.Int8()}
    kinds |= {"group": pl.String(), "indicator": pl.String(), "unit": pl.String()}
    kinds |= {"period": results.schema["period"]}
    return pl.DataFrame(
        schema={name: kinds.get(name, pl.Float64()) for name in UNIT_POSITIONS_COLUMNS}
    )
