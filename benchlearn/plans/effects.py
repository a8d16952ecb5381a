"""Did it work? Each action's indicators measured against the group, for the plan page,
its PDF, the group's workbook and the API.

The figures are the engine's (``benchlearn.engine.effects``: own change, the group's
median change over the same years, their difference and the group's interquartile range
of changes as the band of normal variation), fed from the current computation's results
of the plan's exchange group (the ``ComparisonGroup`` of kind ``exchange``, as the
diagnosis reads it). Where the programme's minimum group size withholds the group's
statistics from the reader (``group_figures_withheld``), the group's figures are left
out and the reason is given; the unit's own figures stay.

Numbers are turned into words here, once, for the page and the PDF alike.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benchlearn.charts import Chart, EffectYear, effect_chart, number_formatter
from benchlearn.engine.effects import (
    BETTER,
    NO_BASELINE,
    NOT_LATER,
    SAME,
    TOO_FEW_MEMBERS,
    Effect,
    effect,
)
from benchlearn.groups.models import ExchangeGroup
from benchlearn.plans.models import Action, ActionIndicator, Plan
from benchlearn.results.effects import keyed, series_of
from benchlearn.results.models import ComparisonGroup, ComparisonKind, Computation, GroupStat
from benchlearn.results.selectors import IndicatorInfo, computed_indicators
from benchlearn.results.selectors.computations import current_computation
from benchlearn.results.selectors.minimum import group_figures_withheld

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser

# What an indicator of an action shows.
MEASURED = "measured"  # a result after the baseline year: the figures
WAITING = "waiting"  # no result after the baseline year yet
NO_BASELINE_YEAR = "no_baseline"  # no baseline (year or value) to measure from
NOT_COMPUTED = "not_computed"  # the current computation has no such indicator
NO_RESULTS = "no_results"  # no results of the group at all

# The group's figures an effect loses when they are withheld from the reader.
_GROUP_FIELDS = {
    "group_median_change": None,
    "group_q1_change": None,
    "group_q3_change": None,
    "group_median_change_pct": None,
    "difference": None,
    "difference_pct": None,
    "within_normal": None,
    "verdict": None,
}


@dataclass(frozen=True)
class IndicatorEffect:
    """One indicator of one action: its target, what the results say, and the chart."""

    target: ActionIndicator
    state: str
    info: IndicatorInfo | None = None
    effect: Effect | None = None
    chart: Chart | None = None
    facts: list[tuple[str, str]] = field(default_factory=list)  # (label, value) in words
    note: str = ""  # one sentence when not measured, or why the group's figures are missing

    @property
    def code(self) -> str:
        return self.target.indicator_code

    @property
    def measured(self) -> bool:
        return self.state == MEASURED

    @property
    def latest(self) -> float | None:
        return self.effect.latest if self.effect and self.measured else None

    @property
    def latest_year(self) -> int | None:
        return self.effect.latest_year if self.effect and self.measured else None

    @property
    def group_median_change(self) -> float | None:
        return self.effect.group_median_change if self.effect and self.measured else None

    @property
    def difference(self) -> float | None:
        return self.effect.difference if self.effect and self.measured else None


@dataclass
class ActionEffects:
    action: Action
    indicators: list[IndicatorEffect] = field(default_factory=list)


@dataclass
class PlanEffects:
    """Every action's indicators of a plan, the actions in the plan's order."""

    no_results: str = ""  # why nothing can be measured (no results of the group yet)
    withheld: str = ""  # why the group's figures are not shown to the reader
    actions: list[ActionEffects] = field(default_factory=list)

    def of(self, action_id: int) -> list[IndicatorEffect]:
        """The indicators of one action (none when it has none)."""
        return next((a.indicators for a in self.actions if a.action.pk == action_id), [])


class _Measure:
    """The group's stored results, each indicator's read once for all the plans."""

    def __init__(self, computation: Computation, comparison: ComparisonGroup, units: set[int]):
        self.computation = computation
        self.comparison = comparison
        self.members = set(comparison.members.values_list("pk", flat=True))
        self.units = self.members | units
        self.infos = computed_indicators(computation, language=get_language() or "pl")
        self._series: dict[int, dict[int, dict[int, float | None]]] = {}
        self._stats: dict[int, dict[int, tuple[float | None, float | None, float | None]]] = {}

    def series(self, info: IndicatorInfo) -> dict[int, dict[int, float | None]]:
        if info.pk not in self._series:
            self._series[info.pk] = series_of(self.computation, info.pk, self.units)
        return self._series[info.pk]

    def stats(
        self, info: IndicatorInfo
    ) -> dict[int, tuple[float | None, float | None, float | None]]:
        """Period -> (median, Q1, Q3) of the group's values."""
        if info.pk not in self._stats:
            rows = GroupStat.objects.filter(group=self.comparison, indicator_id=info.pk)
            self._stats[info.pk] = {
                period: (median, q1, q3)
                for period, median, q1, q3 in rows.values_list("period", "median", "q1", "q3")
            }
        return self._stats[info.pk]


def exchange_comparison(
    group: ExchangeGroup, computation: Computation | None
) -> ComparisonGroup | None:
    """The group's stored comparison group in ``computation`` (None without one)."""
    if computation is None:
        return None
    return ComparisonGroup.objects.filter(
        computation=computation, kind=ComparisonKind.EXCHANGE, exchange_group=group
    ).first()


def plan_effects(user: AnyUser, plan: Plan, *, charts: bool = True) -> PlanEffects:
    """``plan``'s actions measured (``plan`` from ``plan_get_for_user``)."""
    return plans_effects(user, plan.group, [plan], charts=charts).get(plan.pk, PlanEffects())


def plans_effects(
    user: AnyUser, group: ExchangeGroup, plans: Sequence[Plan], *, charts: bool = False
) -> dict[int, PlanEffects]:
    """Plan id -> its actions measured, for plans of ``group`` that ``user`` may read."""
    computation = current_computation()
    comparison = exchange_comparison(group, computation)
    measure, withheld, no_results = None, "", ""
    if computation is None or comparison is None:
        no_results = _("There are no results of the group %(group)s yet: nothing to measure.")
        no_results %= {"group": group.name}
    else:
        withheld = group_figures_withheld(user, comparison, computation)
        measure = _Measure(computation, comparison, {plan.unit_id for plan in plans})
    found = {plan.pk: PlanEffects(no_results=no_results, withheld=withheld) for plan in plans}
    by_plan = {plan.pk: plan for plan in plans}
    targets = ActionIndicator.objects.filter(action__plan__in=plans).select_related("action")
    for target in targets.order_by("action__position", "action", "pk"):
        plan = by_plan[target.action.plan_id]
        if measure is None:
            row = IndicatorEffect(target, NO_RESULTS)
        else:
            row = _indicator_effect(measure, plan, target, withheld=bool(withheld), chart=charts)
        actions = found[plan.pk].actions
        if not actions or actions[-1].action.pk != target.action_id:
            actions.append(ActionEffects(target.action))
        actions[-1].indicators.append(row)
    return found


def _indicator_effect(
    measure: _Measure, plan: Plan, target: ActionIndicator, *, withheld: bool, chart: bool
) -> IndicatorEffect:
    info = measure.infos.get(target.indicator_code)
    if info is None:
        return IndicatorEffect(
            target, NOT_COMPUTED, note=_("The current results do not include this indicator.")
        )
    series = measure.series(info)
    own = series.get(plan.unit_id, {})
    drawn = _chart(measure, plan, info, own, target, withheld=withheld) if chart else None
    if target.baseline_year is None:
        note = _("The action has no baseline year: nothing to measure from.")
        return IndicatorEffect(target, NO_BASELINE_YEAR, info, chart=drawn, note=note)
    later = [y for y, v in own.items() if v is not None and y > target.baseline_year]
    members = {pk: values for pk, values in series.items() if pk in measure.members}
    members[plan.unit_id] = own  # the unit among them, as the engine's callers do
    found = effect(
        own,
        keyed(members),
        baseline_year=target.baseline_year,
        latest_year=max(later, default=target.baseline_year),
        polarity=info.polarity,
        target=target.target,
    )
    if withheld:
        found = dataclasses.replace(found, **_GROUP_FIELDS)  # type: ignore[arg-type]
    if found.reason == NOT_LATER:
        note = _("No result after the baseline year (%(year)s) yet.") % {
            "year": target.baseline_year
        }
        return IndicatorEffect(target, WAITING, info, found, drawn, note=note)
    if found.reason == NO_BASELINE:
        note = _("The current results have no value of the unit in the baseline year %(year)s.")
        note %= {"year": target.baseline_year}
        return IndicatorEffect(target, NO_BASELINE_YEAR, info, found, drawn, note=note)
    note = ""
    if found.reason == TOO_FEW_MEMBERS and not withheld:
        note = _(
            "Too few units of the group have results in both years (%(count)s) for the "
            "group's change to mean anything."
        ) % {"count": found.members}
    facts = effect_facts(found, info, target)
    return IndicatorEffect(target, MEASURED, info, found, drawn, facts=facts, note=note)


def _chart(
    measure: _Measure,
    plan: Plan,
    info: IndicatorInfo,
    own: dict[int, float | None],
    target: ActionIndicator,
    *,
    withheld: bool,
) -> Chart | None:
    stats = {} if withheld else measure.stats(info)
    periods = sorted({*(p for p, v in own.items() if v is not None), *stats})
    if not any(own.get(p) is not None for p in periods):
        return None
    years = [EffectYear(p, own.get(p), *stats.get(p, (None, None, None))) for p in periods]
    title = f"{info.name} ({info.unit})" if info.unit else info.name
    return effect_chart(
        title=title,
        years=years,
        decimals=info.decimals,
        unit_of_measure=info.unit,
        baseline_year=target.baseline_year,
        unit_label=plan.unit.name,
    )


def signed(value: float | None, decimals: int) -> str:
    """+1,50 / −0,50 / 0,00 in the active language; "—" when missing."""
    text = number_formatter()(None if value is None else abs(value), decimals)
    if value is None or text.strip("0,.\u00a0") == "":
        return text
    return ("+" if value > 0 else "\u2212") + text


def verdict_word(verdict: str | None) -> str:
    """Better, worse or the same, in words ("" without a verdict)."""
    if verdict is None:
        return ""
    if verdict == SAME:
        return _("the same")
    return _("better") if verdict == BETTER else _("worse")


def effect_facts(
    found: Effect, info: IndicatorInfo, target: ActionIndicator
) -> list[tuple[str, str]]:
    """The measured figures as (label, value) lines, by the indicator's polarity."""
    number = number_formatter()
    places = info.decimals
    facts = [
        (_("Baseline"), f"{number(found.baseline, places)} ({found.baseline_year})"),
        (_("Latest result"), f"{number(found.latest, places)} ({found.latest_year})"),
    ]
    goal = f"{number(target.target, places)} ({target.target_year})"
    if found.target_met is not None:
        goal += ": " + (_("met") if found.target_met else _("not met"))
    facts.append((_("Target"), goal))
    change = signed(found.change, places)
    if found.improved is not None:
        change += f" ({verdict_word(found.improved)})"
    facts.append((_("Own change"), change))
    if found.group_median_change is None:
        return facts
    facts += group_change_facts(found, places)
    band = _("%(q1)s to %(q3)s") % {
        "q1": signed(found.group_q1_change, places),
        "q3": signed(found.group_q3_change, places),
    }
    band += ": " + (
        _("within normal variation") if found.within_normal else _("outside normal variation")
    )
    facts.append((_("Band of normal variation (the group's interquartile range of changes)"), band))
    return facts


def group_change_facts(found: Effect, places: int) -> list[tuple[str, str]]:
    """The group's median change over the same years and the difference from the own
    change, in words, as (label, value) lines: for a plan's action and a practice."""
    facts: list[tuple[str, str]] = []
    years = {"from": found.baseline_year, "to": found.latest_year}
    facts.append(
        (
            _("The group's median change, %(from)s–%(to)s") % years,
            _("%(change)s (%(count)s units with both years)")
            % {"change": signed(found.group_median_change, places), "count": found.members},
        )
    )
    difference = signed(found.difference, places)
    if found.verdict is not None:
        difference += ": " + (
            _("the same as the group")
            if found.verdict == SAME
            else _("better than the group")
            if found.verdict == BETTER
            else _("worse than the group")
        )
    facts.append((_("Difference (own change − the group's median change)"), difference))
    return facts
