"""The members' pages of good practices: the search with facets, a practice (its
evidence, files, comments, history and the steps of its review), its form, its
versions, and starting one from scratch, from a completed plan action or from a
meeting's host presentation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from benchlearn.accounts.access import AuthenticatedHttpRequest, active_account
from benchlearn.meetings.access import meeting_get_for_user
from benchlearn.plans.selectors import plan_get_for_user
from benchlearn.practices.access import may_review_practice, may_write_practice
from benchlearn.practices.attachments import practice_attachment_add, practice_attachment_remove
from benchlearn.practices.evidence import practice_evidence
from benchlearn.practices.forms import (
    AttachmentForm,
    NewPracticeForm,
    PracticeForm,
    PracticeSearchForm,
    practice_initial,
)
from benchlearn.practices.listing import SearchPage, search_page
from benchlearn.practices.models import Audience, Practice, PracticeAttachment, PracticeState
from benchlearn.practices.search import PracticeQuery
from benchlearn.practices.selectors import (
    practice_get_for_user,
    practice_history,
    practice_versions,
    practices_in_progress,
    practices_published_to,
)
from benchlearn.practices.services import (
    PracticeError,
    PracticeInput,
    practice_comment_add,
    practice_create,
    practice_publish,
    practice_return,
    practice_submit,
    practice_update,
    practice_withdraw,
)
from benchlearn.practices.sources import practice_from_action, practice_from_meeting
from benchlearn.units.models import Unit

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


def _to_practice(practice: Practice) -> HttpResponse:
    return redirect("practice-detail", practice_id=practice.pk)


def searched(
    request: HttpRequest, practices: QuerySet[Practice]
) -> tuple[PracticeSearchForm, SearchPage]:
    """The search of the request's parameters over ``practices``. A parameter that is
    not valid, or names nothing, is said on the page (no search is run); a page past
    the last is an Http404 that says so."""
    form = PracticeSearchForm(request.GET)
    if not form.is_valid():
        problems = {name: " ".join(map(str, errors)) for name, errors in form.errors.items()}
        return form, SearchPage(query=PracticeQuery(), problems=problems)
    page = search_page(practices, form.query(), form.page_number())
    if page is None:
        raise Http404(
            _("There is no page %(page)s of these practices.") % {"page": form.page_number()}
        )
    return form, page


def startable_units(user: AnyUser) -> QuerySet[Unit]:
    """The units whose practices ``user`` writes up: their own; the office any unit of
    an exchange group."""
    account = active_account(user)
    if account is None:
        return Unit.objects.none()
    if account.is_operator:
        return Unit.objects.filter(exchange_groups__isnull=False).distinct().order_by("name")
    return Unit.objects.filter(memberships__user_id=account.pk).distinct().order_by("name")


@login_required
@require_GET
def practice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, page = searched(request, practices_published_to(request.user))
    context = {
        "form": form,
        "page": page,
        "in_progress": practices_in_progress(request.user)[:50],
        "can_start": startable_units(request.user).exists(),
        "detail_url": "practice-detail",
        "list_url": "practice-list",
    }
    return render(request, "practices/practice_list.html", context)


@login_required
def practice_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    units = startable_units(request.user)
    if not units.exists():
        raise PermissionDenied(_("Only a unit's team writes up its practices."))
    form = NewPracticeForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            practice = practice_create(
                unit=form.cleaned_data["unit"],
                data=PracticeInput(title=form.cleaned_data["title"]),
                by=request.user,
            )
        except PracticeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The draft is saved: describe the practice."))
            return redirect("practice-edit", practice_id=practice.pk)
    return render(request, "practices/practice_new.html", {"form": form})


@login_required
@require_GET
def practice_detail(request: AuthenticatedHttpRequest, practice_id: int) -> HttpResponse:
    practice = practice_get_for_user(request.user, practice_id)
    can_write = may_write_practice(request.user, practice)
    can_review = may_review_practice(request.user, practice)
    context = {
        "practice": practice,
        "evidence": practice_evidence(request.user, practice),
        "attachments": practice.attachments.all(),
        "can_edit": can_write and practice.state != PracticeState.REVIEW,
        "can_submit": can_write and practice.state == PracticeState.DRAFT,
        "can_review": can_review and practice.state == PracticeState.REVIEW,
        "can_withdraw": (can_write or can_review) and practice.is_published,
        "can_comment": can_write or can_review,
        "comments": practice.comments.select_related("author") if can_write or can_review else [],
        "history": practice_history(practice) if can_write or can_review else [],
        "versions": practice_versions(practice),
        "audiences": Audience.choices,
        "attachment_form": AttachmentForm() if can_write else None,
        "file_url": "practice-file",
    }
    return render(request, "practices/practice_detail.html", context)


@login_required
def practice_edit(request: AuthenticatedHttpRequest, practice_id: int) -> HttpResponse:
    practice = practice_get_for_user(request.user, practice_id)
    if not may_write_practice(request.user, practice):
        raise PermissionDenied(_("Only the unit's team changes its practice."))
    if practice.state == PracticeState.REVIEW:
        messages.error(
            request, _("The practice is in review: it can be changed once returned or published.")
        )
        return _to_practice(practice)
    if request.method == "POST":
        form = PracticeForm(request.POST, practice=practice)
        if form.is_valid():
            try:
                practice_update(
                    practice=practice,
                    data=form.practice_input(),
                    by=request.user,
                    base_revision=form.cleaned_data["revision"],
                )
            except PracticeError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Saved."))
                return _to_practice(practice)
    else:
        form = PracticeForm(initial=practice_initial(practice), practice=practice)
    return render(request, "practices/practice_form.html", {"practice": practice, "form": form})


@login_required
@require_POST
def practice_step(request: AuthenticatedHttpRequest, practice_id: int) -> HttpResponse:
    """One step of the review, named by the button pressed."""
    practice = practice_get_for_user(request.user, practice_id)
    step = request.POST.get("step", "")
    comment = request.POST.get("comment", "")
    # The revision the page showed: a reviewer never publishes what they have not read.
    shown = request.POST.get("revision", "")
    base = int(shown) if shown.isdigit() and len(shown) < 10 else None
    by = request.user
    try:
        match step:
            case "submit":
                practice_submit(practice=practice, by=by)
            case "return":
                practice_return(practice=practice, by=by, comment=comment, base_revision=base)
            case "publish":
                audience = request.POST.get("audience", "")
                practice_publish(practice=practice, by=by, audience=audience, base_revision=base)
            case "withdraw":
                practice_withdraw(practice=practice, by=by, reason=comment)
            case _:
                messages.error(request, _("Unknown step."))
                return _to_practice(practice)
    except PracticeError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Done: the practice is %(state)s.") % {"state": practice.get_state_display()},
        )
    return _to_practice(practice)


@login_required
@require_POST
def practice_comment(request: AuthenticatedHttpRequest, practice_id: int) -> HttpResponse:
    practice = practice_get_for_user(request.user, practice_id)
    try:
        practice_comment_add(practice=practice, by=request.user, text=request.POST.get("text", ""))
    except PracticeError as error:
        messages.error(request, str(error))
    return _to_practice(practice)


@login_required
@require_POST
def practice_file_add(request: AuthenticatedHttpRequest, practice_id: int) -> HttpResponse:
    practice = practice_get_for_user(request.user, practice_id)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
        return _to_practice(practice)
    try:
        practice_attachment_add(
            practice=practice, by=request.user, upload=form.cleaned_data["file"]
        )
    except PracticeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The file is attached."))
    return _to_practice(practice)


def attachment_of(practice: Practice, file_id: int) -> PracticeAttachment:
    attachment = practice.attachments.filter(pk=file_id).first()
    if attachment is None:
        raise Http404(_("The practice has no such file."))
    return attachment


def file_response(attachment: PracticeAttachment) -> FileResponse:
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file of this attachment is missing.")) from None
    return FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )


@login_required
@require_GET
def practice_file(
    request: AuthenticatedHttpRequest, practice_id: int, practice_file_id: int
) -> FileResponse:
    practice = practice_get_for_user(request.user, practice_id)
    return file_response(attachment_of(practice, practice_file_id))


@login_required
@require_POST
def practice_file_delete(
    request: AuthenticatedHttpRequest, practice_id: int, practice_file_id: int
) -> HttpResponse:
    practice = practice_get_for_user(request.user, practice_id)
    try:
        practice_attachment_remove(
            attachment=attachment_of(practice, practice_file_id), by=request.user
        )
    except PracticeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Deleted."))
    return _to_practice(practice)


@login_required
@require_GET
def practice_version_list(request: AuthenticatedHttpRequest, practice_id: int) -> HttpResponse:
    practice = practice_get_for_user(request.user, practice_id)
    context = {"practice": practice, "versions": practice_versions(practice)}
    return render(request, "practices/version_list.html", context)


@login_required
@require_GET
def practice_version_detail(
    request: AuthenticatedHttpRequest, practice_id: int, version: int
) -> HttpResponse:
    practice = practice_get_for_user(request.user, practice_id)
    found = practice_versions(practice).filter(number=version).first()
    if found is None:
        raise Http404(_("The practice has no such version."))
    context = {"practice": practice, "version": found, "snapshot": found.snapshot}
    return render(request, "practices/version_detail.html", context)


@login_required
@require_GET
def practice_review_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The practices in review that the reader reviews."""
    waiting = [
        practice
        for practice in practices_in_progress(request.user).filter(state=PracticeState.REVIEW)
        if may_review_practice(request.user, practice)
    ]
    return render(request, "practices/review_list.html", {"practices": waiting})


@login_required
@require_POST
def practice_from_action_view(
    request: AuthenticatedHttpRequest, plan_id: int, action_id: int
) -> HttpResponse:
    plan = plan_get_for_user(request.user, plan_id)
    action = plan.actions.filter(pk=action_id).first()
    if action is None:
        raise Http404(_("The plan has no such action."))
    try:
        practice = practice_from_action(action=action, by=request.user)
    except PracticeError as error:
        messages.error(request, str(error))
        return redirect("plan-detail", plan_id=plan.pk)
    return redirect("practice-edit", practice_id=practice.pk)


@login_required
@require_POST
def practice_from_meeting_view(
    request: AuthenticatedHttpRequest, group_id: int, number: int
) -> HttpResponse:
    meeting = meeting_get_for_user(request.user, group_id, number)
    practice = practice_from_meeting(meeting=meeting, by=request.user)
    return redirect("practice-edit", practice_id=practice.pk)
