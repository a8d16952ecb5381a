"""Saving, submitting, returning, approving, reopening; conflicts, history, restore."""

from decimal import Decimal

import pytest

from benchlearn.collection.models import (
    ReturnComment,
    SubmissionEvent,
    SubmissionState,
    Value,
    ValueChange,
    ValueSource,
)
from benchlearn.collection.selectors import (
    submission_history,
    submission_revisions,
    submission_values,
)
from benchlearn.collection.services import (
    CollectionError,
    SubmissionBlocked,
    round_close,
    submission_approve,
    submission_reopen,
    submission_return,
    submission_save,
    submission_submit,
    value_restore,
)
from tests.collection.conftest import COMPLETE, dump, save


def stored(submission):
    return {code: v.value for code, v in submission_values(submission).items()}


def submit(submission, user):
    submission.refresh_from_db()
    return submission_submit(submission=submission, user=user, base_revision=submission.revision)


def test_partial_save_stores_parsed_values_with_history(sub_a, participant_a):
    result = save(sub_a, participant_a, {"EDU_EXP": "1 234 567,5", "TEACHERS": ""})
    assert result.ok and result.changed == ["EDU_EXP"]
    assert stored(sub_a) == {"EDU_EXP": Decimal("1234567.5")}
    change = ValueChange.objects.get()
    assert (change.old_value, change.new_value) == (None, Decimal("1234567.5"))
    assert change.changed_by == participant_a and change.source == ValueSource.FORM
    assert change.submission == sub_a and change.submission_state == SubmissionState.DRAFT
    assert change.changed_at is not None and change.revision == 1
    sub_a.refresh_from_db()
    assert sub_a.revision == result.revision == 1 and sub_a.last_activity_at is not None


def test_saving_the_same_again_writes_nothing(sub_a, participant_a):
    save(sub_a, participant_a, {"EDU_EXP": "100"})
    before = dump()
    result = save(sub_a, participant_a, {"EDU_EXP": "100,000", "TEACHERS": ""})
    assert result.ok and result.changed == []
    assert dump() == before


def test_a_parse_error_stores_nothing_and_names_the_variable(sub_a, participant_a):
    save(sub_a, participant_a, {"EDU_EXP": "100"})
    before = dump()
    result = save(sub_a, participant_a, {"EDU_EXP": "200", "TEACHERS": "#DIV/0!", "X": "1"})
    assert not result.ok
    assert set(result.errors) == {"TEACHERS", "X"}
    assert "spreadsheet error" in result.errors["TEACHERS"]
    assert "does not ask for X" in result.errors["X"]
    assert dump() == before


def test_every_change_is_recorded_with_who_when_old_new_and_source(sub_a, participant_a, operator):
    save(sub_a, participant_a, {"EDU_EXP": "100"})
    save(sub_a, participant_a, {"EDU_EXP": ("150", "nowa szkoła")})
    save(sub_a, operator, {"EDU_EXP": "160"}, source=ValueSource.EXCEL)
    rows = [
        (c.old_value, c.new_value, c.old_comment, c.new_comment, c.changed_by, c.source)
        for c in reversed(submission_history(sub_a))
    ]
    assert rows == [
        (None, Decimal(100), "", "", participant_a, "form"),
        (Decimal(100), Decimal(150), "", "nowa szkoła", participant_a, "form"),
        (Decimal(150), Decimal(160), "nowa szkoła", "nowa szkoła", operator, "excel"),
    ]
    assert Value.objects.get().revision == 3


def test_second_save_from_the_same_revision_gets_a_conflict(sub_a, participant_a, operator):
    sub_a.refresh_from_db()
    base = submission_revisions(sub_a)  # both pages opened now
    first = submission_save(
        submission=sub_a,
        user=participant_a,
        entries={"EDU_EXP": ("100", None)},
        base_revisions=base,
    )
    assert first.ok
    before = dump()
    second = submission_save(
        submission=sub_a,
        user=operator,
        entries={"EDU_EXP": ("200", None), "TEACHERS": ("40", None)},
        base_revisions=base,
    )
    assert not second.ok and second.changed == []
    [conflict] = second.conflicts
    assert conflict.code == "EDU_EXP"
    assert conflict.their_value == Decimal(100) and conflict.your_value == Decimal(200)
    assert conflict.changed_by == participant_a and conflict.changed_at is not None
    assert dump() == before  # not even TEACHERS was stored
    # Saving again from the revision the conflict showed means "keep mine".
    third = submission_save(
        submission=sub_a,
        user=operator,
        entries={"EDU_EXP": ("200", None), "TEACHERS": ("40", None)},
        base_revisions={"EDU_EXP": conflict.revision},
    )
    assert third.ok and stored(sub_a) == {"EDU_EXP": Decimal(200), "TEACHERS": Decimal(40)}


def test_a_field_left_as_shown_keeps_the_newer_value(sub_a, participant_a, operator):
    save(sub_a, participant_a, {"EDU_EXP": "100"})
    base = submission_revisions(sub_a)
    save(sub_a, operator, {"EDU_EXP": "110"})
    # The participant's page still shows 100 and changes only TEACHERS.
    result = submission_save(
        submission=sub_a,
        user=participant_a,
        entries={"EDU_EXP": ("100", None), "TEACHERS": ("40", None)},
        base_revisions=base,
    )
    assert result.ok and result.changed == ["TEACHERS"]
    assert stored(sub_a)["EDU_EXP"] == Decimal(110)


def complete(submission, user):
    result = save(submission, user, COMPLETE)
    assert result.ok, result.errors


def test_submit_return_correct_resubmit_approve(sub_a, participant_a, operator):
    complete(sub_a, participant_a)
    submit(sub_a, participant_a)
    sub_a.refresh_from_db()
    assert sub_a.state == SubmissionState.SUBMITTED and sub_a.submitted_by == participant_a
    with pytest.raises(CollectionError, match="submitted"):
        save(sub_a, participant_a, {"TEACHERS": "41"})
    submission_return(
        submission=sub_a, operator=operator, comments={"TEACHERS": "Sprawdź etaty", "EDU_EXP": ""}
    )
    sub_a.refresh_from_db()
    assert sub_a.state == SubmissionState.RETURNED
    [comment] = ReturnComment.objects.all()
    assert comment.variable.code == "TEACHERS" and comment.resolved_at is None
    assert save(sub_a, participant_a, {"TEACHERS": "42"}).ok
    submit(sub_a, participant_a)
    comment.refresh_from_db()
    assert comment.resolved_at is not None
    submission_approve(submission=sub_a, operator=operator)
    sub_a.refresh_from_db()
    assert sub_a.state == SubmissionState.APPROVED and sub_a.approved_by == operator
    steps = [(e.kind, e.by) for e in SubmissionEvent.objects.order_by("pk")]
    assert steps == [
        ("submitted", participant_a),
        ("returned", operator),
        ("submitted", participant_a),
        ("approved", operator),
    ]
    change = ValueChange.objects.get(value__variable__code="TEACHERS", new_value=42)
    assert change.submission_state == SubmissionState.RETURNED


def test_approved_submissions_are_locked_until_reopened(sub_a, participant_a, operator):
    complete(sub_a, participant_a)
    submit(sub_a, participant_a)
    submission_approve(submission=sub_a, operator=operator)
    before = dump()
    for user in (participant_a, operator):
        with pytest.raises(CollectionError, match="approved and locked"):
            save(sub_a, user, {"TEACHERS": "41"})
    change = ValueChange.objects.filter(value__variable__code="TEACHERS").first()
    with pytest.raises(CollectionError, match="approved and locked"):
        value_restore(change=change, operator=operator)
    assert dump() == before
    submission_reopen(submission=sub_a, operator=operator)
    sub_a.refresh_from_db()
    assert sub_a.state == SubmissionState.RETURNED and sub_a.approved_at is None
    assert save(sub_a, participant_a, {"TEACHERS": "41"}).ok


def test_forbidden_transitions(sub_a, participant_a, operator, round_):
    with pytest.raises(CollectionError):
        submission_approve(submission=sub_a, operator=operator)  # a draft
    with pytest.raises(CollectionError):
        submission_return(submission=sub_a, operator=operator, comments={"TEACHERS": "x"})
    with pytest.raises(CollectionError):
        submission_reopen(submission=sub_a, operator=operator)
    complete(sub_a, participant_a)
    submit(sub_a, participant_a)
    with pytest.raises(CollectionError):
        submit(sub_a, participant_a)  # already submitted
    with pytest.raises(CollectionError, match="at least one"):
        submission_return(submission=sub_a, operator=operator, comments={"TEACHERS": " "})
    with pytest.raises(CollectionError):
        submission_reopen(submission=sub_a, operator=operator, to=SubmissionState.APPROVED)
    submission_reopen(submission=sub_a, operator=operator, to=SubmissionState.DRAFT)
    sub_a.refresh_from_db()
    assert sub_a.state == SubmissionState.DRAFT
    round_close(round_=round_, user=operator)
    with pytest.raises(CollectionError, match="not open"):
        save(sub_a, participant_a, {"TEACHERS": "1"})


def test_submit_from_a_stale_page_is_refused(sub_a, participant_a, operator):
    complete(sub_a, participant_a)
    sub_a.refresh_from_db()
    seen = sub_a.revision
    save(sub_a, operator, {"TEACHERS": "41"})
    with pytest.raises(CollectionError, match="changed this submission"):
        submission_submit(submission=sub_a, user=participant_a, base_revision=seen)


def test_hard_errors_and_empty_values_block_submission(sub_a, participant_a):
    save(sub_a, participant_a, {"EDU_EXP": "-5", "TEACHERS": "10 001"})
    before = dump()
    with pytest.raises(SubmissionBlocked) as blocked:
        submit(sub_a, participant_a)
    problems = blocked.value.by_variable
    assert problems["EDU_EXP"] == ["The value is below the allowed minimum of 0."]
    assert problems["TEACHERS"] == ["The value is above the allowed maximum of 10,000."]
    assert problems["SUBSIDY"] == ["A value is required before submission."]
    assert problems["NEW_PUPILS"] == ["A value is required before submission."]
    assert dump() == before


def test_restore_puts_back_the_old_value_and_is_recorded(sub_a, participant_a, operator):
    save(sub_a, participant_a, {"EDU_EXP": ("100", "stara")})
    save(sub_a, participant_a, {"EDU_EXP": ("900", "")})
    change = ValueChange.objects.get(new_value=900)
    restore = value_restore(change=change, operator=operator)
    assert stored(sub_a)["EDU_EXP"] == Decimal(100)
    assert Value.objects.get().comment == "stara"
    assert restore.restored_from == change and restore.changed_by == operator
    assert (restore.old_value, restore.new_value) == (Decimal(900), Decimal(100))
    assert restore.submission == sub_a
    assert ValueChange.objects.count() == 3
    with pytest.raises(CollectionError, match="already"):
        value_restore(change=change, operator=operator)


def test_values_are_shared_by_rounds_of_the_same_period(
    round_, published, operator, units, participant_a, sub_a
):
    from benchlearn.collection.models import Submission
    from tests.collection.conftest import make_round

    other = make_round(operator, [units["a"]])
    other_sub = Submission.objects.get(round=other, unit=units["a"])
    save(sub_a, participant_a, {"EDU_EXP": "100"})
    assert stored(other_sub) == {"EDU_EXP": Decimal(100)}
    complete(other_sub, participant_a)
    submit(other_sub, participant_a)
    submission_approve(submission=other_sub, operator=operator)
    with pytest.raises(CollectionError, match="approved in another round"):
        save(sub_a, participant_a, {"EDU_EXP": "200"})


# --- internal sign-off ------------------------------------------------------------------


@pytest.fixture
def signoff_a(sub_a):
    """Unit A's submission in a round with internal sign-off."""
    sub_a.round.internal_signoff = True
    sub_a.round.save(update_fields=["internal_signoff"])
    sub_a.refresh_from_db()
    return sub_a


def _colleague(unit, level, email):
    from benchlearn.units.services import unit_membership_set
    from tests.conftest import make_user

    user = make_user(email, email.split("@")[0])
    unit_membership_set(user=user, unit=unit, level=level)
    return user


@pytest.fixture
def team_a(signoff_a, participant_a):
    from benchlearn.units.models import Level

    return {
        "strategic": participant_a,
        "middle": _colleague(signoff_a.unit, Level.MIDDLE, "srednia@example.org"),
        "operational": _colleague(signoff_a.unit, Level.OPERATIONAL, "operacja@example.org"),
    }


def test_with_internal_signoff_the_operational_level_enters_but_cannot_send(signoff_a, team_a):
    from django.core.exceptions import PermissionDenied

    from benchlearn.collection.services import submission_signoff_request

    complete(signoff_a, team_a["operational"])
    signoff_a.refresh_from_db()
    before = dump()
    with pytest.raises(PermissionDenied, match="strategic"):
        submit(signoff_a, team_a["operational"])
    with pytest.raises(PermissionDenied, match="middle or strategic"):
        submission_signoff_request(
            submission=signoff_a, user=team_a["operational"], base_revision=signoff_a.revision
        )
    assert dump() == before


def test_the_middle_level_submits_for_signoff_and_cannot_send(signoff_a, team_a):
    from django.core.exceptions import PermissionDenied

    from benchlearn.collection.services import (
        submission_signoff_confirm,
        submission_signoff_request,
    )

    complete(signoff_a, team_a["operational"])
    signoff_a.refresh_from_db()
    with pytest.raises(PermissionDenied):
        submit(signoff_a, team_a["middle"])
    submission_signoff_request(
        submission=signoff_a, user=team_a["middle"], base_revision=signoff_a.revision
    )
    signoff_a.refresh_from_db()
    assert signoff_a.state == SubmissionState.SIGNOFF
    # Locked in the unit: nobody edits data awaiting sign-off.
    with pytest.raises(CollectionError):
        save(signoff_a, team_a["operational"], {"TEACHERS": "41"})
    with pytest.raises(PermissionDenied, match="strategic"):
        submission_signoff_confirm(
            submission=signoff_a, user=team_a["middle"], base_revision=signoff_a.revision
        )
    event = SubmissionEvent.objects.filter(submission=signoff_a).last()
    assert (event.kind, event.by, event.new_state) == (
        SubmissionEvent.Kind.TO_SIGNOFF,
        team_a["middle"],
        SubmissionState.SIGNOFF,
    )


def test_the_strategic_level_confirms_and_the_data_reach_the_office(signoff_a, team_a, operator):
    from benchlearn.collection.services import (
        submission_signoff_confirm,
        submission_signoff_request,
    )

    complete(signoff_a, team_a["operational"])
    signoff_a.refresh_from_db()
    submission_signoff_request(
        submission=signoff_a, user=team_a["middle"], base_revision=signoff_a.revision
    )
    signoff_a.refresh_from_db()
    submission_signoff_confirm(
        submission=signoff_a, user=team_a["strategic"], base_revision=signoff_a.revision
    )
    signoff_a.refresh_from_db()
    assert signoff_a.state == SubmissionState.SUBMITTED
    assert signoff_a.submitted_by == team_a["strategic"]
    steps = [(e.kind, e.by) for e in SubmissionEvent.objects.filter(submission=signoff_a)]
    assert steps == [
        (SubmissionEvent.Kind.TO_SIGNOFF, team_a["middle"]),
        (SubmissionEvent.Kind.SIGNED_OFF, team_a["strategic"]),
    ]
    submission_approve(submission=signoff_a, operator=operator)


def test_the_strategic_level_sends_back_to_the_state_before(signoff_a, team_a, operator):
    from benchlearn.collection.services import (
        submission_signoff_request,
        submission_signoff_send_back,
    )

    complete(signoff_a, team_a["operational"])
    submit(signoff_a, team_a["strategic"])  # the strategic level sends at once
    submission_return(submission=signoff_a, operator=operator, comments={"TEACHERS": "Etaty?"})
    signoff_a.refresh_from_db()
    submission_signoff_request(
        submission=signoff_a, user=team_a["middle"], base_revision=signoff_a.revision
    )
    submission_signoff_send_back(submission=signoff_a, user=team_a["strategic"])
    signoff_a.refresh_from_db()
    # Back to "returned": the office's comments still stand.
    assert signoff_a.state == SubmissionState.RETURNED
    kinds = list(
        SubmissionEvent.objects.filter(submission=signoff_a).values_list("kind", flat=True)
    )
    assert kinds == ["signed_off", "returned", "to_signoff", "sent_back"]


def test_without_internal_signoff_any_level_submits(sub_a, participant_b, unit_b, round_):
    from benchlearn.collection.models import Submission

    sub_b = Submission.objects.get(round=round_, unit=unit_b)
    complete(sub_b, participant_b)  # participant_b is at the operational level
    submit(sub_b, participant_b)
    sub_b.refresh_from_db()
    assert sub_b.state == SubmissionState.SUBMITTED


def test_the_form_shows_each_level_what_it_may_do(signoff_a, team_a):
    from tests.conftest import client_for

    complete(signoff_a, team_a["operational"])
    url = f"/rounds/{signoff_a.round_id}/units/{signoff_a.unit.teryt}/"
    operational = client_for(team_a["operational"]).get(url).content.decode()
    assert "Internal sign-off" in operational
    assert "You enter the data; the middle or strategic level submits them." in operational
    assert "submit for sign-off" not in operational.lower().replace("submits them", "")
    assert "Save, confirm and send" not in operational
    middle = client_for(team_a["middle"]).get(url).content.decode()
    assert "Save and submit for sign-off" in middle and "Save, confirm and send" not in middle
    strategic = client_for(team_a["strategic"]).get(url).content.decode()
    assert "Save, confirm and send" in strategic
    # The operational level's submit is refused on the server too.
    response = client_for(team_a["operational"]).post(
        url + "signoff/", {"revision": signoff_a.revision}
    )
    assert response.status_code in (400, 403)
    signoff_a.refresh_from_db()
    assert signoff_a.state == SubmissionState.DRAFT
