"""`make bench`: run every benchmark module and print one table.

Each module ``bench/bench_*.py`` exposes ``run() -> list[BenchRow]`` and runs in a
process of its own. Benchmarks are not tests: they print figures and whether the
targets are met, and never fail the build.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import pkgutil
import subprocess
import sys
import time
from pathlib import Path

from bench.common import BenchRow

# The targets are "on one core": pin the process to one CPU and keep Polars and BLAS to
# one thread each, before either library is imported. The floors (reading parquet) are
# measured the same way, so every ratio compares like with like.
for _variable in ("POLARS_MAX_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
_CORE = max(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
if _CORE is not None:
    os.sched_setaffinity(0, {_CORE})


def _modules(selected: list[str]) -> list[str]:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    return [name for name in names if not selected or any(s in name for s in selected)]


def _print(rows: list[BenchRow]) -> None:
    widths = [
        max(len(getattr(row, field)) for row in rows) for field in ("name", "figure", "target")
    ]
    header = ("benchmark", "figure", "target", "")
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=False)]
    print(f"{header[0]:<{widths[0]}}  {header[1]:>{widths[1]}}  {header[2]:<{widths[2]}}  met")
    print("-" * (sum(widths) + 10))
    for row in rows:
        mark = "yes" if row.ok else "NO"
        print(
            f"{row.name:<{widths[0]}}  {row.figure:>{widths[1]}}  {row.target:<{widths[2]}}  {mark}"
        )


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:  # inside the child process of one module
        rows = importlib.import_module(f"bench.{argv[1]}").run()
        print(json.dumps([dataclasses.asdict(row) for row in rows]))
        return 0
    rows: list[BenchRow] = []
    where = f"CPU {_CORE}" if _CORE is not None else "one process"
    print(f"benchmarks on one core ({where}), one thread", file=sys.stderr, flush=True)
    for name in _modules(argv):
        start = time.perf_counter()
        print(f"running {name} …", file=sys.stderr, flush=True)
        rows += _run_apart(name)
        print(f"  {name} took {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    if rows:
        _print(rows)
    return 0


def _run_apart(name: str) -> list[BenchRow]:
    """One module's rows, measured in a process of its own: an earlier benchmark's
    gigabytes (allocator state, page cache) must not weigh on the next one's figures."""
    done = subprocess.run(  # noqa: S603 - this interpreter, this package
        [sys.executable, "-m", "bench", "--one", name],
        stdout=subprocess.PIPE,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    if done.returncode != 0:
        return [BenchRow(name, "error", "runs", False)]
    lines = done.stdout.strip().splitlines()
    return [BenchRow(**row) for row in json.loads(lines[-1])] if lines else []


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
