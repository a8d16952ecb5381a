"""Evaluating a national-scale catalogue: speed against reading the values, memory, and
the speed-up over a straightforward per-unit Python loop."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import polars as pl

from bench.common import BenchRow, peak_memory_mb, timed
from bench.synthetic import synthetic_programme
from benchlearn.engine.catalogue import Basis, Catalogue
from benchlearn.engine.evaluate import evaluate
from benchlearn.engine.evaluate.by_year import evaluate_by_year
from benchlearn.engine.io.catalogue_yaml import read_default_catalogue
from tests.engine.naive import evaluate_naive

NAIVE_UNITS = 50
SHIPPED_UNITS = 2900  # about every gmina and county of Poland
SHIPPED_YEARS = tuple(range(2021, 2026))  # across the 2025 change of definitions
TARGET_SECONDS = 3.0
TARGET_FLOOR_MULTIPLE = 5.0
TARGET_MEMORY_MB = 2048.0
TARGET_SPEEDUP = 100.0

# Run in a fresh process, so that peak memory is that of reading and evaluating, not of
# generating the synthetic programme. (ru_maxrss survives exec on Linux, so the child
# reads its own high-water mark, VmHWM.)
_CHILD = """
import json, pickle, sys, time
import polars as pl
from benchlearn.engine.evaluate import evaluate

def high_water():
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024

values = pl.read_parquet(sys.argv[1])
with open(sys.argv[2], "rb") as handle:
    catalogue = pickle.load(handle)
read = high_water()
start = time.perf_counter()
result = evaluate(values, catalogue)
seconds = time.perf_counter() - start
print(json.dumps({"read": read, "peak": high_water(), "seconds": seconds}))
"""


def run() -> list[BenchRow]:
    """Read floor, full evaluation, its peak memory and the speed-up over the naive loop."""
    values, catalogue, _ = synthetic_programme()
    with tempfile.TemporaryDirectory() as folder:
        parquet, csv = Path(folder) / "values.parquet", Path(folder) / "values.csv"
        values.write_parquet(parquet)
        values.write_csv(csv)
        _, floor = timed(lambda: pl.read_parquet(parquet), repeat=3)
        _, csv_seconds = timed(lambda: pl.read_csv(csv))
        result, seconds = timed(lambda: evaluate(values, catalogue), repeat=3)
        periods = result["period"].n_unique()
        del result  # 17 million rows: not to be held while the fresh process runs
        child = _fresh_process(parquet, catalogue, Path(folder))
    units = values["unit"].unique().sort().head(NAIVE_UNITS)
    subset = values.filter(pl.col("unit").is_in(units.implode()))
    _, naive_seconds = timed(lambda: evaluate_naive(subset, catalogue))
    all_units = values["unit"].n_unique()
    speedup = naive_seconds / NAIVE_UNITS * all_units / seconds
    shape = f"{all_units:,} units × {periods} periods × "
    shape += f"{len(catalogue.indicators)} indicators"
    return [
        BenchRow(
            f"evaluate: read {values.height:,} values (parquet floor)",
            f"{floor:.2f} s",
            "reference",
            True,
        ),
        BenchRow(
            "evaluate: read the same values from CSV",
            f"{csv_seconds:.2f} s",
            "for comparison",
            True,
        ),
        BenchRow(
            f"evaluate: {shape}",
            f"{seconds:.2f} s ({seconds / floor:.1f}× floor)",
            f"< {TARGET_SECONDS:.0f} s and < {TARGET_FLOOR_MULTIPLE:.0f}× floor",
            seconds < TARGET_SECONDS and seconds < TARGET_FLOOR_MULTIPLE * floor,
        ),
        BenchRow(
            "evaluate: first run in a fresh process",
            f"{child['seconds']:.2f} s",
            f"< {TARGET_SECONDS:.0f} s",
            child["seconds"] < TARGET_SECONDS,
        ),
        BenchRow(
            "evaluate: peak memory (fresh process, read + evaluate)",
            f"{child['peak']:,.0f} MiB (values alone {child['read']:,.0f})",
            f"< {TARGET_MEMORY_MB:,.0f} MiB",
            child["peak"] < TARGET_MEMORY_MB,
        ),
        BenchRow(
            f"evaluate: speed-up over a per-unit loop ({NAIVE_UNITS} units, extrapolated)",
            f"{speedup:,.0f}×",
            f"> {TARGET_SPEEDUP:.0f}×",
            speedup > TARGET_SPEEDUP,
        ),
        _shipped_catalogue_row(),
        BenchRow(
            "evaluate: peak memory of this benchmark",
            f"{peak_memory_mb():,.0f} MiB",
            "for information",
            True,
        ),
    ]


def _shipped_values(catalogue: Catalogue, seed: int = 0) -> pl.DataFrame:
    """Every variable of ``catalogue`` for SHIPPED_UNITS units and SHIPPED_YEARS: a value
    inside the variable's plausible range (per resident or per user where it is compared
    so), units of 2,000 to 800,000 residents."""
    rng = np.random.default_rng(seed)
    units = [f"{2000000 + n:07d}" for n in range(SHIPPED_UNITS)]
    population = rng.lognormal(np.log(15000), 1.0, SHIPPED_UNITS).clip(2000, 800000)
    columns: dict[str, list] = {"unit": [], "period": [], "variable": [], "value": []}
    for year in SHIPPED_YEARS:
        for variable in catalogue.variables:
            if not variable.valid_in(year):
                continue
            low = variable.plausible_min if variable.plausible_min is not None else 0.0
            high = variable.plausible_max if variable.plausible_max is not None else 100.0
            value = rng.uniform(low, max(high, low), SHIPPED_UNITS)
            if variable.code == "POP":
                value = population
            elif variable.compare is not Basis.AS_IS:
                value = value * population / 50  # about one user in fifty residents
            columns["unit"] += units
            columns["period"] += [year] * SHIPPED_UNITS
            columns["variable"] += [variable.code] * SHIPPED_UNITS
            columns["value"] += value.tolist()
    return pl.DataFrame(columns).with_columns(
        pl.col("unit").cast(pl.Categorical()),
        pl.col("variable").cast(pl.Categorical()),
        pl.col("period").cast(pl.Int32),
    )


def _shipped_catalogue_row() -> BenchRow:
    """The catalogue a programme starts from, every domain, over every unit of a
    country-wide programme and years on both sides of a change of definitions."""
    catalogue = read_default_catalogue()
    values = _shipped_values(catalogue)
    result, seconds = timed(lambda: evaluate_by_year(values, catalogue), repeat=3)
    codes = {i.code for i in catalogue.indicators}
    domains = {i.domain for i in catalogue.indicators}
    shape = f"{SHIPPED_UNITS:,} units × {len(SHIPPED_YEARS)} years × {len(codes)} indicators"
    return BenchRow(
        f"evaluate: the shipped catalogue ({len(domains)} domains), {shape}",
        f"{seconds:.2f} s ({result.height:,} results)",
        f"< {TARGET_SECONDS:.0f} s",
        seconds < TARGET_SECONDS,
    )


def _fresh_process(parquet: Path, catalogue: object, folder: Path) -> dict[str, float]:
    pickled = folder / "catalogue.pickle"
    pickled.write_bytes(pickle.dumps(catalogue))
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", _CHILD, str(parquet), str(pickled)],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
    )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures
