"""The office's round page for a national round: every gmina of the bundled register
(2,477 units) asked for 80 values, about 97% of them filled, last year's values too (for
the change warnings), a few values out of range and a few outliers; the server time of
the operator's round page (the progress table with values filled, errors and warnings
of every unit), on SQLite and, when one answers, PostgreSQL.

The page is requested through Django's test client in the benchmark's own process, so
the figure is server time: middleware, the page's queries, the checks of every unit
and the template, without a network. Each database runs in a process of its own with a
throwaway database (see ``bench_collection``).

The first request (not timed) computes the peers' stats and leaves them in Django's
cache (``collection.validation.peers``), as a running server has after the round's
first page: the timed requests read the round's values and check them, and reuse the
stats while no submission is approved, returned or reopened. On a loaded machine the
wall-clock figures wait for a CPU; the CPU-time row is the steadier one to compare.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from typing import TYPE_CHECKING, Any

from bench.common import BenchRow

if TYPE_CHECKING:
    from benchlearn.accounts.models import User
    from benchlearn.collection.models import Round

VARIABLES = 80
FILLED_SHARE = 0.97
TARGET_SECONDS = 1.0
REPEAT = 5
PG_SERVER = os.environ.get("BENCHLEARN_BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def run() -> list[BenchRow]:
    from bench.bench_collection import _pg_admin, _pg_answers

    rows = _in_process("SQLite", "")
    if _pg_answers():
        database = f"bench_roundpage_{uuid.uuid4().hex[:8]}"
        _pg_admin(f'CREATE DATABASE "{database}"')
        try:
            rows += _in_process("PostgreSQL", f"{PG_SERVER}/{database}")
        finally:
            _pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    else:
        rows.append(BenchRow("round page, PostgreSQL", "not reachable", "runs", False))
    return rows


def _in_process(label: str, database_url: str) -> list[BenchRow]:
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "benchlearn.settings",
            "BENCHLEARN_DATA_DIR": folder,
            "BENCHLEARN_ALLOWED_HOSTS": "testserver",
            "BENCHLEARN_LOG_LEVEL": "WARNING",
        }
        env.pop("DATABASE_URL", None)
        if database_url:
            env["DATABASE_URL"] = database_url
        done = subprocess.run(
            [sys.executable, "-m", "bench.bench_roundpage"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        return [BenchRow(f"round page, {label}", "error", "runs", False)]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    scale = f"{figures['units']:,} units × {VARIABLES} variables, {figures['values']:,} values"
    return [
        BenchRow(
            f"round page: machine load (1-minute average, {os.cpu_count()} CPUs), {label}",
            f"{figures['load']:.1f}",
            "for information: other work slows the figures",
            True,
        ),
        BenchRow(
            f"round page: national round ({scale}), set-up, {label}",
            f"{figures['setup']:.0f} s",
            "for information",
            True,
        ),
        BenchRow(
            f"round page: operator's progress table, server time (median of {REPEAT}), "
            f"{figures['queries']} queries, {label}",
            f"{figures['page']:.2f} s",
            f"< {TARGET_SECONDS:.0f} s",
            figures["page"] < TARGET_SECONDS and figures["ok"],
        ),
        BenchRow(
            f"round page: the same, CPU time of the server process "
            f"({'the database included' if label == 'SQLite' else 'the database apart'}), "
            f"{label}",
            f"{figures['page_cpu']:.2f} s",
            "for information",
            True,
        ),
        BenchRow(
            f"round page: the same, sorted by errors, last page, {label}",
            f"{figures['sorted']:.2f} s",
            f"< {TARGET_SECONDS:.0f} s",
            figures["sorted"] < TARGET_SECONDS and figures["ok"],
        ),
    ]


# --- inside the benchmark's own process ---------------------------------------------


def _catalogue_yaml() -> str:
    lines = ["format: benchlearn-catalogue", "version: 1", "variables:"]
    for number in range(VARIABLES):
        lines += [
            f"  - code: V{number:02d}",
            f"    name: {{pl: Zmienna {number}, en: Variable {number}}}",
            "    min: 0",
            "    max: 1000000000",
        ]
    lines.append("indicators:")
    for number in range(VARIABLES // 10):
        formula = " + ".join(f"V{number * 10 + k:02d}" for k in range(10))
        lines += [
            f"  - code: I{number:02d}",
            f"    name: {{pl: Wskaźnik {number}, en: Indicator {number}}}",
            f"    formula: {formula}",
        ]
    lines += [
        "sets:",
        "  - code: NATIONAL",
        "    name: {pl: Krajowy, en: National}",
        f"    indicators: [{', '.join(f'I{n:02d}' for n in range(VARIABLES // 10))}]",
    ]
    return "\n".join(lines) + "\n"


def _build(units_limit: int | None = None) -> tuple[User, Round, int, int]:
    """The national round (or its first ``units_limit`` units): the operator, the open
    round, the number of units and of this year's values stored."""
    import datetime
    from decimal import Decimal

    import numpy as np
    from django.db import connection
    from django.utils import timezone

    from benchlearn.accounts.services import user_create
    from benchlearn.catalogue.models import IndicatorSet
    from benchlearn.catalogue.services import catalogue_import, catalogue_publish
    from benchlearn.collection.models import Submission, SubmissionState, Value, ValueSource
    from benchlearn.collection.selectors import round_variables
    from benchlearn.collection.services import round_create, round_open
    from benchlearn.units.models import Unit, UnitKind
    from benchlearn.units.services import unit_registry_load_bundled

    GMINA_EXCLUDED = (UnitKind.COUNTY, UnitKind.VOIVODESHIP)

    operator = user_create(
        email="op@example.org", full_name="Olga", password="x" * 20, is_operator=True
    )
    catalogue_import(text=_catalogue_yaml(), user=operator)
    catalogue_publish(user=operator)
    unit_registry_load_bundled()
    # The gminas (cities with county rights included), not the counties and voivodeships.
    units = list(Unit.objects.exclude(kind__in=GMINA_EXCLUDED).order_by("teryt")[:units_limit])
    created = round_create(
        user=operator,
        name="Krajowa",
        period=2024,
        indicator_sets=IndicatorSet.objects.filter(code="NATIONAL"),
        units=units,
        deadline=datetime.date(2025, 3, 31),
        warning_threshold=Decimal(30),
    )
    round_ = round_open(round_=created, user=operator)
    variables = round_variables(round_)
    rng = np.random.default_rng(0)
    shape = (len(units), len(variables))
    last_year = np.round(rng.lognormal(8, 1.5, size=shape), 2)
    this_year = np.round(last_year * rng.normal(1.05, 0.12, size=shape), 2)
    this_year[rng.random(shape) < 0.002] = -1  # below the minimum: an error
    filled = rng.random(shape) < FILLED_SHARE
    now = timezone.now()

    def rows(period: int, numbers: np.ndarray, keep: np.ndarray) -> list[Value]:
        return [
            Value(
                unit=unit,
                variable=variable,
                period=period,
                value=Decimal(str(numbers[u, v])),
                source=ValueSource.EXCEL,
                updated_at=now,
            )
            for u, unit in enumerate(units)
            for v, variable in enumerate(variables)
            if keep[u, v]
        ]

    Value.objects.bulk_create(rows(2023, last_year, np.ones(shape, dtype=bool)), batch_size=5000)
    current = rows(2024, this_year, filled)
    Value.objects.bulk_create(current, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what PostgreSQL's autovacuum does after a bulk load
    submissions = Submission.objects.filter(round=round_).order_by("unit__teryt")
    chosen = list(submissions.values_list("pk", flat=True))
    Submission.objects.filter(pk__in=chosen[::3]).update(
        state=SubmissionState.SUBMITTED, last_activity_at=now
    )
    Submission.objects.filter(pk__in=chosen[1::7]).update(
        state=SubmissionState.APPROVED, last_activity_at=now
    )
    return operator, round_, len(units), len(current)


def _measure() -> dict[str, float | int | bool]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection
    from django.test import Client

    start = time.perf_counter()
    operator, round_, units, values = _build()
    setup = time.perf_counter() - start
    client = Client()
    client.force_login(operator)
    url = f"/rounds/{round_.pk}/"
    first = client.get(url)
    # A full page of the table: a hundred units' rows.
    ok = first.status_code == 200 and first.text.count("<tr><td><a href=") == 100
    queries: list[str] = []

    # Counted by a wrapper: with DEBUG on, the set-up's queries fill Django's query log
    # to its limit, and a log that no longer grows counts nothing.
    def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        client.get(url)

    def seconds(address: str) -> tuple[float, float]:
        begin, begin_cpu = time.perf_counter(), time.process_time()
        response = client.get(address)
        assert response.status_code == 200
        return time.perf_counter() - begin, time.process_time() - begin_cpu

    page = [seconds(url) for _ in range(REPEAT)]
    last = f"{url}?sort=errors&dir=desc&page=last"
    sorted_page = [seconds(last) for _ in range(REPEAT)]
    return {
        "setup": setup,
        "units": units,
        "values": values,
        "page": statistics.median(wall for wall, _cpu in page),
        "page_cpu": statistics.median(cpu for _wall, cpu in page),
        "sorted": statistics.median(wall for wall, _cpu in sorted_page),
        "queries": len(queries),
        "load": os.getloadavg()[0],
        "ok": ok,
    }


if __name__ == "__main__":
    print(json.dumps(_measure()))
