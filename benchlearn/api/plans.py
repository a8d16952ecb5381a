"""A group's improvement plans in the API, as the plan pages show them: each member's
plan the reader may read (the moderator and the office: all; a member: the adopted
plans not kept private, and their own unit's), its actions, and for each action its
indicators with the "Did it work?" figures of ``plans.effects``.

``latest``, ``latest_year``, ``group_median_change`` and ``difference`` are null until
the unit has a result after the baseline year; the group's two are null as well where
the programme's minimum group size withholds the group's statistics from the reader.
"""

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from benchlearn.accounts.access import group_get_for_user
from benchlearn.accounts.models import User
from benchlearn.api.pagination import BoundedPages
from benchlearn.api.schemas import Error, InvalidRequest
from benchlearn.plans.effects import IndicatorEffect, PlanEffects, plans_effects
from benchlearn.plans.models import Action, Plan
from benchlearn.plans.selectors import plans_of_group

router = Router(tags=["improvement plans"])

ERRORS = {401: Error, 403: Error, 404: Error, 422: InvalidRequest}


class PlanIndicatorOut(Schema):
    code: str = Field(description="the indicator's code")
    baseline: float | None = Field(description="the unit's value when the action was planned")
    baseline_year: int | None
    target: float
    target_year: int
    latest: float | None = Field(
        description="the unit's latest result after the baseline year; null until there is one"
    )
    latest_year: int | None
    group_median_change: float | None = Field(
        description="the median of the group members' changes from the baseline year to "
        "the latest year; null until there is a later result, or where the group is too "
        "small for its figures to be shown"
    )
    difference: float | None = Field(
        description="own change minus the group's median change (a difference-in-"
        "differences); null as group_median_change"
    )


class PlanActionOut(Schema):
    title: str
    status: str = Field(description="planned, in_progress, done, dropped")
    start_date: str
    end_date: str
    indicators: list[PlanIndicatorOut]


class PlanOut(Schema):
    id: int
    unit: str = Field(description="the unit's TERYT code")
    state: str = Field(description="draft, confirming, review, returned, adopted")
    private: bool = Field(description="kept from the other units of the group once adopted")
    cycle_start: int
    actions: list[PlanActionOut]


def _reader(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _indicator_out(row: IndicatorEffect) -> PlanIndicatorOut:
    target = row.target
    return PlanIndicatorOut(
        code=target.indicator_code,
        baseline=target.baseline,
        baseline_year=target.baseline_year,
        target=target.target,
        target_year=target.target_year,
        latest=row.latest,
        latest_year=row.latest_year,
        group_median_change=row.group_median_change,
        difference=row.difference,
    )


def _action_out(action: Action, effects: PlanEffects) -> PlanActionOut:
    return PlanActionOut(
        title=action.title,
        status=action.status,
        start_date=action.start_date.isoformat(),
        end_date=action.end_date.isoformat(),
        indicators=[_indicator_out(row) for row in effects.of(action.pk)],
    )


def _plan_out(plan: Plan, effects: PlanEffects) -> PlanOut:
    return PlanOut(
        id=plan.pk,
        unit=plan.unit.teryt,
        state=plan.state,
        private=plan.private,
        cycle_start=plan.cycle_start,
        actions=[_action_out(action, effects) for action in plan.actions.all()],
    )


@router.get(
    "/groups/{group_id}/plans",
    response={200: list[PlanOut], **ERRORS},
    summary="A group's improvement plans I may read, with their actions' effects",
)
@paginate(BoundedPages, page_size=50)
def group_plans(request: HttpRequest, group_id: int) -> list[PlanOut]:
    """The plans of the group's current cycle, by unit name; a group the reader may
    not see is a 404."""
    user = _reader(request)
    group = group_get_for_user(user, group_id)
    plans = plans_of_group(user, group)
    prefetch_related_objects(plans, "actions")
    effects = plans_effects(user, group, plans)
    return [_plan_out(plan, effects.get(plan.pk, PlanEffects())) for plan in plans]
