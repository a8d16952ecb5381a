"""A plan's way from draft to adopted, who may take each step and who may not, and the
versions of an adopted plan."""

import pytest
from django.core.exceptions import PermissionDenied

from benchlearn.accounts.access import may_read_plan
from benchlearn.plans.models import Action, PlanState, PlanVersion
from benchlearn.plans.services import (
    PlanError,
    action_comment_add,
    action_delete,
    action_save,
    diagnosis_item_set,
    plan_adopt,
    plan_confirm,
    plan_privacy_set,
    plan_return,
    plan_send_back,
    plan_start,
    plan_submit,
)
from tests.plans.test_actions import action_input


@pytest.fixture
def plan(results, group, unit_a, participant_a):
    return plan_start(unit=unit_a, group=group, by=participant_a)


@pytest.fixture
def drafted(plan, middle_a):
    action_save(plan=plan, data=action_input(), by=middle_a)
    return plan


@pytest.fixture
def in_review(drafted, middle_a, participant_a):
    plan_submit(plan=drafted, by=middle_a)
    return plan_confirm(plan=drafted, by=participant_a)


@pytest.fixture
def adopted(in_review, moderator):
    return plan_adopt(plan=in_review, by=moderator)


def test_the_whole_way(drafted, middle_a, participant_a, moderator):
    assert plan_submit(plan=drafted, by=middle_a).state == PlanState.AWAITING_CONFIRMATION
    assert plan_confirm(plan=drafted, by=participant_a).state == PlanState.IN_REVIEW
    action = drafted.actions.get()
    action_comment_add(action=action, text="Dodajcie kamień milowy.", by=moderator)
    assert plan_return(plan=drafted, by=moderator).state == PlanState.RETURNED
    action_save(plan=drafted, action=action, data=action_input(title="Poprawione"), by=middle_a)
    plan_submit(plan=drafted, by=middle_a)
    plan_confirm(plan=drafted, by=participant_a)
    assert plan_adopt(plan=drafted, by=moderator).state == PlanState.ADOPTED
    version = drafted.versions.get()
    assert version.number == 1 and version.snapshot["actions"][0]["title"] == "Poprawione"
    kinds = list(drafted.events.values_list("kind", flat=True))
    assert kinds[-3:] == ["submitted", "confirmed", "adopted"]


def test_an_empty_plan_is_not_submitted(plan, middle_a):
    with pytest.raises(PlanError, match="at least one action"):
        plan_submit(plan=plan, by=middle_a)
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT


@pytest.mark.parametrize("who", ["participant_b", "moderator", "stranger", "nobody"])
def test_who_may_not_submit(drafted, programme, who):
    with pytest.raises(PermissionDenied):
        plan_submit(plan=drafted, by=programme[who])
    drafted.refresh_from_db()
    assert drafted.state == PlanState.DRAFT


@pytest.mark.parametrize("who", ["middle_a", "participant_b", "moderator", "stranger"])
def test_only_the_strategic_level_confirms(drafted, programme, middle_a, who):
    plan_submit(plan=drafted, by=middle_a)
    people = {**programme, "middle_a": middle_a}
    with pytest.raises(PermissionDenied, match="strategic-level"):
        plan_confirm(plan=drafted, by=people[who])
    with pytest.raises(PermissionDenied):
        plan_send_back(plan=drafted, by=people[who])
    drafted.refresh_from_db()
    assert drafted.state == PlanState.AWAITING_CONFIRMATION


def test_the_office_confirms_for_the_unit_and_the_strategic_level_sends_back(
    drafted, middle_a, participant_a, operator
):
    plan_submit(plan=drafted, by=middle_a)
    assert (
        plan_send_back(plan=drafted, by=participant_a, comment="Za drogo").state == PlanState.DRAFT
    )
    plan_submit(plan=drafted, by=middle_a)
    assert plan_confirm(plan=drafted, by=operator).state == PlanState.IN_REVIEW


def test_no_confirming_a_draft(drafted, participant_a):
    with pytest.raises(PlanError, match="not possible now"):
        plan_confirm(plan=drafted, by=participant_a)


def test_nothing_changes_while_confirming_or_in_review(in_review, middle_a):
    action = in_review.actions.get()
    with pytest.raises(PlanError, match="cannot be changed now"):
        action_save(plan=in_review, action=action, data=action_input(title="X"), by=middle_a)
    with pytest.raises(PlanError, match="cannot be changed now"):
        action_delete(action=action, by=middle_a)
    assert Action.objects.get().title == "Wspólne zakupy energii"


@pytest.mark.parametrize("who", ["middle_a", "participant_a", "participant_b", "stranger"])
def test_only_the_moderator_and_the_office_review(in_review, programme, middle_a, who):
    people = {**programme, "middle_a": middle_a}
    action = in_review.actions.get()
    for step in (
        lambda: plan_adopt(plan=in_review, by=people[who]),
        lambda: plan_return(plan=in_review, by=people[who], comment="x"),
        lambda: action_comment_add(action=action, text="x", by=people[who]),
    ):
        with pytest.raises(PermissionDenied, match="moderator"):
            step()
    in_review.refresh_from_db()
    assert in_review.state == PlanState.IN_REVIEW and not action.comments.exists()


def test_the_office_adopts(in_review, operator):
    assert plan_adopt(plan=in_review, by=operator).state == PlanState.ADOPTED


def test_returning_needs_a_comment(in_review, moderator):
    with pytest.raises(PlanError, match="Say what the team should change"):
        plan_return(plan=in_review, by=moderator)
    in_review.refresh_from_db()
    assert in_review.state == PlanState.IN_REVIEW
    plan_return(plan=in_review, by=moderator, comment="Brak kosztów.")
    in_review.refresh_from_db()
    assert (in_review.state, in_review.review_comment) == (PlanState.RETURNED, "Brak kosztów.")


def test_comments_only_in_review(drafted, moderator):
    with pytest.raises(PlanError, match="in review"):
        action_comment_add(action=drafted.actions.get(), text="x", by=moderator)


def test_an_adopted_plan_changes_with_a_reason_in_a_new_version(adopted, middle_a):
    action = adopted.actions.get()
    with pytest.raises(PlanError, match="say why you change it"):
        action_save(plan=adopted, action=action, data=action_input(title="Inny"), by=middle_a)
    with pytest.raises(PlanError, match="say why you change it"):
        action_delete(action=action, by=middle_a)
    with pytest.raises(PlanError, match="say why you change it"):
        diagnosis_item_set(item=adopted.diagnosis.first(), kept=False, comment="", by=middle_a)
    assert PlanVersion.objects.count() == 1
    assert Action.objects.get().title == "Wspólne zakupy energii"

    action_save(
        plan=adopted,
        action=action,
        data=action_input(title="Inny"),
        by=middle_a,
        reason="Nowy zarząd",
    )
    first, second = adopted.versions.order_by("number")
    assert first.snapshot["actions"][0]["title"] == "Wspólne zakupy energii"
    assert (second.number, second.reason) == (2, "Nowy zarząd")
    assert second.snapshot["actions"][0]["title"] == "Inny"


def test_who_reads_a_plan(drafted, programme, middle_a, participant_a, moderator):
    def readers():
        people = {**programme, "middle_a": middle_a}
        return {name for name, user in people.items() if may_read_plan(user, drafted)}

    team_and_office = {"operator", "moderator", "participant_a", "middle_a"}
    assert readers() == team_and_office
    plan_submit(plan=drafted, by=middle_a)
    plan_confirm(plan=drafted, by=participant_a)
    plan_adopt(plan=drafted, by=moderator)
    # After adoption the rest of the group reads it; a stranger never does.
    assert readers() == team_and_office | {"participant_b"}
    plan_privacy_set(plan=drafted, private=True, by=middle_a)
    assert readers() == team_and_office


def test_privacy_is_the_teams_call(drafted, moderator):
    with pytest.raises(PermissionDenied):
        plan_privacy_set(plan=drafted, private=True, by=moderator)
    drafted.refresh_from_db()
    assert not drafted.private
