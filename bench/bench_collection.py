"""Data collection: importing the round workbook of 2,900 units × 100 variables
(validate and store, with a history row per value) on SQLite and, when one answers,
PostgreSQL, against the floor of merely reading the workbook with python-calamine; and
the server time of a unit's form with 150 variables.

Each database runs in its own process (Django is configured once per process) with a
throwaway database: a SQLite file in a temporary folder, or a PostgreSQL database
created and dropped here. The workbook is written by the export (the round workbook
the operator downloads) with synthetic values.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.common import BenchRow

UNITS, VARIABLES, FORM_VARIABLES = 2_900, 100, 150
TARGET_IMPORT_SECONDS = 20.0
TARGET_FORM_MS = 200.0
PG_SERVER = os.environ.get("BENCHLEARN_BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def run() -> list[BenchRow]:
    rows = _in_process("sqlite", "")
    database = f"bench_collection_{uuid.uuid4().hex[:8]}"
    if _pg_answers():
        _pg_admin(f'CREATE DATABASE "{database}"')
        try:
            rows += _in_process("PostgreSQL", f"{PG_SERVER}/{database}")
        finally:
            _pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    else:
        rows.append(BenchRow("collection import, PostgreSQL", "not reachable", "< 20 s", False))
    return rows


def _pg_answers() -> bool:
    try:
        import psycopg

        psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
    except Exception:
        return False
    return True


def _pg_admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)  # type: ignore[arg-type]


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
        done = subprocess.run(  # noqa: S603 - this interpreter, this module
            [sys.executable, "-m", "bench.bench_collection", label],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        return [BenchRow(f"collection import, {label}", "error", "runs", False)]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    rows = [
        BenchRow(
            f"collection: import {UNITS:,} units × {VARIABLES} variables, {label}",
            f"{figures['import']:.1f} s",
            f"< {TARGET_IMPORT_SECONDS:.0f} s",
            figures["import"] < TARGET_IMPORT_SECONDS and figures["ok"],
        ),
        BenchRow(
            f"collection: import ÷ reading the workbook ({figures['read']:.2f} s), {label}",
            f"{figures['import'] / figures['read']:.1f}×",
            "printed",
            True,
        ),
        BenchRow(
            f"collection: same workbook again (nothing changes), {label}",
            f"{figures['again']:.1f} s",
            f"< {TARGET_IMPORT_SECONDS:.0f} s",
            figures["again"] < TARGET_IMPORT_SECONDS,
        ),
    ]
    if label == "sqlite":
        rows.append(
            BenchRow(
                f"collection: form of a unit with {FORM_VARIABLES} variables (median)",
                f"{figures['form_ms']:.0f} ms",
                f"< {TARGET_FORM_MS:.0f} ms",
                figures["form_ms"] < TARGET_FORM_MS,
            )
        )
    return rows


# --- inside the benchmark's own process ---------------------------------------------


def _catalogue_yaml() -> str:
    lines = ["format: benchlearn-catalogue", "version: 1", "variables:"]
    for number in range(FORM_VARIABLES):
        lines += [
            f"  - code: V{number:03d}",
            f"    name: {{pl: Zmienna {number}, en: Variable {number}}}",
            "    min: 0",
            "    max: 1000000000",
        ]
    lines.append("indicators:")
    for number in range(FORM_VARIABLES // 10):
        formula = " + ".join(f"V{number * 10 + k:03d}" for k in range(10))
        lines += [
            f"  - code: I{number:02d}",
            f"    name: {{pl: Wskaźnik {number}, en: Indicator {number}}}",
            f"    formula: {formula}",
        ]
    lines += [
        "sets:",
        "  - code: S100",
        "    name: {pl: Sto, en: Hundred}",
        f"    indicators: [{', '.join(f'I{n:02d}' for n in range(VARIABLES // 10))}]",
        "  - code: S150",
        "    name: {pl: Sto pięćdziesiąt, en: Hundred and fifty}",
        f"    indicators: [{', '.join(f'I{n:02d}' for n in range(FORM_VARIABLES // 10))}]",
    ]
    return "\n".join(lines) + "\n"


def _measure() -> dict[str, float | bool]:
    import datetime
    from decimal import Decimal

    import django
    import numpy as np

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.test import Client
    from python_calamine import CalamineWorkbook

    from benchlearn.accounts.services import user_create
    from benchlearn.catalogue.models import IndicatorSet
    from benchlearn.catalogue.services import catalogue_import, catalogue_publish
    from benchlearn.collection.files.importer import import_file
    from benchlearn.collection.files.xlsx_write import round_workbook
    from benchlearn.collection.models import Submission, ValueSource
    from benchlearn.collection.selectors import round_variables
    from benchlearn.collection.services import round_create, round_open, submission_save
    from benchlearn.units.models import Level, Unit
    from benchlearn.units.services import unit_membership_set

    operator = user_create(
        email="op@example.org", full_name="Olga", password="x" * 20, is_operator=True
    )
    catalogue_import(text=_catalogue_yaml(), user=operator)
    catalogue_publish(user=operator)
    Unit.objects.bulk_create(
        Unit(teryt=f"{2_000_000 + n:07d}", name=f"Gmina {n}", kind="GM") for n in range(UNITS)
    )
    units = list(Unit.objects.order_by("teryt"))

    def opened(name: str, sets: str, chosen: list[Unit]) -> object:
        created = round_create(
            user=operator,
            name=name,
            period=2024,
            indicator_sets=IndicatorSet.objects.filter(code=sets),
            units=chosen,
            deadline=datetime.date(2025, 3, 31),
        )
        return round_open(round_=created, user=operator)

    round_ = opened("Import", "S100", units)
    variables = round_variables(round_)  # type: ignore[arg-type]
    rng = np.random.default_rng(0)
    numbers = np.round(rng.lognormal(8, 1.5, size=(UNITS, VARIABLES)), 2)
    codes = [v.code for v in variables]
    data = round_workbook(
        round_id=round_.pk,  # type: ignore[attr-defined]
        period=2024,
        variables=variables,
        units=(
            (u.teryt, u.name, {c: Decimal(str(x)) for c, x in zip(codes, row, strict=True)})
            for u, row in zip(units, numbers, strict=True)
        ),
    )
    folder = Path(tempfile.mkdtemp())
    path = folder / "round.xlsx"
    path.write_bytes(data)

    def read() -> None:
        book = CalamineWorkbook.from_path(str(path))
        book.get_sheet_by_index(0).to_python()

    read_seconds = min(_seconds(read) for _ in range(3))
    start = time.perf_counter()
    result = import_file(
        path=path, name=path.name, round_=round_, user=operator, source=ValueSource.EXCEL
    )
    import_seconds = time.perf_counter() - start
    ok = result.ok and result.changed == UNITS * VARIABLES
    if not result.ok:
        sys.stderr.write("\n".join(str(p) for p in result.problems[:20]))
    start = time.perf_counter()
    again = import_file(
        path=path, name=path.name, round_=round_, user=operator, source=ValueSource.EXCEL
    )
    again_seconds = time.perf_counter() - start
    ok = ok and again.ok and again.changed == 0
    shutil.rmtree(folder, ignore_errors=True)

    # The form: a unit with 150 variables, half of them filled, peers with values.
    form_round = opened("Formularz", "S150", units[:20])
    participant = user_create(email="p@example.org", full_name="Pola", password="x" * 20)
    unit_membership_set(user=participant, unit=units[0], level=Level.STRATEGIC)
    for unit in units[:20]:
        submission = Submission.objects.get(round=form_round, unit=unit)
        entries = {f"V{n:03d}": (str(n * 10 + 5), None) for n in range(0, FORM_VARIABLES, 2)}
        submission_save(submission=submission, user=operator, entries=entries, base_revisions=None)
    client = Client()
    client.force_login(participant)
    url = f"/rounds/{form_round.pk}/units/{units[0].teryt}/"  # type: ignore[attr-defined]
    assert client.get(url).status_code == 200
    times = [_seconds(lambda: client.get(url)) for _ in range(9)]
    return {
        "read": read_seconds,
        "import": import_seconds,
        "again": again_seconds,
        "ok": ok,
        "form_ms": statistics.median(times) * 1000,
    }


def _seconds(function: object) -> float:
    start = time.perf_counter()
    function()  # type: ignore[operator]
    return time.perf_counter() - start


if __name__ == "__main__":
    print(json.dumps(_measure()))
