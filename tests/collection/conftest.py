"""A catalogue for collection: indicators that use other indicators, a variable used only
in a declared denominator, public-statistics and survey variables; an open round for
units A, B and C of the common fixtures; five more units for peer fences."""

import datetime
from decimal import Decimal

import pytest
from django.core import serializers

from benchlearn.catalogue.models import IndicatorSet
from benchlearn.catalogue.services import catalogue_import, catalogue_publish
from benchlearn.collection.models import (
    ReturnComment,
    Round,
    Submission,
    SubmissionEvent,
    Value,
    ValueChange,
)
from benchlearn.collection.selectors import submission_revisions
from benchlearn.collection.services import (
    round_create,
    round_open,
    submission_approve,
    submission_save,
    submission_submit,
)
from benchlearn.units.models import Unit
from tests.conftest import load_units

COLLECTION_YAML = """\
format: benchlearn-catalogue
version: 1
domains:
  - code: EDU
    name: {pl: Oświata, en: Education}
  - code: WASTE
    name: {pl: Odpady, en: Waste}
variables:
  - code: EDU_EXP
    name: {pl: Wydatki bieżące na oświatę, en: Current expenditure on education}
    unit: zł
    min: 0
    max: 500000000
    domain: EDU
  - code: SUBSIDY
    name: {pl: Subwencja oświatowa, en: Education subsidy}
    min: 0
    domain: EDU
  - code: TEACHERS
    name: {pl: Nauczyciele, en: Teachers}
    min: 0
    max: 10000
    domain: EDU
  - code: NEW_PUPILS
    name: {pl: Nowi uczniowie, en: New pupils}
    min: 0
    domain: EDU
  - code: PUPILS
    name: {pl: Liczba uczniów, en: Pupils}
    source: public_statistics
    domain: EDU
  - code: SATISF
    name: {pl: Zadowolenie, en: Satisfaction}
    source: survey
    min: 0
    max: 10
    domain: EDU
  - code: WASTE_T
    name: {pl: Odpady zebrane, en: Waste collected}
    min: 0
    domain: WASTE
  - code: POP
    name: {pl: Liczba mieszkańców, en: Population}
    source: public_statistics
indicators:
  - code: EDU_COST_PUPIL
    name: {pl: Wydatki na ucznia, en: Expenditure per pupil}
    formula: EDU_EXP / PUPILS
    domain: EDU
  - code: EDU_NET_COST
    name: {pl: Koszt netto na ucznia, en: Net cost per pupil}
    formula: EDU_COST_PUPIL - SUBSIDY / PUPILS
    domain: EDU
  - code: TEACHERS_PER_100
    name: {pl: Nauczyciele na 100 uczniów, en: Teachers per 100 pupils}
    formula: TEACHERS / PUPILS * 100
    numerator: TEACHERS * 100
    denominator: PUPILS + NEW_PUPILS
    domain: EDU
  - code: SATISFACTION
    name: {pl: Zadowolenie, en: Satisfaction}
    formula: SATISF
    domain: EDU
  - code: WASTE_PER_CAPITA
    name: {pl: Odpady na mieszkańca, en: Waste per resident}
    formula: WASTE_T / POP
    domain: WASTE
sets:
  - code: SET_EDU
    name: {pl: Oświata, en: Education}
    domain: EDU
    indicators: [EDU_NET_COST, TEACHERS_PER_100, SATISFACTION]
  - code: SET_WASTE
    name: {pl: Odpady, en: Waste}
    domain: WASTE
    indicators: [WASTE_PER_CAPITA]
"""

# Five more gminas of the bundled register, for the interquartile fences.
EXTRA_TERYTS = ("0201011", "0201022", "0216043", "0216053", "0216062")
PERIOD = 2024
DEADLINE = datetime.date(2025, 3, 31)


@pytest.fixture
def published(db, operator):
    catalogue_import(text=COLLECTION_YAML, user=operator)
    catalogue_publish(user=operator)


def make_round(operator, units, *, period=PERIOD, sets=("SET_EDU",), threshold=30) -> Round:
    round_ = round_create(
        user=operator,
        name=f"Oświata {period}",
        period=period,
        indicator_sets=IndicatorSet.objects.filter(code__in=sets),
        units=units,
        deadline=DEADLINE,
        warning_threshold=Decimal(threshold),
    )
    return round_open(round_=round_, user=operator)


@pytest.fixture
def round_(published, programme, units, operator) -> Round:
    return make_round(operator, list(units.values()))


@pytest.fixture
def sub_a(round_, unit_a) -> Submission:
    return Submission.objects.get(round=round_, unit=unit_a)


@pytest.fixture
def sub_b(round_, unit_b) -> Submission:
    return Submission.objects.get(round=round_, unit=unit_b)


@pytest.fixture
def extra_units(db) -> list[Unit]:
    load_units(*EXTRA_TERYTS)
    return list(Unit.objects.filter(teryt__in=EXTRA_TERYTS).order_by("teryt"))


# Five rural gminas (the kind of unit C, Bestwina) of 4,800 to 14,600 residents.
RURAL_TERYTS = ("0201022", "0201032", "0201052", "0216062", "0206072")


@pytest.fixture
def rural_peers(db) -> list[Unit]:
    load_units(*RURAL_TERYTS)
    return list(Unit.objects.filter(teryt__in=RURAL_TERYTS).order_by("teryt"))


def approve_all(operator, units, period, numbers, *, sets=("SET_EDU",)) -> Round:
    """A round of ``period`` in which each of ``units`` saved COMPLETE with its
    ``numbers`` (code → text), explained every value, and was approved."""
    round_ = make_round(operator, units, period=period, sets=sets)
    for unit, entries in zip(units, numbers, strict=True):
        submission = Submission.objects.get(round=round_, unit=unit)
        values = {**COMPLETE, **entries} if "SET_EDU" in sets else dict(entries)
        assert save(submission, operator, {c: (t, "ok") for c, t in values.items()}).ok
        submission.refresh_from_db()
        submission_submit(submission=submission, user=operator, base_revision=submission.revision)
        submission_approve(submission=submission, operator=operator)
    return round_


COMPLETE = {
    "EDU_EXP": "1 000 000,00",
    "SUBSIDY": "600 000",
    "TEACHERS": "40",
    "NEW_PUPILS": "25",
}


def save(submission, user, entries, *, base=None, source="form"):
    """Save ``entries`` (code → text, or (text, comment)) from the current revisions."""
    submission.refresh_from_db()
    pairs = {
        code: entry if isinstance(entry, tuple) else (entry, None)
        for code, entry in entries.items()
    }
    return submission_save(
        submission=submission,
        user=user,
        entries=pairs,
        base_revisions=submission_revisions(submission) if base is None else base,
        source=source,
    )


COLLECTION_MODELS = (Round, Submission, Value, ValueChange, ReturnComment, SubmissionEvent)


def dump() -> str:
    return "".join(
        serializers.serialize("json", model.objects.order_by("pk")) for model in COLLECTION_MODELS
    )
