"""Values in: long rows scattered into a dense (code × unit × period) grid, codes found
by hashing."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

VALUE_COLUMNS = ("unit", "period", "variable", "value")
MAX_PERIODS = 1000  # a wider span is a typo (a period of 20225), not twenty years
_SENTINEL = np.uint64(0x7FF8_DEAD_BEEF_0001)  # a NaN that marks "no value was written"
_SLICE_ROWS = 1 << 20  # rows mapped at a time, to bound temporary memory


def _usable_cpus() -> int:
    """The CPUs this process may run on: a container or `taskset` may allow fewer than
    the machine has."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


_THREADS = min(4, _usable_cpus())

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Grid:
    """Every unit (sorted) × every period from the first to the last, unit-major."""

    units: pl.Series
    first: int
    periods: int
    period_dtype: pl.DataType
    # Codes in the result have the type they had in the values: text, or Categorical
    # for large programmes (4 bytes a row instead of 16).
    code_dtype: pl.DataType

    @property
    def size(self) -> int:
        return len(self.units) * self.periods


def grid_of(values: pl.DataFrame) -> Grid:
    check_columns(values, VALUE_COLUMNS, "values")
    period = values["period"]
    if not period.dtype.is_integer():
        raise ValueError(f"values.period must hold whole numbers, not {period.dtype}")
    value = values["value"].dtype
    if not (value.is_numeric() or value == pl.Null):
        raise ValueError(f"values.value must hold numbers, not {value}")
    if any(values.select(pl.col("unit", "period").null_count()).row(0)):
        raise ValueError("values has rows without a unit or a period")
    if values.height == 0:
        return Grid(pl.Series("unit", [], pl.String), 0, 0, period.dtype, pl.String())
    low, high = int(period.min()), int(period.max())  # type: ignore[arg-type]
    if high - low >= MAX_PERIODS:
        raise ValueError(f"periods run from {low} to {high}: expected consecutive periods")
    if _categorical(values["unit"]):  # distinct codes first: cheap on categories
        units = values["unit"].unique().drop_nulls().cast(pl.String).sort()
        return Grid(units, low, high - low + 1, period.dtype, pl.Categorical())
    unit = pl.col("unit").cast(pl.String)
    if _grouped(values["unit"]):  # sorted by unit, as usual: the first row of each run will do
        unit = unit.filter(unit.ne_missing(unit.shift(1)))
    units = values.lazy().select(unit.unique().sort()).collect().to_series()
    return Grid(units, low, high - low + 1, period.dtype, pl.String())


def check_columns(frame: pl.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks the column(s) {', '.join(missing)}")


def _categorical(column: pl.Series) -> bool:
    return isinstance(column.dtype, pl.Categorical | pl.Enum)


def _strings(column: pl.Series) -> pl.Series:
    return column if column.dtype == pl.String else column.cast(pl.String)


def _grouped(column: pl.Series) -> bool:
    sample = _strings(column.head(4096))
    return bool(sample.ne_missing(sample.shift(1)).sum() * 8 < max(len(sample), 1))


class _Lookup:
    """Strings to their index in ``codes`` (len(codes) for any other string), by hashing.

    Every code gets its own slot among the low bits of its hash. With ``verify`` a
    row's full 64-bit hash must equal its slot's code's, so that a string outside
    ``codes`` is not taken for one of them; without it, every string must be a code.
    """

    def __init__(self, codes: pl.Series, *, verify: bool) -> None:
        self.codes = codes
        self.verify = verify
        self.seed = -1
        # About a thousand slots per code, so that a seed without collisions turns up
        # quickly (for 3,000 codes a third of seeds will do); at most 4 M slots (32 MB).
        bits = min(22, max(12, math.ceil(math.log2(len(codes) + 1)) + 10))
        self.mask = np.uint64((1 << bits) - 1)
        for seed in range(64):
            hashes = codes.hash(seed).to_numpy()
            slots = (hashes & self.mask).astype(np.int64)
            if len(np.unique(slots)) == len(codes):
                self.seed = seed
                self.slots = np.full(1 << bits, len(codes), dtype=np.int64)
                self.slots[slots] = np.arange(len(codes))
                self.hashes = np.append(hashes, np.uint64(0))
                break

    def find(self, strings: pl.Series, *, verify: bool | None = None) -> IntArray:
        """Each string's index in ``codes``; ``verify`` overrides the lookup's own."""
        strings = _strings(strings)
        unknown = len(self.codes)
        if self.seed < 0:  # codes that share a slot under every seed: an exact join
            indices = pl.Series(np.arange(unknown, dtype=np.int64))
            found: IntArray = strings.replace_strict(
                self.codes, indices, default=unknown, return_dtype=pl.Int64
            ).to_numpy()
            return found
        hashed = strings.hash(self.seed).to_numpy()
        found = np.take(self.slots, (hashed & self.mask).view(np.int64))
        if self.verify if verify is None else verify:
            found[np.take(self.hashes, found) != hashed] = unknown
        return found

    def finder(
        self, column: pl.Series, *, scale: int, offset: int, dtype: type[np.integer]
    ) -> Callable[[pl.Series], IntArray]:
        """A function from slices of ``column`` to ``index × scale + offset`` (of type
        ``dtype``), where ``index`` is what ``find`` gives. For categories, each category
        is looked up once here, and slices are then only indexed by their physical codes."""
        if not _categorical(column):

            def scaled(part: pl.Series) -> IntArray:
                found = self.find(part)
                found *= scale
                found += offset
                return found.astype(dtype, copy=False)

            return scaled
        categories = _categories(column)
        # The mapping may hold other columns' codes too: always verified (it is small).
        table = self.find(categories, verify=True) * scale + offset
        missing = np.array([len(self.codes) * scale + offset])
        # Index len(categories) stands for a missing code.
        table = np.concatenate([table, missing]).astype(dtype)

        def find(part: pl.Series) -> IntArray:
            physical = part.to_physical()
            if physical.null_count():
                physical = physical.fill_null(len(categories))
            found: IntArray = np.take(table, physical.to_numpy())
            return found

        return find


def _categories(column: pl.Series) -> pl.Series:
    """The strings behind a categorical column's physical codes, in code order: the
    mapping itself when it is not much larger than the column, else the codes present."""
    dtype = column.dtype
    if isinstance(dtype, pl.Enum):
        return dtype.categories
    assert isinstance(dtype, pl.Categorical)
    mapping = dtype.categories.to_series()
    if len(mapping) <= max(4 * len(column), 1 << 16):
        return mapping.cast(pl.String)
    # A process-wide mapping grown far beyond this column: only the codes it uses.
    distinct = column.drop_nulls().unique()
    ids = distinct.to_physical().to_numpy()
    strings = pl.repeat(None, int(ids.max()) + 1 if len(ids) else 0, dtype=pl.String, eager=True)
    return strings.scatter(ids, distinct.cast(pl.String)) if len(ids) else strings


def dense_arrays(
    frame: pl.DataFrame,
    key: str,
    codes: Sequence[str],
    grid: Grid,
    columns: Sequence[pl.Expr],
    *,
    complete: bool,
) -> list[FloatArray]:
    """Arrays (code × grid cell) of ``columns``, NaN where no row gave a value.

    Rows whose key is not one of ``codes`` are ignored, and so are rows off the grid
    unless ``complete`` says that every unit and period of ``frame`` is on it. Two rows
    for one cell raise ValueError.
    """
    units, size = len(grid.units), grid.size
    blocks = len(codes) * size
    # One block more than the codes: rows of other codes land there and are dropped.
    arrays = [_blank(blocks + size) for _ in columns]
    dtype = np.int32 if blocks + size < 2**31 else np.int64
    # A row's cell is (code × units + unit) × periods + period − first: each lookup
    # gives its part of the sum directly, so a row costs two look-ups and two additions.
    find_unit = _Lookup(grid.units, verify=not complete).finder(
        frame["unit"], scale=grid.periods, offset=0, dtype=dtype
    )
    find_key = _Lookup(pl.Series(codes, dtype=pl.String), verify=True).finder(
        frame[key], scale=size, offset=-grid.first, dtype=dtype
    )

    def scatter(start: int) -> int:
        part = frame.slice(start, _SLICE_ROWS)
        unit = find_unit(part["unit"])
        period = part["period"].to_numpy()
        cell = find_key(part[key])
        cell += unit
        cell += period.astype(dtype, copy=False)
        if not complete:
            offset = period.astype(np.int64) - grid.first
            off = (unit == units * grid.periods) | (offset < 0) | (offset >= grid.periods)
            cell[off] = blocks
        for array, column in zip(arrays, part.select(columns).get_columns(), strict=True):
            array[cell] = column.to_numpy()
        return int(np.count_nonzero(cell < blocks))

    # Hashing (Polars) and indexing (NumPy) release the GIL: slices run side by side.
    with ThreadPoolExecutor(max_workers=_THREADS) as pool:
        written = sum(pool.map(scatter, range(0, frame.height, _SLICE_ROWS)))
    if written != np.count_nonzero(arrays[0][:blocks].view(np.uint64) != _SENTINEL):
        raise ValueError(_duplicate(frame, key, codes))
    return [_clean(array[:blocks]).reshape(len(codes), grid.size) for array in arrays]


def _blank(size: int) -> FloatArray:
    array = np.empty(size, dtype=np.uint64)
    array.fill(_SENTINEL)
    return array.view(np.float64)


def _clean(array: FloatArray) -> FloatArray:
    """Infinite inputs are missing values, like NaN (and the sentinel, a NaN)."""
    infinite = np.isinf(array)
    if infinite.any():
        array[infinite] = np.nan
    return array


def _duplicate(frame: pl.DataFrame, key: str, codes: Sequence[str]) -> str:
    keys = ["unit", "period", key]
    twice = (
        frame.lazy()
        .with_columns(pl.col("unit", key).cast(pl.String))
        .filter(pl.col(key).is_in(pl.Series(codes, dtype=pl.String).implode()))
        .group_by(keys)
        .len()
        .filter(pl.col("len") > 1)
        .sort(keys)
        .head(1)
        .collect()
    )
    unit, period, code, count = twice.row(0)
    return f"{count} values for unit {unit}, period {period}, {key} {code}"
