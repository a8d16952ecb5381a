"""A small programme with results to compute: the collection catalogue, eight gminas
with population, area and density, and approved values for 2023 and 2024."""

import pytest

from benchlearn.catalogue.models import Variable
from benchlearn.catalogue.services import catalogue_import, catalogue_publish
from benchlearn.collection.models import Submission
from benchlearn.collection.services import submission_approve, submission_submit
from benchlearn.units.models import Unit
from benchlearn.units.services import context_values_store
from tests.collection.conftest import (  # noqa: F401 - fixtures used by these tests
    COLLECTION_YAML,
    extra_units,
    make_round,
    save,
)

# The collection catalogue with polarities: a cost is better low, staffing high.
RESULTS_YAML = COLLECTION_YAML.replace(
    "    formula: EDU_COST_PUPIL - SUBSIDY / PUPILS\n",
    "    formula: EDU_COST_PUPIL - SUBSIDY / PUPILS\n    polarity: lower\n",
).replace(
    "    formula: TEACHERS / PUPILS * 100\n",
    "    formula: TEACHERS / PUPILS * 100\n    polarity: higher\n",
)
assert RESULTS_YAML.count("polarity:") == 2


@pytest.fixture
def published(db, operator):
    catalogue_import(text=RESULTS_YAML, user=operator)
    catalogue_publish(user=operator)


PERIODS = (2023, 2024)


def _values(number: int, period: int) -> dict[str, str]:
    growth = 1.0 + 0.05 * (period - 2023)
    return {
        "EDU_EXP": f"{(1_000_000 + 100_000 * number) * growth:.2f}",
        "SUBSIDY": f"{600_000 + 10_000 * number:.2f}",
        "TEACHERS": str(40 + number),
        "NEW_PUPILS": str(20 + number),
    }


def approve_values(round_, unit, entries, operator) -> None:
    submission = Submission.objects.get(round=round_, unit=unit)
    assert save(submission, operator, entries).ok
    submission.refresh_from_db()
    submission_submit(submission=submission, user=operator, base_revision=submission.revision)
    submission_approve(submission=submission, operator=operator)


@pytest.fixture
def computed_programme(settings, published, programme, units, extra_units, operator):  # noqa: F811 - fixtures
    """Every unit's values approved in both years but unit C's for 2024 (a draft)."""
    every = sorted([*units.values(), *extra_units], key=lambda u: u.teryt)
    for code, base in (("POP", 4_000.0), ("AREA_KM2", 50.0), ("DENSITY", 80.0), ("PUPILS", 900.0)):
        variable = Variable.objects.get_or_create(
            code=code, defaults={"name_pl": code, "source": "public_statistics"}
        )[0]
        context_values_store(
            variable=variable,
            values=[
                (unit, period, base * (1 + 0.4 * n) + 10 * (period - 2023))
                for n, unit in enumerate(every)
                for period in PERIODS
            ],
            source="test",
            origin="test",
            by=operator,
        )
    for period in PERIODS:
        round_ = make_round(operator, every, period=period)
        for number, unit in enumerate(every):
            if period == 2024 and unit == units["c"]:
                assert save(
                    Submission.objects.get(round=round_, unit=unit),
                    operator,
                    _values(number, period),
                ).ok
                continue
            approve_values(round_, unit, _values(number, period), operator)
    return {"units": every, "unit_a": units["a"], "unit_c": units["c"]}


def unit_by_teryt(teryt: str) -> Unit:
    return Unit.objects.get(teryt=teryt)
