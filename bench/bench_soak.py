"""A bounded soak: 20 clients for 60 seconds against gunicorn and PostgreSQL, with a
background worker beside it, on the national round of ``bench_roundpage`` (every gmina,
80 values each, last year's too) with its results computed.

Eighteen participants, each acting for a unit of their own, open their form, their
dashboard, the start page and the round's results, save three values at a time from the
revisions the form showed, upload a CSV of ten values and download their template; two
people of the office page through the round's progress, list the rounds and download
every value of the round as CSV (see ``locust_soak.py``).

Reported per kind of request (page, save, upload, export): the number of requests, the
errors (any answer locust counts as failed, and any 5xx in gunicorn's log: the target
is none) and the 95th percentile of the server time, as gunicorn's access log gives it
(``%(D)s``), beside the clients' (which adds the wait for one of the 4 workers).
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from bench.common import BenchRow

USERS, SECONDS, WORKERS, PARTICIPANTS = 20, 60, 4, 20
KINDS = ("page", "save", "upload", "export")
PG_SERVER = os.environ.get("BENCHLEARN_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
ROOT = Path(__file__).resolve().parent.parent


def run() -> list[BenchRow]:
    from bench.bench_collection import _pg_admin, _pg_answers
    from bench.bench_pages import _environment, _free_port, _wait_for

    if not _pg_answers():
        return [BenchRow("soak, PostgreSQL", "not reachable", "runs", False)]
    if hasattr(os, "sched_setaffinity"):  # make bench pins to one core: not for this one
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
    database = f"bench_soak_{uuid.uuid4().hex[:8]}"
    _pg_admin(f'CREATE DATABASE "{database}"')
    try:
        with tempfile.TemporaryDirectory() as folder:
            env = _environment(folder, f"{PG_SERVER}/{database}")
            done = subprocess.run(
                [sys.executable, "-m", "bench.bench_soak"],
                env=env,
                capture_output=True,
                text=True,
                check=False,
                cwd=ROOT,
            )
            if done.returncode != 0:
                sys.stderr.write(done.stderr[-4000:])
                return [BenchRow("soak: set-up", "error", "runs", False)]
            setup = json.loads(done.stdout.strip().splitlines()[-1])
            port = _free_port()
            return _soak(env, setup, Path(folder), port, _wait_for)
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _soak(
    env: dict[str, str], setup: dict[str, object], folder: Path, port: int, wait_for: object
) -> list[BenchRow]:
    access_log = folder / "access.log"
    server = subprocess.Popen(  # noqa: S603 - gunicorn of this environment
        [
            *(sys.executable, "-m", "gunicorn", "benchlearn.wsgi", "-w", str(WORKERS)),
            *("-b", f"127.0.0.1:{port}", "--log-level", "warning"),
            *("--access-logfile", str(access_log)),
            *("--access-logformat", "%(m)s %(U)s %(s)s %(D)s"),
        ],
        env=env,
        cwd=ROOT,
    )
    worker = subprocess.Popen([sys.executable, "-m", "benchlearn", "worker"], env=env, cwd=ROOT)
    try:
        wait_for(port)  # type: ignore[operator]
        _warm_up(port, setup)
        skip = access_log.stat().st_size if access_log.exists() else 0  # the warm-up's lines
        prefix = folder / "locust"
        load = subprocess.run(  # noqa: S603 - locust of this environment
            [
                *(sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locust_soak.py")),
                *("--headless", "-u", str(USERS), "-r", str(USERS), "-t", f"{SECONDS}s"),
                *("--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary"),
            ],
            env={**env, "BENCH_SOAK_SETUP": json.dumps(setup)},
            cwd=ROOT,
            check=False,
            capture_output=True,
            text=True,
        )
        clients = _client_stats(Path(f"{prefix}_stats.csv"))
        if load.returncode != 0:  # a failed request alone exits 1 too: show why
            sys.stderr.write(load.stderr[-3000:] if isinstance(load.stderr, str) else "")
    finally:
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            process.wait(timeout=60)
    served = _server_times(access_log, skip)
    _print_paths(access_log, skip)
    rows = [
        BenchRow(
            f"soak: set-up (national round, {setup['units']:,} units, "
            f"{setup['values']:,} values, results computed)",
            f"{setup['seconds']:.0f} s",
            "for information",
            True,
        )
    ]
    total_errors = 0
    for kind in KINDS:
        times = served.get(kind, [])
        requests, failures, client_p95 = clients.get(kind, (0, 0, 0.0))
        errors = failures + sum(1 for _ms, status in times if status >= 500)
        total_errors += errors
        p95 = _p95([ms for ms, _status in times]) if times else float("nan")
        rows.append(
            BenchRow(
                f"soak: {kind}, {USERS} clients × {SECONDS} s, gunicorn × {WORKERS} + a worker "
                f"({requests:,} requests, {errors} errors), p95 server / clients",
                f"{p95:.0f} / {client_p95:.0f} ms",
                "0 errors; p95 for information",
                errors == 0 and requests > 0,
            )
        )
    rows.append(
        BenchRow(
            f"soak: errors of every kind, {USERS} clients × {SECONDS} s, PostgreSQL",
            str(total_errors),
            "0",
            total_errors == 0,
        )
    )
    return rows


def _warm_up(port: int, setup: dict[str, object]) -> None:
    """Every worker's first requests import the libraries of the pages: not part of a
    soak."""
    import urllib.request

    participants = setup["participants"]
    assert isinstance(participants, list)
    for person in participants[: 3 * WORKERS]:
        for path in ("/", f"/units/{person['teryt']}/results/"):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}",
                headers={"Cookie": f"sessionid={person['session']}"},
            )
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                response.read()


def _kind(method: str, path: str) -> str | None:
    if path.endswith((".xlsx", ".csv")):
        return "export"
    if method == "POST":
        return "upload" if path.endswith("/upload/") else "save"
    if method == "GET":
        return "page"
    return None


def _log_lines(path: Path, skip: int) -> list[tuple[str, str, int, float]]:
    """(method, path, status, server time in ms) of gunicorn's access log after ``skip``
    bytes."""
    with path.open("rb") as handle:
        handle.seek(skip)
        lines = handle.read().decode("utf-8").splitlines()
    found = []
    for line in lines:
        if not line.strip():
            continue
        method, address, status, microseconds = line.split()
        found.append((method, address, int(status), int(microseconds) / 1000))
    return found


def _server_times(path: Path, skip: int) -> dict[str, list[tuple[float, int]]]:
    """Kind -> (server time in ms, status) of every request in gunicorn's access log."""
    found: dict[str, list[tuple[float, int]]] = {}
    for method, address, status, milliseconds in _log_lines(path, skip):
        kind = _kind(method, address)
        if kind is not None:
            found.setdefault(kind, []).append((milliseconds, status))
    return found


def _print_paths(path: Path, skip: int) -> None:
    """Requests, errors and p95 server time per page (numbers in paths as #), slowest
    first, on standard error: where the time goes."""
    by_path: dict[str, list[tuple[float, int]]] = {}
    for method, address, status, milliseconds in _log_lines(path, skip):
        key = f"{method} {re.sub(r'[0-9]+', '#', address)}"
        by_path.setdefault(key, []).append((milliseconds, status))
    ranked = sorted(by_path.items(), key=lambda item: -_p95([ms for ms, _s in item[1]]))
    for key, times in ranked:
        errors = sum(1 for _ms, status in times if status >= 400)
        p95 = _p95([ms for ms, _s in times])
        sys.stderr.write(f"  {key}: {len(times)} requests, {errors} ≥ 400, p95 {p95:.0f} ms\n")


def _client_stats(path: Path) -> dict[str, tuple[int, int, float]]:
    """Kind -> (requests, failures, 95th percentile in ms) as locust saw them."""
    found = {}
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] in KINDS:
                found[row["Name"]] = (
                    int(row["Request Count"]),
                    int(row["Failure Count"]),
                    float(row["95%"]),
                )
    return found


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


# --- inside the set-up process ----------------------------------------------------------


def _build() -> dict[str, object]:
    import time

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.test import Client
    from django.utils import translation

    from bench.bench_roundpage import _build as national_round
    from benchlearn.accounts.services import user_create
    from benchlearn.collection.files.csv_io import write_csv
    from benchlearn.collection.models import Submission, SubmissionState
    from benchlearn.collection.selectors import round_variables
    from benchlearn.collection.views.rounds import PROGRESS_PAGE_SIZE
    from benchlearn.results.services import computation_request, computation_run
    from benchlearn.units.models import Level
    from benchlearn.units.services import unit_membership_set

    start = time.perf_counter()
    operator, round_, units, values = national_round()
    computation_run(computation_request(user=None, reason="soak").pk)
    # Units approved before the computation (so their dashboards have results), open
    # again for their participants to edit.
    drafts = list(
        Submission.objects.filter(round=round_, state=SubmissionState.APPROVED)
        .select_related("unit")
        .order_by("unit__teryt")[:PARTICIPANTS]
    )
    Submission.objects.filter(pk__in=[s.pk for s in drafts]).update(state=SubmissionState.DRAFT)
    participants = []
    for number, submission in enumerate(drafts):
        person = user_create(
            email=f"p{number}@example.org", full_name=f"Uczestnik {number}", password="x" * 20
        )
        unit_membership_set(user=person, unit=submission.unit, level=Level.STRATEGIC)
        client = Client()
        client.force_login(person)
        participants.append(
            {"teryt": submission.unit.teryt, "session": client.cookies["sessionid"].value}
        )
    office = Client()
    office.force_login(operator)
    with translation.override("pl"):
        header = write_csv([]).decode("utf-8-sig").strip()
    return {
        "round": round_.pk,
        "operator": office.cookies["sessionid"].value,
        "participants": participants,
        "codes": [v.code for v in round_variables(round_)],
        "csv_header": header,
        "pages": math.ceil(units / PROGRESS_PAGE_SIZE),
        "units": units,
        "values": values,
        "seconds": time.perf_counter() - start,
    }


if __name__ == "__main__":
    print(json.dumps(_build()))
