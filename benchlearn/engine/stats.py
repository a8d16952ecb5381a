"""Statistics over comparison groups, and where each unit stands in its groups.

Two functions, frames in and frames out:

- :func:`group_stats` — one row per (group, indicator, period): n, mean, aggregate,
  quartiles, min/max, standard deviation, best and worst;
- :func:`unit_positions` — one row per (group, indicator, period, unit): rank,
  percentile, quartile, z-score, gaps to the median and to the best, change since the
  previous period.

Definitions, chosen so that an operator can reproduce every figure in Excel:

- **Missing values.** Null, NaN and infinite values count as missing: they are left
  out of ``n`` and of every statistic. A unit without a value gets no position. A
  figure that overflows a float (beyond about 10³⁰⁸) is null too: results never hold
  infinities.
- **Quartiles** (``q1``, ``median``, ``q3``) are Excel's ``QUARTILE.INC`` (the same as
  ``PERCENTILE.INC``, ``MEDIAN``, ``numpy.quantile`` and Polars'
  ``quantile(interpolation="linear")``): sort the n values x₀ ≤ … ≤ xₙ₋₁, take the
  position h = (n − 1)·p (p = 0.25, 0.5, 0.75) and interpolate linearly between the
  neighbouring values: x⌊h⌋ + (h − ⌊h⌋)·(x⌊h⌋₊₁ − x⌊h⌋). For {1, 2, 3, 4}: q1 = 1.75,
  q3 = 3.25; for a single value all three are that value.
- **Standard deviation** is the sample one (``STDEV.S``, n − 1 in the denominator),
  null when n < 2.
- **Aggregate** is the ratio of sums, Σ numerator / Σ denominator, over the units whose
  value, numerator and denominator are all present: the group taken as one big unit,
  which differs from the mean of the units' ratios. Null when the indicator declares
  no numerator and denominator or when the denominators sum to 0.
- **Best and worst** follow polarity: for higher-better indicators best = max and
  worst = min, for lower-better the reverse; for neutral ones both are null.
- **Rank**: 1 = best; tied units share the best rank of their tie ("min" ranking,
  Excel's ``RANK.EQ``: values 10, 10, 8 rank 1, 1, 3 when higher is better). Null for
  neutral indicators.
- **Percentile** = (n − rank) / (n − 1) · 100, and 100 in a group of one: the share of
  the *other* units in the group that this unit is better than or tied with (the best
  unit scores 100, the worst 0). For a higher-better indicator without ties it is
  Excel's ``PERCENTRANK.INC`` · 100; for lower-better it is counted from the other end.
  Null for neutral indicators.
- **Quartile** (1–4, 1 = the best quarter) = 4 − ⌊percentile / 25⌋, at least 1:
  1 for percentile ≥ 75, 2 for ≥ 50, 3 for ≥ 25, 4 below. This agrees with the box
  plot drawn from :func:`group_stats`: for a higher-better indicator quartile 1 ⇔
  value ≥ q3, 2 ⇔ median ≤ value < q3, 3 ⇔ q1 ≤ value < median, 4 ⇔ value < q1
  (mirrored for lower-better: 1 ⇔ value ≤ q1, …, 4 ⇔ value > q3). Null for neutral
  indicators.
- **z** = (value − mean) / std, null when std is null or 0.
- **Gaps** ``gap_median_pct`` and ``gap_best_pct`` = (value − reference) / |reference|
  · 100, with the sign as computed, *not* turned by polarity: +10 means "10 % above the
  median". So for a lower-better indicator (a cost) a negative gap is good; the gap to
  the best is ≤ 0 for higher-better and ≥ 0 for lower-better indicators, and null for
  neutral ones. Null when the reference is 0 or null.
- **Change** ``change_prev`` = value − the same unit's value of the indicator in period
  − 1 (null when that value is missing), and ``change_prev_pct`` = change / |previous
  value| · 100 (null when the previous value is 0). Same sign convention as the gaps.

How it is computed: the results are laid out as a dense NumPy array, one row per
(indicator, period) and one column per unit, which is what results look like (nearly
every unit has nearly every indicator). Each row is sorted once; the members of every
group are then ordered by their place in that sort with one more row-wise sort of
small integers, so every group's values come out sorted, and quantiles, ranks and ties
are index arithmetic. Means and variances are sums of deviations from the group's
median, exact for equal values and accurate for groups far from zero or from the
others. The aggregate is a matrix product with the (unit × group) membership matrix.
Nothing loops over units or groups in Python; rows are processed a few dozen cells at a
time only so that the work stays in the CPU cache. (Polars' own per-group sorts, ranks
and quantiles took 5–10 s on the ≈ 33 million group-unit rows of a national programme
on the reference machine; see ``bench/bench_stats.py`` for this code's figures.)

Codes (unit, indicator, group) are compared as strings, and come back as strings;
``period`` keeps its integer type.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from benchlearn.engine.catalogue import Polarity

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Indices = npt.NDArray[np.integer[Any]]

GROUP_STATS_COLUMNS = (
    "group",
    "indicator",
    "period",
    "n",
    "mean",
    "aggregate",
    "median",
    "q1",
    "q3",
    "min",
    "max",
    "std",
    "best",
    "worst",
)
UNIT_POSITIONS_COLUMNS = (
    "group",
    "indicator",
    "period",
    "unit",
    "value",
    "rank",
    "n",
    "percentile",
    "quartile",
    "z",
    "gap_median_pct",
    "gap_best_pct",
    "change_prev",
    "change_prev_pct",
)

# Periods are laid out as a dense range (period − 1 is the previous row) unless they
# spread wider than this.
_DENSE_PERIODS = 200
# A column whose runs of equal strings average this many rows is looked up by run.
_RUN_LENGTH = 8
# Nulls to put in place of neutral indicators' ranks, percentiles and quartiles.
_NULL_INT32 = pl.Series([None], dtype=pl.Int32)
_NULL_FLOAT = pl.Series([None], dtype=pl.Float64)
_NULL_INT8 = pl.Series([None], dtype=pl.Int8)
# A block of cells holds about this many (cell, unit) or (cell, membership) entries,
# so that its arrays stay in the CPU cache.
_BLOCK_ENTRIES = 1 << 17


@dataclass(frozen=True)
class _Cube:
    """Results as dense arrays: row = (indicator, period) cell, column = unit.

    Cell ``c`` is indicator ``c // len(periods)`` and period ``c % len(periods)``.
    """

    units: pl.Series
    indicators: pl.Series
    periods: pl.Series
    values: Floats  # (cells, units), NaN where missing
    parts: _Parts | None  # numerators and denominators, when asked for
    present: Bools  # (cells,): the indicator and period appear together in results
    higher: Bools  # (cells,): higher-better indicator
    lower: Bools  # (cells,): lower-better indicator
    previous: Ints  # (cells,): the same indicator's cell in period − 1, or −1

    @property
    def cells(self) -> int:
        return int(self.values.shape[0])

    @property
    def n_units(self) -> int:
        return int(self.values.shape[1])


@dataclass(frozen=True)
class _Parts:
    """Numerators and denominators of the cells ``cells`` whose units have value,
    numerator and denominator (0 elsewhere, and ``given`` False): all a ratio-of-sums
    aggregate needs."""

    cells: Ints
    numerators: Floats  # (len(cells), units)
    denominators: Floats
    given: npt.NDArray[np.float64]  # 1.0 where the unit has both parts, else 0.0


@dataclass(frozen=True)
class _Members:
    """Memberships sorted by group: group g's are ``start[g]:start[g] + width[g]``."""

    names: pl.Series  # groups with at least one member, sorted
    unit: Ints  # (memberships,): the unit's column in the cube
    group: Ints  # (memberships,)
    start: Ints  # (groups,)
    width: Ints  # (groups,)

    def matrix(self, units: int, dtype: type[np.floating[Any]]) -> npt.NDArray[Any]:
        """The (unit × group) membership matrix: 1 where the unit is in the group."""
        matrix = np.zeros((units, len(self.names)), dtype=dtype)
        matrix[self.unit, self.group] = 1.0
        return matrix

    def sums(self, slots: npt.NDArray[Any]) -> Floats:
        """Per row, the sum of each group's columns of ``slots`` (rows × memberships)."""
        sums = np.zeros((len(slots), len(self.names)))
        filled = np.flatnonzero(self.width > 0)
        if len(filled):
            sums[:, filled] = np.add.reduceat(slots, self.start[filled], axis=1)
        return sums


@dataclass(frozen=True)
class _Block:
    """Some cells of the cube, every group's values sorted.

    Row r is cell ``cells[r]`` and column m is membership m: ``value[r, start[g]:…]``
    are group g's values in increasing order, missing ones (NaN) last, and ``unit``
    says whose they are; ``n[r, g]`` counts the values.
    """

    cells: Ints
    value: Floats
    unit: Ints
    n: Ints


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
    cube = _cube(results, polarity, parts=True)
    members = _members(groups, cube.units)
    summary = _Summary.empty((cube.cells, len(members.names)))
    for block in _blocks(cube, members, units=False):
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
        *(_floats(name, array.ravel()[keep]) for name, array in columns.items()),
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
    cube = _cube(results, polarity, parts=False)
    members = _members(groups, cube.units)
    cells = None if periods is None else _cells_of_periods(cube, periods)
    frames = [
        _positions(block, cube, members, _summarise(cube, block, members))
        for block in _blocks(cube, members, units=True, cells=cells)
    ]
    # One chunk per block: concatenating without copying saves writing gigabytes again.
    return pl.concat(frames, rechunk=False) if frames else _empty_positions(results)


# --- Layout: results and groups as arrays ------------------------------------------


def _cells_of_periods(cube: _Cube, periods: Iterable[int]) -> Ints:
    """The cube's cells of the given periods (periods not in the results have none)."""
    laid_out = cube.periods.cast(pl.Int64).to_numpy()
    index = np.flatnonzero(np.isin(laid_out, np.fromiter(periods, dtype=np.int64)))
    cells: Ints = (np.arange(len(cube.indicators))[:, None] * len(laid_out) + index).ravel()
    return cells


def _cube(results: pl.DataFrame, polarity: Mapping[str, Polarity], *, parts: bool) -> _Cube:
    """Lay the results out as one row per (indicator, period) and one column per unit.

    With ``parts``, numerators and denominators too, when ``results`` has them.
    """
    _require(results, ("unit", "period", "indicator", "value"), "results")
    if not results.schema["period"].is_integer():
        raise ValueError(f"results.period must hold whole numbers, not {results['period'].dtype}")
    if any(results.select(pl.col("unit", "indicator", "period").null_count()).row(0)):
        raise ValueError("results have rows without a unit, indicator or period")
    units, unit = _encode(results["unit"])
    indicators, indicator = _encode(results["indicator"])
    periods, period = _periods(results["period"])
    shape = (len(indicators) * len(periods), len(units))
    flat = indicator.astype(np.int64)  # one array of positions, built in place
    flat *= len(periods)
    flat += period
    present = np.bincount(flat, minlength=shape[0]) > 0
    flat *= shape[1]
    flat += unit
    value = _finite(results["value"])
    values = _scatter(shape, flat, value)
    if np.count_nonzero(~np.isnan(values)) != np.count_nonzero(~np.isnan(value)):
        raise ValueError("results have two values for one (unit, indicator, period)")
    with_parts = parts and {"numerator", "denominator"} <= set(results.columns)
    kinds = [Polarity(polarity.get(code, Polarity.NEUTRAL)) for code in indicators]
    return _Cube(
        units=units,
        indicators=indicators,
        periods=periods,
        values=values,
        parts=_parts(results, flat, value, shape) if with_parts else None,
        present=present,
        higher=np.repeat(
            np.array([k == Polarity.HIGHER_BETTER for k in kinds], bool), len(periods)
        ),
        lower=np.repeat(np.array([k == Polarity.LOWER_BETTER for k in kinds], bool), len(periods)),
        previous=_previous_cells(periods, len(indicators)),
    )


def _parts(results: pl.DataFrame, flat: Ints, value: Floats, shape: tuple[int, int]) -> _Parts:
    """Numerators and denominators laid out like the values, for the cells that have any."""
    # Most indicators declare no parts: narrow down to the rows that have both first.
    given = results.select(
        pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null()
    ).to_series()
    rows = given.arg_true().to_numpy()
    numerator = _finite(results["numerator"].gather(rows))
    denominator = _finite(results["denominator"].gather(rows))
    keep = ~(np.isnan(value[rows]) | np.isnan(numerator) | np.isnan(denominator))
    usable, numerator, denominator = rows[keep], numerator[keep], denominator[keep]
    cell, unit = np.divmod(flat[usable], shape[1])
    cells = np.flatnonzero(np.bincount(cell, minlength=shape[0]))
    row = np.cumsum(np.bincount(cells, minlength=shape[0])) - 1
    compact, at = (len(cells), shape[1]), row[cell] * shape[1] + unit
    return _Parts(
        cells=cells,
        numerators=_scatter(compact, at, numerator, fill=0.0),
        denominators=_scatter(compact, at, denominator, fill=0.0),
        given=_scatter(compact, at, np.ones(len(at)), fill=0.0),
    )


def _require(frame: pl.DataFrame, columns: tuple[str, ...], name: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks the column(s) {', '.join(missing)}")


def _encode(column: pl.Series) -> tuple[pl.Series, Indices]:
    """The distinct strings of ``column``, sorted, and each row's index among them.

    Looking strings up is the slow part, so the usual shapes of results are looked up
    cheaply: runs of one unit (rows sorted by unit) by their first row, and a sequence
    of indicators repeated for every unit and period (as ``evaluate`` returns them) by
    one repetition.
    """
    if isinstance(column.dtype, pl.Categorical):
        return _encode_categories(column)
    strings = column.cast(pl.String)
    sample = strings.head(1 << 16)
    if sample.ne_missing(sample.shift(1)).sum() * _RUN_LENGTH < len(sample):
        runs = strings.rle()
        heads = runs.struct.field("value")
        distinct = heads.unique().sort()
        return distinct, np.repeat(_indices(heads, distinct), runs.struct.field("len").to_numpy())
    cycle = _cycle(strings, sample)
    if cycle:
        distinct = strings.head(cycle).unique().sort()
        return distinct, np.tile(_indices(strings.head(cycle), distinct), len(strings) // cycle)
    distinct = strings.unique().sort()
    return distinct, _indices(strings, distinct)


def _encode_categories(column: pl.Series) -> tuple[pl.Series, Indices]:
    """``_encode`` of a categorical column (as ``evaluate`` returns large programmes):
    through the physical codes, without turning a row into a string. Rows sorted by the
    column (runs of one code, as units and indicators come from ``evaluate``) are looked
    up a run at a time."""
    physical = column.to_physical().to_numpy()
    starts = np.flatnonzero(physical[1:] != physical[:-1]) + 1
    runs = len(starts) * _RUN_LENGTH < len(physical)
    if runs:
        starts = np.concatenate([np.zeros(1, dtype=np.int64), starts])
        heads = physical[starts]
        used = np.unique(heads)
    else:
        used = np.flatnonzero(np.bincount(physical))
    strings = column.dtype.categories.to_series()  # type: ignore[attr-defined]
    strings = strings.gather(used).cast(pl.String)
    order = strings.arg_sort().to_numpy()
    rank = np.zeros(len(used), dtype=np.uint32)
    rank[order] = np.arange(len(used), dtype=np.uint32)
    table = np.zeros(int(used.max()) + 1 if len(used) else 0, dtype=np.uint32)
    table[used] = rank
    if runs:
        lengths = np.diff(np.append(starts, len(physical)))
        return strings.gather(order), np.repeat(table[heads], lengths)
    return strings.gather(order), np.take(table, physical)


def _cycle(strings: pl.Series, sample: pl.Series) -> int:
    """The length of the sequence that ``strings`` repeats from start to end, or 0."""
    if len(sample) < 2 or sample[0] is None:
        return 0
    again = sample.slice(1).eq_missing(sample[0]).arg_true()
    cycle = int(again[0]) + 1 if len(again) else 0
    if cycle == 0 or len(strings) % cycle:
        return 0
    later, earlier = strings.slice(cycle), strings.head(len(strings) - cycle)
    return cycle if bool(later.eq_missing(earlier).all()) else 0


def _indices(strings: pl.Series, distinct: pl.Series) -> Indices:
    """Each string's index in ``distinct``, in the smallest unsigned integer type."""
    indices: Indices = strings.cast(pl.Enum(distinct)).to_physical().to_numpy()
    return indices


def _periods(column: pl.Series) -> tuple[pl.Series, Indices]:
    """The periods laid out (a dense range when possible) and each row's index in them."""
    years = column.cast(pl.Int64).to_numpy()
    if len(years) == 0:
        return column.clear(), np.zeros(0, dtype=np.int32)
    low, high = int(years.min()), int(years.max())
    index: Indices
    if high - low < _DENSE_PERIODS:
        laid_out = np.arange(low, high + 1)
        index = np.subtract(years, low, dtype=np.int32, casting="unsafe")
    else:
        laid_out = np.unique(column.unique().cast(pl.Int64).to_numpy())
        index = np.searchsorted(laid_out, years)
    return pl.Series(column.name, laid_out).cast(column.dtype), index


def _previous_cells(periods: pl.Series, indicators: int) -> Ints:
    """Per cell, the cell of the same indicator in period − 1, or −1 if there is none."""
    years = periods.cast(pl.Int64).to_numpy()
    earlier = np.searchsorted(years, years - 1)
    found = earlier < len(years)
    found[found] = years[earlier[found]] == years[found] - 1
    offsets = np.arange(indicators, dtype=np.int64)[:, None] * len(years)
    return np.where(found[None, :], offsets + earlier[None, :], -1).ravel().astype(np.int64)


def _finite(column: pl.Series) -> Floats:
    """The column as float64 with NaN for null, NaN and infinite values."""
    values: Floats = column.cast(pl.Float64).fill_null(np.nan).to_numpy()
    infinite = np.isinf(values)
    if infinite.any():
        values = np.where(infinite, np.nan, values)
    return values


def _scatter(shape: tuple[int, int], flat: Ints, values: Floats, *, fill: float = np.nan) -> Floats:
    """An array of ``shape`` filled with ``fill`` (NaN) but for ``values`` at ``flat``."""
    out = np.zeros(shape[0] * shape[1]) if fill == 0.0 else np.full(shape[0] * shape[1], fill)
    out[flat] = values
    return out.reshape(shape)


def _members(groups: pl.DataFrame, units: pl.Series) -> _Members:
    """Group membership against the cube's units; members without results drop out."""
    _require(groups, ("group", "unit"), "groups")
    pairs = groups.select(pl.col("group", "unit").cast(pl.String)).drop_nulls().unique()
    names = pairs["group"].unique().sort()
    located = pairs.select(
        pl.col("group").cast(pl.Enum(names)).to_physical().cast(pl.Int64),
        pl.col("unit").replace_strict(
            units, np.arange(len(units)), default=-1, return_dtype=pl.Int64
        ),
    )
    located = located.filter(pl.col("unit") >= 0).sort("group", "unit")
    group = located["group"].to_numpy().astype(np.int64)
    width = np.bincount(group, minlength=len(names)).astype(np.int64)
    return _Members(
        names=names,
        unit=located["unit"].to_numpy().astype(np.int64),
        group=group,
        start=np.cumsum(width) - width,
        width=width,
    )


# --- Statistics -------------------------------------------------------------------


def _blocks(
    cube: _Cube, members: _Members, *, units: bool, cells: Ints | None = None
) -> Iterator[_Block]:
    """The cube's cells (or ``cells``) a few at a time, with every group's values sorted
    (and whose they are, with ``units``; else ``unit`` is empty).

    Each membership gets one 64-bit sort key: its group in the top bits, then the top
    bits of its value in an order-preserving integer form (missing values last), then
    its place in the group. One row-wise sort of these integers puts every group's
    values in order at once, and the place bits say whose each one is. Values that
    differ only below the kept bits (a relative difference under about 10⁻¹⁰) may come
    out in the wrong order; the few rows where that happened are sorted again exactly.
    """
    keys = _SortKeys.of(members)
    memberships = len(members.unit)
    membership = members.matrix(cube.n_units, np.float32)
    step = max(1, _BLOCK_ENTRIES // max(memberships, 1))
    for first in range(0, cube.cells if cells is None else len(cells), step):
        if cells is None:
            chosen = np.arange(first, min(first + step, cube.cells))
            rows = cube.values[first : first + step]
        else:
            chosen = cells[first : first + step]
            rows = cube.values[chosen]
        # How many members have a value: exact in float32 below 2²⁴ members.
        counts = np.rint((~np.isnan(rows)).astype(np.float32) @ membership).astype(np.int64)
        value = rows[:, members.unit]
        order = keys.order(value)
        value = value.ravel()[order + keys.row_offsets(len(value))]
        for row in np.flatnonzero(_unsorted(value, keys.same_group)):
            exact = np.lexsort((value[row], members.group))
            order[row], value[row] = order[row, exact], value[row, exact]
        unit = members.unit[order] if units else np.zeros((0, 0), dtype=np.int64)
        yield _Block(chosen, value, unit, counts)


@dataclass(frozen=True)
class _SortKeys:
    """The constant parts of the memberships' sort keys (see :func:`_blocks`)."""

    fixed: npt.NDArray[np.uint64]  # (memberships,): group bits | place bits
    value_shift: np.uint64  # low bits of a value's key dropped
    place_bits: np.uint64
    place_mask: np.uint64
    start: Ints  # (memberships,): the first membership of the group at each position
    same_group: Bools  # (memberships − 1,): positions m and m + 1 hold the same group

    @classmethod
    def of(cls, members: _Members) -> _SortKeys:
        group_bits = int(max(len(members.names) - 1, 0)).bit_length()
        place_bits = int(max(int(members.width.max(initial=1)) - 1, 0)).bit_length()
        if group_bits + place_bits > 40:
            raise ValueError("too many groups or members to compute at once")
        place = np.arange(len(members.unit), dtype=np.int64) - members.start[members.group]
        fixed = place.astype(np.uint64)
        if group_bits:
            fixed |= members.group.astype(np.uint64) << np.uint64(64 - group_bits)
        return cls(
            fixed=fixed,
            value_shift=np.uint64(group_bits + place_bits),
            place_bits=np.uint64(place_bits),
            place_mask=np.uint64((1 << place_bits) - 1),
            start=members.start[members.group],
            same_group=members.group[1:] == members.group[:-1],
        )

    def row_offsets(self, rows: int) -> Ints:
        """Where each of ``rows`` rows of memberships starts in a flattened block."""
        return np.arange(rows, dtype=np.int64)[:, None] * len(self.fixed)

    def order(self, value: Floats) -> Ints:
        """Per row, the memberships in order of group, then value (missing last)."""
        key = value.view(np.uint64).copy()
        # Order-preserving: flip every bit of negative numbers, only the sign of others.
        flip = key >> np.uint64(63)
        np.negative(flip, out=flip)
        flip |= np.uint64(1 << 63)
        key ^= flip
        key[np.isnan(value)] = np.uint64(0xFFFF_FFFF_FFFF_FFFF)
        key >>= self.value_shift
        key <<= self.place_bits
        key |= self.fixed
        key.sort(axis=1)
        key &= self.place_mask
        order = key.view(np.int64)
        order += self.start
        return order


def _unsorted(value: Floats, same_group: Bools) -> Bools:
    """Rows where some group's values are out of order (NaN compares as in order)."""
    unsorted: Bools = np.any((value[:, 1:] < value[:, :-1]) & same_group, axis=1)
    return unsorted


def _summarise(cube: _Cube, block: _Block, members: _Members) -> _Summary:
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


def _kth(block: _Block, members: _Members, k: Ints) -> Floats:
    """The k[…, r, g]-th smallest value of group g in the block's row r (any when n = 0)."""
    memberships = len(members.unit)
    if memberships == 0:
        return np.full(k.shape, np.nan)
    rows = np.arange(len(block.value), dtype=np.int64)[:, None]
    slot = np.minimum(members.start[None, :] + k, memberships - 1)
    found: Floats = block.value.ravel()[rows * memberships + slot]
    return found


def _mean_std(
    block: _Block, members: _Members, n: Ints, *, centre: Floats
) -> tuple[Floats, Floats]:
    """Mean and sample standard deviation per (cell, group) of a block.

    Sums are taken of deviations from a member's value (the median), so that they are
    exact for equal values and accurate however far the group lies from zero or from
    other groups (two passes in effect, as a spreadsheet does).
    """
    with np.errstate(over="ignore", invalid="ignore"):  # beyond ~1e308: left out below
        deviation = block.value - centre[:, members.group]
        deviation[np.isnan(deviation)] = 0.0
        first, second = members.sums(deviation), members.sums(deviation * deviation)
        squares = np.maximum(second - _ratio(first * first, n), 0.0)
        mean = centre + _ratio(first, n)
        std = np.sqrt(_ratio(squares, np.where(n > 1, n - 1, 0)))
    return _nan_if_infinite(mean), _nan_if_infinite(std)


def _nan_if_infinite(values: Floats) -> Floats:
    """``values`` with NaN (shown as null) where they overflowed to ±inf."""
    infinite = np.isinf(values)
    if infinite.any():
        values[infinite] = np.nan
    return values


def _aggregate(cube: _Cube, members: _Members) -> Floats:
    """Σ numerator / Σ denominator per (cell, group); NaN when undeclared or Σ = 0."""
    aggregate = np.full((cube.cells, len(members.names)), np.nan)
    if cube.parts is None:
        return aggregate
    matrix = members.matrix(cube.n_units, np.float64)
    parts = cube.parts
    top, bottom = parts.numerators @ matrix, parts.denominators @ matrix
    declared = parts.given @ matrix > 0
    aggregate[cube.parts.cells] = np.where(declared, _ratio(top, bottom), np.nan)
    return aggregate


def _positions(block: _Block, cube: _Cube, members: _Members, summary: _Summary) -> pl.DataFrame:
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
    per_std = _ratio(np.ones(summary.std.shape), summary.std).ravel()[key]
    per_median = _percent_of(summary.median).ravel()[key]
    per_best = _percent_of(summary.best).ravel()[key]
    polar = pl.Series(cube.higher[cell] | cube.lower[cell])
    indicator, period = np.divmod(cell.astype(np.uint32), max(len(cube.periods), 1))
    return pl.DataFrame(
        [
            members.names.gather(group.astype(np.uint32)).alias("group"),
            cube.indicators.gather(indicator).alias("indicator"),
            cube.periods.gather(period).alias("period"),
            cube.units.gather(unit.astype(np.uint32)).alias("unit"),
            _floats("value", value),
            pl.Series("rank", rank.astype(np.int32)).zip_with(polar, _NULL_INT32),
            pl.Series("n", n.astype(np.int32)),
            _floats("percentile", percentile).zip_with(polar, _NULL_FLOAT),
            pl.Series("quartile", _quartile(percentile)).zip_with(polar, _NULL_INT8),
            _floats("z", (value - summary.mean.ravel()[key]) * per_std),
            _floats("gap_median_pct", (value - summary.median.ravel()[key]) * per_median),
            _floats("gap_best_pct", (value - summary.best.ravel()[key]) * per_best),
            _floats("change_prev", change),
            _floats("change_prev_pct", change * _percent_of(before)),
        ]
    )


def _quartile(percentile: Floats) -> npt.NDArray[np.int8]:
    """4 − ⌊percentile / 25⌋, at least 1: 1 is the best quarter."""
    quartile: npt.NDArray[np.int8] = np.clip(4 - np.floor(percentile / 25.0), 1, 4).astype(np.int8)
    return quartile


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


def _percent_of(reference: Floats) -> Floats:
    """100 / |reference|, NaN where the reference is 0 or NaN: gaps in % of it."""
    return _ratio(np.full(reference.shape, 100.0), np.abs(reference))


def _ratio(top: Floats, bottom: Floats | Ints) -> Floats:
    """top / bottom, NaN where bottom is 0 or NaN."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out: Floats = np.true_divide(top, bottom)
    out[bottom == 0] = np.nan
    return out


# --- Frames -----------------------------------------------------------------------


def _floats(name: str, values: Floats) -> pl.Series:
    """A Float64 series with null where the array has NaN or (after an overflow) ±inf."""
    return pl.Series(name, _nan_if_infinite(values), dtype=pl.Float64).fill_nan(None)


def _keys(key: Ints, cube: _Cube, members: _Members) -> pl.DataFrame:
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


# --- One unit against stored statistics ----------------------------------------------


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


def position_in_group(
    value: float,
    values: Floats,
    polarity: Polarity | str,
    *,
    mean: float | None,
    std: float | None,
    median: float | None,
    best: float | None,
) -> Position:
    """The position of ``value`` among ``values`` (the group's values sorted in
    increasing order, ``value`` among them), with the definitions of the module
    docstring: the same figures as :func:`unit_positions` gives for that unit."""
    n = len(values)
    polarity = Polarity(polarity)

    def gap(reference: float | None) -> float | None:
        if reference is None or reference == 0 or math.isnan(reference):
            return None
        return _finite_or_none((value - reference) * (100.0 / abs(reference)))

    z = None
    if mean is not None and std is not None and std != 0 and not math.isnan(std):
        z = _finite_or_none((value - mean) * (1.0 / std))
    if polarity == Polarity.NEUTRAL or n == 0:
        return Position(None, n, None, None, z, gap(median), None)
    rank = int(ranks_in_group(np.array([value]), values, polarity)[0])
    percentile = 100.0 if n == 1 else (n - rank) * (100.0 / (n - 1))
    quartile = int(_quartile(np.array([percentile]))[0])
    return Position(rank, n, percentile, quartile, z, gap(median), gap(best))


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
            found["aggregate"] = _finite_or_none(
                _ratio(top[usable].sum(keepdims=True), bottom[usable].sum(keepdims=True))[0]
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
    found |= {name: _finite_or_none(float(figure)) for name, figure in figures.items()}
    return found


def ranks_in_group(values: Floats, group: Floats, polarity: Polarity | str) -> Ints:
    """The rank of each of ``values`` among ``group`` (the group's values sorted in
    increasing order, each of ``values`` among them): 1 = best, ties share the best
    rank (as :func:`unit_positions`). For neutral indicators, the place from the
    highest, with the same tie rule (they have no rank; this orders them for lists)."""
    if Polarity(polarity) == Polarity.LOWER_BETTER:
        return np.searchsorted(group, values, side="left").astype(np.int64) + 1
    return len(group) - np.searchsorted(group, values, side="right").astype(np.int64) + 1


def _finite_or_none(number: float) -> float | None:
    return number if math.isfinite(number) else None
