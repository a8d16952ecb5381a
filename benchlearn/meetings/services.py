"""Writes of a group's meetings. Every one checks who asks, validates everything before
storing anything (a bad row of a plan stores none of it), and records the change."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.background.queue import enqueue
from benchlearn.groups.models import ExchangeGroup
from benchlearn.meetings.access import may_set_status, require_plan
from benchlearn.meetings.models import (
    MEETINGS_PER_CYCLE,
    ActionItem,
    ActionKind,
    ActionState,
    AgendaItem,
    Attendance,
    CalendarFeed,
    Meeting,
    MeetingChange,
    MeetingState,
    MinutesState,
)
from benchlearn.meetings.notices import minutes_published_notify
from benchlearn.meetings.tasks import meeting_invitations_task
from benchlearn.units.models import Level, Unit


class MeetingError(ValueError):
    """Input that cannot be stored, with a message for the person; nothing was stored."""


@dataclass
class PlannedMeeting:
    """One row of a cycle's plan, as proposed or as edited on the form."""

    number: int
    date: datetime.date
    start_time: datetime.time
    end_time: datetime.time
    host: Unit
    place: str = ""


START, END = datetime.time(10), datetime.time(14)


def _working_day(day: datetime.date) -> datetime.date:
    """Saturday and Sunday move to the Monday after."""
    return day + datetime.timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)


def plan_proposal(group: ExchangeGroup) -> list[PlannedMeeting]:
    """The cycle's meetings as first proposed: one in the middle of every quarter of
    the two years; hosts in turn (by name), so every member hosts once before anyone
    hosts twice."""
    members = list(group.units.order_by("name", "teryt"))
    rows = []
    for index in range(MEETINGS_PER_CYCLE if members else 0):
        year = group.cycle_start + index // 4
        day = _working_day(datetime.date(year, 3 * (index % 4) + 2, 15))
        rows.append(
            PlannedMeeting(
                number=index + 1,
                date=day,
                start_time=START,
                end_time=END,
                host=members[index % len(members)],
            )
        )
    return rows


def agenda_template() -> list[str]:
    """The agenda every meeting starts with, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return [
            _("Opening"),
            _("The group's results"),
            _("The host's practice"),
            _("Improvement plans"),
            _("Other business"),
        ]


def default_place(unit: Unit) -> str:
    """The register has no addresses yet: the host's name and its office."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("%(unit)s, the office of the unit") % {"unit": unit.name}


def record_change(
    meeting: Meeting, by: User | None, what: str, detail: str = "", via: str = ""
) -> None:
    MeetingChange.objects.create(meeting=meeting, by=by, what=what, detail=detail, via=via)


def _check_date(group: ExchangeGroup, day: datetime.date, *, label: str) -> None:
    if not group.cycle_start <= day.year <= group.cycle_end:
        raise MeetingError(
            _("%(meeting)s: %(date)s is outside the group's cycle (%(cycle)s).")
            % {"meeting": label, "date": day.isoformat(), "cycle": group.cycle_label}
        )


def _check_host(group: ExchangeGroup, host: Unit, *, label: str) -> None:
    if not group.units.filter(pk=host.pk).exists():
        raise MeetingError(
            _("%(meeting)s: %(unit)s is not a member of the group and cannot host it.")
            % {"meeting": label, "unit": host.name}
        )


def _check_times(start: datetime.time, end: datetime.time, *, label: str) -> None:
    if end <= start:
        raise MeetingError(
            _("%(meeting)s: the meeting must end after it starts.") % {"meeting": label}
        )


def _check_free_day(
    group: ExchangeGroup, day: datetime.date, *, exclude: Meeting | None = None
) -> None:
    others = group.meetings.filter(date=day)
    other = (others.exclude(pk=exclude.pk) if exclude else others).first()
    if other is not None:
        raise MeetingError(
            _("Meeting %(other)s of the group is on %(date)s already.")
            % {"other": other.number, "date": day.isoformat()}
        )


def _agenda_titles(agenda: Sequence[str]) -> list[str]:
    titles = [title.strip()[:300] for title in agenda if title.strip()]
    if not titles:
        raise MeetingError(_("The agenda needs at least one item."))
    return titles


def _label(number: int) -> str:
    return _("Meeting %(number)s") % {"number": number}


@transaction.atomic
def meetings_plan(
    *, group: ExchangeGroup, by: User, rows: Sequence[PlannedMeeting], via: str = ""
) -> list[Meeting]:
    """The cycle's meetings, all at once: every row is checked first (in the cycle, a
    member hosts, one meeting a day), then all are stored, or none."""
    require_plan(by, group)
    ExchangeGroup.objects.select_for_update().filter(pk=group.pk).first()
    if group.meetings.exists():
        raise MeetingError(
            _("The group's meetings are planned already: change each on its own page.")
        )
    if len(rows) != MEETINGS_PER_CYCLE:
        raise MeetingError(_("A cycle has %(count)s meetings.") % {"count": MEETINGS_PER_CYCLE})
    seen: dict[datetime.date, int] = {}
    for row in rows:
        label = _label(row.number)
        _check_date(group, row.date, label=label)
        _check_host(group, row.host, label=label)
        _check_times(row.start_time, row.end_time, label=label)
        if row.date in seen:
            raise MeetingError(
                _("Meetings %(first)s and %(second)s fall on the same day, %(date)s.")
                % {"first": seen[row.date], "second": row.number, "date": row.date.isoformat()}
            )
        seen[row.date] = row.number
    agenda = agenda_template()
    meetings: list[Meeting] = []
    for row in sorted(rows, key=lambda r: r.date):
        meeting = Meeting.objects.create(
            group=group,
            number=len(meetings) + 1,
            date=row.date,
            start_time=row.start_time,
            end_time=row.end_time,
            host=row.host,
            place=row.place.strip() or default_place(row.host),
        )
        AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, position=i, title=title) for i, title in enumerate(agenda)
        )
        record_change(meeting, by, "planned", f"{row.date} {row.host.teryt}", via)
        meetings.append(meeting)
    return meetings


@transaction.atomic
def meeting_create(
    *,
    group: ExchangeGroup,
    by: User,
    number: int,
    date: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
    host: Unit,
    place: str = "",
    agenda: Sequence[str] = (),
    via: str = "",
) -> Meeting:
    """One meeting of the cycle (the API; the pages plan all eight at once), checked as
    a plan's row: its number free and within the cycle's, in the cycle, a member hosts,
    no other meeting that day; without an agenda it gets the usual one."""
    require_plan(by, group)
    ExchangeGroup.objects.select_for_update().filter(pk=group.pk).first()
    label = _label(number)
    if not 1 <= number <= MEETINGS_PER_CYCLE:
        raise MeetingError(
            _("A meeting's number is from 1 to %(count)s.") % {"count": MEETINGS_PER_CYCLE}
        )
    if group.meetings.filter(number=number).exists():
        raise MeetingError(_("%(meeting)s of the group exists already.") % {"meeting": label})
    _check_date(group, date, label=label)
    _check_host(group, host, label=label)
    _check_times(start_time, end_time, label=label)
    _check_free_day(group, date)
    titles = _agenda_titles(agenda) if agenda else agenda_template()
    meeting = Meeting.objects.create(
        group=group,
        number=number,
        date=date,
        start_time=start_time,
        end_time=end_time,
        host=host,
        place=place.strip() or default_place(host),
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=i, title=title) for i, title in enumerate(titles)
    )
    record_change(meeting, by, "planned", f"{date} {host.teryt}", via)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    by: User,
    date: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
    host: Unit,
    place: str,
    state: str,
    practice_title: str = "",
    practice_summary: str = "",
    agenda: Sequence[str] = (),
    via: str = "",
) -> Meeting:
    """Change a meeting; a new date, time or place makes calendars replace the event."""
    group = meeting.group
    require_plan(by, group)
    label = _label(meeting.number)
    _check_date(group, date, label=label)
    _check_host(group, host, label=label)
    _check_times(start_time, end_time, label=label)
    if state not in MeetingState.values:
        raise MeetingError(_("Unknown state of a meeting: %(state)s.") % {"state": state})
    _check_free_day(group, date, exclude=meeting)
    titles = _agenda_titles(agenda)
    moved = (date, start_time, end_time, place.strip()) != (
        meeting.date,
        meeting.start_time,
        meeting.end_time,
        meeting.place,
    )
    meeting.date, meeting.start_time, meeting.end_time = date, start_time, end_time
    meeting.host, meeting.place = host, place.strip() or default_place(host)
    meeting.state = state
    meeting.practice_title, meeting.practice_summary = practice_title.strip(), practice_summary
    if moved:
        meeting.sequence += 1
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:
        raise MeetingError(_("Another meeting of the group is on that day.")) from None
    meeting.agenda.all().delete()
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=i, title=title) for i, title in enumerate(titles)
    )
    record_change(
        meeting, by, "updated", f"{date} {start_time}-{end_time} {host.teryt} {state}", via
    )
    return meeting


@dataclass
class AttendanceEntry:
    unit: Unit
    level: str
    person: User | None
    present: bool


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, by: User, entries: Sequence[AttendanceEntry], via: str = ""
) -> list[Attendance]:
    """Who came, per member unit and seat level (the person where known); the rows
    given replace those of the same unit and level."""
    require_plan(by, meeting.group)
    members = set(meeting.group.units.values_list("pk", flat=True))
    for entry in entries:
        if entry.unit.pk not in members:
            raise MeetingError(
                _("%(unit)s is not a member of the group.") % {"unit": entry.unit.name}
            )
        if entry.level not in Level.values:
            raise MeetingError(_("Unknown level: %(level)s.") % {"level": entry.level})
        if (
            entry.person is not None
            and not entry.person.unit_memberships.filter(unit=entry.unit).exists()
        ):
            raise MeetingError(
                _("%(person)s does not act for %(unit)s.")
                % {"person": entry.person.get_full_name(), "unit": entry.unit.name}
            )
    rows = []
    for entry in entries:
        row, _created = Attendance.objects.update_or_create(
            meeting=meeting,
            unit=entry.unit,
            level=entry.level,
            defaults={"person": entry.person, "present": entry.present},
        )
        rows.append(row)
    present = sum(1 for entry in entries if entry.present)
    record_change(meeting, by, "attendance", f"{present}/{len(entries)}", via)
    return rows


def _minutes_editable(meeting: Meeting) -> None:
    if meeting.minutes_state != MinutesState.DRAFT:
        raise MeetingError(_("The minutes are approved already and can no longer be changed."))


@transaction.atomic
def minutes_save(*, meeting: Meeting, by: User, text: str, via: str = "") -> Meeting:
    """The moderator's (or the office's) draft of the minutes."""
    require_plan(by, meeting.group)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _minutes_editable(meeting)
    meeting.minutes = text.strip()
    meeting.save(update_fields=["minutes"])
    record_change(meeting, by, "minutes", f"{len(meeting.minutes)} characters", via)
    return meeting


@transaction.atomic
def minutes_approve(*, meeting: Meeting, by: User, via: str = "") -> Meeting:
    require_plan(by, meeting.group)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _minutes_editable(meeting)
    if not meeting.minutes:
        raise MeetingError(_("Write the minutes before approving them."))
    meeting.minutes_state = MinutesState.APPROVED
    meeting.minutes_approved_at = timezone.now()
    meeting.save(update_fields=["minutes_state", "minutes_approved_at"])
    record_change(meeting, by, "minutes approved", via=via)
    return meeting


@transaction.atomic
def minutes_publish(*, meeting: Meeting, by: User, via: str = "") -> Meeting:
    """Approved minutes go to the members: they see them from now on, and are told."""
    require_plan(by, meeting.group)
    meeting = Meeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)
    if meeting.minutes_state != MinutesState.APPROVED:
        raise MeetingError(_("Only approved minutes can be published."))
    meeting.minutes_state = MinutesState.PUBLISHED
    meeting.minutes_published_at = timezone.now()
    meeting.state = MeetingState.HELD
    meeting.save(update_fields=["minutes_state", "minutes_published_at", "state"])
    record_change(meeting, by, "minutes published", via=via)
    minutes_published_notify(meeting)
    return meeting


@transaction.atomic
def action_add(
    *,
    meeting: Meeting,
    by: User,
    kind: str,
    text: str,
    owner: User | None = None,
    due: datetime.date | None = None,
    via: str = "",
) -> ActionItem:
    """A decision, or an action item, which has an owner (a person of the group) and a
    due date."""
    require_plan(by, meeting.group)
    if kind not in ActionKind.values:
        raise MeetingError(_("Unknown kind: %(kind)s.") % {"kind": kind})
    if not text.strip():
        raise MeetingError(_("Write what was decided or is to be done."))
    if kind == ActionKind.ACTION:
        if owner is None or due is None:
            raise MeetingError(_("An action item needs an owner and a due date."))
        group = meeting.group
        in_group = (
            owner.pk == group.moderator_id
            or owner.unit_memberships.filter(unit__in=group.units.all()).exists()
        )
        if not in_group:
            raise MeetingError(
                _("%(person)s is not a person of the group.") % {"person": owner.get_full_name()}
            )
    item = ActionItem.objects.create(
        meeting=meeting, kind=kind, text=text.strip()[:500], owner=owner, due=due
    )
    record_change(meeting, by, "action added", item.text, via)
    return item


@transaction.atomic
def action_status_set(*, item: ActionItem, by: User, status: str, via: str = "") -> ActionItem:
    """The moderator or the office; the item's owner marks it done (``may_set_status``)."""
    if status not in ActionState.values:
        raise MeetingError(_("Unknown status: %(status)s.") % {"status": status})
    if not may_set_status(by, item, status):
        raise PermissionDenied(_("Only the moderator and the office may change this item."))
    old, item.status = item.status, status
    item.save(update_fields=["status"])
    record_change(item.meeting, by, "action status", f"{item.pk}: {old} → {status}", via)
    return item


@transaction.atomic
def invitations_send(*, meeting: Meeting, by: User, via: str = "") -> Meeting:
    """E-mail the group's people an invitation with the event (.ics), by a task."""
    require_plan(by, meeting.group)
    meeting.invited_at = timezone.now()
    meeting.save(update_fields=["invited_at"])
    record_change(meeting, by, "invited", via=via)
    enqueue(meeting_invitations_task, meeting.pk)
    return meeting


@transaction.atomic
def calendar_feed_renew(*, user: User) -> CalendarFeed:
    """A new secret address of the person's calendar; the previous one stops working."""
    feed, _created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed
