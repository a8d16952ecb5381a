"""Approved values feed the engine; nothing else does."""

import pytest

from benchlearn.catalogue.models import Variable
from benchlearn.collection.selectors import values_frame
from benchlearn.collection.services import submission_approve, submission_submit
from benchlearn.units.services import context_values_store
from tests.collection.conftest import COMPLETE, PERIOD, save
from tests.conftest import TERYT_A


@pytest.fixture
def pupils(round_, units, operator):
    variable = Variable.objects.get(code="PUPILS")
    context_values_store(
        variable=variable,
        values=[(unit, PERIOD, 1000.0) for unit in units.values()],
        source="test",
        origin="test",
        by=operator,
    )


def approve(submission, participant, operator):
    assert save(submission, participant, COMPLETE).ok
    submission.refresh_from_db()
    submission_submit(submission=submission, user=participant, base_revision=submission.revision)
    submission_approve(submission=submission, operator=operator)


def test_only_approved_values_reach_the_frame(
    pupils, round_, units, sub_a, sub_b, participant_a, participant_b, operator
):
    approve(sub_a, participant_a, operator)
    assert save(sub_b, participant_b, {"EDU_EXP": "5"}).ok  # a draft: not used
    frame = values_frame(
        periods=[PERIOD],
        units=units.values(),
        variables=Variable.objects.filter(code__in=["EDU_EXP", "PUPILS"]),
    )
    rows = set(frame.select("unit", "variable", "value").iter_rows())
    assert (TERYT_A, "EDU_EXP", 1_000_000.0) in rows
    assert not any(variable == "EDU_EXP" and unit != TERYT_A for unit, variable, _v in rows)
    # Public statistics come from the units' context values.
    assert {row for row in rows if row[1] == "PUPILS"} == {
        (unit.teryt, "PUPILS", 1000.0) for unit in units.values()
    }
