"""Reads of units, each taking the user whose view it is."""

from dataclasses import dataclass

from benchlearn.accounts.access import Perm, groups_visible_to, may
from benchlearn.accounts.models import User
from benchlearn.groups.models import ExchangeGroup
from benchlearn.units.models import Unit, UnitMembership


@dataclass
class UnitPage:
    unit: Unit
    memberships: list[UnitMembership]
    groups: list[ExchangeGroup]
    can_edit: bool


def unit_page_for(user: User, unit: Unit) -> UnitPage:
    return UnitPage(
        unit=unit,
        memberships=list(
            unit.memberships.select_related("user").order_by("level", "user__full_name")
        ),
        groups=list(groups_visible_to(user).filter(units=unit).order_by("name")),
        can_edit=may(user, Perm.UNIT_EDIT, unit),
    )
