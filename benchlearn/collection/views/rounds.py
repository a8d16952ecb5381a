"""Pages of the rounds: the list, a new round, a round's page, opening, closing (after
a confirmation naming the forms still open), reopening (with a reason), reminders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from benchlearn.accounts.access import AuthenticatedHttpRequest, Perm, may, require
from benchlearn.collection import pages
from benchlearn.collection.forms import (
    RoundForm,
)
from benchlearn.collection.models import RoundState, SubmissionState
from benchlearn.collection.reminders import round_remind
from benchlearn.collection.selectors import (
    round_events,
    round_get_for_user,
    round_open_submissions,
    round_sets_for_kinds,
    round_variables,
    rounds_visible_to,
)
from benchlearn.collection.services import (
    CollectionError,
    round_close,
    round_create,
    round_open,
    round_reopen,
    round_signoff_set,
)
from benchlearn.collection.views.common import (
    problems_to_messages,
)


@login_required
def round_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rounds = rounds_visible_to(request.user).prefetch_related("indicator_sets")
    return render(
        request,
        "collection/round_list.html",
        {"rounds": rounds, "can_manage": may(request.user, Perm.COLLECTION_MANAGE)},
    )


@login_required
def round_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Perm.COLLECTION_MANAGE)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = round_create(
                user=request.user,
                name=data["name"],
                period=data["period"],
                indicator_sets=data["indicator_sets"],
                units=data["units"],
                deadline=data["deadline"],
                warning_threshold=data["warning_threshold"],
                internal_signoff=data["internal_signoff"],
            )
        except CollectionError as error:
            for problem in error.problems:
                form.add_error(None, problem)
        else:
            messages.success(
                request,
                _("The round was created in preparation: check it and open it."),
            )
            return redirect("round-detail", round_.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "collection/round_form.html", {"form": form}, status=status)


SORTS = ("unit", "state", "filled", "errors", "warnings", "activity")


# A national round has thousands of units: the table shows them a page at a time, and
# its totals count them all.
PROGRESS_PAGE_SIZE = 100


@login_required
def round_detail(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    round_ = round_get_for_user(request.user, round_id)
    sort = request.GET.get("sort", "unit")
    sort = sort if sort in SORTS else "unit"
    descending = request.GET.get("dir") == "desc"
    variables = round_variables(round_)
    rows, totals = pages.round_rows(
        request.user, round_, variables, sort=sort, descending=descending
    )
    page = Paginator(rows, PROGRESS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "round": round_,
        "rows": page.object_list,
        "page": page,
        "totals": totals,
        "sort": sort,
        "descending": descending,
        "sorts": SORTS,
        "set_versions": round_sets_for_kinds(round_),
        "variable_count": len(variables),
        "unit_count": round_.units.count(),
        "can_manage": may(request.user, Perm.COLLECTION_MANAGE),
        "waiting": pages.reminder_count(round_),
        "events": round_events(round_),
    }
    return render(request, "collection/round_detail.html", context)


@login_required
@require_POST
def round_open_view(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    round_ = round_get_for_user(request.user, round_id)
    try:
        round_open(round_=round_, user=request.user)
    except CollectionError as error:
        problems_to_messages(request, error)
    else:
        messages.success(request, _("The round is open: the units can enter their data."))
    return redirect("round-detail", round_id)


@login_required
def round_close_view(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    """Closing asks first, naming the units whose forms are still open."""
    round_ = round_get_for_user(request.user, round_id)
    require(request.user, Perm.COLLECTION_MANAGE)
    if request.method == "POST":
        try:
            round_close(round_=round_, user=request.user)
        except CollectionError as error:
            problems_to_messages(request, error)
        else:
            messages.success(request, _("The round is closed: the units can no longer edit."))
        return redirect("round-detail", round_id)
    if round_.state != RoundState.OPEN:
        messages.info(request, _("Only an open round can be closed."))
        return redirect("round-detail", round_id)
    context = {"round": round_, "open_submissions": round_open_submissions(round_)}
    return render(request, "collection/round_close.html", context)


@login_required
def round_reopen_view(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    """An operator reopens a closed round, saying why (kept in the round's history)."""
    round_ = round_get_for_user(request.user, round_id)
    require(request.user, Perm.COLLECTION_MANAGE)
    problems: list[str] = []
    reason = request.POST.get("reason", "") if request.method == "POST" else ""
    if request.method == "POST":
        try:
            round_reopen(round_=round_, user=request.user, reason=reason)
        except CollectionError as error:
            problems = error.problems
        else:
            messages.success(request, _("The round is open again: the units can edit and submit."))
            return redirect("round-detail", round_id)
    elif round_.state != RoundState.CLOSED:
        messages.info(request, _("Only a closed round can be reopened."))
        return redirect("round-detail", round_id)
    context = {"round": round_, "reason": reason, "problems": problems}
    status = 400 if problems else 200
    return render(request, "collection/round_reopen.html", context, status=status)


@login_required
def round_signoff_view(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    """An operator switches the round's internal sign-off on or off (recorded); the page
    says what happens to the forms already started."""
    round_ = round_get_for_user(request.user, round_id)
    require(request.user, Perm.COLLECTION_MANAGE)
    problems: list[str] = []
    if request.method == "POST":
        wanted = request.POST.get("internal_signoff")
        if wanted not in ("on", "off"):
            problems = [_("Choose whether the round asks for internal sign-off.")]
        else:
            try:
                round_signoff_set(round_=round_, user=request.user, internal_signoff=wanted == "on")
            except CollectionError as error:
                problems = error.problems
            else:
                messages.success(
                    request,
                    _("Internal sign-off is on: the strategic level confirms the data.")
                    if wanted == "on"
                    else _("Internal sign-off is off: any participant of a unit submits its data."),
                )
                return redirect("round-detail", round_id)
    context = {
        "round": round_,
        "problems": problems,
        "awaiting": round_.submissions.filter(state=SubmissionState.SIGNOFF).count(),
    }
    status = 400 if problems else 200
    return render(request, "collection/round_signoff.html", context, status=status)


@login_required
@require_POST
def round_remind_view(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    round_ = round_get_for_user(request.user, round_id)
    require(request.user, Perm.COLLECTION_MANAGE)
    sent = round_remind(round_=round_, user=request.user)
    now = formats.date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT")
    if sent.recipients:
        messages.success(
            request,
            ngettext(
                "Reminders sent %(when)s to %(people)s people of %(count)s unit: %(units)s.",
                "Reminders sent %(when)s to %(people)s people of %(count)s units: %(units)s.",
                len(sent.units),
            )
            % {
                "when": now,
                "people": len(sent.recipients),
                "count": len(sent.units),
                "units": ", ".join(sent.units),
            },
        )
    else:
        messages.info(request, _("No reminder was sent: no unit with participants is waiting."))
    if sent.without_people:
        messages.warning(
            request,
            _("Nobody acts for these units, so nobody was reminded: %(units)s.")
            % {"units": ", ".join(sent.without_people)},
        )
    return redirect("round-detail", round_id)
