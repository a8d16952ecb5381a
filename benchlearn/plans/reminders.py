"""Reminders of year two, through ``benchlearn.notifications``: a progress report
missing a few days before the group's next meeting (``PLAN_REPORT_REMINDER_DAYS``), to
the action's owner, or to the unit's team when the action has none. ``benchlearn
notify-plans`` (daily, from cron) sends them; each person is told once per action and
meeting."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benchlearn.accounts.access import unit_teams
from benchlearn.meetings.models import Meeting, MeetingState
from benchlearn.notifications.kinds import Kind, Params, register
from benchlearn.notifications.services import notify
from benchlearn.plans.models import Action
from benchlearn.plans.progress_selectors import next_meeting_of, reports_missing


def _about(p: Params) -> dict[str, str]:
    try:
        date = formats.date_format(
            datetime.date.fromisoformat(p.get("date", "")), "SHORT_DATE_FORMAT"
        )
    except (TypeError, ValueError):
        date = str(p.get("date", ""))
    return {
        "group": p.get("group", ""),
        "number": p.get("number", ""),
        "date": date,
        "unit": p.get("unit", ""),
        "action": p.get("action", ""),
    }


PROGRESS_REPORT_DUE = register(
    Kind(
        "progress_report_due",
        gettext_lazy("Progress report due"),
        gettext_lazy(
            "To the owner of an improvement plan's action (or the unit's team), a few days "
            "before the group's meeting when the action's progress report is missing."
        ),
        lambda p: _("Progress report due before meeting %(number)s: %(action)s") % _about(p),
        lambda p: (
            _(
                "Meeting %(number)s of %(group)s is on %(date)s. Before it, write the progress "
                "report of the action “%(action)s” of the improvement plan of %(unit)s: its "
                "status, per cent done and what was done since the last meeting."
            )
            % _about(p)
        ),
        repeat=False,
    )
)


def _recipients(action: Action) -> list[int]:
    owner = action.owner
    if owner is not None and owner.is_active:
        return [owner.pk]
    return list(unit_teams([action.plan.unit_id]).values_list("pk", flat=True))


def progress_reports_remind(today: datetime.date | None = None) -> int:
    """Remind of the progress reports missing for each group's next meeting when it is
    ``PLAN_REPORT_REMINDER_DAYS`` away or nearer; how many actions were reminded of.
    A run missed one day still sends them; a second run sends nothing new (the
    notification's key: the action and the meeting)."""
    today = today or timezone.localdate()
    last = today + datetime.timedelta(days=settings.PLAN_REPORT_REMINDER_DAYS)
    near = Meeting.objects.filter(
        state=MeetingState.PLANNED, date__gte=today, date__lte=last
    ).select_related("group")
    reminded = 0
    for meeting in near:
        if next_meeting_of(meeting.group, today) != meeting:
            continue  # a nearer meeting of the group comes first
        for action in reports_missing(meeting.group, meeting):
            notify(
                kind=PROGRESS_REPORT_DUE.code,
                recipients=_recipients(action),
                params={
                    "group": meeting.group.name,
                    "number": meeting.number,
                    "date": meeting.date.isoformat(),
                    "unit": action.plan.unit.name,
                    "action": action.title,
                },
                link=reverse("plan-progress", args=[action.plan_id, action.pk]),
                key=f"progress:{action.pk}:{meeting.pk}",
            )
            reminded += 1
    return reminded
