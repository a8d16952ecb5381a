"""The memory of an import stays bounded whatever the file: a single cell far away, a
lying dimension or zip directory, 750,000 cells, text up to the limits. The imports
run in a process of their own (a fresh SQLite database), which reports its peak
resident memory: a resource bound, not a timing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.collection.hostile import heavy

LIMIT_MB = 300
ROOT = Path(__file__).resolve().parents[2]


def test_memory_of_an_import_stays_under_300_mb_whatever_the_file(tmp_path):
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'memory.sqlite3'}",
        "BENCHLEARN_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "benchlearn.settings",
    }
    for step in ("build", "import"):
        run = subprocess.run(
            [sys.executable, "-m", "tests.collection.import_memory", step, str(tmp_path)],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    for case in heavy.heavy_cases():
        shown = report["outcome"][case.name]
        if case.refused:
            assert all(text in shown for text in case.refused), (case.name, shown)
        else:
            assert shown == "", (case.name, shown)
        assert "Traceback" not in shown
    assert report["peak_kb"] < LIMIT_MB * 1024, report
