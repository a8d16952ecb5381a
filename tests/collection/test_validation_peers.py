"""Plausibility checks that catch mistakes and spare honest data: the last known value
of any earlier year, peers of the same kind and size from approved data only, and
warnings frozen at submission."""

from decimal import Decimal

import pytest
from django.utils import translation

from benchlearn.catalogue.models import Variable
from benchlearn.collection.models import FrozenCheck, Submission, SubmissionState
from benchlearn.collection.selectors import round_variables
from benchlearn.collection.services import (
    submission_approve,
    submission_return,
    submission_submit,
)
from benchlearn.collection.validation import round_check_counts, submission_check
from benchlearn.units.models import Unit
from benchlearn.units.services.context import context_values_store
from tests.collection.conftest import COMPLETE, PERIOD, approve_all, make_round, save
from tests.conftest import load_units

pytestmark = pytest.mark.django_db


def test_an_81_percent_jump_from_two_years_ago_is_flagged(
    published, programme, units, operator, participant_a
):
    """The year before was left empty: the value of two years ago still counts."""
    approve_all(operator, [units["a"]], PERIOD - 2, [{"EDU_EXP": "1 000 000"}])
    make_round(operator, [units["a"]], period=PERIOD - 1)  # nothing typed in that year
    round_ = make_round(operator, [units["a"]])
    submission = Submission.objects.get(round=round_, unit=units["a"])
    item = submission_check(submission, {"EDU_EXP": "1 810 000"}).items["EDU_EXP"]
    assert item.previous == Decimal(1_000_000) and item.previous_period == PERIOD - 2
    assert item.warnings == [
        f"The value changed by 81% from 1,000,000 in {PERIOD - 2}, the last known value "
        "(more than 30%)."
    ]
    # The round's table counts it the same way.
    counts = round_check_counts(round_, round_variables(round_))
    assert save(submission, participant_a, {"EDU_EXP": "1 810 000"}).ok
    counts = round_check_counts(round_, round_variables(round_))
    assert counts[units["a"].pk].warnings == 1


def test_a_big_citys_honest_figures_are_not_flagged_against_small_gminas(
    published, programme, units, rural_peers, operator
):
    """Five small rural gminas spend about 14 on SUBSIDY; the city spends 2 000. They
    are not its peers: a city with county rights is compared with cities only."""
    approve_all(
        operator, rural_peers, PERIOD - 1, [{"SUBSIDY": n} for n in ["10", "12", "14", "16", "18"]]
    )
    round_ = make_round(operator, [units["a"], units["c"], *rural_peers])
    city = Submission.objects.get(round=round_, unit=units["a"])
    item = submission_check(city, {"SUBSIDY": "2 000"}).items["SUBSIDY"]
    assert item.peers is None and not item.warnings
    # A rural gmina with the same figure is flagged: its peers are those five.
    gmina = Submission.objects.get(round=round_, unit=units["c"])
    assert submission_check(gmina, {"SUBSIDY": "2 000"}).warnings["SUBSIDY"]


def test_peers_are_of_the_same_size_band(published, programme, units, operator):
    """With populations known, a rural gmina of 11,800 (10–20 k) is compared with rural
    gminas of 10–20 k only: five of 4,800–7,400 residents do not count."""
    small = ("0201032", "0201052", "0216062", "0203022", "0203032")
    load_units(*small)
    small_units = list(Unit.objects.filter(teryt__in=small).order_by("teryt"))
    store_population({units["c"]: 11_787, **dict.fromkeys(small_units, 6_000)})
    approve_all(operator, small_units, PERIOD - 1, [{"SUBSIDY": "10"}] * len(small_units))
    round_ = make_round(operator, [units["c"]])
    submission = Submission.objects.get(round=round_, unit=units["c"])
    assert submission_check(submission, {"SUBSIDY": "1000"}).items["SUBSIDY"].peers is None


def store_population(population):
    context_values_store(
        variable=Variable.objects.get(code="POP"),
        values=[(unit, 2018, float(number)) for unit, number in population.items()],
        source="GUS",
        origin="test",
    )


def test_unapproved_values_of_the_round_are_not_peers(
    published, programme, units, rural_peers, operator
):
    round_ = make_round(operator, [units["c"], *rural_peers])
    for unit in rural_peers:
        submission = Submission.objects.get(round=round_, unit=unit)
        assert save(submission, operator, {"SUBSIDY": "10"}).ok
    mine = Submission.objects.get(round=round_, unit=units["c"])
    item = submission_check(mine, {"SUBSIDY": "1000"}).items["SUBSIDY"]
    assert item.peers is None and not item.warnings


def submit(submission, user):
    submission.refresh_from_db()
    submission_submit(submission=submission, user=user, base_revision=submission.revision)
    submission.refresh_from_db()


def test_warnings_are_frozen_at_submission(
    published, programme, units, rural_peers, operator, participant_a
):
    """Unit C is submitted with one explained warning and approved; later the peers'
    approved data, last year's value and the variable's allowed range all change: the
    approved submission shows the same warnings, in both languages."""
    approve_all(operator, rural_peers[:5], PERIOD - 1, [{"SUBSIDY": "10"}] * 5)
    round_ = make_round(operator, [units["c"]])
    gmina = Submission.objects.get(round=round_, unit=units["c"])
    values = {**COMPLETE, "SUBSIDY": ("25", "Nowa szkoła w gminie")}
    assert save(gmina, operator, values).ok
    submit(gmina, operator)
    before = submission_check(gmina)
    assert before.frozen and list(before.warnings) == ["SUBSIDY"]
    with translation.override("pl"):
        polish = submission_check(gmina).warnings
    submission_approve(submission=gmina, operator=operator)
    gmina.refresh_from_db()
    assert gmina.state == SubmissionState.APPROVED

    # Later: more approved peers (fences wider), a value of last year for unit C that
    # makes EDU_EXP jump, a stricter allowed maximum of TEACHERS.
    more = ("0203042", "0204022", "0204032", "0205032", "0205042")
    load_units(*more)
    approve_all(
        operator,
        list(Unit.objects.filter(teryt__in=more)),
        PERIOD - 1,
        [{"SUBSIDY": "100"}] * 5,
    )
    Variable.objects.filter(code="TEACHERS").update(maximum=1)
    after = submission_check(gmina)
    assert after.warnings == before.warnings
    assert not after.errors
    with translation.override("pl"):
        assert submission_check(gmina).warnings == polish
    # The live check would differ: it is what the frozen one protects against.
    live = submission_check(gmina, live=True)
    assert live.errors and live.warnings != before.warnings
    counts = round_check_counts(round_, round_variables(round_))
    assert (counts[units["c"].pk].errors, counts[units["c"].pk].warnings) == (0, 1)


def test_a_returned_submission_is_checked_again_and_refrozen(
    published, programme, units, rural_peers, operator
):
    approve_all(operator, rural_peers, PERIOD - 1, [{"SUBSIDY": "10"}] * 5)
    round_ = make_round(operator, [units["c"]])
    gmina = Submission.objects.get(round=round_, unit=units["c"])
    assert save(gmina, operator, {**COMPLETE, "SUBSIDY": ("10", "")}).ok
    submit(gmina, operator)
    assert not submission_check(gmina).warnings
    submission_return(submission=gmina, operator=operator, comments={"SUBSIDY": "Sprawdźcie"})
    gmina.refresh_from_db()
    assert save(gmina, operator, {"SUBSIDY": ("30", "Dotacja celowa")}).ok
    assert submission_check(gmina).warnings  # live again while returned
    submit(gmina, operator)
    frozen = FrozenCheck.objects.get(submission=gmina, variable__code="SUBSIDY")
    assert frozen.warned and frozen.peers["median"] == 10
    assert frozen.warnings["pl"] and frozen.warnings["en"]
    assert frozen.warnings["pl"] != frozen.warnings["en"]
