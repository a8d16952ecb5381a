"""Pages of data collection: rounds, a unit's form, the operator's review, history.

Every page works without JavaScript. Saving is a plain POST that carries the revision of
every value the page showed, so a double click, a resent request or a second person's
save never overwrites anything silently: the services write nothing twice and report
conflicts, and the page shows them next to the fields.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from benchlearn.accounts.access import AuthenticatedHttpRequest, Perm, may, require
from benchlearn.collection import pages
from benchlearn.collection.forms import (
    ReturnForm,
    RoundForm,
    ValuesForm,
    choice_field,
    comment_field,
    revision_field,
)
from benchlearn.collection.models import Submission, SubmissionState, ValueChange
from benchlearn.collection.parsing import NumberError, parse_number
from benchlearn.collection.reminders import round_remind
from benchlearn.collection.selectors import (
    round_get_for_user,
    round_set_versions,
    round_variables,
    rounds_visible_to,
    submission_capabilities,
    submission_events,
    submission_history,
    submission_of_unit_get_for_user,
    submission_values,
    value_history,
)
from benchlearn.collection.services import (
    CollectionError,
    Conflict,
    SubmissionBlocked,
    round_close,
    round_create,
    round_open,
    submission_approve,
    submission_reopen,
    submission_return,
    submission_save,
    submission_submit,
    value_restore,
)
from benchlearn.collection.validation import submission_check
from benchlearn.results.services import computation_request

# --- rounds ---------------------------------------------------------------------------


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
        "set_versions": round_set_versions(round_),
        "variable_count": len(variables),
        "unit_count": round_.units.count(),
        "can_manage": may(request.user, Perm.COLLECTION_MANAGE),
        "waiting": pages.reminder_count(round_),
    }
    return render(request, "collection/round_detail.html", context)


@login_required
@require_POST
def round_open_view(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    round_ = round_get_for_user(request.user, round_id)
    try:
        round_open(round_=round_, user=request.user)
    except CollectionError as error:
        _problems_to_messages(request, error)
    else:
        messages.success(request, _("The round is open: the units can enter their data."))
    return redirect("round-detail", round_id)


@login_required
@require_POST
def round_close_view(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    round_ = round_get_for_user(request.user, round_id)
    try:
        round_close(round_=round_, user=request.user)
    except CollectionError as error:
        _problems_to_messages(request, error)
    else:
        messages.success(request, _("The round is closed: the units can no longer edit."))
    return redirect("round-detail", round_id)


@login_required
@require_POST
def round_remind_view(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    round_ = round_get_for_user(request.user, round_id)
    require(request.user, Perm.COLLECTION_MANAGE)
    base_url = request.build_absolute_uri("/").rstrip("/")
    sent = round_remind(round_=round_, user=request.user, base_url=base_url)
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


def _problems_to_messages(request: HttpRequest, error: CollectionError) -> None:
    for problem in error.problems:
        messages.error(request, problem)


# --- a unit's form ----------------------------------------------------------------------


def _posted(form: ValuesForm) -> pages.FormInput:
    """What the page sent, to show it again exactly as typed."""
    values, comments, revisions, choices = {}, {}, {}, {}
    for code in form.codes:
        raw = form.raw(code)
        if raw is not None:
            values[code] = raw
        comment = form.raw_comment(code)
        if comment is not None:
            comments[code] = comment
        revision = form.data.get(revision_field(code))
        if revision is not None and str(revision).isdigit():
            revisions[code] = int(revision)
        choice = form.data.get(choice_field(code))
        if choice:
            choices[code] = str(choice)
    return pages.FormInput(values, comments, revisions, choices)


def _render_form(
    request: AuthenticatedHttpRequest,
    submission: Submission,
    *,
    form: ValuesForm | None = None,
    errors: dict[str, list[str]] | None = None,
    conflicts: list[Conflict] | None = None,
    problems: list[str] | None = None,
    unsaved: dict[str, str] | None = None,
    revision: int | None = None,
    status: int = 200,
) -> HttpResponse:
    check = submission_check(submission)
    caps = submission_capabilities(request.user, submission)
    groups = pages.form_groups(
        submission,
        check,
        posted=_posted(form) if form is not None else None,
        errors=errors,
        conflicts={c.code: c for c in conflicts or []},
    )
    context = {
        "submission": submission,
        "round": submission.round,
        "caps": caps,
        "check": check,
        "groups": groups,
        "problems": problems or [],
        "conflicts": conflicts or [],
        "unsaved": unsaved or {},
        "revision": submission.revision if revision is None else revision,
        "events": submission_events(submission),
        "states": SubmissionState,
    }
    return render(request, "collection/submission_form.html", context, status=status)


@login_required
def submission_form(request: AuthenticatedHttpRequest, round_id: int, teryt: str) -> HttpResponse:
    if request.method == "POST":
        return _save(request, round_id, teryt, then_submit=False)
    submission = submission_of_unit_get_for_user(request.user, round_id, teryt)
    return _render_form(request, submission)


@login_required
@require_POST
def submission_submit_view(
    request: AuthenticatedHttpRequest, round_id: int, teryt: str
) -> HttpResponse:
    return _save(request, round_id, teryt, then_submit=True)


def _unsaved(submission: Submission, entries: dict[str, tuple[str, str | None]]) -> dict[str, str]:
    """The typed values that differ from what is stored: shown when a save is refused
    as a whole (e.g. the submission was submitted meanwhile), so nothing typed is lost."""
    stored = submission_values(submission)
    lost = {}
    for code, (raw, _comment) in entries.items():
        value = stored.get(code)
        try:
            number = parse_number(raw)
        except NumberError:
            lost[code] = raw
            continue
        if number != (value.value if value else None):
            lost[code] = raw
    return lost


def _save(
    request: AuthenticatedHttpRequest, round_id: int, teryt: str, *, then_submit: bool
) -> HttpResponse:
    submission = submission_of_unit_get_for_user(
        request.user, round_id, teryt, Perm.SUBMISSION_EDIT
    )
    form = ValuesForm(request.POST, variables=round_variables(submission.round))
    if not form.is_valid():
        errors = {
            name.split("-", 1)[1]: [str(m) for m in messages_]
            for name, messages_ in form.errors.items()
            if "-" in name
        }
        problems = [str(m) for m in form.non_field_errors()]
        if "revision" in form.errors:
            problems.append(_("The page was incomplete: reload it and try again."))
        return _render_form(
            request, submission, form=form, errors=errors, problems=problems, status=400
        )
    entries = form.entries()
    try:
        result = submission_save(
            submission=submission,
            user=request.user,
            entries=entries,
            base_revisions=form.base_revisions(),
        )
    except CollectionError as error:
        submission.refresh_from_db()
        unsaved = _unsaved(submission, entries)
        if not unsaved and submission.state == SubmissionState.SUBMITTED and then_submit:
            # A second click on Submit, or a resent request: it was done the first time.
            messages.info(request, _("The data are submitted."))
            return redirect("submission-form", round_id, teryt)
        return _render_form(
            request, submission, problems=error.problems, unsaved=unsaved, status=409
        )
    if result.errors:
        found = {code: [message] for code, message in result.errors.items()}
        return _render_form(
            request,
            submission,
            form=form,
            errors=found,
            problems=[_("Nothing was saved: correct the marked values.")],
            revision=form.cleaned_data["revision"],
            status=400,
        )
    if result.conflicts:
        return _render_form(
            request,
            submission,
            form=form,
            conflicts=result.conflicts,
            problems=[
                _(
                    "Nothing was saved: someone else changed some of these values after you "
                    "opened the page. For each, keep your value or take theirs, then save again."
                )
            ],
            revision=form.cleaned_data["revision"],
            status=409,
        )
    saved = ngettext(
        "Saved: %(count)s value changed.", "Saved: %(count)s values changed.", len(result.changed)
    ) % {"count": len(result.changed)}
    if not then_submit:
        messages.success(request, saved if result.changed else _("Saved: nothing had changed."))
        return redirect("submission-form", round_id, teryt)
    # The page saw the submission at its posted revision; our own save added one.
    base = form.cleaned_data["revision"] + (1 if result.changed else 0)
    try:
        submission_submit(submission=submission, user=request.user, base_revision=base)
    except SubmissionBlocked as blocked:
        submission.refresh_from_db()
        problems = [*blocked.problems]
        if result.changed:
            problems.insert(0, saved)
        return _render_form(
            request, submission, errors=blocked.by_variable, problems=problems, status=400
        )
    except CollectionError as error:
        submission.refresh_from_db()
        return _render_form(request, submission, problems=error.problems, status=409)
    messages.success(request, _("The data are submitted. The association office will check them."))
    return redirect("submission-form", round_id, teryt)


# --- the operator's review --------------------------------------------------------------


@login_required
def submission_return_view(
    request: AuthenticatedHttpRequest, round_id: int, teryt: str
) -> HttpResponse:
    require(request.user, Perm.COLLECTION_MANAGE)
    submission = submission_of_unit_get_for_user(request.user, round_id, teryt)
    variables = round_variables(submission.round)
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
    rows = [
        {
            "variable": variable,
            "name": pages.variable_name(variable),
            "text": pages.input_number(stored[variable.code].value)
            if variable.code in stored
            else "",
            "item": check.items.get(variable.code),
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
    require(request.user, Perm.COLLECTION_MANAGE)
    submission = submission_of_unit_get_for_user(request.user, round_id, teryt)
    try:
        submission_approve(submission=submission, operator=request.user)
    except CollectionError as error:
        _problems_to_messages(request, error)
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
        _problems_to_messages(request, error)
    else:
        messages.success(request, _("The submission is reopened: the unit can correct it."))
    return redirect("submission-form", round_id, teryt)


# --- history ------------------------------------------------------------------------------


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
        "names": {v.code: pages.variable_name(v) for v in round_variables(submission.round)},
    }
    return render(request, "collection/submission_history.html", context)


@login_required
def value_history_view(
    request: AuthenticatedHttpRequest, round_id: int, teryt: str, code: str
) -> HttpResponse:
    submission = submission_of_unit_get_for_user(request.user, round_id, teryt)
    variable = next((v for v in round_variables(submission.round) if v.code == code), None)
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
        _problems_to_messages(request, error)
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
