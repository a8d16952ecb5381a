"""What the comparison pages show, assembled from stored results (see ``selectors``)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benchlearn import charts
from benchlearn.accounts.access import Perm, may
from benchlearn.catalogue.models import Variable
from benchlearn.engine.stats import Position, ranks_in_group
from benchlearn.results.models import (
    ComparisonKind,
    Computation,
    EfficiencyModel,
    EfficiencyScore,
    Neighbour,
)
from benchlearn.results.selectors import (
    Comparison,
    IndicatorInfo,
    Stat,
    comparison_get,
    comparison_stats,
    computed_indicators,
    current_computation,
    domains_in,
    indicator_values,
    labels_from_names,
    member_ids,
    place,
    result_periods,
    unit_indicator_codes,
    unit_names,
    unit_results,
)
from benchlearn.units.models import ContextValue, Unit

SORTS = ("weakest", "catalogue", "name")
SMALL_GROUP = 5  # fewer units with a value than this: the comparison is shaky

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


@dataclass
class Context:
    """What every comparison page of a unit shares: the computation, the comparison
    chosen (and those offered), the year and the years with results."""

    unit: Unit
    computation: Computation
    comparison: Comparison
    comparisons: list[Comparison]
    year: int
    years: list[int]
    indicators: dict[str, IndicatorInfo]

    @property
    def query(self) -> str:
        return f"group={self.comparison.choice}&year={self.year}"


def context_for(user: AnyUser, unit: Unit, *, choice: str, year: str) -> Context:
    """Http404 with a message when there are no results or the year or group is unknown."""
    computation = current_computation()
    if computation is None or computation.first_period is None:
        raise Http404(
            _("Results have not been computed yet: they appear once an operator has approved data.")
        )
    comparison, offered = comparison_get(user, unit, computation, choice)
    years = result_periods(computation, unit)
    if not years:
        raise Http404(_("There are no results for %(unit)s yet.") % {"unit": unit.name})
    chosen = years[-1]
    if year:
        if not year.isdigit() or int(year) not in years:
            raise Http404(
                _("%(unit)s has no results for %(year)s.") % {"unit": unit.name, "year": year[:8]}
            )
        chosen = int(year)
    indicators = computed_indicators(computation, language=get_language() or "pl")
    return Context(unit, computation, comparison, offered, chosen, years, indicators)


# --- The unit's dashboard ---------------------------------------------------------------


@dataclass(frozen=True)
class RowWords:
    """The words every dashboard row repeats, translated once per page."""

    rank_of: str
    quartiles: dict[str, str]

    @classmethod
    def translated(cls) -> RowWords:
        return cls(
            rank_of=_("%(rank)s of %(n)s"),
            quartiles={
                "best": _("best quarter"),
                "good": _("second quarter"),
                "weak": _("third quarter"),
                "worst": _("worst quarter"),
                "neutral": _("not ranked"),
            },
        )


@dataclass
class DashboardRow:
    indicator: IndicatorInfo
    value: float | None
    flag: str
    stat: Stat | None
    position: Position | None
    previous: float | None
    sparkline: charts.Chart
    quality: list[str] = field(default_factory=list)
    formatter: Callable[[float | None, int], str] = charts.format_number
    url: str = ""  # the indicator's page in the same comparison and year
    words: RowWords | None = None

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    def _text(self, value: float | None) -> str:
        return self.formatter(value, self.indicator.decimals)

    @property
    def value_text(self) -> str:
        return self._text(self.value)

    @property
    def median_text(self) -> str:
        return self._text(self.stat.median if self.stat else None)

    @property
    def quartiles_text(self) -> str:
        if self.stat is None or self.stat.q1 is None:
            return "—"
        return f"{self._text(self.stat.q1)} – {self._text(self.stat.q3)}"

    @property
    def change_text(self) -> str:
        change = self.change
        return "—" if change is None else ("+" if change > 0 else "") + self._text(change)

    @property
    def rank_text(self) -> str:
        if self.position is None or not self.position.rank or self.words is None:
            return "—"
        return self.words.rank_of % {"rank": self.position.rank, "n": self.position.n}

    @property
    def quartile_label(self) -> str:
        return self.words.quartiles[self.quartile_class] if self.words else ""

    @property
    def quartile_class(self) -> str:
        """best/good/weak/worst by quartile (1 = best), neutral without one."""
        if self.position is None or self.position.quartile is None:
            return "neutral"
        return ("best", "good", "weak", "worst")[self.position.quartile - 1]

    @property
    def weakness(self) -> tuple[int, float, str]:
        """Sort key: the worst quartile and lowest percentile first, no position last."""
        if self.position is None or self.position.percentile is None:
            return (1, 0.0, self.indicator.code)
        return (0, self.position.percentile, self.indicator.code)


@dataclass
class Dashboard:
    context: Context
    rows: list[DashboardRow]
    domains: list[tuple[str, str]]
    categories: list[tuple[str, str]]
    domain: str
    category: str
    sort: str
    efficiency_models: list[tuple[str, str]] = field(default_factory=list)  # code, name
    scope: str = "all"  # "sets": the indicators of the unit's collection rounds
    has_sets: bool = False
    neighbours: Neighbours | None = None  # why these units, for the nearest neighbours


def dashboard_for(
    user: AnyUser,
    unit: Unit,
    *,
    choice: str,
    year: str,
    domain: str,
    category: str,
    sort: str,
    scope: str = "",
) -> Dashboard:
    """The unit's indicators against the comparison: those of the indicator sets of
    the unit's collection rounds (``scope`` "all": every computed indicator; a unit in
    no round gets every one)."""
    context = context_for(user, unit, choice=choice, year=year)
    indicators = context.indicators
    in_sets = unit_indicator_codes(unit)
    scope = "all" if scope == "all" or not in_sets else "sets"
    every = [i for i in indicators.values() if scope == "all" or i.code in in_sets]
    chosen = [
        i
        for i in every
        if (not domain or i.domain == domain) and (not category or i.category == category)
    ]
    stats = comparison_stats(
        context.comparison, unit, context.computation, indicators, [context.year]
    )
    own = unit_results(context.computation, [unit.pk], [i.pk for i in chosen])
    formatter = charts.number_formatter()
    words = RowWords.translated()
    # Indicator codes are letters, digits and "_": the page's URL is built once.
    url = reverse("unit-indicator", args=[unit.teryt, "CODE"]).replace("/CODE/", "/{}/")
    url += "?" + context.query
    rows = [_row(info, own, stats, unit, context, formatter, words, url) for info in chosen]
    sort = sort if sort in SORTS else "weakest"
    if sort == "weakest":
        rows.sort(key=lambda row: row.weakness)
    elif sort == "name":
        rows.sort(key=lambda row: row.indicator.name.lower())
    categories = sorted({(i.category, i.category_label) for i in every}, key=lambda c: c[1])
    language = get_language() or "pl"
    models = [(m.code, m.name(language)) for m in EfficiencyModel.objects.order_by("code")]
    return Dashboard(
        context,
        rows,
        domains_in(every, language=language),
        categories,
        domain,
        category,
        sort,
        models,
        scope,
        bool(in_sets),
        neighbours_for(user, context),
    )


def _row(
    info: IndicatorInfo,
    own: dict[tuple[int, int, int], tuple[float | None, str]],
    stats: dict[tuple[str, int], Stat],
    unit: Unit,
    context: Context,
    formatter: Callable[[float | None, int], str],
    words: RowWords,
    url: str,
) -> DashboardRow:
    value, flag = own.get((unit.pk, info.pk, context.year), (None, ""))
    previous = own.get((unit.pk, info.pk, context.year - 1), (None, ""))[0]
    stat = stats.get((info.code, context.year))
    history = [own.get((unit.pk, info.pk, year), (None, ""))[0] for year in context.years]
    quality = []
    if flag == "div0":
        quality.append(_("division by zero"))
    elif value is None:
        quality.append(_("no value"))
    if stat is not None and 0 < stat.n < SMALL_GROUP:
        quality.append(_("small group (%(n)s)") % {"n": stat.n})
    return DashboardRow(
        indicator=info,
        value=value,
        flag=flag,
        stat=stat,
        position=place(value, stat, info.polarity),
        previous=previous,
        sparkline=charts.sparkline(
            history,
            periods=context.years,
            decimals=info.decimals,
            title=info.name,
            with_table=False,
        ),
        quality=quality,
        formatter=formatter,
        url=url.format(info.code),
        words=words,
    )


# --- Why these neighbours ----------------------------------------------------------------


@dataclass
class NeighbourRow:
    label: str
    unit: Unit | None  # linked where the viewer may open it
    distance: float
    shares: list[str]  # each context variable's part of the distance, in per cent
    values: list[str]  # the neighbour's context values


# A context figure's part of the differences, over all the neighbours, in words: where
# names are hidden nothing finer is shown (see ``Neighbours``).
WEIGHT_BANDS = ((0.5, "large"), (0.2, "moderate"), (0.0, "small"))


@dataclass
class Neighbours:
    """The unit's nearest neighbours by context and why: each variable's share of the
    (standardised, weighted) distance, neighbour by neighbour, where names are shown.

    Where names are hidden, no neighbour is shown at all, neither its figures nor its
    distance and shares: with the unit's own figures and the public register they
    point to the neighbour (a population is as telling as a name), and so to its letter
    on the other pages. Only each figure's part of the differences over all the
    neighbours is said, in words (``weights``), and how many they are."""

    variables: list[str]  # names with units of measure
    own: list[str]  # the unit's own context values
    rows: list[NeighbourRow]  # empty where names are hidden
    names_shown: bool
    weights: list[str] = field(default_factory=list)  # where names are hidden
    count: int = 0

    @property
    def own_figures(self) -> list[tuple[str, str, str]]:
        weights = self.weights or [""] * len(self.variables)
        return list(zip(self.variables, self.own, weights, strict=True))


def neighbours_for(user: AnyUser, context: Context) -> Neighbours | None:
    """For the nearest-neighbours comparison only (None otherwise)."""
    if context.comparison.kind != ComparisonKind.NEIGHBOURS:
        return None
    unit, computation = context.unit, context.computation
    stored = list(
        Neighbour.objects.filter(computation=computation, unit=unit)
        .select_related("peer")
        .order_by("rank")
    )
    codes = list(settings.NEIGHBOUR_WEIGHTS)
    english = (get_language() or "pl").startswith("en")
    variables = {v.code: v for v in Variable.objects.filter(code__in=codes)}

    def title(code: str) -> str:
        variable = variables.get(code)
        if variable is None:
            return code
        name = variable.name_en if english and variable.name_en else variable.name_pl
        return f"{name} ({variable.unit})" if variable.unit else name

    shown = context.comparison.names_shown
    units = [unit.pk, *(n.peer_id for n in stored)] if shown else [unit.pk]
    newest: dict[tuple[int, str], float] = {}
    for unit_id, code, value in (
        ContextValue.objects.filter(unit_id__in=units, variable__code__in=codes)
        .order_by("unit_id", "variable__code", "-year")
        .values_list("unit_id", "variable__code", "value")
    ):
        newest.setdefault((unit_id, code), value)
    number = charts.number_formatter()

    def figures(unit_id: int) -> list[str]:
        return [number(newest.get((unit_id, code)), 0 if code == "POP" else 1) for code in codes]

    own = figures(unit.pk)
    titles = [title(code) for code in codes]
    if not shown:
        weights = [_weight_band([(n.shares or {}).get(code) for n in stored]) for code in codes]
        return Neighbours(titles, own, [], False, weights, len(stored))
    labels = labels_from_names(context.comparison, unit, unit_names(units), computation)
    rows = []
    for neighbour in stored:
        peer = neighbour.peer
        shares = neighbour.shares or {}
        rows.append(
            NeighbourRow(
                label=labels.get(peer.pk, peer.name),
                unit=peer if may(user, Perm.UNIT_VIEW, peer) else None,
                distance=neighbour.distance,
                shares=[
                    "—" if shares.get(code) is None else f"{number(100 * shares[code], 0)} %"
                    for code in codes
                ],
                values=figures(peer.pk),
            )
        )
    return Neighbours(titles, own, rows, True, count=len(stored))


def _weight_band(shares: list[float | None]) -> str:
    """A figure's mean share of the neighbours' distances, in words."""
    known = [share for share in shares if share is not None]
    if not known:
        return "—"
    mean = sum(known) / len(known)
    words = {
        "large": _("a large part"),
        "moderate": _("a moderate part"),
        "small": _("a small part"),
    }
    return next(words[band] for low, band in WEIGHT_BANDS if mean >= low)


# --- One indicator --------------------------------------------------------------------


@dataclass
class MemberRow:
    label: str
    own: bool
    value: float | None
    position: Position | None
    gap_median: float | None
    gap_best: float | None


@dataclass
class IndicatorPage:
    context: Context
    indicator: IndicatorInfo
    stat: Stat | None
    rows: list[MemberRow]
    bar: charts.Chart
    box: charts.Chart
    own_value: float | None
    units_in_group: int = 0  # rows before a large group's table was cut

    @property
    def rows_left_out(self) -> int:
        return self.units_in_group - len(self.rows)


# A group larger than this shows the best and the worst few units and those around the
# viewer's unit; the full table is a download (a page of 2,800 rows helps nobody).
LARGE_GROUP = 60
AROUND = 10


def _shown(owns: list[bool]) -> list[int]:
    """Which rows (ranked best first; ``owns`` marks the viewer's) a page lists."""
    if len(owns) <= LARGE_GROUP:
        return list(range(len(owns)))
    own = next((i for i, mine in enumerate(owns) if mine), None)
    keep = set(range(AROUND)) | set(range(len(owns) - AROUND, len(owns)))
    if own is not None:
        keep |= set(range(max(own - AROUND, 0), min(own + AROUND + 1, len(owns))))
    return sorted(keep)


def indicator_page_for(
    user: AnyUser, unit: Unit, code: str, *, choice: str, year: str, every_row: bool = False
) -> IndicatorPage:
    """One indicator in the comparison: a large group's table is cut (``_shown``) unless
    ``every_row`` (the table's download). Units are ranked at once from the group's
    sorted values; only the rows listed get their full position."""
    context = context_for(user, unit, choice=choice, year=year)
    info = context.indicators.get(code)
    if info is None:
        raise Http404(_("There is no computed indicator %(code)s.") % {"code": code[:64]})
    computation, comparison = context.computation, context.comparison
    stats = comparison_stats(
        comparison, unit, computation, {code: info}, context.years, sorted_values=[context.year]
    )
    stat = stats.get((code, context.year))
    members = member_ids(comparison, unit, computation)
    values = indicator_values(computation, info.pk, context.year, members)
    present = [pk for pk in members if pk in values or pk == unit.pk]
    # Letters are given over every member, so a unit has the same letter on every page.
    labels = labels_from_names(comparison, unit, unit_names([*members, unit.pk]), computation)
    value_of = np.array(
        [_number_or_nan(values.get(pk, (None, ""))[0]) for pk in present], dtype=np.float64
    )
    has_value = ~np.isnan(value_of)
    ranks = np.zeros(len(present), dtype=np.int64)
    ranked = stat is not None and stat.n > 0 and info.polarity != "neutral"
    if ranked and stat is not None:
        ranks[has_value] = ranks_in_group(value_of[has_value], stat.values, info.polarity)
    order = sorted(
        range(len(present)),
        key=lambda i: (
            not (ranked and has_value[i]),
            int(ranks[i]) if ranked and has_value[i] else 0,
            -(value_of[i] if has_value[i] else 0.0),
            labels[present[i]],
        ),
    )
    owns = [present[i] == unit.pk for i in order]
    shown = range(len(order)) if every_row else _shown(owns)
    rows = []
    for place_in_order in shown:
        pk = present[order[place_in_order]]
        value = values.get(pk, (None, ""))[0]
        position = place(value, stat, info.polarity)
        rows.append(
            MemberRow(
                label=labels[pk],
                own=pk == unit.pk,
                value=value,
                position=position,
                gap_median=position.gap_median_pct if position else None,
                gap_best=position.gap_best_pct if position else None,
            )
        )
    own_value = values.get(unit.pk, (None, ""))[0]
    bar = charts.bar_chart(
        title=_("%(indicator)s in %(year)s: %(group)s")
        % {"indicator": info.name, "year": context.year, "group": comparison.label},
        items=[
            charts.BarItem(labels[present[i]], float(value_of[i]), present[i] == unit.pk)
            for i in order
            if has_value[i]
        ],
        median=stat.median if stat else None,
        polarity=info.polarity,
        decimals=info.decimals,
        unit_of_measure=info.unit,
    )
    own_history = unit_results(computation, [unit.pk], [info.pk])
    box = charts.box_plot(
        title=_("%(indicator)s over the years: %(group)s")
        % {"indicator": info.name, "group": comparison.label},
        years=[
            charts.YearSummary(
                period=year,
                min=s.minimum,
                q1=s.q1,
                median=s.median,
                q3=s.q3,
                max=s.maximum,
                own=own_history.get((unit.pk, info.pk, year), (None, ""))[0],
            )
            for year in context.years
            if (s := stats.get((code, year))) is not None and s.n > 0
        ],
        decimals=info.decimals,
        unit_of_measure=info.unit,
    )
    # The chart's data table is cut as the page's (the chart itself shows every unit).
    table_rows = bar.table.rows
    cut = [table_rows[i] for i in _shown([r.own for r in table_rows])]
    bar = dataclasses.replace(bar, table=charts.Table(bar.table.headers, cut))
    return IndicatorPage(context, info, stat, rows, bar, box, own_value, len(present))


def _number_or_nan(value: float | None) -> float:
    return math.nan if value is None else value


def finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


# --- A domain's profile -----------------------------------------------------------------


@dataclass
class ProfileRow:
    indicator: IndicatorInfo
    value: float | None
    position: Position | None


@dataclass
class DomainProfile:
    context: Context
    domain: str
    domain_name: str
    rows: list[ProfileRow]
    chart: charts.Chart
    domains: list[tuple[str, str]]


def domain_profile_for(
    user: AnyUser, unit: Unit, domain: str, *, choice: str, year: str
) -> DomainProfile:
    """The unit's percentile on every indicator of a domain (100 = best, oriented by
    polarity; neutral indicators have none and are listed without a position)."""
    context = context_for(user, unit, choice=choice, year=year)
    language = get_language() or "pl"
    domains = domains_in(context.indicators.values(), language=language)
    names = dict(domains)
    if domain not in names:
        raise Http404(_("There is no domain %(code)s among the results.") % {"code": domain[:64]})
    chosen = {c: i for c, i in context.indicators.items() if i.domain == domain}
    stats = comparison_stats(context.comparison, unit, context.computation, chosen, [context.year])
    own = unit_results(
        context.computation, [unit.pk], [i.pk for i in chosen.values()], [context.year]
    )
    rows = []
    for code, info in chosen.items():
        value = own.get((unit.pk, info.pk, context.year), (None, ""))[0]
        rows.append(
            ProfileRow(info, value, place(value, stats.get((code, context.year)), info.polarity))
        )
    chart = charts.profile_chart(
        title=_("%(unit)s in %(domain)s, %(year)s: percentile in %(group)s")
        % {
            "unit": unit.name,
            "domain": names[domain],
            "year": context.year,
            "group": context.comparison.label,
        },
        items=[
            charts.ProfileItem(
                row.indicator.name, row.position.percentile if row.position else None
            )
            for row in rows
        ],
        scale="percentile",
    )
    return DomainProfile(context, domain, names[domain], rows, chart, domains)


# --- Efficiency (DEA) -------------------------------------------------------------------


@dataclass
class EfficiencyRow:
    label: str
    own: bool
    score: float | None
    efficient: bool
    excluded: str


@dataclass
class Peer:
    label: str
    weight: float
    unit: Unit | None  # None where names are hidden: the peer's page is not linked


@dataclass
class EfficiencyPage:
    context: Context
    model: EfficiencyModel
    model_name: str
    inputs: list[str]
    outputs: list[str]
    own: EfficiencyRow | None
    peers: list[Peer]
    rows: list[EfficiencyRow]
    chart: charts.Chart
    models: list[EfficiencyModel]


def efficiency_page_for(
    user: AnyUser, unit: Unit, code: str, *, choice: str, year: str
) -> EfficiencyPage:
    """A DEA model's scores for the comparison's units, the unit's own score and its
    efficient peers with their weights (who to learn from). Scores come from one
    frontier of all units with the model's data in that year."""
    context = context_for(user, unit, choice=choice, year=year)
    model = EfficiencyModel.objects.filter(code=code).first()
    if model is None:
        raise Http404(_("There is no efficiency model %(code)s.") % {"code": code[:64]})
    computation = context.computation
    members = member_ids(context.comparison, unit, computation)
    scores = {
        s.unit_id: s
        for s in EfficiencyScore.objects.filter(
            computation=computation, model=model, period=context.year, unit_id__in=members
        )
    }
    mine = scores.get(unit.pk)
    weights = {int(pk): float(weight) for pk, weight in mine.peers} if mine else {}
    weights.pop(unit.pk, None)
    # Peers come from the frontier of all units. Where names are hidden, a peer in the
    # comparison has the letter of its row and one outside it is said to be so; their
    # pages are not linked.
    labels = labels_from_names(
        context.comparison, unit, unit_names([*members, unit.pk]), computation
    )
    rows = [
        EfficiencyRow(labels[pk], pk == unit.pk, s.score, s.efficient, s.excluded)
        for pk, s in scores.items()
    ]
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.label))
    own = next((r for r in rows if r.own), None)
    peers = []
    if weights:
        peer_units = Unit.objects.in_bulk(list(weights)) if context.comparison.names_shown else {}
        for pk, weight in weights.items():
            peer = peer_units.get(pk)
            openable = peer is not None and may(user, Perm.UNIT_VIEW, peer)
            label = labels.get(pk) or (
                peer.name if peer is not None else _("a unit outside this comparison")
            )
            peers.append(Peer(label, weight, peer if openable else None))
        peers.sort(key=lambda p: (-p.weight, p.label))
    language = get_language() or "pl"
    name = model.name(language)
    chart = charts.efficiency_chart(
        title=_("%(model)s, %(year)s: %(group)s")
        % {"model": name, "year": context.year, "group": context.comparison.label},
        items=[charts.EfficiencyItem(r.label, r.score, r.efficient, r.own) for r in rows],
    )
    return EfficiencyPage(
        context,
        model,
        name,
        list(model.inputs),
        list(model.outputs),
        own,
        peers,
        rows,
        chart,
        list(EfficiencyModel.objects.order_by("code")),
    )
