"""The office's report of a programme for its funders: per group the meetings held
against the plan, attendance per seat level and per unit, the seats empty. Read in five
queries whatever the number of groups and units (the programme's groups, their member
units, the open seats, the meetings, the attendance counts)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.access import Perm, require
from benchlearn.accounts.models import User
from benchlearn.groups.attendance import GroupMeetings, Rate, meetings_of_groups
from benchlearn.groups.models import ExchangeGroup, Programme
from benchlearn.groups.workspace import open_seats
from benchlearn.meetings.models import MEETINGS_PER_CYCLE
from benchlearn.units.models import Level, Unit


def programme_report_get(user: User, programme_id: int) -> Programme:
    """The programme whose report ``user`` opens: the office only (403 for anyone else,
    before any programme is looked up, so nobody learns which exist)."""
    require(user, Perm.PROGRAMME_REPORT)
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        raise Http404(_("There is no programme number %(id)s.") % {"id": programme_id})
    return programme


@dataclass
class GroupRow:
    group: ExchangeGroup
    units: int
    plan: int  # meetings a cycle should have
    planned: int  # meetings given a date
    due: int  # dated before today
    held: int
    levels: list[Rate]  # strategic, middle, operational
    attendance: Rate
    seats_filled: int
    seats_total: int

    @property
    def seats_empty(self) -> int:
        return self.seats_total - self.seats_filled

    @property
    def behind(self) -> int:
        """Meetings that should have been held by now and were not."""
        return max(self.due - self.held, 0)


@dataclass
class UnitRow:
    group: ExchangeGroup
    unit: Unit
    levels: list[Rate]
    attendance: Rate
    empty_levels: list[str]  # labels of its empty seats


@dataclass
class ProgrammeReport:
    programme: Programme
    today: datetime.date
    groups: list[GroupRow]
    units: list[UnitRow]
    levels: list[tuple[str, Rate]]  # over the whole programme
    attendance: Rate
    level_labels: list[str]

    @property
    def plan(self) -> int:
        return sum(row.plan for row in self.groups)

    @property
    def held(self) -> int:
        return sum(row.held for row in self.groups)

    @property
    def due(self) -> int:
        return sum(row.due for row in self.groups)

    @property
    def seats_empty(self) -> int:
        return sum(row.seats_empty for row in self.groups)

    @property
    def seats_total(self) -> int:
        return sum(row.seats_total for row in self.groups)


def _sum(rates: list[Rate]) -> Rate:
    return Rate(present=sum(r.present for r in rates), expected=sum(r.expected for r in rates))


def programme_report(
    programme: Programme, *, today: datetime.date | None = None
) -> ProgrammeReport:
    today = today or timezone.localdate()
    groups = list(programme.groups.select_related("moderator").order_by("name", "pk"))
    group_ids = [group.pk for group in groups]
    members: dict[int, list[Unit]] = {group_id: [] for group_id in group_ids}
    through = ExchangeGroup.units.through.objects.filter(exchangegroup_id__in=group_ids)
    for link in through.select_related("unit").order_by("unit__name", "unit__teryt"):
        members[link.exchangegroup_id].append(link.unit)
    held_seats = open_seats(group_ids)
    meetings = meetings_of_groups(group_ids)
    group_rows: list[GroupRow] = []
    unit_rows: list[UnitRow] = []
    for group in groups:
        found: GroupMeetings = meetings[group.pk]
        units = members[group.pk]
        unit_ids = [unit.pk for unit in units]
        filled = sum(len(held_seats.get((group.pk, pk), [])) for pk in unit_ids)
        group_rows.append(
            GroupRow(
                group=group,
                units=len(units),
                plan=MEETINGS_PER_CYCLE,
                planned=len(found.meetings),
                due=found.due(today),
                held=found.held,
                levels=[found.level_rate(unit_ids, level) for level in Level.values],
                attendance=found.rate(unit_ids),
                seats_filled=filled,
                seats_total=len(units) * len(Level.values),
            )
        )
        for unit in units:
            levels_held = held_seats.get((group.pk, unit.pk), [])
            unit_rows.append(
                UnitRow(
                    group=group,
                    unit=unit,
                    levels=[found.unit_rate(unit.pk, level) for level in Level.values],
                    attendance=found.unit_rate(unit.pk),
                    empty_levels=[
                        str(label) for value, label in Level.choices if value not in levels_held
                    ],
                )
            )
    return ProgrammeReport(
        programme=programme,
        today=today,
        groups=group_rows,
        units=unit_rows,
        levels=[
            (str(label), _sum([row.levels[i] for row in group_rows]))
            for i, (_value, label) in enumerate(Level.choices)
        ],
        attendance=_sum([row.attendance for row in group_rows]),
        level_labels=[str(label) for label in Level.labels],
    )
