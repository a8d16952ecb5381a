"""Submitting a demo unit's data as a person would: when the checks want explanations of
some values (a change above the round's threshold, a value outside its peers' range),
the unit writes them, in Polish as the demo's clerks do, and submits again."""

from __future__ import annotations

from decimal import Decimal

from benchlearn.accounts.models import User
from benchlearn.collection.models import Submission
from benchlearn.collection.selectors import submission_revisions
from benchlearn.collection.services import SubmissionBlocked, submission_save, submission_submit
from benchlearn.collection.validation import VariableCheck


def submit_explained(submission: Submission, user: User) -> None:
    """Submit as a person would: when the checks want explanations, write them and
    submit again."""
    try:
        submission_submit(submission=submission, user=user, base_revision=submission.revision)
        return
    except SubmissionBlocked as blocked:
        check = blocked.check
    threshold = submission.round.warning_threshold
    comments = {
        code: (item.value, _explanation(item, threshold, city=submission.unit.kind == "mnpp"))
        for code, item in check.items.items()
        if item.needs_comment
    }
    saved = submission_save(
        submission=submission,
        user=user,
        entries=comments,
        base_revisions=submission_revisions(submission),
    )
    submission_submit(submission=submission, user=user, base_revision=saved.revision)


# Variables counted in decisions, people, tonnes or money grow with the unit's size.
SIZE_UNITS = {"zł", "osoby", "t", "oddziały", "etaty", "decyzje"}


# What a unit writes (in Polish, the demo's language) to explain a checked value.
CHECKED = "Wartość sprawdzona ze sprawozdaniem – jest poprawna."
FEW_DECISIONS = "Niewielka liczba spraw: zmiana o kilka decyzji to duża zmiana procentowa."
CHANGE_CHECKED = "Zmiana sprawdzona ze sprawozdaniem za ten rok."
BY_SIZE = {
    (True, True): "Wartość wynika z wielkości miasta – jednego z największych w zestawieniu.",
    (True, False): "Wartość wynika z wielkości miasta – jednego z najmniejszych w zestawieniu.",
    (False, True): "Wartość wynika z wielkości gminy – jednej z największych w zestawieniu.",
    (False, False): "Wartość wynika z wielkości gminy – jednej z najmniejszych w zestawieniu.",
}


def _explanation(item: VariableCheck, threshold: Decimal, *, city: bool) -> str:
    """A unit's short explanation of the warnings on one of its values."""
    assert item.value is not None
    reasons = []
    previous = item.previous
    if previous is not None and (
        previous == 0 or abs(item.value - previous) / abs(previous) * 100 > threshold
    ):
        reasons.append(FEW_DECISIONS if item.variable.unit == "decyzje" else CHANGE_CHECKED)
    if item.fences is not None and not item.fences[0] <= float(item.value) <= item.fences[1]:
        high = float(item.value) > item.fences[1]
        reasons.append(BY_SIZE[city, high] if item.variable.unit in SIZE_UNITS else CHECKED)
    return " ".join(reasons) or CHECKED
