"""A unit's internal sign-off: its strategic level confirms and sends the data, or sends
them back inside the unit (saving and submitting for sign-off is the form's)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benchlearn.accounts.access import AuthenticatedHttpRequest
from benchlearn.collection.selectors import submission_of_unit_get_for_user
from benchlearn.collection.services import (
    CollectionError,
    submission_signoff_confirm,
    submission_signoff_send_back,
)
from benchlearn.collection.views.common import problems_to_messages


@login_required
@require_POST
def submission_signoff_confirm_view(
    request: AuthenticatedHttpRequest, round_id: int, teryt: str
) -> HttpResponse:
    submission = submission_of_unit_get_for_user(request.user, round_id, teryt)
    revision = request.POST.get("revision", "")
    try:
        submission_signoff_confirm(
            submission=submission,
            user=request.user,
            base_revision=int(revision) if revision.isdigit() else -1,
        )
    except CollectionError as error:
        problems_to_messages(request, error)
    else:
        messages.success(
            request, _("Confirmed: the data are sent. The association office will check them.")
        )
    return redirect("submission-form", round_id, teryt)


@login_required
@require_POST
def submission_signoff_send_back_view(
    request: AuthenticatedHttpRequest, round_id: int, teryt: str
) -> HttpResponse:
    submission = submission_of_unit_get_for_user(request.user, round_id, teryt)
    try:
        submission_signoff_send_back(submission=submission, user=request.user)
    except CollectionError as error:
        problems_to_messages(request, error)
    else:
        messages.success(request, _("The data are sent back to be corrected in the unit."))
    return redirect("submission-form", round_id, teryt)
