"""The collection rounds' submissions in the API: list them, return and approve them.

Who may return and approve is ``access.may_review`` (the office; a group's moderator
where the programme allows it), checked by the services themselves; a submission the
caller may not see answers 404, one they see but may not review 403.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from benchlearn.accounts.access import may_review, require_review
from benchlearn.accounts.models import User
from benchlearn.api.schemas import Error, InvalidRequest
from benchlearn.collection.models import Submission
from benchlearn.collection.selectors import (
    round_get_for_user,
    submission_of_unit_get_for_user,
    submissions_visible_to,
)
from benchlearn.collection.services import (
    CollectionError,
    submission_approve,
    submission_return,
)
from benchlearn.results.services import computation_request

router = Router(tags=["collection"])

ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: InvalidRequest}


class SubmissionOut(Schema):
    round: int
    teryt: str
    unit: str
    state: str
    may_review: bool


class ReturnIn(Schema):
    """What to correct: variable code → comment (at least one)."""

    comments: dict[str, str]


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _out(user: User, submission: Submission) -> SubmissionOut:
    return SubmissionOut(
        round=submission.round_id,
        teryt=submission.unit.teryt,
        unit=submission.unit.name,
        state=submission.state,
        may_review=may_review(user, submission),
    )


def _error(error: CollectionError) -> Status[dict[str, str]]:
    return Status(400, {"detail": " ".join(error.problems)})


@router.get(
    "/rounds/{round_id}/submissions",
    response={200: list[SubmissionOut], **ERRORS},
    summary="The submissions of a round I may see",
)
def submission_list(request: HttpRequest, round_id: int) -> list[SubmissionOut]:
    user = _user(request)
    round_ = round_get_for_user(user, round_id)
    submissions = submissions_visible_to(user, round_).order_by("unit__name", "unit__teryt")
    return [_out(user, s) for s in submissions]


@router.post(
    "/rounds/{round_id}/submissions/{teryt}/approve",
    response={200: SubmissionOut, **ERRORS},
    summary="Approve a submitted submission",
)
def submission_approve_api(
    request: HttpRequest, round_id: int, teryt: str
) -> SubmissionOut | Status[dict[str, str]]:
    user = _user(request)
    submission = submission_of_unit_get_for_user(user, round_id, teryt)
    require_review(user, submission)
    try:
        approved = submission_approve(submission=submission, operator=user)
    except CollectionError as error:
        return _error(error)
    computation_request(
        user=None,
        reason=_("after approving %(unit)s, %(round)s")
        % {"unit": submission.unit.name, "round": submission.round.name},
    )
    return _out(user, approved)


@router.post(
    "/rounds/{round_id}/submissions/{teryt}/return",
    response={200: SubmissionOut, **ERRORS},
    summary="Return a submitted submission for correction, with comments per variable",
)
def submission_return_api(
    request: HttpRequest, round_id: int, teryt: str, payload: ReturnIn
) -> SubmissionOut | Status[dict[str, str]]:
    user = _user(request)
    submission = submission_of_unit_get_for_user(user, round_id, teryt)
    require_review(user, submission)
    try:
        returned = submission_return(
            submission=submission, operator=user, comments=payload.comments
        )
    except CollectionError as error:
        return _error(error)
    return _out(user, returned)
