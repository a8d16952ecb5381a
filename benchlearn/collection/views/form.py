"""A unit's form in a round: showing it, saving it, submitting it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from benchlearn.accounts.access import AuthenticatedHttpRequest, Perm
from benchlearn.collection import pages
from benchlearn.collection.forms import (
    ValuesForm,
    choice_field,
    revision_field,
)
from benchlearn.collection.models import Submission, SubmissionState
from benchlearn.collection.parsing import NumberError, parse_number
from benchlearn.collection.rule_findings import remarks, submission_rule_findings
from benchlearn.collection.selectors import (
    submission_capabilities,
    submission_events,
    submission_of_unit_get_for_user,
    submission_signoff,
    submission_values,
    submission_variables,
)
from benchlearn.collection.services import (
    CollectionError,
    Conflict,
    SubmissionBlocked,
    submission_save,
    submission_signoff_request,
    submission_submit,
)
from benchlearn.collection.validation import submission_check


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


def render_form(
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
    if not caps["edit"] and (check.errors or check.warnings):
        findings = submission_rule_findings(submission)
        for group in groups:
            for row in group.rows:
                row.remarks = remarks(row.item, findings.get(row.code, []))
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
        "signoff": submission_signoff(request.user, submission),
        "states": SubmissionState,
    }
    return render(request, "collection/submission_form.html", context, status=status)


@login_required
def submission_form(request: AuthenticatedHttpRequest, round_id: int, teryt: str) -> HttpResponse:
    if request.method == "POST":
        return _save(request, round_id, teryt, then=NOTHING)
    submission = submission_of_unit_get_for_user(request.user, round_id, teryt)
    return render_form(request, submission)


@login_required
@require_POST
def submission_check_view(
    request: AuthenticatedHttpRequest, round_id: int, teryt: str
) -> HttpResponse:
    """The checks of what the form holds now, as the person types (htmx): each field's
    checks and the counters, swapped in out of band. Nothing is saved."""
    submission = submission_of_unit_get_for_user(
        request.user, round_id, teryt, Perm.SUBMISSION_EDIT
    )
    form = ValuesForm(request.POST, variables=submission_variables(submission))
    proposed = {code: raw for code in form.codes if (raw := form.raw(code)) is not None}
    comments = {
        code: comment for code in form.codes if (comment := form.raw_comment(code)) is not None
    }
    check = submission_check(submission, proposed, comments=comments, live=True)
    context = {"check": check, "round": submission.round}
    return render(request, "collection/partials/checks_live.html", context)


@login_required
@require_POST
def submission_submit_view(
    request: AuthenticatedHttpRequest, round_id: int, teryt: str
) -> HttpResponse:
    return _save(request, round_id, teryt, then=SUBMIT)


@login_required
@require_POST
def submission_signoff_request_view(
    request: AuthenticatedHttpRequest, round_id: int, teryt: str
) -> HttpResponse:
    """Save, then submit for the unit's internal sign-off."""
    return _save(request, round_id, teryt, then=SIGNOFF)


# What follows a successful save: nothing, submitting, submitting for sign-off.
NOTHING, SUBMIT, SIGNOFF = "", "submit", "signoff"


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
    request: AuthenticatedHttpRequest, round_id: int, teryt: str, *, then: str
) -> HttpResponse:
    submission = submission_of_unit_get_for_user(
        request.user, round_id, teryt, Perm.SUBMISSION_EDIT
    )
    form = ValuesForm(request.POST, variables=submission_variables(submission))
    if not form.is_valid():
        errors = {
            name.split("-", 1)[1]: [str(m) for m in messages_]
            for name, messages_ in form.errors.items()
            if "-" in name
        }
        problems = [str(m) for m in form.non_field_errors()]
        if "revision" in form.errors:
            problems.append(_("The page was incomplete: reload it and try again."))
        return render_form(
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
        if not unsaved and submission.state == SubmissionState.SUBMITTED and then == SUBMIT:
            # A second click on Submit, or a resent request: it was done the first time.
            messages.info(request, _("The data are submitted."))
            return redirect("submission-form", round_id, teryt)
        return render_form(
            request, submission, problems=error.problems, unsaved=unsaved, status=409
        )
    if result.errors:
        found = {code: [message] for code, message in result.errors.items()}
        return render_form(
            request,
            submission,
            form=form,
            errors=found,
            problems=[_("Nothing was saved: correct the marked values.")],
            revision=form.cleaned_data["revision"],
            status=400,
        )
    if result.conflicts:
        return render_form(
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
    if not then:
        messages.success(request, saved if result.changed else _("Saved: nothing had changed."))
        return redirect("submission-form", round_id, teryt)
    # The page saw the submission at its posted revision; our own save added one.
    base = form.cleaned_data["revision"] + (1 if result.changed else 0)
    step = submission_signoff_request if then == SIGNOFF else submission_submit
    try:
        step(submission=submission, user=request.user, base_revision=base)
    except SubmissionBlocked as blocked:
        submission.refresh_from_db()
        problems = [*blocked.problems]
        if result.changed:
            problems.insert(0, saved)
        return render_form(
            request, submission, errors=blocked.by_variable, problems=problems, status=400
        )
    except CollectionError as error:
        submission.refresh_from_db()
        return render_form(request, submission, problems=error.problems, status=409)
    if then == SIGNOFF:
        messages.success(
            request,
            _(
                "The data are submitted for sign-off: they leave the unit when its "
                "strategic-level participant confirms them."
            ),
        )
        return redirect("submission-form", round_id, teryt)
    messages.success(request, _("The data are submitted. The association office will check them."))
    return redirect("submission-form", round_id, teryt)
