"""The submission workflow: submit (with internal sign-off: submit for sign-off,
confirm and send, send back), return, approve, reopen; and restoring a value.

Each transition happens in one function here (``_send`` for every way data reach the
office), so that whatever follows a step (a notification) is added in one place."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.access import (
    Perm,
    SignoffStep,
    may_send,
    require,
    require_review,
    signoff_steps,
)
from benchlearn.accounts.models import User
from benchlearn.collection.models import (
    EDITABLE_STATES,
    ReturnComment,
    RoundState,
    Submission,
    SubmissionEvent,
    SubmissionState,
    Value,
    ValueChange,
    ValueSource,
)
from benchlearn.collection.notices import (
    submission_reviewed_notify,
    submission_signoff_notify,
    submission_submitted_notify,
)
from benchlearn.collection.selectors import submission_variables
from benchlearn.collection.services.common import (
    CollectionError,
    SubmissionBlocked,
    locked_submission,
    require_editable,
    touch,
)
from benchlearn.collection.services.frozen import submission_checks_freeze
from benchlearn.collection.services.writer import (
    Write,
    stored_of,
    values_write,
)
from benchlearn.collection.validation import Check, submission_check


def _step(
    submission: Submission, kind: str, new_state: str, user: User, *fields: str
) -> Submission:
    old_state = submission.state
    submission.state = new_state
    touch(submission, "state", *fields)
    SubmissionEvent.objects.create(
        submission=submission,
        kind=kind,
        old_state=old_state,
        new_state=new_state,
        at=submission.last_activity_at or timezone.now(),
        by=user,
    )
    return submission


def _require_revision(submission: Submission, base_revision: int) -> None:
    if submission.revision != base_revision:
        raise CollectionError(
            _("Someone changed this submission after you opened it: check it and submit again.")
        )


def _require_complete(submission: Submission) -> Check:
    """The submission's check (live: a submission being sent has no frozen checks), or
    SubmissionBlocked while it cannot be sent."""
    check = submission_check(submission, live=True)
    if not check.can_submit:
        raise SubmissionBlocked(check)
    return check


def _require_send(user: User, submission: Submission) -> None:
    if not may_send(user, submission.unit, internal_signoff=submission.round.internal_signoff):
        raise PermissionDenied(
            _(
                "In this round the data leave the unit only when its strategic-level "
                "participant confirms them: submit them for sign-off instead."
            )
        )


def _send(submission: Submission, user: User, kind: str, checked: Check) -> Submission:
    """The one place where a unit's data go to the office (state ``submitted``)."""
    submission_checks_freeze(submission=submission, checked=checked)
    now = timezone.now()
    submission.submitted_at, submission.submitted_by = now, user
    submission.return_comments.filter(resolved_at__isnull=True).update(resolved_at=now)
    sent = _step(submission, kind, SubmissionState.SUBMITTED, user, "submitted_at", "submitted_by")
    submission_submitted_notify(sent, by=user)
    return sent


@transaction.atomic
def submission_submit(*, submission: Submission, user: User, base_revision: int) -> Submission:
    """Submit a draft or returned submission for the office's review.

    Refused (``SubmissionBlocked``, with the problems per variable) while there are hard
    errors, empty values, or warnings without a comment; refused (``CollectionError``)
    when the submission changed since the page showed ``base_revision``. Open return
    comments count as answered. In a round with internal sign-off only the unit's
    strategic level may send (``access.may_send``; PermissionDenied otherwise), which
    is its confirmation (recorded as such).
    """
    require(user, Perm.SUBMISSION_EDIT, submission.unit)
    submission = locked_submission(submission)
    _require_send(user, submission)
    require_editable(submission)
    _require_revision(submission, base_revision)
    checked = _require_complete(submission)
    internal = submission.round.internal_signoff
    kind = SubmissionEvent.Kind.SIGNED_OFF if internal else SubmissionEvent.Kind.SUBMITTED
    return _send(submission, user, kind, checked)


def _require_signoff_round(submission: Submission) -> None:
    if not submission.round.internal_signoff:
        raise CollectionError(_("This round has no internal sign-off: submit the data."))
    if submission.round.state != RoundState.OPEN:
        raise CollectionError(_("The round is not open: its data cannot be changed."))


def _require_step(user: User, submission: Submission, step: SignoffStep) -> None:
    if step not in signoff_steps(user, submission.unit):
        message = (
            _("Only the unit's strategic level confirms the data and sends them.")
            if step == SignoffStep.CONFIRM
            else _(
                "At your level you enter the data; the middle or strategic level submits "
                "them for sign-off."
            )
        )
        raise PermissionDenied(message)


@transaction.atomic
def submission_signoff_request(
    *, submission: Submission, user: User, base_revision: int
) -> Submission:
    """Submit a draft or returned submission for the unit's internal sign-off (a round
    with internal sign-off; the unit's middle or strategic level). Checked as a
    submission is: it must be complete. The data stay in the unit, locked, until the
    strategic level confirms and sends them or sends them back."""
    require(user, Perm.SUBMISSION_EDIT, submission.unit)
    submission = locked_submission(submission)
    _require_signoff_round(submission)
    _require_step(user, submission, SignoffStep.REQUEST)
    require_editable(submission)
    _require_revision(submission, base_revision)
    _require_complete(submission)
    requested = _step(submission, SubmissionEvent.Kind.TO_SIGNOFF, SubmissionState.SIGNOFF, user)
    submission_signoff_notify(requested)
    return requested


@transaction.atomic
def submission_signoff_confirm(
    *, submission: Submission, user: User, base_revision: int
) -> Submission:
    """The strategic level confirms data awaiting sign-off: they go to the office."""
    require(user, Perm.SUBMISSION_EDIT, submission.unit)
    submission = locked_submission(submission)
    _require_signoff_round(submission)
    _require_step(user, submission, SignoffStep.CONFIRM)
    if submission.state != SubmissionState.SIGNOFF:
        raise CollectionError(_("Only data awaiting sign-off can be confirmed."))
    _require_revision(submission, base_revision)
    checked = _require_complete(submission)
    return _send(submission, user, SubmissionEvent.Kind.SIGNED_OFF, checked)


@transaction.atomic
def submission_signoff_send_back(*, submission: Submission, user: User) -> Submission:
    """The strategic level sends data awaiting sign-off back to be corrected inside the
    unit: to the state they had before (draft, or returned with the office's comments)."""
    require(user, Perm.SUBMISSION_EDIT, submission.unit)
    submission = locked_submission(submission)
    _require_signoff_round(submission)
    _require_step(user, submission, SignoffStep.CONFIRM)
    if submission.state != SubmissionState.SIGNOFF:
        raise CollectionError(_("Only data awaiting sign-off can be sent back."))
    return _step(submission, SubmissionEvent.Kind.SENT_BACK, _before_signoff(submission), user)


def _before_signoff(submission: Submission) -> str:
    """The editable state data awaiting sign-off had before (draft, or returned with the
    office's comments)."""
    requested = (
        submission.events.filter(kind=SubmissionEvent.Kind.TO_SIGNOFF)
        .order_by("-at", "-pk")
        .first()
    )
    before = requested.old_state if requested is not None else SubmissionState.DRAFT
    return before if before in EDITABLE_STATES else SubmissionState.DRAFT


def submissions_signoff_release(*, submissions: list[Submission], user: User) -> None:
    """The round no longer asks for sign-off (``rounds.round_signoff_set``, in its
    transaction): data awaiting it go back to the state they had, and any participant
    of the unit may submit them."""
    for submission in submissions:
        _step(submission, SubmissionEvent.Kind.RELEASED, _before_signoff(submission), user)


@transaction.atomic
def submission_return(
    *, submission: Submission, operator: User, comments: Mapping[str, str]
) -> Submission:
    """Return a submitted submission for correction, with a comment per variable
    (code → text; at least one). ``operator``: the reviewer (``access.may_review``: the
    office, or the group's moderator where the programme allows it)."""
    require_review(operator, submission)
    submission = locked_submission(submission)
    if submission.state != SubmissionState.SUBMITTED:
        raise CollectionError(_("Only a submitted submission can be returned."))
    if submission.round.state != RoundState.OPEN:
        raise CollectionError(_("The round is not open: reopen it to return data."))
    variables = {v.code: v for v in submission_variables(submission)}
    texts = {code: text.strip() for code, text in comments.items() if text.strip()}
    unknown = sorted(set(texts) - set(variables))
    if unknown:
        raise CollectionError(
            _("The round does not ask for %(code)s.") % {"code": ", ".join(unknown)}
        )
    if not texts:
        raise CollectionError(_("Say what to correct: write a comment on at least one value."))
    now = timezone.now()
    ReturnComment.objects.bulk_create(
        ReturnComment(
            submission=submission,
            variable=variables[code],
            text=text,
            created_at=now,
            created_by=operator,
        )
        for code, text in texts.items()
    )
    returned = _step(submission, SubmissionEvent.Kind.RETURNED, SubmissionState.RETURNED, operator)
    submission_reviewed_notify(returned, approved=False)
    return returned


@transaction.atomic
def submission_approve(*, submission: Submission, operator: User) -> Submission:
    """Approve a submitted submission: its values feed the engine and are locked until
    an operator reopens it. Allowed in an open or closed round. The results are not
    computed here (``benchlearn.results`` reads collection, not the other way round):
    whoever approves asks for a computation, as the approval page does. ``operator``:
    the reviewer (``access.may_review``)."""
    require_review(operator, submission)
    submission = locked_submission(submission)
    if submission.state != SubmissionState.SUBMITTED:
        raise CollectionError(_("Only a submitted submission can be approved."))
    submission.approved_at, submission.approved_by = timezone.now(), operator
    approved = _step(
        submission,
        SubmissionEvent.Kind.APPROVED,
        SubmissionState.APPROVED,
        operator,
        "approved_at",
        "approved_by",
    )
    submission_reviewed_notify(approved, approved=True)
    return approved


@transaction.atomic
def submission_reopen(
    *, submission: Submission, operator: User, to: str = SubmissionState.RETURNED
) -> Submission:
    """Reopen a submitted or approved submission of an open round for editing: back to
    ``returned`` (default) or ``draft``. Its values stop feeding the engine."""
    require(operator, Perm.COLLECTION_MANAGE)
    submission = locked_submission(submission)
    if to not in EDITABLE_STATES:
        raise CollectionError(_("A submission can be reopened only as a draft or returned."))
    if submission.state not in (SubmissionState.SUBMITTED, SubmissionState.APPROVED):
        raise CollectionError(_("Only a submitted or approved submission can be reopened."))
    if submission.round.state != RoundState.OPEN:
        raise CollectionError(_("The round is not open: its data cannot be changed."))
    submission.approved_at, submission.approved_by = None, None
    return _step(
        submission,
        SubmissionEvent.Kind.REOPENED,
        to,
        operator,
        "approved_at",
        "approved_by",
    )


@transaction.atomic
def value_restore(
    *, change: ValueChange, operator: User, source: str = ValueSource.FORM
) -> ValueChange:
    """Put back the value (and comment) a change replaced; the restore is itself a
    change, pointing at the one it undid. Refused while the unit's data for that year
    are approved (reopen first). Returns the new change row."""
    require(operator, Perm.COLLECTION_MANAGE)
    value = (
        Value.objects.select_for_update(of=("self",))
        .select_related("unit", "variable")
        .get(pk=change.value_id)
    )
    submissions = list(
        Submission.objects.select_for_update(of=("self",))
        .filter(unit_id=value.unit_id, round__period=value.period)
        .select_related("round")
    )
    if any(s.state == SubmissionState.APPROVED for s in submissions):
        raise CollectionError(
            _("The unit's data for %(year)s are approved and locked: reopen the submission first.")
            % {"year": value.period}
        )
    submission = next(
        (s for s in submissions if s.round.state == RoundState.OPEN),
        None,
    )
    if submission is not None and not submission.is_editable:
        raise CollectionError(
            _("The submission was submitted: return or reopen it before restoring a value.")
        )
    changed = values_write(
        unit=value.unit,
        period=value.period,
        writes=[Write(value.variable, change.old_value, change.old_comment)],
        existing={value.variable.code: stored_of(value)},
        user=operator,
        source=source,
        submission=submission,
        restored_from=change,
    )
    if not changed:
        raise CollectionError(_("The value is already what that change replaced."))
    if submission is not None:
        touch(submission)
    return value.changes.order_by("-pk").first() or change
