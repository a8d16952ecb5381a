"""The residents' answer page of a survey under load, on PostgreSQL: 50 concurrent
respondents, no account, each opening a random unit's open link (``/s/<token>/``) and
sending answers back, for 30 seconds, against gunicorn (4 sync workers, persistent
database connections). The figure is *server time* from gunicorn's access log
(``%(D)s``), p95 over every request to the answer page, against the issue's target of
100 ms; locust's own times (with the wait for a free worker) beside it for
information. The survey: the demo's questionnaire, 200 units of the register, open.

The public pages are written by another part of issue 16: while ``/s/<token>/`` is not
served yet, the benchmark says so in its row instead of measuring a 404."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.bench_pages import _environment, _free_port, _median_p95, _wait_for
from bench.common import BenchRow

USERS, SECONDS, WORKERS, UNITS = 50, 30, 4, 200
TARGET_P95_MS = 100.0
PG_SERVER = os.environ.get("BENCHLEARN_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
ROOT = Path(__file__).resolve().parent.parent


def run() -> list[BenchRow]:
    from bench.bench_collection import _pg_admin, _pg_answers

    if not _pg_answers():
        return [BenchRow("survey answer page, PostgreSQL", "not reachable", "runs", False)]
    if hasattr(os, "sched_setaffinity"):  # the server and the load need both CPUs
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
    database = f"bench_survey_{uuid.uuid4().hex[:8]}"
    _pg_admin(f'CREATE DATABASE "{database}"')
    try:
        with tempfile.TemporaryDirectory() as folder:
            env = _environment(folder, f"{PG_SERVER}/{database}")
            done = subprocess.run(
                [sys.executable, "-m", "bench.bench_survey_page"],
                env=env,
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            setup = json.loads(done.stdout.strip().splitlines()[-1])
            if not setup["served"]:
                return [
                    BenchRow(
                        "survey answer page: /s/<token>/ not served yet (public pages not on main)",
                        "—",
                        f"p95 < {TARGET_P95_MS:.0f} ms",
                        False,
                    )
                ]
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
    started = time.perf_counter()
    try:
        _wait_for(port)
        prefix = folder / "locust"
        subprocess.run(  # noqa: S603 - locust of this environment
            [
                *(sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locust_survey.py")),
                *("--headless", "-u", str(USERS), "-r", str(USERS), "-t", f"{SECONDS}s"),
                *("--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary"),
            ],
            env={**env, "BENCH_SURVEY_SETUP": json.dumps(setup)},
            cwd=ROOT,
            check=False,
            capture_output=True,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    times = []
    with access_log.open(encoding="utf-8") as handle:
        for line in handle:
            url, status, microseconds = line.split()
            if url.startswith("/s/"):
                times.append((int(microseconds) / 1000, int(status)))
    if not times:
        return [BenchRow("survey answer page", "no requests", "runs", False)]
    errors = sum(1 for _ms, status in times if status >= 400)
    median, p95 = _median_p95([ms for ms, _status in times])
    return [
        BenchRow(
            f"survey: {setup['units']} units open, set-up",
            f"{setup['seconds']:.0f} s",
            "for information",
            True,
        ),
        BenchRow(
            f"survey answer page, server time, {USERS} respondents, gunicorn × {WORKERS} "
            f"({len(times):,} requests, {errors} errors, {time.perf_counter() - started:.0f} s)",
            f"{median:.0f} / {p95:.0f} ms",
            f"p95 < {TARGET_P95_MS:.0f} ms, no errors",
            p95 < TARGET_P95_MS and errors == 0,
        ),
    ]


# --- inside the set-up process ----------------------------------------------------------


def _build() -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.test import Client

    from benchlearn.accounts.services import user_create
    from benchlearn.catalogue.models import Domain
    from benchlearn.catalogue.services import catalogue_load_default, catalogue_publish
    from benchlearn.demo.surveys import _questionnaire
    from benchlearn.surveys.models import QuestionKind
    from benchlearn.surveys.running import SurveyInput, survey_open, survey_save
    from benchlearn.units.models import Unit
    from benchlearn.units.services import unit_registry_load_bundled

    start = time.perf_counter()
    unit_registry_load_bundled()
    operator = user_create(
        email="op@example.org", full_name="Olga", password="x" * 20, is_operator=True
    )
    catalogue_load_default(user=operator)
    catalogue_publish(user=operator)
    version = _questionnaire(Domain.objects.get(code="WST"), operator)
    survey = survey_save(
        data=SurveyInput(
            name="Benchmark",
            questionnaire_version=version,
            period=2026,
            units=list(Unit.objects.order_by("teryt")[:UNITS]),
            modes=["open"],
        ),
        by=operator,
        base_token=None,
    )
    survey_open(survey=survey, by=operator)
    tokens = list(survey.survey_units.values_list("open_token", flat=True))
    answers: dict[str, list[str]] = {}
    for question in version.questions.all():
        if question.kind == QuestionKind.SCALE5:
            answers[question.code] = ["1", "2", "3", "4", "5"]
        elif question.kind == QuestionKind.NPS:
            answers[question.code] = [str(n) for n in range(11)]
        elif question.kind == QuestionKind.SINGLE:
            answers[question.code] = [str(o["code"]) for o in question.options]
    served = Client().get(f"/s/{tokens[0]}/", follow=True).status_code == 200
    return {
        "tokens": tokens,
        "answers": answers,
        "units": len(tokens),
        "served": served,
        "seconds": time.perf_counter() - start,
    }


if __name__ == "__main__":
    print(json.dumps(_build()))
