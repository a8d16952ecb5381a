"""Reads of exchange groups, each taking the user whose view it is."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from benchlearn.accounts.access import Perm, groups_visible_to, may
from benchlearn.accounts.models import User
from benchlearn.groups.models import ExchangeGroup
from benchlearn.units.models import Unit, UnitMembership


def group_list_for(user: User) -> QuerySet[ExchangeGroup]:
    return (
        groups_visible_to(user)
        .select_related("moderator")
        .annotate(unit_count=Count("units", distinct=True))
        .order_by("-cycle_start", "name")
    )


@dataclass
class GroupPage:
    group: ExchangeGroup
    units: list[Unit]
    can_manage: bool


def group_page_for(user: User, group: ExchangeGroup) -> GroupPage:
    units = group.units.order_by("name").prefetch_related(
        Prefetch(
            "memberships",
            queryset=UnitMembership.objects.select_related("user").order_by("level"),
        )
    )
    return GroupPage(group=group, units=list(units), can_manage=may(user, Perm.GROUP_MANAGE, group))
