"""Warnings against last year and against peers, with hand-computed numbers."""

from decimal import Decimal

import pytest

from benchlearn.collection.models import Submission, SubmissionState
from benchlearn.collection.services import SubmissionBlocked, submission_submit
from benchlearn.collection.validation import submission_check
from tests.collection.conftest import COMPLETE, PERIOD, approve_all, make_round, save


@pytest.fixture
def last_year(published, programme, units, operator, participant_a):
    """Unit A's values of the year before: EDU_EXP 100, TEACHERS 0."""
    previous = make_round(operator, list(units.values()), period=PERIOD - 1)
    submission = Submission.objects.get(round=previous, unit=units["a"])
    assert save(submission, participant_a, {"EDU_EXP": "100", "TEACHERS": "0"}).ok
    return previous


@pytest.mark.parametrize(
    ("value", "warned"),
    [("130", False), ("131", True), ("70", False), ("69", True), ("100", False)],
)
def test_change_from_last_year_above_the_threshold_warns(last_year, sub_a, value, warned):
    check = submission_check(sub_a, {"EDU_EXP": value})
    item = check.items["EDU_EXP"]
    assert item.previous == Decimal(100)
    assert bool(item.warnings) is warned
    if warned:
        assert "more than 30%" in item.warnings[0]
        assert "from last year's 100" in item.warnings[0]


def test_threshold_is_the_rounds(last_year, published, operator, units):
    strict = make_round(operator, [units["a"]], threshold=10)
    submission = Submission.objects.get(round=strict, unit=units["a"])
    assert submission_check(submission, {"EDU_EXP": "111"}).warnings["EDU_EXP"]
    assert not submission_check(submission, {"EDU_EXP": "110"}).warnings


def test_a_value_after_zero_last_year_warns(last_year, sub_a):
    check = submission_check(sub_a, {"TEACHERS": "5"})
    assert check.warnings["TEACHERS"] == ["Last year's value was 0; this year it is not."]


def test_warnings_need_a_comment_before_submission(last_year, sub_a, participant_a):
    assert save(sub_a, participant_a, {**COMPLETE, "EDU_EXP": "200"}).ok
    sub_a.refresh_from_db()
    with pytest.raises(SubmissionBlocked) as blocked:
        submission_submit(submission=sub_a, user=participant_a, base_revision=sub_a.revision)
    assert blocked.value.by_variable == {
        "EDU_EXP": [
            "Explain the warning in a comment before submission.",
        ],
        "TEACHERS": ["Explain the warning in a comment before submission."],
    }
    explained = {"EDU_EXP": ("200", "Nowa szkoła"), "TEACHERS": ("40", "Nowe etaty")}
    assert save(sub_a, participant_a, explained).ok
    sub_a.refresh_from_db()
    submission_submit(submission=sub_a, user=participant_a, base_revision=sub_a.revision)
    sub_a.refresh_from_db()
    assert sub_a.state == SubmissionState.SUBMITTED


@pytest.fixture
def peers_round(published, programme, units, rural_peers, operator):
    """Five rural gminas, the kind of unit C, with approved SUBSIDY 10, 12, 14, 16, 18 of
    the year before: Q1 = 12, Q3 = 16 (linear interpolation), IQR = 4, fences 12 − 6 = 6
    and 16 + 6 = 22. This year's round asks unit C alone."""
    approve_all(
        operator, rural_peers, PERIOD - 1, [{"SUBSIDY": n} for n in ["10", "12", "14", "16", "18"]]
    )
    return make_round(operator, [units["c"]])


@pytest.mark.parametrize(
    ("value", "warned"),
    [("22", False), ("22,01", True), ("6", False), ("5,99", True), ("14", False)],
)
def test_values_outside_the_peers_fences_warn(peers_round, units, value, warned):
    submission = Submission.objects.get(round=peers_round, unit=units["c"])
    item = submission_check(submission, {"SUBSIDY": value}).items["SUBSIDY"]
    assert item.fences == (6.0, 22.0)
    assert item.peers is not None and item.peers.median == 14 and item.peers.count == 5
    assert bool(item.warnings) is warned
    if warned:
        assert "between 6 and 22" in item.warnings[0]
        assert "median 14, 5 units" in item.warnings[0]


def test_fewer_than_five_peers_give_no_fences(published, programme, units, rural_peers, operator):
    approve_all(operator, rural_peers[:4], PERIOD - 1, [{"SUBSIDY": "10"}] * 4)
    round_ = make_round(operator, [units["c"]])
    submission = Submission.objects.get(round=round_, unit=units["c"])
    item = submission_check(submission, {"SUBSIDY": "1000"}).items["SUBSIDY"]
    assert item.fences is None and not item.warnings


def test_check_of_proposed_text_reports_parse_errors(sub_a):
    check = submission_check(sub_a, {"EDU_EXP": "1.234"})
    assert "use a comma for decimals" in check.errors["EDU_EXP"][0]
    assert "EDU_EXP" not in check.missing
    assert set(check.missing) == {"NEW_PUPILS", "SUBSIDY", "TEACHERS"}
