"""What every part of the statistics shares: column lists, array types and the
arithmetic that turns undefined figures (a zero denominator, an overflow) into nulls."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

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


def nan_if_infinite(values: Floats) -> Floats:
    """``values`` with NaN (shown as null) where they overflowed to ±inf."""
    infinite = np.isinf(values)
    if infinite.any():
        values[infinite] = np.nan
    return values


def quartile_of(percentile: Floats) -> npt.NDArray[np.int8]:
    """4 − ⌊percentile / 25⌋, at least 1: 1 is the best quarter."""
    quartile: npt.NDArray[np.int8] = np.clip(4 - np.floor(percentile / 25.0), 1, 4).astype(np.int8)
    return quartile


def percent_of(reference: Floats) -> Floats:
    """100 / |reference|, NaN where the reference is 0 or NaN: gaps in % of it."""
    return ratio(np.full(reference.shape, 100.0), np.abs(reference))


def ratio(top: Floats, bottom: Floats | Ints) -> Floats:
    """top / bottom, NaN where bottom is 0 or NaN."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out: Floats = np.true_divide(top, bottom)
    out[bottom == 0] = np.nan
    return out


def float_series(name: str, values: Floats) -> pl.Series:
    """A Float64 series with null where the array has NaN or (after an overflow) ±inf."""
    return pl.Series(name, nan_if_infinite(values), dtype=pl.Float64).fill_nan(None)


def finite_or_none(number: float) -> float | None:
    return number if math.isfinite(number) else None
