"""The moderator's workspace of a group: what the moderator checks before each meeting.

Seats filled and empty per member unit, the members' data in the group's open rounds
(state, warnings, last change). Read in a fixed number of queries whatever the number
of member units (a handful per open round): the page is opened often and groups grow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from benchlearn.accounts.access import Perm, group_get_for_user
from benchlearn.accounts.models import User
from benchlearn.collection.models import Round, RoundState, Submission, SubmissionState
from benchlearn.collection.selectors import round_variables
from benchlearn.collection.validation.counts import round_check_counts
from benchlearn.groups.models import ExchangeGroup, SeatHolding
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
    def last_change(self) -> datetime | None:
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
            rows.append(
                UnitStatus(
                    unit=unit,
                    submission=submission,
                    filled=unit_counts.filled if unit_counts else 0,
                    required=len(variables) if submission else 0,
                    errors=unit_counts.errors if unit_counts else 0,
                    warnings=unit_counts.warnings if unit_counts else 0,
                )
            )
        found.append(RoundStatus(round=round_, rows=rows))
    return found


# --- the page ---------------------------------------------------------------------------


@dataclass
class Workspace:
    group: ExchangeGroup
    seats: list[UnitSeats]
    rounds: list[RoundStatus]

    @property
    def seats_filled(self) -> int:
        return sum(row.filled for row in self.seats)

    @property
    def seats_total(self) -> int:
        return len(self.seats) * len(Level.values)


def workspace_for(user: User, group: ExchangeGroup) -> Workspace:
    """The workspace of ``group`` (the caller fetched it through ``workspace_group_get``)."""
    units = list(group.units.order_by("name"))
    return Workspace(
        group=group,
        seats=unit_seats(group, units),
        rounds=open_rounds_status(group, units),
    )
