"""The public portal under load, on PostgreSQL (issue 17): the averaged-results page of an
indicator and year (``/portal/indicators/<code>/<year>/``: the figures by kind, population
band and voivodeship under disclosure control, three charts drawn on the server) with 50
concurrent clients for 30 seconds against gunicorn (4 sync workers, persistent database
connections, the shared file cache of production), p95 *server time* from gunicorn's
access log against the target of 150 ms; and one year's bulk download (CSV, xlsx, JSON),
each the first request for its file, against 2 s. Each reader asks for the page's three
charts after it, as a browser does; their times are printed apart.

The data: every unit of the bundled register with a result of every indicator of the
default catalogue in three years (log-normal values, numerators and denominators where
the indicator has them), stored by the results' own ``computation_store`` (groups,
statistics, neighbours) and published; one programme names 30 of its units.

Every results page and chart is asked for once before the load, several at a time (the
first view of a page computes its figures, of a chart draws it, once for every worker
through the shared cache): those first views are reported apart, for information, as
the cold times."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.bench_pages import _environment, _free_port, _median_p95, _wait_for
from bench.common import BenchRow

USERS, SECONDS, WORKERS = 50, 30, 4
YEARS = (2022, 2023, 2024)
TARGET_P95_MS = 150.0
TARGET_DOWNLOAD_S = 2.0
NAMED_UNITS = 30
PG_SERVER = os.environ.get("BENCHLEARN_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
ROOT = Path(__file__).resolve().parent.parent


def run() -> list[BenchRow]:
    from bench.bench_collection import _pg_admin, _pg_answers

    if not _pg_answers():
        return [BenchRow("public results page, PostgreSQL", "not reachable", "runs", False)]
    if hasattr(os, "sched_setaffinity"):  # the server and the load need both CPUs
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
    database = f"bench_portal_{uuid.uuid4().hex[:8]}"
    _pg_admin(f'CREATE DATABASE "{database}"')
    try:
        with tempfile.TemporaryDirectory() as folder:
            env = {**_environment(folder, f"{PG_SERVER}/{database}"), "BENCHLEARN_CACHE": "file"}
            done = subprocess.run(
                [sys.executable, "-m", "bench.bench_portal"],
                env=env,
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            setup = json.loads(done.stdout.strip().splitlines()[-1])
            return _load(env, setup, Path(folder))
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _load(env: dict[str, str], setup: dict[str, object], folder: Path) -> list[BenchRow]:
    port = _free_port()
    access_log = folder / "access.log"
    server = subprocess.Popen(  # noqa: S603 - gunicorn of this environment
        [
            *(sys.executable, "-m", "gunicorn", "benchlearn.wsgi", "-w", str(WORKERS)),
            *("-b", f"127.0.0.1:{port}", "--log-level", "warning"),
            *("--access-logfile", str(access_log), "--access-logformat", "%(U)s %(s)s %(D)s"),
        ],
        env=env,
        cwd=ROOT,
    )
    paths = setup["paths"]
    assert isinstance(paths, list)
    base = f"http://127.0.0.1:{port}"
    load_before = os.getloadavg()[0]
    try:
        _wait_for(port)
        _fetch_all(base, ["/portal/", "/portal/indicators/"] * 4 * WORKERS)  # imports
        downloads = {fmt: _timed(f"{base}/portal/data/{YEARS[-1]}.{fmt}") for fmt in FORMATS}
        cold_started = time.perf_counter()
        cold = _fetch_all(base, paths)
        cold_seconds = time.perf_counter() - cold_started
        charts = [f"{path}{dimension}.svg" for path in paths for dimension in DIMENSIONS]
        cold_charts = _fetch_all(base, charts)
        skip = access_log.stat().st_size
        prefix = folder / "locust"
        subprocess.run(  # noqa: S603 - locust of this environment
            [
                *(sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locust_portal.py")),
                *("--headless", "-u", str(USERS), "-r", str(USERS), "-t", f"{SECONDS}s"),
                *("--host", base, "--csv", str(prefix), "--only-summary"),
            ],
            env={**env, "BENCH_PORTAL_PATHS": json.dumps(paths)},
            cwd=ROOT,
            check=False,
            capture_output=True,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    load_after = os.getloadavg()[0]
    times, chart_times = _server_times(access_log, skip)
    if not times:
        return [BenchRow("public results page", "no requests", "runs", False)]
    errors = sum(1 for _ms, status in times if status != 200)
    median, p95 = _median_p95([ms for ms, _status in times])
    cold_median, cold_p95 = _median_p95(cold)
    chart_median, chart_p95 = _median_p95([ms for ms, _status in chart_times] or [0.0])
    cold_chart_median, cold_chart_p95 = _median_p95(cold_charts)
    slowest = max(downloads.values())
    sizes = ", ".join(f"{fmt} {seconds:.2f} s" for fmt, seconds in downloads.items())
    return [
        BenchRow(
            f"portal: {setup['units']:,} units × {setup['indicators']} indicators × "
            f"{len(YEARS)} years computed and published, set-up",
            f"{setup['seconds']:.0f} s",
            "for information",
            True,
        ),
        BenchRow(
            f"machine load (1-minute average, {os.cpu_count()} CPUs) before / after",
            f"{load_before:.1f} / {load_after:.1f}",
            "for information",
            True,
        ),
        BenchRow(
            f"public results page, first view of each of {len(cold)} pages (figures computed; "
            f"charts apart), median / p95, {2 * WORKERS} at a time, {cold_seconds:.0f} s",
            f"{cold_median:.0f} / {cold_p95:.0f} ms",
            "for information",
            True,
        ),
        BenchRow(
            f"public results page's charts, first view of each of {len(cold_charts)} "
            "(drawn by vl-convert), median / p95",
            f"{cold_chart_median:.0f} / {cold_chart_p95:.0f} ms",
            "for information",
            True,
        ),
        BenchRow(
            f"public results page, server time median / p95, {USERS} clients, gunicorn × "
            f"{WORKERS} ({len(times):,} requests, {errors} not 200)",
            f"{median:.0f} / {p95:.0f} ms",
            f"p95 < {TARGET_P95_MS:.0f} ms, all 200",
            p95 < TARGET_P95_MS and errors == 0,
        ),
        BenchRow(
            f"its three charts, server time median / p95 ({len(chart_times):,} requests)",
            f"{chart_median:.0f} / {chart_p95:.0f} ms",
            "for information",
            True,
        ),
        BenchRow(
            f"one year's bulk download ({YEARS[-1]}, {setup['indicators']} indicators), "
            f"first request of each file: {sizes}",
            f"{slowest:.2f} s",
            f"< {TARGET_DOWNLOAD_S:.0f} s",
            slowest < TARGET_DOWNLOAD_S,
        ),
    ]


FORMATS = ("csv", "xlsx", "json")
DIMENSIONS = ("kind", "band", "voivodeship")


def _timed(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - our server
        response.read()
    return time.perf_counter() - started


def _fetch_all(base: str, paths: list[str]) -> list[float]:
    """Milliseconds of each page, ``2 × WORKERS`` at a time."""

    def fetch(path: str) -> float:
        return 1000 * _timed(base + path)

    with ThreadPoolExecutor(max_workers=2 * WORKERS) as pool:
        return list(pool.map(fetch, paths))


def _server_times(
    access_log: Path, skip: int
) -> tuple[list[tuple[float, int]], list[tuple[float, int]]]:
    """(milliseconds, status) of every results page, and of every chart, after the first
    ``skip`` bytes of the log."""
    pages, charts = [], []
    with access_log.open(encoding="utf-8") as handle:
        handle.seek(skip)
        for line in handle:
            url, status, microseconds = line.split()
            if not url.startswith("/portal/indicators/"):
                continue
            timed = (int(microseconds) / 1000, int(status))
            if url.endswith(".svg"):
                charts.append(timed)
            elif url.count("/") == 5:
                pages.append(timed)
    return pages, charts


# --- inside the set-up process ----------------------------------------------------------


def _build() -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import numpy as np
    import polars as pl

    from benchlearn.accounts.services import user_create
    from benchlearn.catalogue.services import catalogue_load_default, catalogue_publish
    from benchlearn.groups.services import group_create, programme_create
    from benchlearn.results.models import Computation, ComputationState
    from benchlearn.results.publication import computation_publish
    from benchlearn.results.services import computation_store, published_catalogue
    from benchlearn.units.models import Unit
    from benchlearn.units.services import context_load_bundled, unit_registry_load_bundled

    start = time.perf_counter()
    operator = user_create(
        email="biuro@example.org", full_name="Biuro", password=uuid.uuid4().hex, is_operator=True
    )
    unit_registry_load_bundled()
    catalogue_load_default(user=operator)
    catalogue_publish(user=operator)
    context_load_bundled()
    catalogue, versions = published_catalogue()
    units = list(Unit.objects.order_by("teryt"))
    rng = np.random.default_rng(17)
    frames = []
    for indicator in catalogue.indicators:
        count = len(units) * len(YEARS)
        value = rng.lognormal(3.0, 0.6, size=count)
        denominator = rng.lognormal(9.0, 1.0, size=count)
        has_parts = bool(indicator.numerator and indicator.denominator)
        frames.append(
            pl.DataFrame(
                {
                    "unit": [u.teryt for u in units] * len(YEARS),
                    "period": [y for y in YEARS for _u in units],
                    "indicator": indicator.code,
                    "value": value,
                    "flag": None,
                    "numerator": value * denominator if has_parts else None,
                    "denominator": denominator if has_parts else None,
                },
                schema_overrides={
                    "flag": pl.String,
                    "numerator": pl.Float64,
                    "denominator": pl.Float64,
                },
            )
        )
    results = pl.concat(frames)
    computation = Computation.objects.create(state=ComputationState.RUNNING)
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
    named = group_create(
        name="Jawna",
        service="Oświata",
        cycle_start=YEARS[0],
        moderator=None,
        units=units[:NAMED_UNITS],
    )
    programme_create(
        name="Jawny", first_year=YEARS[0], last_year=YEARS[-1], groups=[named], public_names=True
    )
    computation.refresh_from_db()
    computation_publish(computation=computation, by=operator)
    paths = [f"/portal/indicators/{i.code}/{y}/" for i in catalogue.indicators for y in YEARS]
    random.Random(17).shuffle(paths)  # noqa: S311 - a benchmark's order
    return {
        "paths": paths,
        "units": len(units),
        "indicators": len(catalogue.indicators),
        "seconds": time.perf_counter() - start,
    }


if __name__ == "__main__":
    print(json.dumps(_build()))
