"""Reads for account pages, each taking the user whose view it is."""

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils import timezone

from benchlearn.accounts.access import Roles, groups_visible_to, roles_of
from benchlearn.accounts.models import ApiToken, User
from benchlearn.groups.models import ExchangeGroup
from benchlearn.units.models import Unit, UnitMembership


@dataclass
class StartPage:
    roles: Roles
    memberships: list[UnitMembership] = field(default_factory=list)
    moderated_groups: list[ExchangeGroup] = field(default_factory=list)
    member_groups: list[ExchangeGroup] = field(default_factory=list)
    unit_count: int = 0
    group_count: int = 0
    user_count: int = 0


def start_page_for(user: User) -> StartPage:
    roles = roles_of(user)
    page = StartPage(roles=roles)
    if roles.participant:
        page.memberships = list(
            UnitMembership.objects.filter(user=user).select_related("unit").order_by("unit__name")
        )
        page.member_groups = list(
            groups_visible_to(user)
            .filter(units__memberships__user=user)
            .annotate(unit_count=Count("units", distinct=True))
            .order_by("name")
        )
    if roles.moderator:
        page.moderated_groups = list(
            ExchangeGroup.objects.filter(moderator=user)
            .annotate(unit_count=Count("units", distinct=True))
            .order_by("name")
        )
    if roles.operator:
        page.unit_count = Unit.objects.count()
        page.group_count = ExchangeGroup.objects.count()
        page.user_count = User.objects.filter(is_active=True).count()
    return page


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, expires__gt=timezone.now())
