"""Published results to read: 42 gminas of two voivodeships with a value of
EDU_COST_PUPIL in 2024, computed and kept as a computation stores them (results, the
standing groups), published or not as each test says."""

import csv

import pytest
from django.utils import timezone

from benchlearn.catalogue.models import Indicator
from benchlearn.catalogue.services import catalogue_import, catalogue_publish
from benchlearn.results.models import (
    ComparisonGroup,
    ComparisonKind,
    Computation,
    ComputationState,
    Result,
)
from benchlearn.results.publication import computation_publish
from benchlearn.results.services import population_band
from benchlearn.units.models import Unit
from benchlearn.units.services import BUNDLED_GMINY
from tests.catalogue.conftest import SMALL_YAML
from tests.conftest import load_units

YEAR = 2024


def _rows() -> list[dict[str, str]]:
    with BUNDLED_GMINY.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    lower_silesia = [r for r in rows if r["woj_teryt2"] == "02"][:30]
    opole = [r for r in rows if r["woj_teryt2"] == "16"][:12]
    return lower_silesia + opole


def computation_of(values: dict[str, tuple[float, float, float]], *, year: int = YEAR):
    """A finished computation of EDU_COST_PUPIL: ``values`` teryt -> (value, numerator,
    denominator), with the groups the engine would form (bands from the bundled
    population)."""
    population = {r["teryt7"]: float(r["population_2018_12_31"]) for r in _rows()}
    computation = Computation.objects.create(
        state=ComputationState.DONE,
        finished_at=timezone.now(),
        catalogue={"EDU_COST_PUPIL": 1},
        first_period=year,
        last_period=year,
    )
    indicator = Indicator.objects.get(code="EDU_COST_PUPIL")
    units = {u.teryt: u for u in Unit.objects.filter(teryt__in=values)}
    Result.objects.bulk_create(
        Result(
            computation=computation,
            unit=units[teryt],
            indicator=indicator,
            period=year,
            value=value,
            numerator=numerator,
            denominator=denominator,
        )
        for teryt, (value, numerator, denominator) in values.items()
    )
    groups: dict[tuple[str, str], list[Unit]] = {}
    for teryt, unit in units.items():
        groups.setdefault((ComparisonKind.ALL, "all"), []).append(unit)
        groups.setdefault((ComparisonKind.VOIVODESHIP, unit.voivodeship), []).append(unit)
        band = population_band(population.get(teryt))
        groups.setdefault((ComparisonKind.BAND, f"{unit.kind}:{band}"), []).append(unit)
    for (kind, key), members in groups.items():
        group = ComparisonGroup.objects.create(computation=computation, kind=kind, key=key)
        group.members.add(*members)
    return computation


def sample_values() -> dict[str, tuple[float, float, float]]:
    """Each unit's cost per pupil: spending over pupils, none dominant."""
    values = {}
    for i, row in enumerate(_rows()):
        pupils = 500.0 + 37 * i
        spending = pupils * (9000.0 + 211 * (i % 7))
        values[row["teryt7"]] = (spending / pupils, spending, pupils)
    return values


@pytest.fixture
def catalogue(operator):
    catalogue_import(text=SMALL_YAML, user=operator)
    catalogue_publish(user=operator)


@pytest.fixture
def portal_units(db):
    load_units(*(r["teryt7"] for r in _rows()))
    return list(Unit.objects.filter(teryt__in=[r["teryt7"] for r in _rows()]))


@pytest.fixture
def computed(catalogue, portal_units):
    """Computed, not published."""
    return computation_of(sample_values())


@pytest.fixture
def published(computed, operator):
    return computation_publish(computation=computed, by=operator)
