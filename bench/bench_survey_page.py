"""The residents' answer pages of a survey under load, on PostgreSQL: 50 concurrent
respondents, no account, for 30 seconds, against gunicorn (4 sync workers, persistent
database connections). The survey: the shipped questionnaire of waste collection
(``WST_SATISFACTION``, loaded as ``benchlearn load-questionnaires`` loads it, with its
filter question and skip logic), open for 200 units of the register.

Each respondent (``locust_survey.py``) is a new person every round, with cookies of its
own: it opens a random unit's open link ``/s/<token>/`` (the introduction), starts (the
intro's form: CSRF token, the signed ``shown`` time, the empty honeypot, ``start``),
answers page by page what each page shows with the form's own field names, and ends on
the thanks page. Between pages it pauses 0.1–0.5 s: far less than a person reads, so the
load is heavier than 50 people's.

The flood guards would refuse such robots (a page sent back sooner than
``SURVEY_MIN_SECONDS`` after it was shown; more than ``SURVEY_LINK_STARTS_PER_HOUR``
starts of one link in an hour). The benchmark's server alone runs with them lifted,
through the settings' own environment variables: ``BENCHLEARN_SURVEY_MIN_SECONDS=0``
and ``BENCHLEARN_SURVEY_LINK_STARTS_PER_HOUR=1000000`` (the defaults, 3 s and 300, are
unchanged). The guards' checks still run (the honeypot and the signed time on every post,
the count in the cache on every start).

Every worker's first request imports the pages' libraries (seconds): the workers are
warmed up first with intro pages, as a running server's are, and the warm-up's requests
are left out of the figures.

The figure is *server time* from gunicorn's access log (``%(D)s``: the request read to
the response written, in the worker), p95 over every request to the answer pages
(``/s/…``, GET and POST), against the issue's target of 100 ms, with no server error.
Beside it: the GET and POST figures apart, the responses completed (submitted, counted in
the database) and the posts refused (the server's problem shown instead of moving on),
whose target is none. Client, server and PostgreSQL share this 2-CPU machine (with
whoever else uses it), so the server time includes waiting for a CPU: a pessimistic
figure."""

from __future__ import annotations

import csv
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
QUESTIONNAIRE = "WST_SATISFACTION"
PG_SERVER = os.environ.get("BENCHLEARN_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
ROOT = Path(__file__).resolve().parent.parent
# The flood guards lifted for the benchmark's robots, on its server only.
GUARDS_LIFTED = {
    "BENCHLEARN_SURVEY_MIN_SECONDS": "0",
    "BENCHLEARN_SURVEY_LINK_STARTS_PER_HOUR": "1000000",
}
POSTS = ("start (POST)", "answers (POST)")


def run() -> list[BenchRow]:
    from bench.bench_collection import _pg_admin, _pg_answers

    if not _pg_answers():
        return [BenchRow("survey answer pages, PostgreSQL", "not reachable", "runs", False)]
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
            return _load(env, setup, Path(folder), f"{PG_SERVER}/{database}")
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _load(
    env: dict[str, str], setup: dict[str, object], folder: Path, database_url: str
) -> list[BenchRow]:
    port = _free_port()
    access_log = folder / "access.log"
    # The server's warnings (a refused post is a 400 the log names) stay out of the table.
    server_log = (folder / "server.log").open("w", encoding="utf-8")
    server = subprocess.Popen(  # noqa: S603 - gunicorn of this environment
        [
            *(sys.executable, "-m", "gunicorn", "benchlearn.wsgi", "-w", str(WORKERS)),
            *("-b", f"127.0.0.1:{port}", "--log-level", "warning"),
            *("--access-logfile", str(access_log)),
            *("--access-logformat", "%(m)s %(U)s %(s)s %(D)s"),
        ],
        env={**env, **GUARDS_LIFTED},
        cwd=ROOT,
        stderr=server_log,
    )
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    try:
        _wait_for(port)
        _warm_up(port, setup)
        skip = access_log.stat().st_size if access_log.exists() else 0  # the warm-up's lines
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
        server_log.close()
    elapsed, load_after = time.perf_counter() - started, os.getloadavg()[0]
    times = _server_times(access_log, skip)
    if not times:
        return [BenchRow("survey answer pages", "no requests", "runs", False)]
    counts = _locust_counts(Path(f"{prefix}_stats.csv"))
    started_responses, submitted = _responses(database_url)
    server_errors = sum(1 for _method, _ms, status in times if status >= 500)
    median, p95 = _median_p95([ms for _method, ms, _status in times])
    by_method = {
        method: [ms for kind, ms, _status in times if kind == method] for method in ("GET", "POST")
    }
    apart = " / ".join(
        f"{method} {_median_p95(ms)[1]:.0f} ms" for method, ms in by_method.items() if ms
    )
    refused = sum(counts.get(name, (0, 0))[1] for name in POSTS)
    posts = sum(counts.get(name, (0, 0))[0] for name in POSTS)
    thanks = counts.get("thanks (GET)", (0, 0))[0]
    return [
        BenchRow(
            f"survey: {setup['units']} units open ({setup['questionnaire']}), set-up",
            f"{setup['seconds']:.0f} s",
            "for information",
            True,
        ),
        BenchRow(
            f"machine load (1-minute average, {os.cpu_count()} CPUs) before / after the load",
            f"{load_before:.1f} / {load_after:.1f}",
            "for information",
            True,
        ),
        BenchRow(
            f"survey answer pages, server time median / p95, {USERS} respondents, "
            f"gunicorn × {WORKERS} ({len(times):,} requests, GET and POST, "
            f"{server_errors} server errors, {elapsed:.0f} s)",
            f"{median:.0f} / {p95:.0f} ms",
            f"p95 < {TARGET_P95_MS:.0f} ms, no errors",
            p95 < TARGET_P95_MS and server_errors == 0,
        ),
        BenchRow(
            f"survey answer pages, server time p95 by method ({len(by_method['GET']):,} GET, "
            f"{len(by_method['POST']):,} POST)",
            apart,
            "for information",
            True,
        ),
        BenchRow(
            f"survey responses completed in {SECONDS} s (submitted, in the database; "
            f"{started_responses:,} started, {thanks:,} thanks pages seen)",
            f"{submitted:,}",
            "some",
            submitted > 0,
        ),
        BenchRow(
            f"survey posts refused (problem or status page shown) of {posts:,}",
            f"{refused:,}",
            "none",
            refused == 0 and posts > 0,
        ),
    ]


def _warm_up(port: int, setup: dict[str, object]) -> None:
    """Every worker's first request imports the pages' libraries (seconds): a running
    server has done that long before. Intro pages, several at once so that every worker
    gets some; they start no response."""
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    tokens = setup["tokens"]
    assert isinstance(tokens, list)

    def fetch(token: str) -> None:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/s/{token}/", timeout=120) as page:
            page.read()

    for _round in range(2):
        with ThreadPoolExecutor(max_workers=2 * WORKERS) as pool:
            list(pool.map(fetch, tokens[: 4 * WORKERS]))


def _server_times(access_log: Path, skip: int) -> list[tuple[str, float, int]]:
    """(method, milliseconds, status) of every request to the answer pages after the
    first ``skip`` bytes of the log (the warm-up)."""
    times = []
    with access_log.open(encoding="utf-8") as handle:
        handle.seek(skip)
        for line in handle:
            method, url, status, microseconds = line.split()
            if url.startswith("/s/"):
                times.append((method, int(microseconds) / 1000, int(status)))
    return times


def _locust_counts(path: Path) -> dict[str, tuple[int, int]]:
    """Requests and failures per name, as locust counted them."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["Name"]: (int(row["Request Count"]), int(row["Failure Count"]))
            for row in csv.DictReader(handle)
            if row["Name"] != "Aggregated"
        }


def _responses(database_url: str) -> tuple[int, int]:
    """Responses started and submitted, as the database has them."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        row = connection.execute(
            "SELECT count(*), count(submitted_at) FROM surveys_response"
        ).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


# --- inside the set-up process ----------------------------------------------------------


def _build() -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from benchlearn.surveys.models import QuestionKind, Questionnaire
    from benchlearn.surveys.questionnaires import questionnaires_load
    from benchlearn.surveys.running import SurveyInput, survey_open, survey_save
    from benchlearn.units.models import Unit
    from benchlearn.units.services import unit_registry_load_bundled

    start = time.perf_counter()
    unit_registry_load_bundled()
    questionnaires_load()
    version = Questionnaire.objects.get(code=QUESTIONNAIRE).versions.order_by("-number").first()
    if version is None:
        raise RuntimeError(f"the shipped questionnaire {QUESTIONNAIRE} has no version")
    survey = survey_save(
        data=SurveyInput(
            name="Benchmark",
            questionnaire_version=version,
            period=2026,
            units=list(Unit.objects.order_by("teryt")[:UNITS]),
            modes=["open"],
        ),
        by=None,
        base_token=None,
    )
    survey_open(survey=survey, by=None)
    tokens = list(survey.survey_units.values_list("open_token", flat=True))
    numbers = {}
    for question in version.questions.filter(kind=QuestionKind.NUMBER):
        low = question.minimum if question.minimum is not None else 0
        numbers[question.code] = [low, question.maximum if question.maximum is not None else low]
    return {
        "tokens": tokens,
        "numbers": numbers,
        "units": len(tokens),
        "questionnaire": QUESTIONNAIRE,
        "seconds": time.perf_counter() - start,
    }


if __name__ == "__main__":
    print(json.dumps(_build()))
