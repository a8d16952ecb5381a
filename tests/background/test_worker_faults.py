"""A worker killed (SIGKILL, no chance to clean up) in the middle of an import and of a
computation, on a site of its own (a database file, or a PostgreSQL database): nothing
half-written stays, the uploaded file is removed, and the next worker takes the task
back: the import is refused with a message, the computation runs again (once; killed
again, it fails with a message)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.sites import ROOT, manage, run, site

pytestmark = pytest.mark.timeout(600)


def _report(env: dict[str, str]) -> dict:
    return json.loads(run(env, "tests.background.site_work", "report").stdout)


def _kill_in_the_middle(env: dict[str, str], folder: Path, stall_after: str) -> str:
    """Start a worker that stops after a statement matching ``stall_after``, wait until
    it has, and kill it; what it was doing (the mark it wrote)."""
    mark = folder / "stalled"
    mark.unlink(missing_ok=True)
    log = folder / "worker.log"
    with log.open("ab") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.background.stalling_worker"],
            env={**env, "STALL_AFTER": stall_after, "STALL_MARK": str(mark)},
            cwd=ROOT,
            stdout=output,
            stderr=output,
        )
    try:
        for _attempt in range(1500):  # at most five minutes on a busy machine
            if mark.exists() or worker.poll() is not None:
                break
            time.sleep(0.2)
        assert mark.exists(), "the worker never reached the write:\n" + log.read_text()
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    return mark.read_text()


def _computation_tasks(report: dict) -> list[dict]:
    # Opening the round and approving its forms queue notifications too: other tasks.
    return [t for t in report["tasks"] if t["task"] == "computation_task"]


def _next_worker(env: dict[str, str]) -> None:
    # --batch: take back what the dead worker left, run what is queued, then stop.
    manage(env, "worker", "--batch", "--no-startup-delay")


def test_a_worker_killed_in_the_middle_of_an_import(tmp_path):
    with site(tmp_path, "import_killed") as env:
        manage(env, "migrate", "--verbosity", "0")
        queued = json.loads(run(env, "tests.background.site_work", "import").stdout)
        assert Path(queued["path"]).exists()

        values_written = r"^\s*(INSERT|UPDATE|WITH)\b.*\bcollection_value"
        doing = _kill_in_the_middle(env, tmp_path, values_written)
        assert "in a transaction: True" in doing  # values were being written
        killed = _report(env)
        assert killed["jobs"][0]["state"] == "running"  # what the dead worker left
        assert killed["values"] == 0 and killed["value_changes"] == 0  # never committed

        _next_worker(env)
        after = _report(env)
        (job,) = after["jobs"]
        assert job["state"] == "failed"
        # In the uploader's language (the site's default, Polish).
        assert job["problems"][0]["message"].startswith("Import przerwano przed końcem")
        assert not job["file_exists"]  # the uploaded file is removed
        assert after["values"] == 0 and after["value_changes"] == 0
        (task,) = after["tasks"]
        assert task["status"] == "FAILED" and "WorkerLost" in task["error"]
        assert after["workers"] == 0  # the dead worker's heartbeat is gone too


def test_a_worker_killed_in_the_middle_of_a_computation(tmp_path):
    with site(tmp_path, "compute_killed") as env:
        manage(env, "migrate", "--verbosity", "0")
        pk = json.loads(run(env, "tests.background.site_work", "compute").stdout)["computation"]
        stall = r"^\s*INSERT INTO \"results_comparisongroup\""

        _kill_in_the_middle(env, tmp_path, stall)
        killed = _report(env)
        assert killed["computations"][0]["state"] == "running"
        assert killed["result_rows"] > 0  # half of it written when the worker died

        # The next worker queues it again (a second attempt) and it dies there too.
        _kill_in_the_middle(env, tmp_path, stall)
        twice = _report(env)
        (task,) = _computation_tasks(twice)
        assert task["attempts"] == 2 and task["status"] == "RUNNING"

        _next_worker(env)
        after = _report(env)
        (computation,) = after["computations"]
        assert computation["state"] == "failed"
        assert computation["error"].startswith("The computation stopped before it ended")
        assert after["rows_by_computation"][str(pk)] == 0  # nothing half-written stays
        assert after["result_rows"] == 0
        (task,) = _computation_tasks(after)
        assert task["status"] == "FAILED" and "WorkerLost" in task["error"]


def test_a_computation_whose_worker_died_runs_again_and_completes(tmp_path):
    with site(tmp_path, "compute_again") as env:
        manage(env, "migrate", "--verbosity", "0")
        pk = json.loads(run(env, "tests.background.site_work", "compute").stdout)["computation"]
        _kill_in_the_middle(env, tmp_path, r"^\s*INSERT INTO \"results_comparisongroup\"")

        _next_worker(env)
        after = _report(env)
        (computation,) = after["computations"]
        assert computation["state"] == "done", computation["error"]
        # Exactly one computation's rows: the killed attempt's were discarded.
        assert after["result_rows"] == computation["results"] > 0
        (task,) = _computation_tasks(after)
        assert task["status"] == "SUCCESSFUL" and task["attempts"] == 2
        # The notifications queued beside it were sent by the next worker as well.
        others = [t for t in after["tasks"] if t["task"] != "computation_task"]
        assert others and all(t["status"] == "SUCCESSFUL" for t in others), others
        assert computation["pk"] == pk
