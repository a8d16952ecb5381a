"""DEA on 2,500 synthetic units: VRS, input orientation, with slacks and peers."""

from __future__ import annotations

import numpy as np
import polars as pl

from bench.common import BenchRow, timed
from benchlearn.engine.dea import DeaResult, dea, dea_table

UNITS = 2_500
TARGET_SECONDS = 20.0


def synthetic_units(units: int = UNITS, *, seed: int = 2024) -> pl.DataFrame:
    """Units with 3 inputs and 2 Cobb-Douglas outputs, each unit short of the frontier.

    Inefficiency is half-normal (a share of units sits on the frontier by construction),
    plus a little output-specific noise so that the two outputs trade off.
    """
    rng = np.random.default_rng(seed)
    x = rng.lognormal(mean=3.0, sigma=0.6, size=(units, 3))
    frontier = np.column_stack(
        [
            2.0 * x[:, 0] ** 0.4 * x[:, 1] ** 0.3 * x[:, 2] ** 0.2,
            1.5 * x[:, 0] ** 0.2 * x[:, 1] ** 0.2 * x[:, 2] ** 0.5,
        ]
    )
    inefficiency = np.abs(rng.normal(0.0, 0.25, size=(units, 1)))
    inefficiency[rng.random(units) < 0.05] = 0.0
    noise = rng.normal(0.0, 0.05, size=(units, 2))
    y = frontier * np.exp(-inefficiency + noise)
    return pl.DataFrame(
        {"unit": [f"U{k:04d}" for k in range(units)]}
        | {f"x{k + 1}": x[:, k] for k in range(3)}
        | {f"y{k + 1}": y[:, k] for k in range(2)}
    )


def run() -> list[BenchRow]:
    """Time ``dea`` (VRS, input orientation) and the CLI table on 2,500 units."""
    data = synthetic_units()

    def solve() -> tuple[DeaResult, pl.DataFrame]:
        result = dea(
            data,
            id="unit",
            inputs=["x1", "x2", "x3"],
            outputs=["y1", "y2"],
            rts="vrs",
            orientation="input",
        )
        return result, dea_table(result)

    (result, _table), seconds = timed(solve)
    efficient = int(result.scores["efficient"].sum())
    print(
        f"dea: {UNITS} units, 3 inputs, 2 outputs, VRS, input orientation, slacks and peers: "
        f"{seconds:.2f} s ({efficient} efficient units)"
    )
    return [
        BenchRow(
            name=f"DEA VRS input, {UNITS} units (3 in, 2 out), slacks and peers",
            figure=f"{seconds:.2f} s",
            target=f"< {TARGET_SECONDS:.0f} s",
            ok=seconds < TARGET_SECONDS,
        )
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
