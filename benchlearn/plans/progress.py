"""Writes of year two: a progress report on one action of an adopted plan before a
meeting of the group, which sets the action's status (recorded as a PlanEvent).

A report follows the plan's implementation; it does not change the plan, so it makes
no new version of it (an edit of the action itself still does, with its reason)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.access import may_report_progress
from benchlearn.accounts.models import User
from benchlearn.board.files import MAX_ATTACHMENTS, TYPES, attachment_refusal
from benchlearn.files import save_with_file
from benchlearn.meetings.models import Meeting
from benchlearn.plans.models import (
    Action,
    ActionStatus,
    PlanEvent,
    ProgressAttachment,
    ProgressReport,
)
from benchlearn.plans.progress_selectors import next_meeting_of
from benchlearn.plans.services import PlanError


def _check(
    action: Action, status: str, percent_done: int | None, done_text: str, files: Sequence[Any]
) -> list[str]:
    plan = action.plan
    if not plan.is_adopted:
        return [
            _(
                "Progress is reported on an adopted plan; this plan is %(state)s. Report "
                "once the moderator has adopted it."
            )
            % {"state": plan.get_state_display()}
        ]
    if action.status == ActionStatus.DROPPED:
        return [
            _("The action “%(title)s” was dropped: no progress report is written on it.")
            % {"title": action.title}
        ]
    errors: list[str] = []
    if status not in ActionStatus.values:
        errors.append(_("Choose the action's status: planned, in progress, done or dropped."))
    if status != ActionStatus.DONE and (percent_done is None or not 0 <= percent_done <= 100):
        errors.append(_("Per cent done must be a whole number from 0 to 100."))
    if not done_text.strip():
        errors.append(_("Say what was done since the last report."))
    if len(files) > MAX_ATTACHMENTS:
        errors.append(
            _("A report may have at most %(limit)s attachments.") % {"limit": MAX_ATTACHMENTS}
        )
    for upload in files:
        refusal = attachment_refusal(upload.name or "", upload.size or 0, upload)
        if refusal:
            errors.append(refusal)
    return errors


@transaction.atomic
def progress_report_add(
    *,
    action: Action,
    by: User,
    status: str,
    percent_done: int | None,
    done_text: str,
    evidence: str = "",
    files: Sequence[UploadedFile[Any]] = (),
    meeting: Meeting | None = None,
    today: datetime.date | None = None,
) -> ProgressReport:
    """The team's report on ``action`` of an adopted plan: its status and per cent done
    (100 when done), what was done, the evidence and its files. It counts for
    ``meeting`` (by default the group's next meeting from ``today``); the action takes
    the reported status, the change recorded with who, when, old and new. Refused,
    nothing stored: another unit's person, a plan not adopted, a dropped action, a per
    cent outside 0–100, no text, a file of the wrong type or size."""
    plan = action.plan
    if not may_report_progress(by, plan, action.owner_id):
        raise PermissionDenied(
            _("Only the unit's team or the action's owner writes its progress reports.")
        )
    errors = _check(action, status, percent_done, done_text, files)
    if meeting is not None and meeting.group_id != plan.group_id:
        errors.append(_("The report is for a meeting of another group."))
    if errors:
        raise PlanError(" ".join(errors))
    if status == ActionStatus.DONE:
        percent_done = 100
    assert percent_done is not None
    if meeting is None:
        meeting = next_meeting_of(plan.group, today)
    report = ProgressReport.objects.create(
        action=action,
        meeting=meeting,
        status=status,
        percent_done=percent_done,
        done_text=done_text.strip(),
        evidence=evidence.strip(),
        written_by=by,
    )
    for upload in files:
        _attach(report, upload)
    old = action.status
    action.status = status
    fields = ["status"]
    if status == ActionStatus.DROPPED:
        # Dropping through a report: what it says is the reason.
        action.drop_reason = report.done_text
        fields.append("drop_reason")
    action.save(update_fields=fields)
    PlanEvent.objects.create(
        plan=plan,
        kind="progress",
        by=by,
        details={
            "action": action.title,
            "report": report.pk,
            "old": old,
            "new": status,
            "percent": percent_done,
            "meeting": meeting.number if meeting else None,
        },
    )
    plan.updated_at = timezone.now()
    plan.save(update_fields=["updated_at"])
    return report


def _attach(report: ProgressReport, upload: UploadedFile[Any]) -> None:
    name = (upload.name or "file").replace("\\", "/").rsplit("/", 1)[-1][:200]
    extension = name.rsplit(".", 1)[-1].lower()
    attachment = ProgressAttachment(
        report=report, name=name, size=upload.size or 0, content_type=TYPES[extension].content_type
    )
    save_with_file(attachment, "file", name, upload)
