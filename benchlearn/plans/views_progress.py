"""The pages of year two: an action's progress reports (and the form to write one), their
files, and the moderator's overview of the group's plans."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.access import (
    AuthenticatedHttpRequest,
    Perm,
    group_get_for_user,
    may_report_progress,
)
from benchlearn.board.files import ACCEPT
from benchlearn.meetings.models import Meeting
from benchlearn.plans.forms import ProgressForm
from benchlearn.plans.models import Action, ActionStatus, Plan, ProgressAttachment, ProgressReport
from benchlearn.plans.progress import progress_report_add
from benchlearn.plans.progress_selectors import (
    action_is_late,
    action_progress_reports,
    group_overview,
    next_meeting_of,
)
from benchlearn.plans.selectors import plan_get_for_user
from benchlearn.plans.services import PlanError

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


def progress_prefetch() -> Prefetch[Any]:
    """The actions' reports for the plan's page, in one query whatever their number."""
    return Prefetch(
        "progress_reports",
        queryset=ProgressReport.objects.select_related("written_by", "meeting").prefetch_related(
            "attachments"
        ),
    )


def progress_context(user: AnyUser, plan: Plan, actions: Iterable[Action]) -> dict[str, Any]:
    """What the plan's page shows of year two: the late actions, those ``user`` may
    report on, and the form to do it."""
    today = timezone.localdate()
    actions = list(actions)
    # The team's right asked once (not per action: the page's queries stay the same
    # however many actions); an owner outside it only for their own actions.
    # Reports are written on adopted plans only: no question asked of the others.
    team = plan.is_adopted and may_report_progress(user, plan, None)
    reportable = {
        a.pk
        for a in actions
        if plan.is_adopted
        and a.status != ActionStatus.DROPPED
        and (team or (a.owner_id == user.pk and may_report_progress(user, plan, a.owner_id)))
    }
    return {
        "late_ids": {a.pk for a in actions if action_is_late(a, today)},
        "reportable_ids": reportable,
        "status_choices": ActionStatus.choices,
        "accept_files": ACCEPT,
    }


def _action_of(plan: Plan, action_id: int) -> Action:
    action = plan.actions.filter(pk=action_id).first()
    if action is None:
        raise Http404(_("The plan has no such action."))
    return action


@login_required
def plan_progress(request: AuthenticatedHttpRequest, plan_id: int, action_id: int) -> HttpResponse:
    """An action's progress reports, newest first, and the form to write one (for the
    unit's team and the action's owner, on an adopted plan)."""
    plan = plan_get_for_user(request.user, plan_id)
    action = _action_of(plan, action_id)
    may_write = may_report_progress(request.user, plan, action.owner_id)
    form = ProgressForm(initial={"status": action.status})
    status = 200
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied(
                _("Only the unit's team or the action's owner writes its progress reports.")
            )
        form = ProgressForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                progress_report_add(
                    action=action,
                    by=request.user,
                    status=data["status"],
                    percent_done=data["percent_done"],
                    done_text=data["done_text"],
                    evidence=data["evidence"],
                    files=data["attachments"],
                )
            except PlanError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The progress report is saved."))
                return redirect("plan-progress", plan_id=plan.pk, action_id=action.pk)
        status = 400
    context = {
        "plan": plan,
        "action": action,
        "reports": action_progress_reports(action),
        "late": action_is_late(action, timezone.localdate()),
        "form": form,
        "can_report": may_write and plan.is_adopted and action.status != ActionStatus.DROPPED,
        "next_meeting": next_meeting_of(plan.group),
    }
    return render(request, "plans/progress.html", context, status=status)


@login_required
def plan_progress_file(
    request: AuthenticatedHttpRequest, plan_id: int, progress_file_id: int
) -> FileResponse:
    """A file of a progress report, for whoever reads the plan."""
    plan = plan_get_for_user(request.user, plan_id)
    attachment = ProgressAttachment.objects.filter(
        pk=progress_file_id, report__action__plan=plan
    ).first()
    if attachment is None:
        raise Http404(_("The plan has no such file."))
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file of this attachment is missing.")) from None
    return FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )


@login_required
def plan_overview(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    """The moderator's overview of the group's plans in year two: per unit, its actions
    by status, the late ones and the reports missing for a meeting (the next one, or
    the one chosen). The group's moderator and the office only."""
    group = group_get_for_user(request.user, group_id, Perm.GROUP_WORKSPACE)
    meetings = list(Meeting.objects.filter(group=group).order_by("number"))
    chosen: Meeting | None = None
    number = request.GET.get("meeting", "")
    if number.isdigit():
        chosen = next((m for m in meetings if m.number == int(number)), None)
    overview = group_overview(group, meeting=chosen)
    context = {
        "group": group,
        "overview": overview,
        "meetings": meetings,
        "status_choices": ActionStatus.choices,
    }
    return render(request, "plans/overview.html", context)
