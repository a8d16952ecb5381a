"""Several workers on one queue: every task runs once, whichever worker takes it
(PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED; SQLite: an exclusive transaction)."""

import json
import subprocess
import sys
from collections import Counter

import pytest

from tests.sites import ROOT, manage, run, site

pytestmark = pytest.mark.timeout(600)

TASKS = 40
WORKERS = 3


def test_three_workers_run_every_task_once(tmp_path):
    with site(tmp_path, "shared") as env:
        env["NOTES"] = str(tmp_path / "notes.txt")
        manage(env, "migrate", "--verbosity", "0")
        run(env, "tests.background.site_work", "notes", str(TASKS))
        command = [sys.executable, "-m", "benchlearn", "worker", "--batch", "--no-startup-delay"]
        workers = [
            subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
            for _worker in range(WORKERS)
        ]
        assert [worker.wait(timeout=500) for worker in workers] == [0] * WORKERS
        lines = (tmp_path / "notes.txt").read_text().split()
        ran = Counter(int(number) for number in lines[::2])
        assert ran == Counter(range(TASKS))  # each once, none lost
        report = json.loads(run(env, "tests.background.site_work", "report").stdout)
        assert [task["status"] for task in report["tasks"]] == ["SUCCESSFUL"] * TASKS
        assert report["workers"] == 0
