"""The moderator's workspace of a group: what the moderator checks before each meeting.

Seats filled and empty per member unit, the members' data in the group's open rounds
(state, warnings, last change), the next meeting and what it still lacks, attendance
over the cycle, open action items. Read in a fixed number of queries whatever the number
of member units (a handful per open round): the page is opened often and groups grow.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.access import Perm, group_get_for_user
from benchlearn.accounts.models import User
from benchlearn.collection.models import Round, RoundState, Submission, SubmissionState
from benchlearn.collection.selectors import round_variables
from benchlearn.collection.validation.counts import round_check_counts
from benchlearn.groups.attendance import GroupMeetings, Rate, meetings_of_groups
from benchlearn.groups.models import ExchangeGroup, SeatHolding
from benchlearn.meetings.models import (
    ActionItem,
    ActionKind,
    ActionState,
    AgendaItem,
    Attachment,
    AttachmentKind,
    Meeting,
    MeetingState,
)
from benchlearn.units.models import Level, Unit


def workspace_group_get(user: User, group_id: int) -> ExchangeGroup:
    """The group whose workspace ``user`` opens: 404 as for a group they may not see,
    403 for a participant (who sees the group but does not run it)."""
    return group_get_for_user(user, group_id, Perm.GROUP_WORKSPACE)


# --- seats ------------------------------------------------------------------------------


@dataclass
class UnitSeats:
    unit: Unit
    filled_levels: list[str]

    @property
    def filled(self) -> int:
        return len(self.filled_levels)

    @property
    def empty(self) -> int:
        return len(Level.values) - self.filled

    @property
    def empty_labels(self) -> list[str]:
        return [str(label) for value, label in Level.choices if value not in self.filled_levels]


def open_seats(group_ids: list[int]) -> dict[tuple[int, int], list[str]]:
    """(group id, unit id) → the levels of its seats someone holds now: one query."""
    found: dict[tuple[int, int], list[str]] = {}
    rows = SeatHolding.objects.filter(group_id__in=group_ids, ended_at__isnull=True).values_list(
        "group_id", "unit_id", "level"
    )
    for group_id, unit_id, level in rows:
        found.setdefault((group_id, unit_id), []).append(level)
    return found


def unit_seats(group: ExchangeGroup, units: list[Unit]) -> list[UnitSeats]:
    held = open_seats([group.pk])
    return [
        UnitSeats(
            unit=unit,
            filled_levels=[lv for lv in Level.values if lv in held.get((group.pk, unit.pk), [])],
        )
        for unit in units
    ]


# --- data collection --------------------------------------------------------------------


@dataclass
class UnitStatus:
    unit: Unit
    submission: Submission | None
    filled: int
    required: int
    errors: int
    warnings: int

    @property
    def state(self) -> str:
        return self.submission.state if self.submission else ""

    @property
    def state_label(self) -> str:
        return self.submission.get_state_display() if self.submission else ""

    @property
    def last_change(self) -> datetime.datetime | None:
        return self.submission.last_activity_at if self.submission else None

    @property
    def done(self) -> bool:
        return self.state in (SubmissionState.SUBMITTED, SubmissionState.APPROVED)


@dataclass
class RoundStatus:
    round: Round
    rows: list[UnitStatus]

    @property
    def done(self) -> int:
        return sum(1 for row in self.rows if row.done)


def open_rounds_status(group: ExchangeGroup, units: list[Unit]) -> list[RoundStatus]:
    """The open rounds that ask any member unit for data, each with every member's
    submission (None for a member the round does not include). The checks are counted
    for the round's units at once (``round_check_counts``, as the round's own page)."""
    unit_ids = [unit.pk for unit in units]
    rounds = list(
        Round.objects.filter(state=RoundState.OPEN, units__in=unit_ids)
        .distinct()
        .order_by("deadline", "name")
    )
    submissions: dict[tuple[int, int], Submission] = {
        (s.round_id, s.unit_id): s
        for s in Submission.objects.filter(round__in=rounds, unit_id__in=unit_ids).only(
            "round_id", "unit_id", "state", "last_activity_at"
        )
    }
    found = []
    for round_ in rounds:
        variables = round_variables(round_)
        counts = round_check_counts(round_, variables)
        rows = []
        for unit in units:
            submission = submissions.get((round_.pk, unit.pk))
            unit_counts = counts.get(unit.pk)
            # A unit is asked only for the round's sets of its kind.
            asked = round_variables(round_, unit.kind) if submission else []
            rows.append(
                UnitStatus(
                    unit=unit,
                    submission=submission,
                    filled=unit_counts.filled if unit_counts else 0,
                    required=len(asked),
                    errors=unit_counts.errors if unit_counts else 0,
                    warnings=unit_counts.warnings if unit_counts else 0,
                )
            )
        found.append(RoundStatus(round=round_, rows=rows))
    return found


# --- meetings ---------------------------------------------------------------------------


@dataclass
class NextMeeting:
    meeting: Meeting
    missing: list[str]


def next_meeting(
    group: ExchangeGroup, found: GroupMeetings, units: list[Unit]
) -> NextMeeting | None:
    """The first meeting still planned from today on, and what it still lacks."""
    today = timezone.localdate()
    meeting = next(
        (m for m in found.meetings if m.state == MeetingState.PLANNED and m.date >= today), None
    )
    if meeting is None:
        return None
    kinds = set(Attachment.objects.filter(meeting=meeting).values_list("kind", flat=True))
    missing = []
    if meeting.host_id not in {unit.pk for unit in units}:
        missing.append(_("a host: %(unit)s is no longer a member") % {"unit": meeting.host.name})
    if not meeting.place.strip():
        missing.append(_("the place"))
    if not AgendaItem.objects.filter(meeting=meeting).exists():
        missing.append(_("the agenda (it is empty)"))
    if not meeting.practice_title.strip() and AttachmentKind.PRACTICE not in kinds:
        missing.append(_("the host's practice presentation"))
    if AttachmentKind.MATERIAL not in kinds:
        missing.append(_("the meeting materials"))
    if meeting.invited_at is None:
        missing.append(_("the invitations (not sent yet)"))
    return NextMeeting(meeting=meeting, missing=missing)


@dataclass
class UnitAttendance:
    unit: Unit
    levels: list[Rate]  # strategic, middle, operational
    total: Rate


@dataclass
class CycleAttendance:
    held: int
    planned: int
    overdue: list[Meeting]  # dated before today, not held (minutes not published)
    units: list[UnitAttendance]
    levels: list[tuple[str, Rate]]  # (level label, rate) over all member units
    total: Rate


def cycle_attendance(found: GroupMeetings, units: list[Unit]) -> CycleAttendance:
    today = timezone.localdate()
    unit_ids = [unit.pk for unit in units]
    return CycleAttendance(
        held=found.held,
        planned=len(found.meetings),
        overdue=[m for m in found.meetings if m.date < today and m.state != MeetingState.HELD],
        units=[
            UnitAttendance(
                unit=unit,
                levels=[found.unit_rate(unit.pk, level) for level in Level.values],
                total=found.unit_rate(unit.pk),
            )
            for unit in units
        ],
        levels=[(str(label), found.level_rate(unit_ids, value)) for value, label in Level.choices],
        total=found.rate(unit_ids),
    )


@dataclass
class OpenAction:
    item: ActionItem
    late: bool


def open_actions(group: ExchangeGroup) -> list[OpenAction]:
    """The group's action items not done nor dropped, soonest due first; late ones marked."""
    today = timezone.localdate()
    items = (
        ActionItem.objects.filter(
            meeting__group=group, kind=ActionKind.ACTION, status=ActionState.OPEN
        )
        .select_related("owner", "meeting")
        .order_by("due", "pk")
    )
    return [OpenAction(item=item, late=item.due is not None and item.due < today) for item in items]


# --- the page ---------------------------------------------------------------------------


@dataclass
class Workspace:
    group: ExchangeGroup
    seats: list[UnitSeats]
    rounds: list[RoundStatus]
    next_meeting: NextMeeting | None
    attendance: CycleAttendance
    actions: list[OpenAction]
    levels: list[str]

    @property
    def late_actions(self) -> int:
        return sum(1 for action in self.actions if action.late)

    @property
    def seats_filled(self) -> int:
        return sum(row.filled for row in self.seats)

    @property
    def seats_total(self) -> int:
        return len(self.seats) * len(Level.values)


def workspace_for(user: User, group: ExchangeGroup) -> Workspace:
    """The workspace of ``group`` (the caller fetched it through ``workspace_group_get``)."""
    units = list(group.units.order_by("name"))
    found = meetings_of_groups([group.pk])[group.pk]
    return Workspace(
        group=group,
        seats=unit_seats(group, units),
        rounds=open_rounds_status(group, units),
        next_meeting=next_meeting(group, found, units),
        attendance=cycle_attendance(found, units),
        actions=open_actions(group),
        levels=[str(label) for label in Level.labels],
    )
