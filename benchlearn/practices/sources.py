"""Practices started from what the programme already holds: a completed action of an
improvement plan (prefilled from the action and its progress reports) and a meeting's
host presentation (its title, summary and files). Asked twice, each returns the draft
made the first time."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.board.files import MAX_ATTACHMENTS, TYPES
from benchlearn.catalogue.models import Indicator
from benchlearn.files import save_with_file
from benchlearn.meetings.models import AttachmentKind, Meeting
from benchlearn.plans.models import Action, ActionStatus
from benchlearn.practices.access import may_start_practice
from benchlearn.practices.models import Practice, PracticeAttachment
from benchlearn.practices.services import (
    IndicatorInput,
    PracticeError,
    PracticeInput,
    practice_create,
    require,
)


@transaction.atomic
def practice_from_action(*, action: Action, by: User) -> Practice:
    """A draft prefilled from a completed action of an improvement plan: its title,
    indicators (from the baseline year), what was done (the description and the
    progress reports) and the evidence the reports named. Asked again, the draft
    already made from the action."""
    plan = action.plan
    require(may_start_practice(by, plan.unit), _("Only the unit's team writes up its practices."))
    if action.status != ActionStatus.DONE:
        raise PracticeError(
            _("Only a completed action is shared as a good practice; “%(title)s” is %(status)s.")
            % {"title": action.title, "status": action.get_status_display()}
        )
    existing = Practice.objects.filter(source_action=action).order_by("pk").first()
    if existing is not None:
        return existing
    reports = list(action.progress_reports.order_by("written_at", "pk"))
    done = [action.description.strip()] + [
        f"{r.written_at:%Y-%m-%d}: {r.done_text}" for r in reports if r.done_text
    ]
    evidence = [r.evidence for r in reports if r.evidence.strip()]
    data = PracticeInput(
        title=action.title,
        solution="\n\n".join(text for text in done if text),
        results="\n\n".join(evidence),
        domain=plan.group.domain,
        group=plan.group,
        cost=action.cost_estimate,
        months_to_implement=_months(action.start_date, action.end_date),
        indicators=[
            IndicatorInput(target.indicator_code, target.baseline_year)
            for target in action.indicators.all()
            if target.baseline_year is not None
        ],
    )
    data.indicators = [
        row for row in data.indicators if Indicator.objects.filter(code=row.code).exists()
    ]
    return practice_create(unit=plan.unit, data=data, by=by, source_action=action)


def _months(start: datetime.date, end: datetime.date) -> int:
    return max(0, min(240, (end.year - start.year) * 12 + end.month - start.month))


@transaction.atomic
def practice_from_meeting(*, meeting: Meeting, by: User) -> Practice:
    """A draft of the host unit prefilled from a meeting's host presentation (its title,
    summary and the presentation's files). Asked again, the draft already made."""
    require(
        may_start_practice(by, meeting.host),
        _("Only the host unit's team writes up the practice it presented."),
    )
    existing = Practice.objects.filter(source_meeting=meeting).order_by("pk").first()
    if existing is not None:
        return existing
    group = meeting.group
    data = PracticeInput(
        title=meeting.practice_title
        or _("The practice presented at meeting %(number)s of %(group)s")
        % {"number": meeting.number, "group": group.name},
        solution=meeting.practice_summary,
        domain=group.domain,
        group=group if group.units.filter(pk=meeting.host_id).exists() else None,
    )
    practice = practice_create(unit=meeting.host, data=data, by=by, source_meeting=meeting)
    for attachment in meeting.attachments.filter(kind=AttachmentKind.PRACTICE)[:MAX_ATTACHMENTS]:
        try:
            with attachment.file.open("rb") as handle:
                content = handle.read()
        except FileNotFoundError:
            continue  # a file gone from storage: the meeting's page says so on download
        extension = attachment.name.rsplit(".", 1)[-1].lower()
        copy = PracticeAttachment(
            practice=practice,
            name=attachment.name,
            size=len(content),
            content_type=TYPES[extension].content_type if extension in TYPES else "",
            uploaded_by=by,
        )
        save_with_file(copy, "file", attachment.name, ContentFile(content))  # type: ignore[arg-type]
    return practice
