"""History: a submission's changes, a value's, and restoring a value."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benchlearn.accounts.access import AuthenticatedHttpRequest, Perm, may, require
from benchlearn.collection import pages
from benchlearn.collection.models import ValueChange
from benchlearn.collection.selectors import (
    submission_events,
    submission_history,
    submission_of_unit_get_for_user,
    submission_values,
    submission_variables,
    value_history,
)
from benchlearn.collection.services import (
    CollectionError,
    value_restore,
)
from benchlearn.collection.views.common import (
    problems_to_messages,
)


@login_required
def submission_history_view(
    request: AuthenticatedHttpRequest, round_id: int, teryt: str
) -> HttpResponse:
    submission = submission_of_unit_get_for_user(request.user, round_id, teryt)
    changes = submission_history(submission)
    steps: list[tuple[object, str, object]] = [(c.changed_at, "change", c) for c in changes]
    steps += [(e.at, "event", e) for e in submission_events(submission)]
    steps.sort(key=lambda step: step[0], reverse=True)  # type: ignore[arg-type, return-value]
    context = {
        "submission": submission,
        "round": submission.round,
        "steps": steps,
        "can_restore": may(request.user, Perm.COLLECTION_MANAGE),
        "names": {v.code: pages.variable_name(v) for v in submission_variables(submission)},
    }
    return render(request, "collection/submission_history.html", context)


@login_required
def value_history_view(
    request: AuthenticatedHttpRequest, round_id: int, teryt: str, code: str
) -> HttpResponse:
    submission = submission_of_unit_get_for_user(request.user, round_id, teryt)
    variable = next((v for v in submission_variables(submission) if v.code == code), None)
    if variable is None:
        raise Http404(_("The round does not ask for %(code)s.") % {"code": code})
    value = submission_values(submission).get(code)
    context = {
        "submission": submission,
        "round": submission.round,
        "variable": variable,
        "name": pages.variable_name(variable),
        "definition": pages.variable_definition(variable),
        "value": value,
        "changes": value_history(value) if value else [],
        "can_restore": may(request.user, Perm.COLLECTION_MANAGE),
    }
    return render(request, "collection/value_history.html", context)


@login_required
@require_POST
def value_restore_view(
    request: AuthenticatedHttpRequest, round_id: int, teryt: str, change_id: int
) -> HttpResponse:
    require(request.user, Perm.COLLECTION_MANAGE)
    submission = submission_of_unit_get_for_user(request.user, round_id, teryt)
    change = (
        ValueChange.objects.filter(
            pk=change_id,
            value__unit_id=submission.unit_id,
            value__period=submission.round.period,
        )
        .select_related("value__variable")
        .first()
    )
    if change is None:
        raise Http404(_("There is no such change of this unit's values."))
    try:
        value_restore(change=change, operator=request.user)
    except CollectionError as error:
        problems_to_messages(request, error)
    else:
        messages.success(
            request,
            _("%(code)s is back to %(value)s.")
            % {
                "code": change.value.variable.code,
                "value": pages.input_number(change.old_value) or _("empty"),
            },
        )
    back = request.POST.get("next", "")
    if back == "value":
        return redirect("value-history", round_id, teryt, change.value.variable.code)
    return redirect("submission-history", round_id, teryt)
