"""Reads of improvement plans, each asking accounts.access who may read what."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from benchlearn.accounts.access import active_account, may_read_plan
from benchlearn.catalogue.models import IndicatorSetEntry, IndicatorVersion
from benchlearn.groups.models import ExchangeGroup
from benchlearn.plans.models import Action, ActionStatus, Plan, PlanState, PlanVersion
from benchlearn.results.models import Result
from benchlearn.results.selectors.computations import current_computation
from benchlearn.units.models import Unit

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


def group_indicator_codes(group: ExchangeGroup) -> set[str]:
    """Codes of the indicators in the indicator sets of the group's domain (every
    indicator of the catalogue for a group without a domain)."""
    if group.domain_id is None:
        return set(IndicatorVersion.objects.values_list("indicator__code", flat=True))
    return set(
        IndicatorSetEntry.objects.filter(set_version__set__domain_id=group.domain_id)
        .values_list("indicator_version__indicator__code", flat=True)
        .distinct()
    )


def indicator_polarities(codes: set[str]) -> dict[str, str]:
    """Code -> polarity of the newest version of each indicator."""
    found: dict[str, str] = {}
    rows = IndicatorVersion.objects.filter(indicator__code__in=codes).order_by("number")
    for code, polarity in rows.values_list("indicator__code", "polarity"):
        found[code] = polarity
    return found


def indicator_names(codes: set[str], language: str) -> dict[str, str]:
    """Code -> name of the newest version of each indicator, in ``language`` (Polish
    where it has no English name)."""
    english = language.startswith("en")
    found: dict[str, str] = {}
    rows = IndicatorVersion.objects.filter(indicator__code__in=codes).order_by("number")
    for code, name_pl, name_en in rows.values_list("indicator__code", "name_pl", "name_en"):
        found[code] = name_en if english and name_en else name_pl
    return found


def baseline_of(unit: Unit, code: str) -> tuple[float | None, int | None]:
    """The unit's latest stored value of an indicator and its year (None, None without
    one) in the current computation."""
    computation = current_computation()
    if computation is None:
        return None, None
    row = (
        Result.objects.filter(
            computation=computation, unit=unit, indicator__code=code, value__isnull=False
        )
        .order_by("-period")
        .values_list("value", "period")
        .first()
    )
    return (row[0], row[1]) if row else (None, None)


def plan_get_for_user(user: AnyUser, plan_id: int) -> Plan:
    """The plan, or Http404 for one that does not exist or ``user`` may not read."""
    plan = Plan.objects.filter(pk=plan_id).select_related("unit", "group__moderator").first()
    if plan is None or not may_read_plan(user, plan):
        raise Http404(
            _("There is no improvement plan number %(id)s that you may open.") % {"id": plan_id}
        )
    return plan


def plans_of_group(user: AnyUser, group: ExchangeGroup) -> list[Plan]:
    """The group's plans ``user`` may read (all of them for its moderator and the
    office; adopted public ones and their own unit's for its members)."""
    plans = Plan.objects.filter(group=group, cycle_start=group.cycle_start).select_related(
        "unit", "group"
    )
    return [plan for plan in plans if may_read_plan(user, plan)]


def plan_versions(plan: Plan) -> QuerySet[PlanVersion]:
    return plan.versions.select_related("created_by").order_by("-number")


def adopted_actions_readable(
    user: AnyUser, *, unit_ids: Iterable[int], codes: Iterable[str]
) -> QuerySet[Action]:
    """The actions aimed at any of the indicators ``codes`` in the adopted plans of
    ``unit_ids`` that ``user`` reads (``may_read_plan`` as one filter: the unit's team,
    the group's moderator and the office; the group's other members unless private),
    with their indicators."""
    account = active_account(user)
    plans = Plan.objects.filter(unit_id__in=list(unit_ids), state=PlanState.ADOPTED)
    if account is None:
        return Action.objects.none()
    if not account.is_operator:
        # A subquery, not a join: the memberships would repeat the rows.
        readable = Plan.objects.filter(
            Q(unit__memberships__user_id=account.pk)
            | Q(group__moderator_id=account.pk)
            | Q(private=False, group__units__memberships__user_id=account.pk)
        )
        plans = plans.filter(pk__in=readable.values("pk"))
    aimed = Action.objects.filter(indicators__indicator_code__in=list(codes)).values("pk")
    return (
        Action.objects.filter(plan__in=plans, pk__in=aimed)
        .exclude(status=ActionStatus.DROPPED)
        .select_related("plan")
        .prefetch_related("indicators")
        .order_by("plan__unit_id", "position", "pk")
    )
