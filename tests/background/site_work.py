"""Background work on a site of its own (``tests.sites``), set up and read by separate
processes as a deployment would be: ``python -m tests.background.site_work ACTION``
prints JSON.

``import``: an open round and a large upload of unit A's values, queued as a task.
``compute``: a programme with approved values, and a computation queued (as an
approval on the page queues it).
``report``: the state of the jobs, computations and tasks, and what is stored.
``notes N``: N tasks ``note`` queued, each writing a line to the file NOTES names.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import django
from django_tasks import task

TERYTS = ("2461011", "2466011", "2402022", "0201011", "0201022", "0216043")


def _operator_and_units(yaml: str) -> tuple[Any, list[Any]]:
    from benchlearn.accounts.services import user_create
    from benchlearn.catalogue.services import catalogue_import, catalogue_publish
    from benchlearn.units.models import Unit
    from tests.conftest import load_units

    operator = user_create(
        email="biuro@example.org", full_name="Olga Operator", password=None, is_operator=True
    )
    catalogue_import(text=yaml, user=operator)
    catalogue_publish(user=operator)
    load_units(*TERYTS)
    return operator, list(Unit.objects.filter(teryt__in=TERYTS).order_by("teryt"))


def import_queue() -> dict[str, Any]:
    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    from benchlearn.collection.files.export import unit_template
    from benchlearn.collection.files.jobs import import_job_create, upload_store
    from benchlearn.collection.models import Submission
    from tests.collection.conftest import COLLECTION_YAML, make_round

    operator, units = _operator_and_units(COLLECTION_YAML)
    round_ = make_round(operator, units)
    submission = Submission.objects.get(round=round_, unit=units[0])
    book = openpyxl.load_workbook(io.BytesIO(unit_template(submission)))
    for row in book.worksheets[0].iter_rows(min_row=2):
        if row[0].value == "TEACHERS":
            row[5].value = 12
    buffer = io.BytesIO()
    book.save(buffer)
    path = upload_store(SimpleUploadedFile("dane.xlsx", buffer.getvalue()))
    job = import_job_create(
        round_=round_, user=operator, unit=units[0], path=path, file_name="dane.xlsx"
    )
    return {"job": job.pk, "path": str(path)}


def compute_queue() -> dict[str, Any]:
    from benchlearn.catalogue.models import Variable
    from benchlearn.results.services import computation_request
    from benchlearn.units.services import context_values_store
    from tests.collection.conftest import make_round
    from tests.results.conftest import RESULTS_YAML, _values, approve_values

    operator, units = _operator_and_units(RESULTS_YAML)
    for code, base in (("POP", 4_000.0), ("AREA_KM2", 50.0), ("DENSITY", 80.0), ("PUPILS", 900.0)):
        variable = Variable.objects.get_or_create(
            code=code, defaults={"name_pl": code, "source": "public_statistics"}
        )[0]
        context_values_store(
            variable=variable,
            values=[(unit, 2024, base * (1 + 0.4 * n)) for n, unit in enumerate(units)],
            source="test",
            origin="test",
            by=operator,
        )
    round_ = make_round(operator, units)
    for number, unit in enumerate(units):
        approve_values(round_, unit, _values(number, 2024), operator)
    return {"computation": computation_request(user=None, reason="after approvals").pk}


@task()
def note(number: int) -> None:
    """A line "number pid" appended to the file NOTES names (one write: lines whole)."""
    time.sleep(0.05)  # long enough for the other workers to ask for work meanwhile
    with Path(os.environ["NOTES"]).open("a") as notes:
        notes.write(f"{number} {os.getpid()}\n")


def notes_queue() -> dict[str, Any]:
    # By its module's name: run as a script, this module is __main__, which no worker has.
    from tests.background.site_work import note as named

    for number in range(int(sys.argv[2])):
        named.enqueue(number)
    return {"queued": int(sys.argv[2])}


def report() -> dict[str, Any]:
    from django_tasks_db.models import DBTaskResult

    from benchlearn.background.models import WorkerBeat
    from benchlearn.collection.models import ImportJob, Value, ValueChange
    from benchlearn.results.models import (
        ComparisonGroup,
        Computation,
        EfficiencyScore,
        GroupStat,
        Neighbour,
        Result,
    )

    return {
        "jobs": [
            {"state": j.state, "problems": j.problems, "file_exists": Path(j.path).exists()}
            for j in ImportJob.objects.all()
        ],
        "computations": [
            {"state": c.state, "error": c.error, "results": c.results, "pk": c.pk}
            for c in Computation.objects.order_by("pk")
        ],
        "tasks": [
            {
                "task": t.task_path.rsplit(".", 1)[1],
                "status": t.status,
                "attempts": len(t.worker_ids),
                "error": t.traceback,
            }
            for t in DBTaskResult.objects.order_by("enqueued_at")
        ],
        "values": Value.objects.count(),
        "value_changes": ValueChange.objects.count(),
        "result_rows": Result.objects.count(),
        "rows_by_computation": {
            str(c.pk): sum(
                model.objects.filter(computation=c).count()
                for model in (Result, ComparisonGroup, Neighbour, EfficiencyScore)
            )
            for c in Computation.objects.all()
        },
        "group_stats": GroupStat.objects.count(),
        "workers": WorkerBeat.objects.count(),
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchlearn.settings")
    django.setup()
    actions = {"import": import_queue, "compute": compute_queue, "notes": notes_queue}
    action = {**actions, "report": report}[sys.argv[1]]
    print(json.dumps(action()))
