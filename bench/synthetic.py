"""A synthetic national-scale programme for the benchmarks.

2,900 units, 20 periods, 600 variables, 300 indicators with the mix of formulas an
association writes (ratios, per-capita figures, differences, growth with ``prev``,
guarded ratios with ``if``, ``coalesce``, ``min``/``max``, and chains of indicators on
indicators), and 30 comparison groups. Values are log-normal with a few missing values
and a few zero denominators, so every code path is exercised.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from benchlearn.engine.catalogue import Catalogue, Category, Indicator, Polarity, Variable

POLARITIES = [Polarity.HIGHER_BETTER, Polarity.LOWER_BETTER, Polarity.NEUTRAL]
CATEGORIES = list(Category)


def _formulas(rng: np.random.Generator, variables: list[str], count: int) -> list[Indicator]:
    indicators: list[Indicator] = []
    for number in range(count):
        code = f"I{number:04d}"
        a, b, c = (variables[i] for i in rng.choice(len(variables), size=3, replace=False))
        earlier = [indicator.code for indicator in indicators[-40:]]
        kind = number % 10
        numerator = denominator = None
        if kind == 0:
            formula, numerator, denominator = f"{a} / {b}", a, b
        elif kind == 1:
            formula, numerator, denominator = f"1000 * {a} / {b}", f"1000 * {a}", b
        elif kind == 2:
            formula = f"({a} - {b}) / {c}"
        elif kind == 3:
            formula = f"{a} / prev({a}) - 1"
        elif kind == 4:
            formula = f"if({b} > 0, 100 * {a} / {b}, null)"
        elif kind == 5:
            formula = f"coalesce({a}, 0) + coalesce({b}, 0)"
        elif kind == 6:
            formula = f"max({a}, {b}) / min({b}, {c})"
        elif kind == 7 and len(earlier) >= 2:
            x, y = (earlier[i] for i in rng.choice(len(earlier), size=2, replace=False))
            formula = f"{x} / {y}"
        elif kind == 8 and earlier:
            x = earlier[int(rng.integers(len(earlier)))]
            formula = f"round({x} * {a} / {b}, 3)"
        else:
            formula = f"abs({a} - prev({b})) / {c}"
        indicators.append(
            Indicator(
                code=code,
                formula=formula,
                polarity=POLARITIES[number % 3],
                category=CATEGORIES[number % len(CATEGORIES)],
                name_pl=f"Wskaźnik {number}",
                name_en=f"Indicator {number}",
                numerator=numerator,
                denominator=denominator,
            )
        )
    return indicators


def synthetic_programme(
    *,
    units: int = 2900,
    periods: int = 20,
    variables: int = 600,
    indicators: int = 300,
    groups: int = 30,
    seed: int = 0,
    missing_share: float = 0.02,
    zero_share: float = 0.005,
    categorical: bool = True,
) -> tuple[pl.DataFrame, Catalogue, pl.DataFrame]:
    """Values (unit, period, variable, value), the catalogue, and groups (group, unit)."""
    rng = np.random.default_rng(seed)
    unit_codes = [f"{2000000 + number:07d}" for number in range(units)]
    variable_codes = [f"V{number:04d}" for number in range(variables)]
    period_codes = np.arange(2005, 2005 + periods, dtype=np.int32)

    size = units * periods * variables
    value = rng.lognormal(mean=5.0, sigma=1.0, size=size)
    value[rng.random(size) < zero_share] = 0.0
    valid = rng.random(size) >= missing_share

    frame = pl.DataFrame(
        {
            "unit": pl.Series(np.repeat(np.arange(units), periods * variables)).cast(pl.UInt32),
            "period": np.tile(np.repeat(period_codes, variables), units),
            "variable": pl.Series(np.tile(np.arange(variables), units * periods)).cast(pl.UInt32),
            "value": value,
        }
    ).filter(pl.Series(valid))
    # Codes repeat millions of times: as Categorical they are stored once, the way a
    # loader of a real programme hands them to the engine (and parquet keeps them so).
    code_type = pl.Categorical() if categorical else pl.String()
    unit_names = pl.Series(unit_codes).cast(code_type)
    variable_names = pl.Series(variable_codes).cast(code_type)
    values = frame.with_columns(
        pl.col("unit").map_batches(lambda s: unit_names.gather(s)),
        pl.col("variable").map_batches(lambda s: variable_names.gather(s)),
    )

    catalogue = Catalogue(
        variables=tuple(Variable(code=code, name_pl=code, name_en=code) for code in variable_codes),
        indicators=tuple(_formulas(rng, variable_codes, indicators)),
        name="synthetic",
    )
    memberships = [
        (f"G{group:02d}", unit_codes[unit])
        for group in range(groups)
        for unit in rng.choice(units, size=max(2, units * 2 // groups), replace=False)
    ]
    group_frame = pl.DataFrame(memberships, schema=["group", "unit"], orient="row")
    return values, catalogue, group_frame
