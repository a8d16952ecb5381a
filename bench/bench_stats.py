"""Group statistics, unit positions and nearest peers at national scale, against the floor
of reading the results from parquet.

Unit positions have a row per membership, unit, indicator and period: 33.7 million rows
for 20 years, more than 2 GB as a frame whatever the code. They are computed and stored
a period at a time (``unit_positions(..., periods=[year])``), so that is what is timed:
one period, and all 20 one after the other (each dropped once computed; storing them is
the database's work).

The results are generated here with NumPy (2,900 units × 20 periods × 300 indicators,
log-normal, a few missing values and zeros, a fifth of the indicators with numerators
and denominators) in the layout ``evaluate`` returns them (sorted by indicator, unit and
period, codes Categorical), so that this benchmark depends on the statistics alone, not
on the evaluator. The 30 groups are those of ``bench.synthetic`` when it is there.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import polars as pl

from bench.common import BenchRow, peak_memory_mb, timed
from benchlearn.engine.catalogue import Polarity
from benchlearn.engine.peers import nearest_peers
from benchlearn.engine.stats import group_stats, unit_positions

UNITS, PERIODS, INDICATORS, GROUPS = 2_900, 20, 300, 30
FIRST_PERIOD = 2005
TARGET_SECONDS = 3.0
TARGET_FLOOR_MULTIPLE = 5.0
TARGET_PEERS_SECONDS = 1.0
POLARITIES = (Polarity.HIGHER_BETTER, Polarity.LOWER_BETTER, Polarity.NEUTRAL)


def unit_codes(units: int = UNITS) -> pl.Series:
    """Unit codes as ``bench.synthetic`` writes them."""
    return pl.Series("unit", [f"{2_000_000 + number:07d}" for number in range(units)])


def synthetic_results(
    units: int = UNITS, periods: int = PERIODS, indicators: int = INDICATORS, *, seed: int = 0
) -> pl.DataFrame:
    """Results shaped as ``evaluate`` returns a national programme: sorted by indicator,
    unit and period, with the unit and indicator codes Categorical."""
    rng = np.random.default_rng(seed)
    size = units * periods * indicators
    denominator = rng.lognormal(mean=8.0, sigma=1.0, size=size)
    numerator = denominator * rng.lognormal(mean=0.0, sigma=0.5, size=size)
    value = numerator / denominator
    value[rng.random(size) < 0.005] = 0.0
    missing = rng.random(size) < 0.03
    indicator = np.repeat(np.arange(indicators, dtype=np.uint32), units * periods)
    ratio = indicator % 10 < 2  # as in bench.synthetic: two kinds of ten declare parts
    codes = pl.Series("indicator", [f"I{number:04d}" for number in range(indicators)])
    unit = np.tile(np.repeat(np.arange(units, dtype=np.uint32), periods), indicators)
    return pl.DataFrame(
        [
            unit_codes(units).cast(pl.Categorical).gather(unit),
            pl.Series("period", np.tile(np.arange(periods), units * indicators)) + FIRST_PERIOD,
            codes.cast(pl.Categorical).gather(indicator),
            pl.Series("value", np.where(missing, np.nan, value), nan_to_null=True),
            pl.Series("numerator", np.where(ratio & ~missing, numerator, np.nan), nan_to_null=True),
            pl.Series(
                "denominator", np.where(ratio & ~missing, denominator, np.nan), nan_to_null=True
            ),
        ]
    )


def synthetic_groups(units: int = UNITS, groups: int = GROUPS, *, seed: int = 0) -> pl.DataFrame:
    """The groups of ``bench.synthetic`` if it is there, else 30 random groups of 1–3 each."""
    try:
        from bench.synthetic import synthetic_programme
    except ImportError:
        rng = np.random.default_rng(seed)
        codes = unit_codes(units).to_list()
        pairs = [
            (f"G{group:02d}", code)
            for code in codes
            for group in rng.choice(groups, size=int(rng.integers(1, 4)), replace=False)
        ]
        return pl.DataFrame(pairs, schema=["group", "unit"], orient="row")
    _, _, frame = synthetic_programme(
        units=units, periods=1, variables=3, indicators=1, groups=groups, seed=seed
    )
    return frame


def synthetic_context(units: int = UNITS, *, seed: int = 0) -> pl.DataFrame:
    """One period of five context variables per unit, long (unit, variable, value)."""
    rng = np.random.default_rng(seed)
    names = ["population", "area", "budget_per_resident", "density", "urban_share"]
    values = rng.lognormal(mean=8.0, sigma=1.2, size=(units, len(names)))
    return pl.DataFrame(
        {
            "unit": np.repeat(unit_codes(units).to_numpy(), len(names)),
            "variable": np.tile(names, units),
            "value": values.ravel(),
        }
    )


def run() -> list[BenchRow]:
    """Time group_stats, unit_positions and nearest_peers; compare with reading parquet."""
    results, groups = synthetic_results(), synthetic_groups()
    polarity = {f"I{n:04d}": POLARITIES[n % 3] for n in range(INDICATORS)}
    with tempfile.TemporaryDirectory() as folder:
        parquet = Path(folder) / "results.parquet"
        results.write_parquet(parquet)
        _, floor = timed(lambda: pl.read_parquet(parquet), repeat=3)
    stats, stats_seconds = timed(lambda: group_stats(results, groups, polarity), repeat=3)
    by_period = results.partition_by("period", as_dict=True)

    def around(period: int) -> pl.DataFrame:
        """The results of a period and of the one before (for the change)."""
        return pl.concat(
            [by_period[(year,)] for year in (period - 1, period) if (year,) in by_period]
        )

    def every_period() -> int:
        return sum(
            unit_positions(around(period), groups, polarity, periods=[period]).height
            for period in range(FIRST_PERIOD, FIRST_PERIOD + PERIODS)
        )

    rows_out, positions_seconds = timed(every_period)
    last = FIRST_PERIOD + PERIODS - 1
    recent = around(last)
    _, recent_seconds = timed(
        lambda: unit_positions(recent, groups, polarity, periods=[last]), repeat=3
    )
    context = synthetic_context()
    weights = {"population": 2.0, "area": 1.0, "budget_per_resident": 1.0, "density": 1.0}
    weights |= {"urban_share": 0.5}
    _, peers_seconds = timed(
        lambda: nearest_peers(context, weights=weights, k=10, log=["population", "area"]),
        repeat=3,
    )
    shape = f"{UNITS:,} units × {PERIODS} periods × {INDICATORS} indicators × "
    shape += f"{groups['group'].n_unique()} groups"

    def against_floor(name: str, seconds: float) -> BenchRow:
        return BenchRow(
            name,
            f"{seconds:.2f} s ({seconds / floor:.1f}× floor)",
            f"< {TARGET_SECONDS:.0f} s and < {TARGET_FLOOR_MULTIPLE:.0f}× floor",
            seconds < TARGET_SECONDS and seconds < TARGET_FLOOR_MULTIPLE * floor,
        )

    return [
        BenchRow(
            f"stats: read {results.height:,} results (parquet floor)",
            f"{floor:.2f} s",
            "reference",
            True,
        ),
        against_floor(f"group_stats: {shape} ({stats.height:,} rows)", stats_seconds),
        BenchRow(
            f"unit_positions: one period ({last}, with {last - 1} for the change)",
            f"{recent_seconds:.2f} s",
            f"< {TARGET_SECONDS:.0f} s",
            recent_seconds < TARGET_SECONDS,
        ),
        BenchRow(
            f"unit_positions: all {PERIODS} periods one at a time ({rows_out:,} rows)",
            f"{positions_seconds:.1f} s",
            "for information",
            True,
        ),
        BenchRow(
            f"nearest_peers: {UNITS:,} units, 5 variables (2 logged), k = 10",
            f"{peers_seconds:.2f} s",
            f"< {TARGET_PEERS_SECONDS:.0f} s",
            peers_seconds < TARGET_PEERS_SECONDS,
        ),
        BenchRow(
            "stats: peak memory of this benchmark",
            f"{peak_memory_mb():,.0f} MiB",
            "for information",
            True,
        ),
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
