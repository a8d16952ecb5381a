"""Who to learn from: for a unit's weak indicators, the similar units (its nearest
neighbours, its kind and population band) that are in the best quarter or among the
most improved, with what they did (published practices, adopted plan actions) and
their weight as the unit's efficient peers (DEA) in the indicator's domain.

The results pages sit below practices and plans in the layers, so they do not call
this: the practices' template tag ``learn_from`` renders it on them. Every read is
batched over the indicators and the units, so a page's queries do not grow with them.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse

from benchlearn.accounts.access import Perm, active_account, may, roles_of
from benchlearn.engine.effects import most_improved
from benchlearn.engine.stats import Position
from benchlearn.groups.models import ExchangeGroup
from benchlearn.notifications.introductions import member_reference
from benchlearn.plans.models import Action
from benchlearn.plans.selectors import adopted_actions_readable
from benchlearn.practices.models import Audience, Practice
from benchlearn.practices.selectors import practices_published_for
from benchlearn.results.models import ComparisonKind, EfficiencyScore, Result
from benchlearn.results.pages import Context
from benchlearn.results.selectors import (
    IN_LIST_LIMIT,
    Comparison,
    IndicatorInfo,
    Stat,
    comparison_stats,
    letter_order,
    member_ids,
    ordered_labels,
    place,
    unit_names,
)

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser

# A compact section: the weakest few indicators, the best few units for each.
INDICATORS_SHOWN = 5
UNITS_SHOWN = 3
SIMILAR = (ComparisonKind.NEIGHBOURS, ComparisonKind.BAND)


@dataclass
class Suggestion:
    """A unit to learn from on one indicator, as the reader may see it."""

    label: str  # its name, or its letter in ``comparison`` where names are hidden
    named: bool
    comparison: str  # the label of the comparison it is similar in
    best: bool  # in the best quarter of that comparison
    improved_rank: int | None  # among its most improved since the year before
    change: float | None
    dea_weight: float | None  # λ as the reader's unit's efficient peer
    practices: list[Practice] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    introduction_url: str = ""  # where the reader may ask to be introduced


@dataclass
class WeakIndicator:
    info: IndicatorInfo
    position: Position
    url: str
    suggestions: list[Suggestion]


@dataclass
class LearnFrom:
    indicators: list[WeakIndicator]
    weak: int  # all the weak indicators, some perhaps not shown
    year: int

    @property
    def more(self) -> int:
        return self.weak - len(self.indicators)


def is_weak(position: Position | None) -> bool:
    """In the worst two quarters: below the median on the indicator's better side."""
    return position is not None and position.quartile is not None and position.quartile >= 3


@dataclass
class _Candidate:
    pk: int
    comparison: Comparison
    best: bool
    value: float
    improved_rank: int | None = None
    change: float | None = None


def learn_from_for(
    user: AnyUser,
    context: Context,
    positions: list[tuple[IndicatorInfo, Position | None]],
    *,
    limit: int = INDICATORS_SHOWN,
) -> LearnFrom:
    """Who ``context.unit`` may learn from on its weak indicators among ``positions``
    (its positions on the page's comparison), the weakest ``limit`` of them."""
    weak = [(info, pos) for info, pos in positions if is_weak(pos) and pos is not None]
    weak.sort(key=lambda item: (item[1].percentile is None, item[1].percentile or 0.0))
    chosen = weak[:limit]
    result = LearnFrom([], len(weak), context.year)
    if not chosen:
        return result
    infos = {info.code: info for info, _pos in chosen}
    similar = _similar(context, infos)
    candidates = _candidates(context, infos, similar)
    found = {c.pk for per in candidates.values() for c in per}
    named = _named_units(user, context, found)
    labels = _labels(context, infos, similar, candidates, named)
    weights = _dea_weights(context)
    practices = _practices(user, found, infos)
    actions = _actions(user, found, infos)
    may_ask = may(user, Perm.INTRODUCTION_REQUEST, context.unit)
    url = reverse("unit-indicator", args=[context.unit.teryt, "CODE"]).replace("/CODE/", "/{}/")
    for info, position in chosen:
        suggestions = []
        for candidate in candidates.get(info.code, []):
            is_named = candidate.pk in named
            suggestions.append(
                Suggestion(
                    label=labels[(info.code, candidate.pk)],
                    named=is_named,
                    comparison=candidate.comparison.label,
                    best=candidate.best,
                    improved_rank=candidate.improved_rank,
                    change=candidate.change,
                    dea_weight=weights.get((info.domain, candidate.pk)),
                    practices=practices.get((candidate.pk, info.pk), []),
                    actions=actions.get((candidate.pk, info.code), []),
                    introduction_url=""
                    if is_named or not may_ask
                    else _introduction_url(context, info, candidate),
                )
            )
        result.indicators.append(
            WeakIndicator(
                info,
                position,
                url.format(info.code) + "?" + context.query,
                suggestions,
            )
        )
    return result


@dataclass
class _Similar:
    """A comparison of similar units, read once: its members and their values of the
    indicators this year and the year before."""

    comparison: Comparison
    members: list[int]
    values: dict[tuple[int, int], dict[int, float | None]]


def _similar(context: Context, infos: dict[str, IndicatorInfo]) -> list[_Similar]:
    """The nearest neighbours, then the kind and population band, where offered."""
    found = []
    for comparison in sorted(
        (c for c in context.comparisons if c.kind in SIMILAR and not c.withheld),
        key=lambda c: SIMILAR.index(ComparisonKind(c.kind)),
    ):
        members = member_ids(comparison, context.unit, context.computation)
        found.append(_Similar(comparison, members, _values(context, infos, members)))
    return found


def _candidates(
    context: Context, infos: dict[str, IndicatorInfo], similar: list[_Similar]
) -> dict[str, list[_Candidate]]:
    """Indicator code -> the similar units in the best quarter or the most improved,
    best first; never the unit itself."""
    unit, computation, year = context.unit, context.computation, context.year
    chosen: dict[str, dict[int, _Candidate]] = defaultdict(dict)
    for each in similar:
        comparison, members, values = each.comparison, each.members, each.values
        stats = comparison_stats(comparison, unit, computation, infos, [year])
        for code, info in infos.items():
            now = values.get((info.pk, year), {})
            found = chosen[code]
            for pk, value in now.items():
                if pk == unit.pk or pk in found or value is None:
                    continue
                if _best(value, stats.get((code, year)), info.polarity):
                    found[pk] = _Candidate(pk, comparison, True, value)
            series = {
                str(pk): {p: values.get((info.pk, p), {}).get(pk) for p in (year - 1, year)}
                for pk in members
            }
            ranking = most_improved(
                series, from_year=year - 1, to_year=year, polarity=info.polarity
            )
            for improvement in ranking.top(UNITS_SHOWN):
                pk = int(improvement.key)
                if pk == unit.pk:
                    continue
                if pk not in found:
                    found[pk] = _Candidate(pk, comparison, False, improvement.latest)
                if found[pk].comparison is comparison:
                    found[pk].improved_rank = improvement.rank
                    found[pk].change = improvement.change
    ordered: dict[str, list[_Candidate]] = {}
    for code, found in chosen.items():
        sign = 1.0 if infos[code].polarity == "lower" else -1.0
        ordered[code] = sorted(
            found.values(),
            key=lambda c: (not c.best, c.improved_rank or 0, sign * c.value, c.pk),
        )[:UNITS_SHOWN]
    return ordered


def _best(value: float, stat: Stat | None, polarity: str) -> bool:
    position = place(value, stat, polarity)
    return position is not None and position.quartile == 1


def _values(
    context: Context, infos: dict[str, IndicatorInfo], members: list[int]
) -> dict[tuple[int, int], dict[int, float | None]]:
    """(indicator id, period) -> unit id -> value, this year and the year before."""
    wanted = set(members)
    rows = Result.objects.filter(
        computation=context.computation,
        indicator_id__in=[info.pk for info in infos.values()],
        period__in=[context.year - 1, context.year],
    )
    if len(wanted) <= IN_LIST_LIMIT:
        rows = rows.filter(unit_id__in=wanted)
    found: dict[tuple[int, int], dict[int, float | None]] = defaultdict(dict)
    for unit_id, indicator_id, period, value in rows.values_list(
        "unit_id", "indicator_id", "period", "value"
    ):
        if unit_id in wanted:
            found[(indicator_id, period)][unit_id] = (
                None if value is None or math.isnan(value) else value
            )
    return found


def _named_units(user: AnyUser, context: Context, found: set[int]) -> set[int]:
    """The units the reader sees by name: every one for the office; else, where the
    page's comparison shows names, those of an exchange group of the reader's unit that
    shows names and the reader may open (the results pages' rule, ``access.names_shown``)."""
    account = active_account(user)
    if account is None or not found:
        return set()
    if account.is_operator:
        return set(found)
    # On a comparison whose units are letters to the reader (programme-wide ones, an
    # anonymised group), a name beside a letter of the same page would tell who it is.
    if not context.comparison.names_shown:
        return set()
    groups = ExchangeGroup.objects.filter(units=context.unit, anonymised=False).filter(
        Q(moderator_id=account.pk) | Q(units__memberships__user_id=account.pk)
    )
    open_units = ExchangeGroup.units.through.objects.filter(
        exchangegroup_id__in=groups.values("pk"), unit_id__in=found
    ).values_list("unit_id", flat=True)
    return set(open_units)


def _labels(
    context: Context,
    infos: dict[str, IndicatorInfo],
    similar: list[_Similar],
    candidates: dict[str, list[_Candidate]],
    named: set[int],
) -> dict[tuple[str, int], str]:
    """(indicator code, unit id) -> its name, or its letter on the indicator's page of
    the comparison it was found in (the letters the introduction form offers)."""
    every = {pk for each in similar for pk in each.members} | {context.unit.pk}
    names = unit_names(every)
    labels = {(code, c.pk): names.get(c.pk, "") for code, per in candidates.items() for c in per}
    for each in similar:
        comparison = each.comparison
        members = {pk: names.get(pk, "") for pk in [*each.members, context.unit.pk]}
        for code, per in candidates.items():
            hidden = [c for c in per if c.pk not in named and c.comparison is comparison]
            if not hidden:
                continue
            info = infos[code]
            _order, letters = ordered_labels(
                comparison,
                context.unit,
                members,
                context.computation,
                by=letter_order(each.values.get((info.pk, context.year), {}), info.polarity),
                topic=f"{code}:{context.year}",
            )
            for candidate in hidden:
                labels[(code, candidate.pk)] = letters[candidate.pk]
    return labels


def _introduction_url(context: Context, info: IndicatorInfo, candidate: _Candidate) -> str:
    """The introduction form of the comparison the unit was found in, the unit chosen."""
    there = dataclasses.replace(context, comparison=candidate.comparison)
    reference = member_reference(there, info, candidate.pk)
    return (
        reverse("introduction-new", args=[context.unit.teryt])
        + f"?group={candidate.comparison.choice}&year={context.year}"
        + f"&indicator={info.code}&member={reference}"
    )


def _dea_weights(context: Context) -> dict[tuple[str, int], float]:
    """(domain code, unit id) -> its weight (λ) as the unit's efficient peer in a DEA
    model of that domain this year (the largest over the domain's models)."""
    weights: dict[tuple[str, int], float] = {}
    scores = EfficiencyScore.objects.filter(
        computation=context.computation, unit=context.unit, period=context.year
    ).values_list("model__domain__code", "peers")
    for domain, peers in scores:
        if not domain:
            continue
        for pk, weight in peers or []:
            key = (domain, int(pk))
            if int(pk) != context.unit.pk and float(weight) > weights.get(key, 0.0):
                weights[key] = float(weight)
    return weights


def _practices(
    user: AnyUser, units: set[int], infos: dict[str, IndicatorInfo]
) -> dict[tuple[int, int], list[Practice]]:
    """(unit id, indicator id) -> the unit's published practices measured on it that
    the reader may read: the members' ones for anyone with a role in the programme,
    those published to everyone otherwise."""
    if not units:
        return {}
    audience = Audience.PUBLIC if roles_of(user).public else Audience.MEMBERS
    ids = {info.pk for info in infos.values()}
    found: dict[tuple[int, int], list[Practice]] = defaultdict(list)
    practices = practices_published_for(
        indicator_ids=ids, unit_ids=units, audience=audience
    ).prefetch_related("indicators")
    for practice in practices:
        for measured in practice.indicators.all():
            if measured.indicator_id in ids:
                found[(practice.unit_id, measured.indicator_id)].append(practice)
    return found


def _actions(
    user: AnyUser, units: set[int], infos: dict[str, IndicatorInfo]
) -> dict[tuple[int, str], list[Action]]:
    """(unit id, indicator code) -> the actions of the unit's adopted plans aimed at it
    that the reader may read."""
    found: dict[tuple[int, str], list[Action]] = defaultdict(list)
    for action in adopted_actions_readable(user, unit_ids=units, codes=set(infos)):
        for aimed in action.indicators.all():
            if aimed.indicator_code in infos:
                found[(action.plan.unit_id, aimed.indicator_code)].append(action)
    return found
