"""The operator's review of a submission: return, approve, reopen."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benchlearn.accounts.access import AuthenticatedHttpRequest, Perm, require, require_review
from benchlearn.collection import pages
from benchlearn.collection.forms import (
    ReturnForm,
    comment_field,
)
from benchlearn.collection.rule_findings import remarks, submission_rule_findings
from benchlearn.collection.selectors import (
    submission_capabilities,
    submission_of_unit_get_for_user,
    submission_values,
    submission_variables,
)
from benchlearn.collection.services import (
    CollectionError,
    submission_approve,
    submission_reopen,
    submission_return,
)
from benchlearn.collection.validation import submission_check
from benchlearn.collection.views.common import (
    problems_to_messages,
)
from benchlearn.results.services import computation_request


@login_required
def submission_return_view(
    request: AuthenticatedHttpRequest, round_id: int, teryt: str
) -> HttpResponse:
    submission = submission_of_unit_get_for_user(request.user, round_id, teryt)
    require_review(request.user, submission)
    variables = submission_variables(submission)
    form = ReturnForm(request.POST or None, variables=variables)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            submission_return(
                submission=submission, operator=request.user, comments=form.comments()
            )
        except CollectionError as error:
            problems = error.problems
        else:
            messages.success(request, _("The submission was returned to the unit for correction."))
            return redirect("submission-form", round_id, teryt)
    stored = submission_values(submission)
    check = submission_check(submission)
    findings = submission_rule_findings(submission) if check.warnings or check.errors else {}
    rows = [
        {
            "variable": variable,
            "name": pages.variable_name(variable),
            "text": pages.input_number(stored[variable.code].value)
            if variable.code in stored
            else "",
            "item": check.items.get(variable.code),
            "remarks": remarks(check.items.get(variable.code), findings.get(variable.code, [])),
            "field": form[comment_field(variable.code)],
        }
        for variable in variables
    ]
    context = {
        "submission": submission,
        "round": submission.round,
        "rows": rows,
        "problems": problems,
        "can_return": submission_capabilities(request.user, submission)["return"],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "collection/submission_return.html", context, status=status)


@login_required
@require_POST
def submission_approve_view(
    request: AuthenticatedHttpRequest, round_id: int, teryt: str
) -> HttpResponse:
    submission = submission_of_unit_get_for_user(request.user, round_id, teryt)
    require_review(request.user, submission)
    try:
        submission_approve(submission=submission, operator=request.user)
    except CollectionError as error:
        problems_to_messages(request, error)
    else:
        # Approved values change the results: queue a computation (one waiting is
        # reused, so approving a whole round asks for one run).
        computation_request(
            user=None,
            reason=_("after approving %(unit)s, %(round)s")
            % {"unit": submission.unit.name, "round": submission.round.name},
        )
        messages.success(request, _("The submission is approved and locked."))
    return redirect("submission-form", round_id, teryt)


@login_required
@require_POST
def submission_reopen_view(
    request: AuthenticatedHttpRequest, round_id: int, teryt: str
) -> HttpResponse:
    require(request.user, Perm.COLLECTION_MANAGE)
    submission = submission_of_unit_get_for_user(request.user, round_id, teryt)
    try:
        submission_reopen(submission=submission, operator=request.user)
    except CollectionError as error:
        problems_to_messages(request, error)
    else:
        messages.success(request, _("The submission is reopened: the unit can correct it."))
    return redirect("submission-form", round_id, teryt)
