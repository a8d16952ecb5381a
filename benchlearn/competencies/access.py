"""Who reads and writes a person's competency assessments (the rules of
``COMPETENCIES.md``, decided here and nowhere else):

- the person reads and writes their own self-assessments, profile and goals;
- the unit's strategic person (the open STRATEGIC seat of the same unit in the same
  group) writes a second view of the unit's middle and operational people; the person
  reads that second view once it is submitted; the strategic person never reads the
  person's own self-assessment;
- the office (operators) reads an individual assessment only where ``office_may_see``
  was true when the person started it;
- a group's moderator never reads individual results.
Everyone else: the assessment answers as one that does not exist (404)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from benchlearn.accounts.access import active_account
from benchlearn.competencies.models import Assessment, Role
from benchlearn.groups.models import ExchangeGroup, SeatHolding
from benchlearn.units.models import Level

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser

# The seats whose people the strategic person gives a second view of.
SUBORDINATE_SEATS = (Level.MIDDLE, Level.OPERATIONAL)


def open_seats(user_id: int, group: ExchangeGroup) -> list[SeatHolding]:
    """The person's open seats in the group (strategic first)."""
    order: dict[str, int] = {Level.STRATEGIC: 0, Level.MIDDLE: 1, Level.OPERATIONAL: 2}
    holdings = SeatHolding.objects.filter(
        group=group, user_id=user_id, ended_at__isnull=True
    ).select_related("unit")
    return sorted(holdings, key=lambda holding: (order.get(holding.level, 9), holding.pk))


def superior_of(person_id: int, group: ExchangeGroup) -> SeatHolding | None:
    """The open strategic seat of the unit where the person holds an open middle or
    operational seat in the group (None: no such person or seat)."""
    seat = (
        SeatHolding.objects.filter(
            group=group, user_id=person_id, ended_at__isnull=True, level__in=SUBORDINATE_SEATS
        )
        .order_by("pk")
        .first()
    )
    if seat is None:
        return None
    return (
        SeatHolding.objects.filter(
            group=group, unit_id=seat.unit_id, level=Level.STRATEGIC, ended_at__isnull=True
        )
        .select_related("user")
        .first()
    )


def is_superior_of(user: AnyUser, person_id: int, group: ExchangeGroup) -> bool:
    account = active_account(user)
    if account is None or account.pk == person_id:
        return False
    holding = superior_of(person_id, group)
    return holding is not None and holding.user_id == account.pk


def subordinate_seats(user: AnyUser, group: ExchangeGroup) -> list[SeatHolding]:
    """The open middle and operational seats of the units where ``user`` holds the open
    strategic seat in the group: the people they may give a second view of."""
    account = active_account(user)
    if account is None:
        return []
    units = SeatHolding.objects.filter(
        group=group, user_id=account.pk, level=Level.STRATEGIC, ended_at__isnull=True
    ).values("unit_id")
    return list(
        SeatHolding.objects.filter(
            group=group, unit_id__in=units, level__in=SUBORDINATE_SEATS, ended_at__isnull=True
        )
        .exclude(user_id=account.pk)
        .select_related("user", "unit")
        .order_by("unit__name", "level", "user__full_name")
    )


def may_read_assessment(user: AnyUser, assessment: Assessment) -> bool:
    account = active_account(user)
    if account is None:
        return False
    if account.is_operator and assessment.office_may_see:
        return True
    if assessment.role == Role.SELF:
        return assessment.person_id == account.pk
    # A second view: its author, and the person assessed once it is submitted.
    if assessment.assessor_id == account.pk:
        return True
    return assessment.person_id == account.pk and assessment.is_submitted


def may_write_assessment(user: AnyUser, assessment: Assessment) -> bool:
    """Only its assessor writes an assessment (a second view: while still the unit's
    strategic person)."""
    account = active_account(user)
    if account is None or assessment.assessor_id != account.pk:
        return False
    if assessment.role == Role.SELF:
        return assessment.person_id == account.pk
    return is_superior_of(account, assessment.person_id, assessment.group)
