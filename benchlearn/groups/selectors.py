"""Reads of exchange groups, each taking the user whose view it is."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet

from benchlearn.accounts.access import Perm, groups_visible_to, may, units_visible_to
from benchlearn.accounts.models import User
from benchlearn.groups.models import ExchangeGroup
from benchlearn.results.models import (
    ComparisonGroup,
    ComparisonKind,
    Computation,
    GroupStat,
    Result,
)
from benchlearn.results.selectors import current_computation
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
    # The group's PDF report and meeting pack: who may download them is what the
    # download views ask (GROUP_VIEW, through ``group_get_for_user``).
    can_download: bool = False
    # The computation holding the group's results; None while there is none, and the
    # report downloads would only answer 404.
    computation: Computation | None = None
    # Member units whose results the viewer may open compared with this group.
    with_results: set[int] = field(default_factory=set)

    @property
    def comparison(self) -> str:
        """The group as the results pages name it in their ``?group=``."""
        return f"exchange-{self.group.pk}"


def group_page_for(user: User, group: ExchangeGroup) -> GroupPage:
    units = group.units.order_by("name").prefetch_related(
        Prefetch(
            "memberships",
            queryset=UnitMembership.objects.select_related("user").order_by("level"),
        )
    )
    computation, with_results = _group_results(user, group)
    return GroupPage(
        group=group,
        units=list(units),
        can_manage=may(user, Perm.GROUP_MANAGE, group),
        can_download=may(user, Perm.GROUP_VIEW, group),
        computation=computation,
        with_results=with_results,
    )


def _group_results(user: User, group: ExchangeGroup) -> tuple[Computation | None, set[int]]:
    """The current computation if it holds what the group's reports read (the group
    stored with members and statistics), and the member units with results there that
    ``user`` may open: a unit that joined after the computation is not in it yet."""
    computation = current_computation()
    if computation is None:
        return None, set()
    stored = ComparisonGroup.objects.filter(
        computation=computation, kind=ComparisonKind.EXCHANGE, exchange_group=group
    ).first()
    if stored is None or not GroupStat.objects.filter(group=stored).exists():
        return None, set()
    members = list(stored.members.values_list("pk", flat=True))
    computed = Result.objects.filter(computation=computation, unit_id__in=members).values("unit_id")
    openable = units_visible_to(user).filter(pk__in=computed).values_list("pk", flat=True)
    return computation, set(openable)
