"""Writes to the seats of a group: each member unit has three (strategic, middle,
operational). A holding is ended, never deleted, so that the group keeps who sat in
which seat and when; every change is a row of the group's history."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.access import may_manage_group
from benchlearn.accounts.models import User
from benchlearn.groups.models import ExchangeGroup, GroupChange, SeatEnd, SeatHolding
from benchlearn.groups.services.common import SEAT, GroupError, history_write
from benchlearn.units.models import Level, Unit, UnitMembership
from benchlearn.units.services import unit_membership_remove, unit_membership_set


def seat_label(unit: Unit, level: str) -> str:
    return f"{unit.name} ({unit.teryt}) · {Level(level).label}"


def seat_check(group: ExchangeGroup, unit: Unit, level: str) -> None:
    """GroupError unless ``unit`` is a member of ``group`` and ``level`` one of the three."""
    if level not in Level.values:
        raise GroupError(_("There is no seat level “%(level)s”.") % {"level": level[:20]}, "level")
    if not group.units.filter(pk=unit.pk).exists():
        raise GroupError(
            _("%(unit)s is not a member of the group %(group)s: it has no seats in it.")
            % {"unit": unit.name, "group": group.name},
            "unit",
        )


def _open_holding(group: ExchangeGroup, unit: Unit, level: str) -> SeatHolding | None:
    return (
        SeatHolding.objects.select_for_update()
        .filter(group=group, unit=unit, level=level, ended_at__isnull=True)
        .select_related("user")
        .first()
    )


@transaction.atomic
def seat_fill(
    *, group: ExchangeGroup, unit: Unit, level: str, user: User, by: User | None, via: str = ""
) -> SeatHolding:
    """Put ``user`` in the seat; whoever held it hands it over (recorded). The person
    becomes a participant of the unit at the seat's level unless they already are one."""
    ExchangeGroup.objects.select_for_update().filter(pk=group.pk).first()
    seat_check(group, unit, level)
    current = _open_holding(group, unit, level)
    if current is not None and current.user_id == user.pk:
        return current
    now = timezone.now()
    old = ""
    if current is not None:
        old = str(current.user)
        current.ended_at, current.end_reason, current.ended_by = now, SeatEnd.HANDED_OVER, by
        current.save(update_fields=["ended_at", "end_reason", "ended_by"])
    holding = SeatHolding.objects.create(
        group=group, unit=unit, level=level, user=user, started_at=now, started_by=by
    )
    if not UnitMembership.objects.filter(user=user, unit=unit).exists():
        unit_membership_set(user=user, unit=unit, level=Level(level), by=by, via=via)
    history_write(
        GroupChange(group=group),
        kind=SEAT,
        by=by,
        changes={seat_label(unit, level): (old, str(user))},
        at=now,
    )
    return holding


@transaction.atomic
def seat_assign_participant(
    *, group: ExchangeGroup, unit: Unit, level: str, user: User, by: User
) -> SeatHolding:
    """Put a person who already acts for ``unit`` at ``level`` in that seat (the office
    or the group's moderator): no invitation is needed for someone already in."""
    if not may_manage_group(by, group):
        raise GroupError(
            _("Only the association's office and the group's moderator may fill seats.")
        )
    membership = UnitMembership.objects.filter(user=user, unit=unit).first()
    if membership is None or membership.level != level:
        raise GroupError(
            _("%(person)s does not act for %(unit)s at this level: invite them instead.")
            % {"person": user, "unit": unit.name}
        )
    return seat_fill(group=group, unit=unit, level=level, user=user, by=by, via="page")


@transaction.atomic
def seat_vacate(*, holding: SeatHolding, by: User | None, via: str = "") -> SeatHolding:
    """The person leaves the seat: the holding ends today and stays in the history.
    Holding no other seat of the unit, they stop acting for it (their access ends,
    recorded in the access log)."""
    current = SeatHolding.objects.select_for_update().get(pk=holding.pk)
    if current.ended_at is not None:
        raise GroupError(_("This person has already left the seat."))
    holding.ended_at, holding.end_reason, holding.ended_by = timezone.now(), SeatEnd.LEFT, by
    holding.save(update_fields=["ended_at", "end_reason", "ended_by"])
    others = SeatHolding.objects.filter(
        user=holding.user, unit=holding.unit, ended_at__isnull=True
    ).exists()
    if not others:
        unit_membership_remove(user=holding.user, unit=holding.unit, by=by, via=via)
    history_write(
        GroupChange(group=holding.group),
        kind=SEAT,
        by=by,
        changes={seat_label(holding.unit, holding.level): (str(holding.user), "")},
        at=holding.ended_at,
    )
    return holding
