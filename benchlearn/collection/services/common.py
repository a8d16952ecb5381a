"""What the collection services share: their errors, the submission locked for a
step, and whether its values may be changed now."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.collection.models import (
    EDITABLE_STATES,
    RoundState,
    Submission,
    SubmissionState,
)
from benchlearn.collection.parsing import checked_decimal, parse_number
from benchlearn.collection.selectors import round_memo_share
from benchlearn.collection.validation import Check


class CollectionError(ValueError):
    """A collection step that cannot be done as asked; nothing was stored.

    ``problems`` are messages in the active language; ``by_variable`` holds those that
    concern one variable (code → messages), e.g. what blocks a submission.
    """

    def __init__(
        self, problems: str | list[str], *, by_variable: Mapping[str, list[str]] | None = None
    ) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.by_variable = dict(by_variable or {})
        super().__init__("\n".join(self.problems))


class SubmissionBlocked(CollectionError):
    """Submission refused: hard errors, empty values or warnings without a comment."""

    def __init__(self, check: Check) -> None:
        super().__init__(
            _("The data cannot be submitted yet: correct the marked values."),
            by_variable=check.blocking(),
        )
        self.check = check


def locked_submission(submission: Submission) -> Submission:
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    locked = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("round", "unit")
        .get(pk=submission.pk)
    )
    # What was worked out of the round (its variables, ``round_variables``) is shared
    # with the caller's round object: a loop over a round's forms works it out once.
    if Submission.round.is_cached(submission) and submission.round.pk == locked.round_id:
        round_memo_share(submission.round, locked.round)
    return locked


def _approved_elsewhere(submission: Submission) -> bool:
    """Whether the unit's values of this year are locked by an approved submission of
    another round of the same year (values are shared by such rounds)."""
    return (
        Submission.objects.filter(
            unit_id=submission.unit_id,
            round__period=submission.round.period,
            state=SubmissionState.APPROVED,
        )
        .exclude(pk=submission.pk)
        .exists()
    )


def edit_refusal(submission: Submission, approved_elsewhere: Callable[[], bool]) -> str | None:
    """Why the submission's values cannot be changed now, or None when they can."""
    if submission.state == SubmissionState.APPROVED:
        return _("The submission is approved and locked: an operator must reopen it first.")
    if submission.round.state != RoundState.OPEN:
        return _("The round is not open: its data cannot be changed.")
    if submission.state not in EDITABLE_STATES:
        return _("The submission was submitted: it can be changed only after it is returned.")
    if approved_elsewhere():
        return _(
            "This unit's data for %(year)s were approved in another round and are "
            "locked: an operator must reopen that submission first."
        ) % {"year": submission.round.period}
    return None


def require_editable(submission: Submission) -> None:
    refusal = edit_refusal(submission, lambda: _approved_elsewhere(submission))
    if refusal is not None:
        raise CollectionError(refusal)


def parsed_number(raw: str | Decimal | None) -> Decimal | None:
    if raw is None or isinstance(raw, str):
        return parse_number(raw)
    return checked_decimal(raw)


def touch(submission: Submission, *fields: str) -> None:
    submission.revision += 1
    submission.last_activity_at = timezone.now()
    submission.save(update_fields=["revision", "last_activity_at", *fields])
