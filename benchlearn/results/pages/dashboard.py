"""The unit's dashboard: its indicators against the comparison, weakest first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benchlearn import charts
from benchlearn.engine.stats import Position
from benchlearn.results.pages.context import Context, context_for
from benchlearn.results.pages.efficiency import efficiency_models_for
from benchlearn.results.pages.neighbours import Neighbours, neighbours_for
from benchlearn.results.selectors import (
    IndicatorInfo,
    Stat,
    comparison_stats,
    coverage_of,
    domains_in,
    place,
    unit_indicator_codes,
    unit_results,
)
from benchlearn.units.models import Unit

SORTS = ("weakest", "catalogue", "name")
SMALL_GROUP = 5  # fewer units with a value than this: the comparison is shaky

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


@dataclass(frozen=True)
class RowWords:
    """The words every dashboard row repeats, translated once per page."""

    rank_of: str
    quartiles: dict[str, str]
    # A neutral indicator's position: its side of the median, its quarter of the values
    # and its percentile from the lowest, with no "best" or "worst" in them.
    sides: dict[str, str] = field(default_factory=dict)
    bands: dict[int, str] = field(default_factory=dict)
    level: str = ""

    @classmethod
    def translated(cls) -> RowWords:
        return cls(
            rank_of=_("%(rank)s of %(n)s"),
            quartiles={
                "best": _("best quarter"),
                "good": _("second quarter"),
                "weak": _("third quarter"),
                "worst": _("worst quarter"),
                "neutral": "—",
            },
            sides={
                "below": _("below the median"),
                "around": _("around the median"),
                "above": _("above the median"),
            },
            bands={
                1: _("lowest quarter of values"),
                2: _("between Q1 and the median"),
                3: _("between the median and Q3"),
                4: _("highest quarter of values"),
            },
            level=_("percentile %(level)s from the lowest"),
        )

    def neutral(self, position: Position) -> str:
        """ "above the median, between the median and Q3, percentile 62 from the lowest"."""
        if position.side is None or position.band is None or position.level is None:
            return ""
        level = self.level % {"level": f"{position.level:.0f}"}
        return f"{self.sides[position.side]}, {self.bands[position.band]}, {level}"


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
        if self.words is None:
            return ""
        if self.position is not None and not self.position.ranked:
            return self.words.neutral(self.position) or self.words.quartiles["neutral"]
        return self.words.quartiles[self.quartile_class]

    @property
    def quartile_class(self) -> str:
        """best/good/weak/worst by quartile (1 = best); a neutral indicator's side of the
        median (below/around/above); neutral without a position."""
        if self.position is None:
            return "neutral"
        if self.position.quartile is None:
            return self.position.side or "neutral"
        return ("best", "good", "weak", "worst")[self.position.quartile - 1]

    @property
    def weakness(self) -> tuple[int, float, str]:
        """Sort key: the worst quartile and lowest percentile first, then the neutral
        indicators (which are neither weak nor strong), no position last."""
        if self.position is None:
            return (2, 0.0, self.indicator.code)
        if self.position.percentile is None:
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
    # Chosen indicators without any value in the comparison and year: named in one line.
    empty: list[IndicatorInfo] = field(default_factory=list)
    empty_domains: frozenset[str] = frozenset()  # domains without any value at all

    @property
    def empty_names(self) -> str:
        return ", ".join(info.name for info in self.empty)

    @property
    def domain_links(self) -> list[tuple[str, str, bool]]:
        """(code, name, empty) of the domains, an empty one marked rather than linked."""
        return [(code, name, code in self.empty_domains) for code, name in self.domains]


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
    coverage = coverage_of(every, stats, context.year)
    wanted = {i.code for i in chosen}
    empty = [i for i in coverage.empty if i.code in wanted]
    chosen = [i for i in coverage.shown if i.code in wanted]
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
    # Only the models the unit has data for: the others say nothing about it.
    models = [(m.code, m.name(language)) for m in efficiency_models_for(context.computation, unit)]
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
        empty,
        coverage.empty_domains,
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
