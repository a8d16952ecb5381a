"""Meetings and attendance of groups counted for the moderator's workspace and the
office's programme report, in two queries whatever the number of groups and units.

A held meeting expects every member unit at each of its three seat levels; a rate is the
seats present over the seats expected. The units counted are the group's members now
(a unit that left takes its attendance with it; one that joined late counts as absent
from the meetings before it joined: the office reads those rows knowing the group).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count

from benchlearn.meetings.models import Attendance, Meeting, MeetingState
from benchlearn.units.models import Level


@dataclass(frozen=True)
class Rate:
    present: int
    expected: int

    @property
    def percent(self) -> float | None:
        return 100 * self.present / self.expected if self.expected else None


@dataclass
class GroupMeetings:
    """One group's meetings: how many planned, due by now and held, and who came."""

    meetings: list[Meeting] = field(default_factory=list)
    # (unit id, level) → seats present over the held meetings.
    present: Counter[tuple[int, str]] = field(default_factory=Counter)

    @property
    def held(self) -> int:
        return sum(1 for m in self.meetings if m.state == MeetingState.HELD)

    def due(self, today: datetime.date) -> int:
        """Meetings dated before ``today``: those that should have been held by now."""
        return sum(1 for m in self.meetings if m.date < today)

    def unit_rate(self, unit_id: int, level: str | None = None) -> Rate:
        levels = [level] if level else Level.values
        return Rate(
            present=sum(self.present[(unit_id, lv)] for lv in levels),
            expected=self.held * len(levels),
        )

    def level_rate(self, unit_ids: list[int], level: str) -> Rate:
        return Rate(
            present=sum(self.present[(unit, level)] for unit in unit_ids),
            expected=self.held * len(unit_ids),
        )

    def rate(self, unit_ids: list[int]) -> Rate:
        return Rate(
            present=sum(self.present[(unit, lv)] for unit in unit_ids for lv in Level.values),
            expected=self.held * len(unit_ids) * len(Level.values),
        )


def meetings_of_groups(group_ids: list[int]) -> dict[int, GroupMeetings]:
    """Every group's meetings (by date) and the seats present at its held meetings."""
    found = {group_id: GroupMeetings() for group_id in group_ids}
    for meeting in (
        Meeting.objects.filter(group_id__in=group_ids)
        .select_related("host")
        .order_by("date", "number")
    ):
        found[meeting.group_id].meetings.append(meeting)
    present = (
        Attendance.objects.filter(
            meeting__group_id__in=group_ids, meeting__state=MeetingState.HELD, present=True
        )
        .values_list("meeting__group_id", "unit_id", "level")
        .annotate(n=Count("pk"))
    )
    for group_id, unit_id, level, n in present:
        found[group_id].present[(unit_id, level)] = n
    return found
