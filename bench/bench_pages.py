"""Comparison pages under load, on PostgreSQL with a national-scale programme: every
unit of the bundled register, 20 years, the default catalogue, results stored the way
a computation stores them (synthetic values, log-normal), the standing comparison
groups with their statistics and every unit's nearest neighbours.

gunicorn serves the app (4 sync workers, persistent database connections) and locust
drives 20 concurrent users opening random units' dashboards and indicator pages
against random comparisons for 30 seconds. The issue's figures are *server time*:
what gunicorn's access log gives each request (``%(D)s``: from the request read to the
response written, in the worker), median and 95th percentile per page, judged against
the target. Locust's response times (which add the wait for a free worker: 20 clients,
4 workers) are printed beside them for information. Client and server share this
2-CPU machine; the benchmark is not pinned to one core: the server and the load need
both.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.common import BenchRow

PERIODS = range(2005, 2025)
USERS, SECONDS, WORKERS = 20, 30, 4
TARGET_MEDIAN_MS, TARGET_P95_MS = 150.0, 300.0
PG_SERVER = os.environ.get("BENCHLEARN_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
ROOT = Path(__file__).resolve().parent.parent


def run() -> list[BenchRow]:
    from bench.bench_collection import _pg_admin, _pg_answers

    if not _pg_answers():
        return [BenchRow("pages under load, PostgreSQL", "not reachable", "runs", False)]
    if hasattr(os, "sched_setaffinity"):  # make bench pins to one core: not for this one
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
    database = f"bench_pages_{uuid.uuid4().hex[:8]}"
    _pg_admin(f'CREATE DATABASE "{database}"')
    try:
        with tempfile.TemporaryDirectory() as folder:
            env = _environment(folder, f"{PG_SERVER}/{database}")
            setup = _setup(env)
            return _load(env, setup, Path(folder))
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _environment(folder: str, database_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchlearn.settings",
        "BENCHLEARN_DATA_DIR": folder,
        "BENCHLEARN_LOG_LEVEL": "WARNING",
        "BENCHLEARN_DB_CONN_MAX_AGE": "600",
        "DATABASE_URL": database_url,
    }
    for variable in ("POLARS_MAX_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        env.pop(variable, None)
    return env


def _setup(env: dict[str, str]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.bench_pages"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    setup: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return setup


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _load(env: dict[str, str], setup: dict[str, object], folder: Path) -> list[BenchRow]:
    port = _free_port()
    access_log = folder / "access.log"
    server = subprocess.Popen(  # noqa: S603 - gunicorn of this environment
        [
            *(sys.executable, "-m", "gunicorn", "benchlearn.wsgi", "-w", str(WORKERS)),
            *("-b", f"127.0.0.1:{port}", "--log-level", "warning"),
            *("--access-logfile", str(access_log), "--access-logformat", "%(U)s?%(q)s %(s)s %(D)s"),
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        _wait_for(port)
        prefix = folder / "locust"
        subprocess.run(  # noqa: S603 - locust of this environment
            [
                *(sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locust_pages.py")),
                *("--headless", "-u", str(USERS), "-r", str(USERS), "-t", f"{SECONDS}s"),
                *("--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary"),
            ],
            env={**env, "BENCH_PAGES_SETUP": json.dumps(setup)},
            cwd=ROOT,
            check=False,
            capture_output=True,
        )
        stats = _stats(Path(f"{prefix}_stats.csv"))
    finally:
        server.terminate()
        server.wait(timeout=30)
    served = _server_times(access_log)
    rows = [
        BenchRow(
            f"pages: national programme stored ({setup['results']:,} results, "
            f"{setup['units_total']:,} units)",
            f"{setup['seconds']:.0f} s",
            "set-up, for information",
            True,
        )
    ]
    for name, label in (("dashboard", "unit dashboard"), ("indicator", "indicator page")):
        figures, times = stats.get(name), served.get(name)
        if figures is None or not times:
            rows.append(BenchRow(f"pages: {label}", "no requests", "runs", False))
            continue
        client_median, client_p95, _requests, failures = figures
        failures += sum(1 for _ms, status in times if status >= 400)
        milliseconds = [ms for ms, _status in times]
        median, p95 = _median_p95(milliseconds)
        rows.append(
            BenchRow(
                f"pages: {label}, server time, {USERS} users, gunicorn × {WORKERS} "
                f"({len(milliseconds):,} requests, {failures} errors)",
                f"{median:.0f} / {p95:.0f} ms",
                f"median < {TARGET_MEDIAN_MS:.0f}, p95 < {TARGET_P95_MS:.0f} ms, no errors",
                median < TARGET_MEDIAN_MS and p95 < TARGET_P95_MS and failures == 0,
            )
        )
        rows.append(
            BenchRow(
                f"pages: {label}, as the clients saw it (with the wait for a worker)",
                f"{client_median:.0f} / {client_p95:.0f} ms",
                "for information",
                True,
            )
        )
    return rows


_DASHBOARD = re.compile(r"^/units/[^/]+/results/$")
_INDICATOR = re.compile(r"^/units/[^/]+/results/[^/]+/$")


def _server_times(path: Path) -> dict[str, list[tuple[float, int]]]:
    """Page -> (server time in ms, status) of every request in gunicorn's access log."""
    found: dict[str, list[tuple[float, int]]] = {"dashboard": [], "indicator": []}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            address, status, microseconds = line.split()
            url = address.partition("?")[0]
            name = (
                "dashboard"
                if _DASHBOARD.match(url)
                else "indicator"
                if _INDICATOR.match(url)
                else None
            )
            if name is not None:
                found[name].append((int(microseconds) / 1000, int(status)))
    return found


def _median_p95(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered), p95


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _stats(path: Path) -> dict[str, tuple[float, float, int, int]]:
    found = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] in ("dashboard", "indicator"):
                found[row["Name"]] = (
                    float(row["50%"]),
                    float(row["95%"]),
                    int(row["Request Count"]),
                    int(row["Failure Count"]),
                )
    return found


# --- inside the set-up process ----------------------------------------------------------


def _build() -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import numpy as np
    import polars as pl
    from django.test import Client

    from benchlearn.accounts.services import user_create
    from benchlearn.catalogue.services import catalogue_load_default, catalogue_publish
    from benchlearn.reports.bundle import ensure_bundle
    from benchlearn.results.models import Computation
    from benchlearn.results.services import computation_store, published_catalogue
    from benchlearn.units.models import Unit
    from benchlearn.units.services import context_load_bundled, unit_registry_load_bundled

    start = time.perf_counter()
    unit_registry_load_bundled()
    operator = user_create(
        email="op@example.org", full_name="Olga", password="x" * 20, is_operator=True
    )
    catalogue_load_default(user=operator)
    catalogue_publish(user=operator)
    context_load_bundled()
    catalogue, versions = published_catalogue()
    units = list(Unit.objects.all())
    codes = [i.code for i in catalogue.indicators]
    parts = {i.code for i in catalogue.indicators if i.numerator and i.denominator}
    rng = np.random.default_rng(0)
    size = len(units) * len(PERIODS) * len(codes)
    denominator = rng.lognormal(8.0, 1.0, size)
    value = rng.lognormal(3.0, 1.0, size)
    indicator = np.repeat(np.arange(len(codes)), len(units) * len(PERIODS))
    declared = np.isin(indicator, [n for n, code in enumerate(codes) if code in parts])
    results = pl.DataFrame(
        {
            "unit": pl.Series([u.teryt for u in units]).gather(
                np.tile(np.repeat(np.arange(len(units)), len(PERIODS)), len(codes))
            ),
            "period": np.tile(np.array(PERIODS), len(units) * len(codes)),
            "indicator": pl.Series(codes).gather(indicator),
            "value": value,
            "flag": pl.Series([None] * size, dtype=pl.String),
            "numerator": np.where(declared, value * denominator, np.nan),
            "denominator": np.where(declared, denominator, np.nan),
        }
    ).with_columns(pl.col("numerator", "denominator").fill_nan(None))
    computation = Computation.objects.create(requested_by=operator, reason="benchmark")
    computation_store(
        computation,
        results=results,
        values=pl.DataFrame(
            schema={
                "unit": pl.String,
                "period": pl.Int64,
                "variable": pl.String,
                "value": pl.Float64,
            }
        ),
        polarity={i.code: i.polarity for i in catalogue.indicators},
        versions=versions,
        marks=(0, 0, None),
        units=units,
    )
    ensure_bundle()
    client = Client()
    client.force_login(operator)
    return {
        "session": client.cookies["sessionid"].value,
        "units": [u.teryt for u in units],
        "indicators": codes,
        "results": results.height,
        "seconds": time.perf_counter() - start,
        "units_total": len(units),
    }


if __name__ == "__main__":
    print(json.dumps(_build()))
