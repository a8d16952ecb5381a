"""Computing the shipped catalogue's indicators from invented figures, for the tests that
check each domain's definitions by hand."""

import polars as pl

from benchlearn.engine.catalogue import Catalogue, Variable
from benchlearn.engine.evaluate.by_year import evaluate_by_year
from benchlearn.engine.stats import group_stats


def variable(catalogue: Catalogue, code: str) -> Variable:
    return next(v for v in catalogue.variables if v.code == code)


def computed(
    catalogue: Catalogue, values: dict[str, dict[str, float]], code: str, *, year: int = 2025
) -> dict:
    """``code``'s value per unit, and the group aggregate of all the units, in ``year``,
    each year with the definitions valid in it (EDU_SUBV_COVERAGE has two)."""
    rows = [
        (unit, year, variable, float(value))
        for unit, figures in values.items()
        for variable, value in figures.items()
    ]
    schema = {"unit": pl.String, "period": pl.Int64, "variable": pl.String, "value": pl.Float64}
    results = evaluate_by_year(pl.DataFrame(rows, schema=schema, orient="row"), catalogue)
    results = results.filter(pl.col("indicator") == code)
    groups = pl.DataFrame({"group": ["all"] * len(values), "unit": list(values)})
    stats = group_stats(results, groups, {code: catalogue.indicator(code).polarity})
    by_unit = dict(zip(results["unit"], results["value"], strict=True))
    return {**by_unit, "aggregate": stats["aggregate"].item()}
