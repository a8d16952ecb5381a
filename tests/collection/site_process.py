"""A site on its own file database, set up and read by separate processes as a deployment
would be: ``python -m tests.collection.site_process setup|report``, with
BENCHLEARN_DATA_DIR (SQLite) or DATABASE_URL naming the database. Prints JSON.

``setup`` loads the collection catalogue, eight units with a participant each and an
open round, and logs each participant in (session cookies for the load test).
``fill`` saves values (three times, so with history) for two units and keeps an uploaded
file for an import. ``report`` prints every unit's stored values and its history rows;
``tables`` every table's rows and every stored file's checksum.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from decimal import Decimal
from typing import Any

import django

TERYTS = ("2461011", "2466011", "2402022", "0201011", "0201022", "0216043", "0216053", "0216062")


def setup() -> dict[str, Any]:
    from django.test import Client

    from benchlearn.accounts.services import user_create
    from benchlearn.catalogue.services import catalogue_import, catalogue_publish
    from benchlearn.units.models import Level, Unit
    from benchlearn.units.services import unit_membership_set
    from tests.collection.conftest import COLLECTION_YAML, make_round
    from tests.conftest import load_units

    operator = user_create(
        email="biuro@example.org", full_name="Olga Operator", password=None, is_operator=True
    )
    catalogue_import(text=COLLECTION_YAML, user=operator)
    catalogue_publish(user=operator)
    load_units(*TERYTS)
    units = list(Unit.objects.filter(teryt__in=TERYTS).order_by("teryt"))
    round_ = make_round(operator, units)
    people = []
    for number, unit in enumerate(units):
        user = user_create(
            email=f"person{number}@example.org", full_name=f"Person {number}", password=None
        )
        unit_membership_set(user=user, unit=unit, level=Level.STRATEGIC)
        client = Client()
        client.force_login(user)
        people.append({"teryt": unit.teryt, "session": client.cookies["sessionid"].value})
    return {"round": round_.pk, "people": people}


def _plain(number: Decimal | None) -> str | None:
    return None if number is None else format(number.normalize(), "f")


def report() -> dict[str, Any]:
    from benchlearn.collection.models import Value, ValueChange

    units: dict[str, Any] = {
        teryt: {"values": {}, "history": 0, "history_values": []} for teryt in TERYTS
    }
    for value in Value.objects.select_related("unit", "variable"):
        units[value.unit.teryt]["values"][value.variable.code] = _plain(value.value)
    for change in ValueChange.objects.select_related("value__unit", "value__variable").order_by(
        "pk"
    ):
        entry = units[change.value.unit.teryt]
        entry["history"] += 1
        entry["history_values"].append([change.value.variable.code, _plain(change.new_value)])
    return units


def fill() -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from benchlearn.accounts.models import User
    from benchlearn.collection.files.jobs import import_job_create, upload_store
    from benchlearn.collection.models import Round, Submission
    from benchlearn.collection.selectors import submission_revisions
    from benchlearn.collection.services import submission_save

    round_ = Round.objects.get()
    for number, teryt in enumerate(sorted(TERYTS)[:2]):
        submission = Submission.objects.get(round=round_, unit__teryt=teryt)
        user = User.objects.get(email=f"person{number}@example.org")  # as in setup()
        for save in range(3):
            submission.refresh_from_db()
            entries = {
                "EDU_EXP": (f"{1000 * (number + 1) + save},5", f"komentarz {save}"),
                "TEACHERS": (str(40 + save), None),
            }
            submission_save(
                submission=submission,
                user=user,
                entries=entries,
                base_revisions=submission_revisions(submission),
            )
    upload = SimpleUploadedFile("wartości.csv", "TERYT;kod;wartość\n2461011;TEACHERS;41\n".encode())
    path = upload_store(upload)
    operator = User.objects.get(email="biuro@example.org")
    import_job_create(round_=round_, user=operator, unit=None, path=path, file_name=upload.name)
    return {"upload": str(path)}


def tables() -> dict[str, Any]:
    """Every table's rows (as text, sorted) and every stored file's SHA-256."""
    from django.db import connection

    from benchlearn.ops.backup import stored_folders

    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[table] = sorted([str(cell) for cell in row] for row in cursor.fetchall())
    files = {
        f"{label}/{path.relative_to(folder).as_posix()}": hashlib.sha256(
            path.read_bytes()
        ).hexdigest()
        for label, folder in stored_folders().items()
        if folder.is_dir()
        for path in folder.rglob("*")
        if path.is_file()
    }
    return {"tables": rows, "files": files}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchlearn.settings")
    django.setup()
    action = {"setup": setup, "fill": fill, "report": report, "tables": tables}[sys.argv[1]]
    print(json.dumps(action()))
