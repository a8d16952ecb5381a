"""Nearest peers: the units most like a given unit on a few weighted context variables.

``nearest_peers(context, weights=..., k=...)`` takes one period's context variables in
long form (``unit``, ``variable``, ``value``: population, area, budget per resident…)
and finds, for every unit, the ``k`` other units closest to it.

How distance is measured, so that the screen can explain it:

1. Variables named in ``log`` are replaced by their natural logarithm first. Use it for
   skewed variables such as population, where 2,000 vs 4,000 residents should count as
   much as 200,000 vs 400,000. A unit whose logged variable is ≤ 0 is excluded.
2. Every variable is standardised over the units taking part (those with every weighted
   variable): z = (x − mean) / standard deviation (the population one, n in the
   denominator). A variable that is the same for every unit has z = 0 everywhere and
   so does not count.
3. distance(i, j) = √(Σ w · (zᵢ − zⱼ)²) over the variables with a positive weight.
4. Each unit's peers are ranked by increasing distance. Squared distances that agree
   to 9 decimals count as a tie, broken by the peer's code, so that results are
   reproducible whatever the rounding of the arithmetic.
   A unit is never its own peer; with fewer than ``k`` other units, all are listed.
5. ``share_<variable>`` = w · (zᵢ − zⱼ)² / distance²: the variable's part of the squared
   distance. The shares of a pair sum to 1 and say why two units are (or are not)
   alike; they are null when the distance is 0.

Units missing a weighted variable (no row, null, NaN or infinite) are not silently
dropped: they are listed in ``excluded`` with the reason, and take no part in the
standardisation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

CONTEXT_COLUMNS = ("unit", "variable", "value")
# Squared distances (standardised scale) that agree to this many decimals are ties.
_TIE_DECIMALS = 9


@dataclass(frozen=True)
class PeersResult:
    """Each unit's nearest peers, and the units that could not take part.

    ``peers`` has ``unit``, ``peer``, ``rank`` (1 = nearest), ``distance`` and one
    ``share_<variable>`` column per variable of the weights, sorted by unit and rank;
    ``excluded`` has ``unit`` and ``reason``, sorted by unit.
    """

    peers: pl.DataFrame
    excluded: pl.DataFrame


@dataclass(frozen=True)
class _Table:
    """The context as a (unit × variable) array; NaN where a value is missing."""

    units: pl.Series
    variables: list[str]
    values: Floats


def nearest_peers(
    context: pl.DataFrame,
    *,
    weights: Mapping[str, float],
    k: int,
    log: Iterable[str] = (),
) -> PeersResult:
    """The ``k`` nearest peers of every unit on the weighted context variables.

    ``context`` is long (``unit``, ``variable``, ``value``) for one period; ``weights``
    maps variable codes to non-negative weights, not all zero; variables in ``log`` are
    log-transformed first. See the module docstring for the distance, the ranking, the
    shares and the exclusions. Raises ValueError for an unknown variable in ``weights``
    or ``log``, a negative, non-finite or all-zero weight, ``k`` < 1, missing columns or
    two values for one unit and variable.
    """
    logged = set(log)
    weighted = _check(context, weights, k, logged)
    table = _table(context, list(weights))
    transformed = _transform(table, logged)
    reasons = _reasons(table, transformed, weighted, logged & set(weighted))
    excluded = pl.DataFrame({"unit": table.units, "reason": reasons}).drop_nulls("reason")
    taking_part = reasons.is_null().to_numpy()
    units = table.units.filter(reasons.is_null())
    z = _standardised(transformed[taking_part])
    weight = np.array([weights[variable] for variable in table.variables], dtype=np.float64)
    return PeersResult(_peers(units, table.variables, z, weight, k), excluded)


def _check(
    context: pl.DataFrame, weights: Mapping[str, float], k: int, logged: set[str]
) -> list[str]:
    """Validate the arguments; returns the variables with a positive weight."""
    missing = [column for column in CONTEXT_COLUMNS if column not in context.columns]
    if missing:
        raise ValueError(f"context lacks the column(s) {', '.join(missing)}")
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    if not weights:
        raise ValueError("weights name no variable")
    known = set(context["variable"].cast(pl.String).unique().drop_nulls().to_list())
    unknown = sorted(set(weights) - known)
    if unknown:
        raise ValueError(f"weights name variables not in the context: {', '.join(unknown)}")
    bad = sorted(name for name, w in weights.items() if not math.isfinite(w) or w < 0)
    if bad:
        raise ValueError(f"weights must be finite and ≥ 0; not for: {', '.join(bad)}")
    weighted = [name for name, w in weights.items() if w > 0]
    if not weighted:
        raise ValueError("all weights are zero: nothing to measure distance by")
    stray = sorted(logged - set(weights))
    if stray:
        raise ValueError(f"log names variables without a weight: {', '.join(stray)}")
    return weighted


def _table(context: pl.DataFrame, variables: list[str]) -> _Table:
    """Every unit of the context (sorted) × the weights' variables, NaN where missing."""
    frame = context.select(
        pl.col("unit").cast(pl.String),
        pl.col("variable").cast(pl.String),
        pl.col("value").cast(pl.Float64),
    ).drop_nulls(["unit", "variable"])
    units = frame["unit"].unique().sort()
    chosen = frame.filter(pl.col("variable").is_in(variables))
    twice = chosen.group_by("unit", "variable").len().filter(pl.col("len") > 1)
    if twice.height:
        unit, variable = twice.row(0)[:2]
        raise ValueError(f"context has two values of {variable} for unit {unit}")
    row = chosen["unit"].cast(pl.Enum(units)).to_physical().to_numpy().astype(np.int64)
    order = pl.Series(variables, dtype=pl.String)
    column = chosen["variable"].cast(pl.Enum(order)).to_physical().to_numpy().astype(np.int64)
    values = np.full((len(units), len(variables)), np.nan)
    values[row, column] = chosen["value"].fill_null(np.nan).to_numpy()
    values[~np.isfinite(values)] = np.nan
    return _Table(units, variables, values)


def _transform(table: _Table, logged: set[str]) -> Floats:
    """The values with the logged variables' natural logarithm (NaN where ≤ 0)."""
    values = table.values.copy()
    for index, variable in enumerate(table.variables):
        if variable in logged:
            column = values[:, index]
            values[:, index] = np.log(column, out=np.full_like(column, np.nan), where=column > 0)
    return values


def _reasons(
    table: _Table, transformed: Floats, weighted: list[str], logged: set[str]
) -> pl.Series:
    """Per unit, why it cannot take part: null when it can."""
    index = {variable: i for i, variable in enumerate(table.variables)}
    missing = {v: np.isnan(table.values[:, index[v]]) for v in weighted}
    flags = pl.DataFrame(
        {
            **{f"missing {v}": missing[v] for v in weighted},
            **{f"log {v}": ~missing[v] & np.isnan(transformed[:, index[v]]) for v in logged},
        }
    )

    def listed(kind: str, names: Iterable[str]) -> pl.Expr:
        named = [pl.when(pl.col(f"{kind} {v}")).then(pl.lit(v)) for v in names]
        return pl.concat_str(named, separator=", ", ignore_nulls=True) if named else pl.lit("")

    lacking, nonpositive = listed("missing", weighted), listed("log", sorted(logged))
    reason = pl.concat_str(
        pl.when(lacking != "").then(pl.lit("missing ") + lacking),
        pl.when(nonpositive != "").then(nonpositive + pl.lit(" ≤ 0 cannot be log-transformed")),
        separator="; ",
        ignore_nulls=True,
    )
    return flags.select(pl.when(reason != "").then(reason).alias("reason")).to_series()


def _standardised(values: Floats) -> Floats:
    """z-scores per column (population standard deviation); 0 for a constant column."""
    if len(values) == 0:
        return values
    spread = values.std(axis=0)
    safe = np.where(spread > 0, spread, 1.0)
    centred: Floats = (values - values.mean(axis=0)) / safe
    return np.where(spread > 0, centred, 0.0)


def _nearest(distances: Floats, taken: int) -> tuple[Ints, Ints]:
    """(row, column) of the ``taken`` smallest distances of every row, row by row in
    order of (distance, column): a partition finds the candidates (ties at the k-th
    distance included), a small sort orders them."""
    if taken == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    kth = np.partition(distances, taken - 1, axis=1)[:, taken - 1]
    row, column = np.nonzero(distances <= kth[:, None])
    order = np.lexsort((column, distances[row, column], row))
    row, column = row[order], column[order]
    first = np.searchsorted(row, np.arange(len(distances)))
    keep = np.arange(len(row)) - first[row] < taken
    return row[keep].astype(np.int64), column[keep].astype(np.int64)


def _peers(
    units: pl.Series, variables: list[str], z: Floats, weight: Floats, k: int
) -> pl.DataFrame:
    """The peers frame: the k nearest other units of every unit, with shares."""
    count = len(units)
    taken = min(k, max(count - 1, 0))
    squared = np.zeros((count, count))
    for column in np.flatnonzero(weight > 0):
        difference = z[:, column, None] - z[None, :, column]
        squared += weight[column] * difference * difference
    np.fill_diagonal(squared, np.inf)
    unit, peer = _nearest(np.round(squared, _TIE_DECIMALS), taken)
    distance2 = squared[unit, peer]
    parts = weight[None, :] * (z[unit] - z[peer]) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = parts / distance2[:, None]
    shares[distance2 == 0] = np.nan
    frame = pl.DataFrame(
        {
            "unit": units.gather(unit),
            "peer": units.gather(peer),
            "rank": np.tile(np.arange(1, taken + 1, dtype=np.int32), count),
            "distance": np.sqrt(distance2),
        },
        schema={"unit": pl.String, "peer": pl.String, "rank": pl.Int32, "distance": pl.Float64},
    )
    return frame.with_columns(
        pl.Series(f"share_{variable}", shares[:, index], dtype=pl.Float64).fill_nan(None)
        for index, variable in enumerate(variables)
    )
