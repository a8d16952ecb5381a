"""Results and groups laid out as arrays: one row per (indicator, period) cell, one
column per unit, and the memberships of the groups sorted by group."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from benchlearn.engine.catalogue import Polarity
from benchlearn.engine.stats.common import Bools, Floats, Indices, Ints

# Periods are laid out as a dense range (period − 1 is the previous row) unless they
# spread wider than this.
_DENSE_PERIODS = 200
# A column whose runs of equal strings average this many rows is looked up by run.
_RUN_LENGTH = 8


@dataclass(frozen=True)
class Cube:
    """Results as dense arrays: row = (indicator, period) cell, column = unit.

    Cell ``c`` is indicator ``c // len(periods)`` and period ``c % len(periods)``.
    """

    units: pl.Series
    indicators: pl.Series
    periods: pl.Series
    values: Floats  # (cells, units), NaN where missing
    parts: Parts | None  # numerators and denominators, when asked for
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
class Parts:
    """Numerators and denominators of the cells ``cells`` whose units have value,
    numerator and denominator (0 elsewhere, and ``given`` False): all a ratio-of-sums
    aggregate needs."""

    cells: Ints
    numerators: Floats  # (len(cells), units)
    denominators: Floats
    given: npt.NDArray[np.float64]  # 1.0 where the unit has both parts, else 0.0


@dataclass(frozen=True)
class Members:
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


def cells_of_periods(cube: Cube, periods: Iterable[int]) -> Ints:
    """The cube's cells of the given periods (periods not in the results have none)."""
    laid_out = cube.periods.cast(pl.Int64).to_numpy()
    index = np.flatnonzero(np.isin(laid_out, np.fromiter(periods, dtype=np.int64)))
    cells: Ints = (np.arange(len(cube.indicators))[:, None] * len(laid_out) + index).ravel()
    return cells


def results_cube(results: pl.DataFrame, polarity: Mapping[str, Polarity], *, parts: bool) -> Cube:
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
    return Cube(
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


def _parts(results: pl.DataFrame, flat: Ints, value: Floats, shape: tuple[int, int]) -> Parts:
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
    return Parts(
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


def members_of(groups: pl.DataFrame, units: pl.Series) -> Members:
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
    return Members(
        names=names,
        unit=located["unit"].to_numpy().astype(np.int64),
        group=group,
        start=np.cumsum(width) - width,
        width=width,
    )
