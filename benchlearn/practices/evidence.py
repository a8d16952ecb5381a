"""Did it work? A practice's indicators measured on the stored results, as the plans'
"Did it work?" measures an action (``plans.effects``): the unit's value before and
after, its change, beside the median change of its exchange group over the same years
and the difference between the two (``benchlearn.engine.effects``).

The group's figures follow the programme's minimum group size for the reader
(``group_figures_withheld``): where it withholds them, only the unit's own figures are
shown, with the reason. On the public portal and in the open data (``public``) the
figures are those of the computation the office published (none before it publishes),
and the group's change is shown only where at least the programme's minimum of units behind a
public figure have results in both years (``Programme.public_min_units``), and its chart
draws the group's median and quartiles only for the years with as many. The unit's own
figures are its to publish: the practice, reviewed before publication, shows them to
whoever may read it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benchlearn.charts import Chart, EffectYear, effect_chart, number_formatter
from benchlearn.engine.effects import NO_BASELINE, NO_LATEST, NOT_LATER, Effect
from benchlearn.engine.effects import effect as measure_effect
from benchlearn.groups.models import PUBLIC_MIN_UNITS_DEFAULT, ExchangeGroup
from benchlearn.plans.effects import exchange_comparison, group_change_facts, signed, verdict_word
from benchlearn.practices.models import Practice, PracticeIndicator
from benchlearn.results.effects import keyed, series_of
from benchlearn.results.models import ComparisonGroup, Computation, GroupStat
from benchlearn.results.publication import published_computation
from benchlearn.results.selectors import IndicatorInfo, computed_indicators
from benchlearn.results.selectors.computations import current_computation
from benchlearn.results.selectors.minimum import group_figures_withheld

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser

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
class IndicatorEvidence:
    row: PracticeIndicator
    info: IndicatorInfo | None = None
    effect: Effect | None = None
    facts: list[tuple[str, str]] = field(default_factory=list)
    chart: Chart | None = None
    note: str = ""

    @property
    def code(self) -> str:
        return self.row.indicator.code

    @property
    def measured(self) -> bool:
        return bool(self.facts)


@dataclass
class PracticeEvidence:
    group: ExchangeGroup | None = None
    no_results: str = ""
    withheld: str = ""
    indicators: list[IndicatorEvidence] = field(default_factory=list)


def _comparison(
    practice: Practice, computation: Computation | None
) -> tuple[ExchangeGroup | None, ComparisonGroup | None]:
    """The practice's exchange group (else the first of the unit's groups with stored
    results) and its stored comparison group."""
    if practice.group is not None:
        return practice.group, exchange_comparison(practice.group, computation)
    for group in practice.unit.exchange_groups.order_by("pk"):
        comparison = exchange_comparison(group, computation)
        if comparison is not None:
            return group, comparison
    return None, None


def public_minimum(group: ExchangeGroup | None) -> int:
    """How many units must stand behind a group's figure shown to the public."""
    programme = group.programme if group is not None else None
    return programme.public_min_units if programme is not None else PUBLIC_MIN_UNITS_DEFAULT


def practice_evidence(
    user: AnyUser, practice: Practice, *, charts: bool = True, public: bool = False
) -> PracticeEvidence:
    """Each indicator of ``practice`` measured for ``user`` (who may read it); for the
    public (``public``) with the group's figures under the public minimum left out."""
    rows = list(practice.indicators.select_related("indicator"))
    # The public reads only what the office has published: nothing of a newer run.
    computation = published_computation() if public else current_computation()
    group, comparison = _comparison(practice, computation)
    if computation is None or comparison is None:
        no_results = _("There are no stored results to measure the practice by yet.")
        if public:
            no_results = _("There are no published results to measure the practice by yet.")
        return PracticeEvidence(
            group=group, no_results=no_results, indicators=[IndicatorEvidence(row) for row in rows]
        )
    withheld = group_figures_withheld(user, comparison, computation)
    minimum = public_minimum(group) if public else 0
    infos = computed_indicators(computation, language=get_language() or "pl")
    members = set(comparison.members.values_list("pk", flat=True))
    found = PracticeEvidence(group=group, withheld=withheld)
    for row in rows:
        info = infos.get(row.indicator.code)
        if info is None:
            note = _("The current results do not include this indicator.")
            found.indicators.append(IndicatorEvidence(row, note=note))
            continue
        measured = _measured(
            practice, row, info, computation, comparison, members, withheld=bool(withheld),
            chart=charts, minimum=minimum,
        )  # fmt: skip
        found.indicators.append(measured)
    return found


def _measured(
    practice: Practice,
    row: PracticeIndicator,
    info: IndicatorInfo,
    computation: Computation,
    comparison: ComparisonGroup,
    members: set[int],
    *,
    withheld: bool,
    chart: bool,
    minimum: int,
) -> IndicatorEvidence:
    series = series_of(computation, info.pk, members | {practice.unit_id})
    own = series.get(practice.unit_id, {})
    later = [y for y, v in own.items() if v is not None and y > row.before_year]
    after = row.after_year or max(later, default=row.before_year)
    in_group = {pk: values for pk, values in series.items() if pk in members}
    in_group[practice.unit_id] = own
    found = measure_effect(
        own, keyed(in_group), baseline_year=row.before_year, latest_year=after,
        polarity=info.polarity,
    )  # fmt: skip
    below_minimum = found.members < minimum
    if withheld or below_minimum:
        found = dataclasses.replace(found, **_GROUP_FIELDS)  # type: ignore[arg-type]
    drawn = (
        _chart(practice, info, own, comparison, row, withheld=withheld, minimum=minimum)
        if chart
        else None
    )
    if found.reason in (NOT_LATER, NO_BASELINE, NO_LATEST):
        note = _("The stored results have no value of the unit in %(years)s.") % {
            "years": f"{row.before_year}–{after}" if after > row.before_year else row.before_year
        }
        if found.reason == NOT_LATER:
            note = _("No result after %(year)s yet.") % {"year": row.before_year}
        return IndicatorEvidence(row, info, found, chart=drawn, note=note)
    note = ""
    if below_minimum and not withheld and found.members:
        note = _(
            "The group's change is not published: %(count)s units have results in both "
            "years, and a public figure rests on at least %(minimum)s."
        ) % {"count": found.members, "minimum": minimum}
    facts = evidence_facts(found, info)
    return IndicatorEvidence(row, info, found, facts=facts, chart=drawn, note=note)


def _chart(
    practice: Practice,
    info: IndicatorInfo,
    own: dict[int, float | None],
    comparison: ComparisonGroup,
    row: PracticeIndicator,
    *,
    withheld: bool,
    minimum: int,
) -> Chart | None:
    stats: dict[int, tuple[float | None, float | None, float | None]] = {}
    if not withheld:
        rows = GroupStat.objects.filter(group=comparison, indicator_id=info.pk, n__gte=minimum)
        stats = {
            p: (m, q1, q3) for p, m, q1, q3 in rows.values_list("period", "median", "q1", "q3")
        }
    periods = sorted({*(p for p, v in own.items() if v is not None), *stats})
    if not any(own.get(p) is not None for p in periods):
        return None
    years = [EffectYear(p, own.get(p), *stats.get(p, (None, None, None))) for p in periods]
    return effect_chart(
        title=f"{info.name} ({info.unit})" if info.unit else info.name,
        years=years,
        decimals=info.decimals,
        unit_of_measure=info.unit,
        baseline_year=row.before_year,
        unit_label=practice.unit.name,
    )


def evidence_facts(found: Effect, info: IndicatorInfo) -> list[tuple[str, str]]:
    """Before, after, the change and the group's, as (label, value) lines."""
    number = number_formatter()
    places = info.decimals
    change = signed(found.change, places)
    if found.improved is not None:
        change += f" ({verdict_word(found.improved)})"
    facts = [
        (_("Before"), f"{number(found.baseline, places)} ({found.baseline_year})"),
        (_("After"), f"{number(found.latest, places)} ({found.latest_year})"),
        (_("Own change"), change),
    ]
    if found.group_median_change is None:
        return facts
    return facts + group_change_facts(found, places)
