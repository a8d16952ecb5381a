"""Who acts for which unit, at which level; every change recorded in the access log."""

from django.db import transaction

from benchlearn.accounts.models import AccessChangeKind, User
from benchlearn.accounts.services import access_change_record
from benchlearn.units.models import (
    Level,
    Unit,
    UnitMembership,
)


def _unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.teryt})"


@transaction.atomic
def unit_membership_set(
    *, user: User, unit: Unit, level: Level, by: User | None = None, via: str = ""
) -> UnitMembership:
    """Make ``user`` a participant of ``unit`` at ``level`` (or change their level);
    the change is recorded with the level before and after (``by`` None: the system)."""
    old = UnitMembership.objects.select_for_update().filter(user=user, unit=unit).first()
    membership, _ = UnitMembership.objects.update_or_create(
        user=user, unit=unit, defaults={"level": level}
    )
    old_level = old.level if old else ""
    if old_level != membership.level:
        access_change_record(
            kind=AccessChangeKind.UNIT_MEMBERSHIP,
            by=by,
            user=user,
            target=_unit_label(unit),
            old=old_level,
            new=membership.level,
            via=via,
        )
    return membership


@transaction.atomic
def unit_membership_remove(*, user: User, unit: Unit, by: User | None, via: str = "") -> None:
    """End ``user``'s participation in ``unit``, recorded with the level they had."""
    membership = UnitMembership.objects.select_for_update().filter(user=user, unit=unit).first()
    if membership is None:
        return
    membership.delete()
    access_change_record(
        kind=AccessChangeKind.UNIT_MEMBERSHIP,
        by=by,
        user=user,
        target=_unit_label(unit),
        old=membership.level,
        new="",
        via=via,
    )
