"""Indicators computed layer by layer on the grid and laid out long: :func:`evaluate`
and :func:`reevaluate`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from benchlearn.engine.catalogue import Catalogue
from benchlearn.engine.evaluate.expressions import FIRST, ONE, compile_formula
from benchlearn.engine.evaluate.grid import (
    Grid,
    check_columns,
    dense_arrays,
    grid_of,
)
from benchlearn.engine.evaluate.plan import (
    Formulas,
    Plan,
    plan_of,
    stale_codes,
)

DIV0 = "div0"


def _flag_column(code: str) -> str:
    return f"__div0__{code}"


def _part_column(part: str, code: str) -> str:
    return f"__{part}__{code}"


def _compute(
    frame: pl.DataFrame, plan: Plan, todo: set[str], flags: dict[str, str]
) -> pl.DataFrame:
    """``frame`` with the value, flag, numerator and denominator columns of ``todo``."""
    # Layer by layer, eagerly: each with_columns runs a layer's expressions in parallel,
    # and is quicker here than one lazy query of hundreds of expressions.
    for layer in plan.layers:
        exprs: list[pl.Expr] = []
        for code in (code for code in layer if code in todo):
            exprs += _indicator_exprs(code, plan.formulas[code], flags)
        if exprs:
            frame = frame.with_columns(exprs)
    return frame


def _indicator_exprs(code: str, formulas: Formulas, flags: dict[str, str]) -> list[pl.Expr]:
    main = compile_formula(formulas.value, flags)
    exprs = [main.value.alias(code)]
    if main.div0 is not None:
        flags[code] = _flag_column(code)
        exprs.append(main.div0.alias(flags[code]))
    for part in ("numerator", "denominator"):
        node = getattr(formulas, part)
        if node is not None:
            exprs.append(compile_formula(node, flags).value.alias(_part_column(part, code)))
    return exprs


@dataclass(frozen=True)
class _Columns:
    """One indicator's results on the grid."""

    value: pl.Series
    flag: pl.Series | None = None  # Boolean; None: never div0
    numerator: pl.Series | None = None
    denominator: pl.Series | None = None

    @classmethod
    def computed(cls, frame: pl.DataFrame, code: str) -> _Columns:
        def column(name: str) -> pl.Series | None:
            return frame[name] if name in frame.columns else None

        return cls(
            frame[code],
            column(_flag_column(code)),
            column(_part_column("numerator", code)),
            column(_part_column("denominator", code)),
        )


def _base_frame(values: pl.DataFrame, grid: Grid, plan: Plan, todo: Iterable[str]) -> pl.DataFrame:
    """The wide frame ``todo``'s formulas run on: a row per grid cell, a column per variable.

    Every variable of the catalogue is read (so that duplicates are found wherever they
    are), but only those the formulas use become columns.
    """
    value = pl.col("value").cast(pl.Float64)
    (dense,) = dense_arrays(values, "variable", plan.variables, grid, [value], complete=True)
    used: set[str] = set().union(*(plan.formulas[code].references() for code in todo))
    first = np.zeros(grid.size, dtype=bool)
    first[:: grid.periods] = True
    columns = [
        pl.Series(code, dense[row], nan_to_null=True)
        for row, code in enumerate(plan.variables)
        if code in used
    ]
    one = pl.Series(ONE, np.ones(grid.size))
    return pl.DataFrame([pl.Series(FIRST, first), one, *columns])


def evaluate(values: pl.DataFrame, catalogue: Catalogue) -> pl.DataFrame:
    """Every indicator of ``catalogue`` for every unit and period of ``values``.

    Values are long (unit, period, variable, value); the result is long (unit, period,
    indicator, value, flag, numerator, denominator). See the module docstring for what
    missing values, zero divisions and ``prev`` do. Raises CatalogueError before
    computing anything if the catalogue has problems.
    """
    plan = plan_of(catalogue)
    grid = grid_of(values)
    if grid.size == 0:
        return _long(grid, plan.codes, {})
    todo = set(plan.codes)
    computed = _compute(_base_frame(values, grid, plan, todo), plan, todo, {})
    return _long(grid, plan.codes, {code: _Columns.computed(computed, code) for code in todo})


def reevaluate(
    values: pl.DataFrame, catalogue: Catalogue, previous: pl.DataFrame, changed: Iterable[str]
) -> pl.DataFrame:
    """``evaluate``'s result after ``changed`` codes changed, recomputing only what depends on them.

    ``previous`` is an earlier result of ``evaluate``. Indicators that do not depend on
    ``changed`` (see ``dependents``) keep their rows from it, except those whose rows do
    not cover every unit and period of ``values`` (a new unit or period, a new
    indicator): these are recomputed too, with their dependents.
    """
    plan = plan_of(catalogue)
    grid = grid_of(values)
    check_columns(previous, ("unit", "period", "indicator", *_RESULT_PARTS), "previous")
    if grid.size == 0:
        return _long(grid, plan.codes, {})
    stale = set(stale_codes(plan, set(changed)))
    kept = [code for code in plan.codes if code not in stale]
    old = dense_arrays(previous, "indicator", kept, grid, _result_columns(), complete=False)
    covered = np.count_nonzero(~np.isnan(old[1]), axis=1)  # flag is 0 or 1 where a row was
    incomplete = {code for code, cells in zip(kept, covered, strict=True) if cells < grid.size}
    stale |= set(stale_codes(plan, incomplete))
    results = {
        code: _Columns(
            pl.Series("value", old[0][row], nan_to_null=True),
            pl.Series("flag", old[1][row] == 1.0),
            pl.Series("numerator", old[2][row], nan_to_null=True),
            pl.Series("denominator", old[3][row], nan_to_null=True),
        )
        for row, code in enumerate(kept)
        if code not in stale
    }
    if stale:
        frame = _base_frame(values, grid, plan, stale)
        needed: set[str] = set().union(*(plan.formulas[code].references() for code in stale))
        flags = {code: _flag_column(code) for code in needed if code in results}
        frame = frame.with_columns(
            *(results[code].value.alias(code) for code in flags),
            *(_flag(results[code]).alias(flags[code]) for code in flags),
        )
        computed = _compute(frame, plan, stale, flags)
        results |= {code: _Columns.computed(computed, code) for code in stale}
    return _long(grid, plan.codes, results)


def _flag(columns: _Columns) -> pl.Series:
    if columns.flag is None:
        return pl.Series("flag", np.zeros(len(columns.value), dtype=bool))
    return columns.flag


_RESULT_PARTS = ("value", "flag", "numerator", "denominator")


def _result_columns() -> list[pl.Expr]:
    # The flag's cell is 1.0 (div0) or 0.0 wherever previous had a row, so that it also
    # tells which cells previous covered.
    return [
        pl.col("value").cast(pl.Float64),
        (pl.col("flag") == DIV0).fill_null(False).cast(pl.Float64).alias("flag"),
        pl.col("numerator").cast(pl.Float64),
        pl.col("denominator").cast(pl.Float64),
    ]


def _long(grid: Grid, codes: list[str], results: Mapping[str, _Columns]) -> pl.DataFrame:
    """The long result: indicator by indicator (catalogue order), then unit, then period.

    Each column is a chunk per indicator, not one contiguous array: the unit and period
    chunks are one block shared by every indicator, a part an indicator lacks is one
    shared all-null block, and the values are the computed columns themselves, so that
    laying the result out long copies almost nothing (Polars reads chunked columns as
    one; whoever needs a single array can ``rechunk``).
    """
    size = grid.size
    if size == 0 or not codes:
        return pl.DataFrame(schema=_schema(grid))
    unit_rows = np.repeat(np.arange(len(grid.units), dtype=np.uint32), grid.periods)
    units = grid.units.cast(grid.code_dtype).gather(unit_rows)
    periods = pl.Series(np.arange(grid.first, grid.first + grid.periods)).cast(grid.period_dtype)
    periods = pl.concat([periods] * len(grid.units), rechunk=True)
    indicators = pl.Series(codes).cast(grid.code_dtype)
    same = pl.Series(np.zeros(size, dtype=np.uint32))
    return pl.DataFrame(
        {
            "unit": _chunks([units] * len(codes)),
            "period": _chunks([periods] * len(codes)),
            "indicator": _chunks([indicators.gather(same + n) for n in range(len(codes))]),
            "value": _chunks([results[code].value.cast(pl.Float64) for code in codes]),
            "flag": _chunks(_flags(grid, [results[code].flag for code in codes])),
            "numerator": _chunks(_parts([results[code].numerator for code in codes], size)),
            "denominator": _chunks(_parts([results[code].denominator for code in codes], size)),
        }
    )


def _chunks(columns: list[pl.Series]) -> pl.Series:
    return pl.concat(columns, rechunk=False)


def _parts(columns: list[pl.Series | None], size: int) -> list[pl.Series]:
    missing = pl.repeat(None, size, dtype=pl.Float64, eager=True)
    return [missing if c is None else c.cast(pl.Float64) for c in columns]


def _flags(grid: Grid, columns: list[pl.Series | None]) -> list[pl.Series]:
    """``div0`` where an indicator's flag column is true, else null; text or a category
    like the codes."""
    missing = pl.repeat(None, grid.size, dtype=grid.code_dtype, eager=True)
    div0 = pl.lit(DIV0, dtype=grid.code_dtype)
    return [missing if c is None else pl.select(pl.when(c).then(div0)).to_series() for c in columns]


def _schema(grid: Grid) -> dict[str, pl.DataType]:
    return {
        "unit": grid.code_dtype,
        "period": grid.period_dtype,
        "indicator": grid.code_dtype,
        "value": pl.Float64(),
        "flag": grid.code_dtype,
        "numerator": pl.Float64(),
        "denominator": pl.Float64(),
    }
