"""Who may see and change which submission: participants their own unit's, moderators
read-only for their group's units, operators everything, everybody else nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from benchlearn.accounts.access import Perm
from benchlearn.collection.models import ValueChange
from benchlearn.collection.selectors import (
    round_get_for_user,
    rounds_visible_to,
    submission_capabilities,
    submission_get_for_user,
    submission_of_unit_get_for_user,
    submissions_visible_to,
)
from benchlearn.collection.services import (
    submission_approve,
    submission_reopen,
    submission_return,
    submission_submit,
    value_restore,
)
from tests.collection.conftest import COMPLETE, dump, save
from tests.conftest import TERYT_A


@pytest.mark.parametrize(
    ("name", "view", "edit"),
    [
        ("operator", True, True),
        ("participant_a", True, True),
        ("moderator", True, False),
        ("participant_b", False, False),
        ("stranger", False, False),
        ("nobody", False, False),
    ],
)
def test_who_may_open_unit_a_submission(programme, sub_a, round_, name, view, edit):
    user = programme[name]
    for perm, allowed in ((Perm.SUBMISSION_VIEW, view), (Perm.SUBMISSION_EDIT, edit)):
        if allowed:
            assert submission_get_for_user(user, sub_a.pk, perm) == sub_a
            assert submission_of_unit_get_for_user(user, round_.pk, TERYT_A, perm) == sub_a
        else:
            # Refused as a submission that does not exist when they may not see it.
            with pytest.raises(PermissionDenied if view else Http404):
                submission_get_for_user(user, sub_a.pk, perm)
    assert (sub_a in submissions_visible_to(user, round_)) is view


def test_unknown_submission_is_404(programme):
    with pytest.raises(Http404):
        submission_get_for_user(programme["operator"], 999_999)


@pytest.mark.parametrize("name", ["moderator", "participant_b", "stranger", "nobody"])
def test_others_cannot_save_or_submit_and_nothing_changes(programme, sub_a, name):
    user = programme[name]
    before = dump()
    with pytest.raises(PermissionDenied):
        save(sub_a, user, {"EDU_EXP": "1"})
    with pytest.raises(PermissionDenied):
        submission_submit(submission=sub_a, user=user, base_revision=0)
    assert dump() == before


@pytest.mark.parametrize("name", ["moderator", "participant_a", "stranger"])
def test_only_operators_return_approve_reopen_and_restore(programme, sub_a, name):
    participant_a = programme["participant_a"]
    assert save(sub_a, participant_a, COMPLETE).ok
    sub_a.refresh_from_db()
    submission_submit(submission=sub_a, user=participant_a, base_revision=sub_a.revision)
    before = dump()
    user = programme[name]
    change = ValueChange.objects.first()
    for step in (
        lambda: submission_return(submission=sub_a, operator=user, comments={"EDU_EXP": "?"}),
        lambda: submission_approve(submission=sub_a, operator=user),
        lambda: submission_reopen(submission=sub_a, operator=user),
        lambda: value_restore(change=change, operator=user),
    ):
        with pytest.raises(PermissionDenied):
            step()
    assert dump() == before


def test_rounds_visible_to_each_role(programme, round_):
    for name in ("operator", "participant_a", "participant_b", "moderator", "stranger"):
        assert round_get_for_user(programme[name], round_.pk) == round_
    with pytest.raises(Http404):  # as for a round that does not exist
        round_get_for_user(programme["nobody"], round_.pk)
    assert list(rounds_visible_to(programme["nobody"])) == []


def test_capabilities_follow_role_and_state(programme, sub_a):
    assert submission_capabilities(programme["participant_a"], sub_a)["edit"]
    assert not submission_capabilities(programme["moderator"], sub_a)["edit"]
    assert not submission_capabilities(programme["participant_a"], sub_a)["approve"]
