"""Reads of a group's meetings, each taking the user whose view it is."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from benchlearn.accounts.access import groups_visible_to
from benchlearn.accounts.models import User
from benchlearn.groups.models import ExchangeGroup, SeatHolding
from benchlearn.meetings.access import may_plan, may_read_minutes
from benchlearn.meetings.models import (
    ActionItem,
    ActionState,
    Attachment,
    AttachmentKind,
    Attendance,
    CalendarFeed,
    Meeting,
)
from benchlearn.units.models import Level, Unit, UnitMembership


def meetings_of(group: ExchangeGroup) -> QuerySet[Meeting]:
    """The group's meetings (the caller has checked the user may read them)."""
    return group.meetings.select_related("host").order_by("number")


@dataclass
class AttendanceRow:
    unit: Unit
    level: str
    level_label: str
    people: list[User]
    person_id: int | None
    present: bool


def attendance_rows(meeting: Meeting) -> list[AttendanceRow]:
    """Every member unit at each seat level, with who was recorded, or else as a
    proposal who holds the seat in the group (or, with no one seated, the unit's
    person at that level)."""
    recorded = {(a.unit_id, a.level): a for a in meeting.attendance.all()}
    seated = {
        (holding.unit_id, holding.level): holding.user_id
        for holding in SeatHolding.objects.filter(group=meeting.group, ended_at__isnull=True)
    }
    units = meeting.group.units.order_by("name").prefetch_related(
        Prefetch(
            "memberships",
            queryset=UnitMembership.objects.select_related("user").order_by("user__full_name"),
        )
    )
    rows = []
    for unit in units:
        memberships = list(unit.memberships.all())
        for level in Level:
            at_level = [m.user for m in memberships if m.level == level]
            row = recorded.get((unit.pk, level.value))
            proposed = seated.get((unit.pk, level.value)) or (at_level[0].pk if at_level else None)
            rows.append(
                AttendanceRow(
                    unit=unit,
                    level=level.value,
                    level_label=str(level.label),
                    people=[m.user for m in memberships],
                    person_id=row.person_id if row else proposed,
                    present=row.present if row else False,
                )
            )
    return rows


@dataclass
class MeetingPage:
    meeting: Meeting
    can_plan: bool
    show_minutes: bool
    agenda: list[str]
    attendance: list[Attendance]
    actions: list[ActionItem]
    attachments: list[Attachment]
    people: list[User] = field(default_factory=list)  # owners an action item may have
    statuses: list[tuple[str, str]] = field(
        default_factory=lambda: [(v, str(label)) for v, label in ActionState.choices]
    )


def meeting_page_for(user: User, meeting: Meeting) -> MeetingPage:
    can_plan = may_plan(user, meeting.group)
    show_minutes = may_read_minutes(user, meeting)
    actions = meeting.actions.select_related("owner")
    if not show_minutes:
        actions = actions.filter(owner=user)  # one's own action items, always
    # Annexes to the minutes are the minutes': shown with them (as ``may_download``).
    attachments = meeting.attachments.all()
    if not show_minutes:
        attachments = attachments.exclude(kind=AttachmentKind.MINUTES)
    people: list[User] = []
    if can_plan:
        group = meeting.group
        people = list(
            User.objects.filter(
                Q(unit_memberships__unit__in=group.units.all()) | Q(pk=group.moderator_id or 0),
                is_active=True,
            )
            .distinct()
            .order_by("full_name")
        )
    return MeetingPage(
        meeting=meeting,
        can_plan=can_plan,
        show_minutes=show_minutes,
        agenda=[item.title for item in meeting.agenda.all()],
        attendance=list(meeting.attendance.select_related("unit", "person")),
        actions=list(actions),
        attachments=list(attachments),
        people=people,
    )


def feed_meetings(feed: CalendarFeed) -> QuerySet[Meeting]:
    """The meetings of every group the feed's owner sees (none once they are inactive)."""
    return (
        Meeting.objects.filter(group__in=groups_visible_to(feed.user))
        .select_related("group", "host")
        .prefetch_related("agenda")
        .order_by("date", "start_time")
    )


def feed_get(token: str) -> CalendarFeed | None:
    return (
        CalendarFeed.objects.filter(token=token).select_related("user").first() if token else None
    )


def my_action_items(user: User) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(owner=user).select_related("meeting", "meeting__group")
