"""Submitting a round's forms one after another works out the round's variables once
(the demo's build submits hundreds of forms), and never from a round object that no
longer says what the round is: a round closed meanwhile still refuses the form."""

import pytest

from benchlearn.collection import selectors
from benchlearn.collection.models import Submission, SubmissionState
from benchlearn.collection.services import CollectionError, round_close, submission_submit
from tests.collection.conftest import COMPLETE, save

pytestmark = pytest.mark.django_db


def _filled(round_, operator):
    """The round's forms, complete and explained, each holding the same round object."""
    forms = list(Submission.objects.filter(round=round_).select_related("unit"))
    for submission in forms:
        assert save(submission, operator, {c: (t, "ok") for c, t in COMPLETE.items()}).ok
        submission.refresh_from_db()
        submission.round = round_
    return forms


def test_a_rounds_forms_submitted_in_turn_work_out_its_variables_once(
    round_, operator, monkeypatch
):
    forms = _filled(round_, operator)
    calls = []
    worked_out = selectors.round_indicator_versions
    monkeypatch.setattr(
        selectors,
        "round_indicator_versions",
        lambda *args, **kwargs: calls.append(args) or worked_out(*args, **kwargs),
    )
    for submission in forms:
        submission_submit(submission=submission, user=operator, base_revision=submission.revision)
    assert len(forms) == 3
    assert Submission.objects.filter(round=round_, state=SubmissionState.SUBMITTED).count() == 3
    # One kind of unit here (every set applies to every kind): worked out once.
    assert len(calls) == 1


def test_a_round_closed_meanwhile_refuses_a_form_from_an_old_round_object(round_, operator):
    (first, *_rest) = _filled(round_, operator)
    selectors.round_variables(first.round)  # the old object remembers the open round
    round_close(round_=Submission.objects.get(pk=first.pk).round, user=operator)
    with pytest.raises(CollectionError):
        submission_submit(submission=first, user=operator, base_revision=first.revision)
    assert Submission.objects.get(pk=first.pk).state == SubmissionState.DRAFT
