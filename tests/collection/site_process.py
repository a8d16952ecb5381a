"""A site on its own file database, set up and read by separate processes as a deployment
would be: ``python -m tests.collection.site_process setup|report``, with
BENCHLEARN_DATA_DIR (SQLite) or DATABASE_URL naming the database. Prints JSON.

``setup`` loads the collection catalogue, eight units with a participant each and an
open round, and logs each participant in (session cookies for the load test).
``report`` prints every unit's stored values and its number of history rows.
"""

from __future__ import annotations

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


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchlearn.settings")
    django.setup()
    action = {"setup": setup, "report": report}[sys.argv[1]]
    print(json.dumps(action()))
