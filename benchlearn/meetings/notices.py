"""What the meetings tell people, through ``benchlearn.notifications``: a meeting near
(``MEETING_REMINDER_DAYS`` before it: 14 and 2), the minutes published, an action item
due soon (to its owner). ``benchlearn notify-meetings`` (daily, from cron) sends the
reminders; each person is told once per meeting, date and reminder.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benchlearn.accounts.access import unit_teams
from benchlearn.accounts.models import User
from benchlearn.groups.models import ExchangeGroup
from benchlearn.meetings.models import ActionItem, ActionKind, ActionState, Meeting
from benchlearn.notifications.kinds import Kind, Params, register
from benchlearn.notifications.services import notify


def _date(iso: str) -> str:
    try:
        return formats.date_format(datetime.date.fromisoformat(iso), "SHORT_DATE_FORMAT")
    except (TypeError, ValueError):
        return str(iso)


def _about(p: Params) -> dict[str, str]:
    return {
        "group": p.get("group", ""),
        "number": p.get("number", ""),
        "date": _date(p.get("date", "")),
        "time": p.get("time", ""),
        "place": p.get("place", ""),
        "host": p.get("host", ""),
    }


MEETING_NEAR = register(
    Kind(
        "meeting_near",
        gettext_lazy("Meeting near"),
        gettext_lazy("To the group's people, 14 and 2 days before a meeting."),
        lambda p: _("Meeting %(number)s of %(group)s on %(date)s") % _about(p),
        lambda p: (
            _(
                "Meeting %(number)s of %(group)s is on %(date)s at %(time)s, hosted by "
                "%(host)s: %(place)s. The agenda and the materials are on the meeting's page."
            )
            % _about(p)
        ),
        repeat=False,
    )
)
MINUTES_PUBLISHED = register(
    Kind(
        "minutes_published",
        gettext_lazy("Minutes published"),
        gettext_lazy("To the group's people, when the moderator publishes a meeting's minutes."),
        lambda p: _("Minutes of meeting %(number)s of %(group)s") % _about(p),
        lambda p: (
            _(
                "The minutes of meeting %(number)s of %(group)s (%(date)s) are published, "
                "with its decisions and action items."
            )
            % _about(p)
        ),
    )
)
ACTION_DUE = register(
    Kind(
        "action_due",
        gettext_lazy("Action item due"),
        gettext_lazy("To the owner of an open action item, a few days before it is due."),
        lambda p: (
            _("Due %(due)s: %(text)s") % {"due": _date(p.get("due", "")), "text": p.get("text", "")}
        ),
        lambda p: (
            _("Your action item from meeting %(number)s of %(group)s is due %(due)s: %(text)s")
            % {**_about(p), "due": _date(p.get("due", "")), "text": p.get("text", "")}
        ),
        repeat=False,
    )
)


def group_people(group: ExchangeGroup) -> QuerySet[User]:
    """The group's people: its member units' participants and its moderator."""
    teams = unit_teams(group.units.values_list("pk", flat=True))
    return User.objects.filter(
        Q(pk__in=teams.values("pk")) | Q(pk=group.moderator_id or 0), is_active=True
    ).distinct()


def _params(meeting: Meeting) -> dict[str, str | int]:
    return {
        "group": meeting.group.name,
        "number": meeting.number,
        "date": meeting.date.isoformat(),
        "time": meeting.start_time.strftime("%H:%M"),
        "place": meeting.place,
        "host": meeting.host.name,
    }


def meeting_link(meeting: Meeting) -> str:
    return reverse("meeting-detail", args=[meeting.group_id, meeting.number])


def minutes_published_notify(meeting: Meeting) -> None:
    notify(
        kind=MINUTES_PUBLISHED.code,
        recipients=group_people(meeting.group),
        params=_params(meeting),
        link=meeting_link(meeting),
    )


def meetings_remind(today: datetime.date | None = None) -> tuple[int, int]:
    """Tell the group's people of the meetings ``MEETING_REMINDER_DAYS`` away (or
    nearer, not yet told), and the owners of open action items due within
    ``ACTION_DUE_REMINDER_DAYS``; how many meetings and action items."""
    today = today or timezone.localdate()
    meetings = 0
    for days in sorted(settings.MEETING_REMINDER_DAYS, reverse=True):
        # The window of each reminder ends where the next, nearer one begins, so that a
        # run missed one day still sends it, and a meeting planned late gets only one.
        nearer = [d for d in settings.MEETING_REMINDER_DAYS if d < days]
        earliest = today + datetime.timedelta(days=max(nearer) + 1 if nearer else 0)
        due = Meeting.objects.filter(
            state="planned", date__gte=earliest, date__lte=today + datetime.timedelta(days=days)
        ).select_related("group", "host")
        for meeting in due:
            notify(
                kind=MEETING_NEAR.code,
                recipients=group_people(meeting.group),
                params=_params(meeting),
                link=meeting_link(meeting),
                key=f"meeting:{meeting.pk}:{meeting.date.isoformat()}:{days}",
            )
            meetings += 1
    actions = ActionItem.objects.filter(
        kind=ActionKind.ACTION,
        status=ActionState.OPEN,
        owner__isnull=False,
        due__gte=today,
        due__lte=today + datetime.timedelta(days=settings.ACTION_DUE_REMINDER_DAYS),
    ).select_related("meeting", "meeting__group", "meeting__host")
    for item in actions:
        assert item.owner_id is not None and item.due is not None
        notify(
            kind=ACTION_DUE.code,
            recipients=[item.owner_id],
            params={**_params(item.meeting), "due": item.due.isoformat(), "text": item.text},
            link=meeting_link(item.meeting),
            key=f"action:{item.pk}:{item.due.isoformat()}",
        )
    return meetings, len(actions)
