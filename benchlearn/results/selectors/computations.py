"""The computation the pages read, and what a group's page says of its results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from benchlearn.accounts.access import units_visible_to
from benchlearn.groups.models import ExchangeGroup
from benchlearn.results.models import (
    ComparisonGroup,
    ComparisonKind,
    Computation,
    ComputationState,
    GroupStat,
    Result,
)

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


def current_computation() -> Computation | None:
    """The newest finished computation: what every page shows."""
    return (
        Computation.objects.filter(state=ComputationState.DONE)
        .order_by("-finished_at", "-pk")
        .first()
    )


def computation_latest() -> Computation | None:
    """The newest computation in any state (for the operator's progress)."""
    return Computation.objects.order_by("-created_at", "-pk").first()


@dataclass
class GroupResults:
    """What an exchange group's page says of its results."""

    # The computation holding the group's results; None while there is none, and the
    # report downloads would only answer 404.
    computation: Computation | None = None
    # Member units whose results the viewer may open compared with this group.
    with_results: set[int] = field(default_factory=set)
    comparison: str = ""  # the group as the results pages name it in their ``?group=``


def group_results_for(user: AnyUser, group: ExchangeGroup) -> GroupResults:
    """The current computation if it holds what the group's reports read (the group
    stored with members and statistics), and the member units with results there that
    ``user`` may open: a unit that joined after the computation is not in it yet."""
    found = GroupResults(comparison=f"exchange-{group.pk}")
    computation = current_computation()
    if computation is None:
        return found
    stored = ComparisonGroup.objects.filter(
        computation=computation, kind=ComparisonKind.EXCHANGE, exchange_group=group
    ).first()
    if stored is None or not GroupStat.objects.filter(group=stored).exists():
        return found
    members = list(stored.members.values_list("pk", flat=True))
    computed = Result.objects.filter(computation=computation, unit_id__in=members).values("unit_id")
    openable = units_visible_to(user).filter(pk__in=computed).values_list("pk", flat=True)
    found.computation, found.with_results = computation, set(openable)
    return found
