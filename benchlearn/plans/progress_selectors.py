"""Reads of year two: which actions are late, which progress reports a meeting still
misses, and the moderator's overview of a group's plans.

The rules, decided once here:

- an action is *late* when its end date has passed (before ``today``) and it is neither
  done nor dropped. Milestones are not used: nothing records that one was reached, so a
  passed milestone date proves nothing;
- a progress report is *due* before every meeting of the group held after the plan's
  adoption (in practice the cycle's second year), for every action of an adopted plan
  that is still open (planned or in progress). A report counts for the meeting it was
  written before: ``ProgressReport.meeting``, the group's next meeting when it was
  written, so a report written since the previous meeting counts and an older one
  does not.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from benchlearn.groups.models import ExchangeGroup
from benchlearn.meetings.models import Meeting, MeetingState
from benchlearn.plans.models import Action, ActionStatus, Plan, PlanState, ProgressReport
from benchlearn.units.models import Unit

OPEN_STATUSES = frozenset({ActionStatus.PLANNED, ActionStatus.IN_PROGRESS})


def action_is_late(action: Action, today: datetime.date) -> bool:
    """Past its end date and neither done nor dropped (see the module's rules)."""
    return action.status in OPEN_STATUSES and action.end_date < today


def next_meeting_of(group: ExchangeGroup, today: datetime.date | None = None) -> Meeting | None:
    """The group's next planned meeting from ``today`` (that day's included), or None."""
    today = today or timezone.localdate()
    return (
        Meeting.objects.filter(group=group, state=MeetingState.PLANNED, date__gte=today)
        .order_by("date")
        .first()
    )


def adopted_plans(group: ExchangeGroup) -> QuerySet[Plan]:
    """The group's adopted plans of its current cycle."""
    return Plan.objects.filter(
        group=group, cycle_start=group.cycle_start, state=PlanState.ADOPTED
    ).select_related("unit")


def reports_due_for(plan: Plan, meeting: Meeting) -> bool:
    """Whether the plan's open actions need a report before ``meeting``: the plan was
    adopted before the meeting's day."""
    return (
        plan.is_adopted
        and plan.adopted_at is not None
        and timezone.localdate(plan.adopted_at) < meeting.date
    )


def reports_missing(group: ExchangeGroup, meeting: Meeting) -> list[Action]:
    """The open actions of the group's adopted plans that have no progress report for
    ``meeting`` yet, by unit and position (see the module's rules)."""
    due = [plan.pk for plan in adopted_plans(group) if reports_due_for(plan, meeting)]
    reported = ProgressReport.objects.filter(meeting=meeting).values("action_id")
    return list(
        Action.objects.filter(plan_id__in=due, status__in=OPEN_STATUSES)
        .exclude(pk__in=reported)
        .select_related("plan__unit", "owner")
        .order_by("plan__unit__name", "position", "pk")
    )


@dataclass
class UnitOverview:
    """One unit's plan as the moderator follows it."""

    unit: Unit
    plan: Plan
    by_status: dict[str, int]
    late: list[Action] = field(default_factory=list)
    missing: list[Action] = field(default_factory=list)
    # The newest progress report of the plan's actions, if any.
    last_report: ProgressReport | None = None

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def status_counts(self) -> list[int]:
        """The counts in the order of ``ActionStatus``."""
        return [self.by_status.get(status, 0) for status in ActionStatus.values]


@dataclass
class GroupOverview:
    group: ExchangeGroup
    meeting: Meeting | None  # the next meeting, whose reports are counted
    units: list[UnitOverview]
    # The member units without an adopted plan, and their plan's state if they have one.
    not_adopted: list[tuple[Unit, Plan | None]]

    @property
    def totals(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for row in self.units:
            for status, count in row.by_status.items():
                counts[status] += count
        return {status: counts[status] for status in ActionStatus.values}

    @property
    def total_counts(self) -> list[int]:
        return list(self.totals.values())

    @property
    def late_count(self) -> int:
        return sum(len(row.late) for row in self.units)

    @property
    def missing_count(self) -> int:
        return sum(len(row.missing) for row in self.units)


def group_overview(
    group: ExchangeGroup, *, meeting: Meeting | None = None, today: datetime.date | None = None
) -> GroupOverview:
    """Per member unit with an adopted plan: its actions by status, the late ones and
    the reports missing for ``meeting`` (by default the group's next one). The caller
    has checked that the person may follow the group (its moderator, the office)."""
    today = today or timezone.localdate()
    if meeting is None:
        meeting = next_meeting_of(group, today)
    plans = {plan.unit_id: plan for plan in adopted_plans(group)}
    actions = Action.objects.filter(plan__in=plans.values()).order_by("position", "pk")
    missing_ids = {a.pk for a in reports_missing(group, meeting)} if meeting else set()
    last_reports: dict[int, ProgressReport] = {}
    for report in (
        ProgressReport.objects.filter(action__plan__in=plans.values())
        .select_related("action", "written_by")
        .order_by("written_at", "pk")
    ):
        last_reports[report.action.plan_id] = report
    rows: dict[int, UnitOverview] = {
        plan.pk: UnitOverview(
            unit=plan.unit,
            plan=plan,
            by_status={status: 0 for status in ActionStatus.values},
            last_report=last_reports.get(plan.pk),
        )
        for plan in plans.values()
    }
    for action in actions:
        row = rows[action.plan_id]
        row.by_status[action.status] += 1
        if action_is_late(action, today):
            row.late.append(action)
        if action.pk in missing_ids:
            row.missing.append(action)
    others = {
        plan.unit_id: plan
        for plan in Plan.objects.filter(group=group, cycle_start=group.cycle_start).exclude(
            state=PlanState.ADOPTED
        )
    }
    not_adopted = [
        (unit, others.get(unit.pk)) for unit in group.units.order_by("name") if unit.pk not in plans
    ]
    return GroupOverview(
        group=group,
        meeting=meeting,
        units=sorted(rows.values(), key=lambda row: row.unit.name),
        not_adopted=not_adopted,
    )


def action_progress_reports(action: Action) -> QuerySet[ProgressReport]:
    return action.progress_reports.select_related("written_by", "meeting").prefetch_related(
        "attachments"
    )
