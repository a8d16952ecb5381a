"""A domain's profile: the unit's percentile on each of the domain's indicators."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benchlearn import charts
from benchlearn.engine.stats import Position
from benchlearn.results.pages.context import Context, context_for
from benchlearn.results.pages.dashboard import RowWords
from benchlearn.results.selectors import (
    IndicatorInfo,
    comparison_stats,
    coverage_of,
    domains_in,
    place,
    unit_results,
)
from benchlearn.units.models import Unit

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


@dataclass
class ProfileRow:
    indicator: IndicatorInfo
    value: float | None
    position: Position | None
    neutral_text: str = ""  # a neutral indicator's place against the median, in words


@dataclass
class DomainProfile:
    context: Context
    domain: str
    domain_name: str
    rows: list[ProfileRow]
    chart: charts.Chart
    domains: list[tuple[str, str]]
    # The domain's indicators without any value in the comparison and year, named in one
    # line; all of them: the domain is empty, and no chart is drawn.
    empty: list[IndicatorInfo] = field(default_factory=list)
    empty_domains: frozenset[str] = frozenset()  # marked among the links to the others

    @property
    def domain_links(self) -> list[tuple[str, str, bool]]:
        return [(code, name, code in self.empty_domains) for code, name in self.domains]

    @property
    def is_empty(self) -> bool:
        return not self.rows

    @property
    def empty_names(self) -> str:
        return ", ".join(info.name for info in self.empty)


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
    # Every domain's coverage, to mark the empty ones among the links: a group's
    # statistics are read for every indicator of a period at once (without the sorted
    # values), the neighbours' for every indicator from a dozen units' results.
    every = comparison_stats(
        context.comparison,
        unit,
        context.computation,
        context.indicators,
        [context.year],
        sorted_values=[],
    )
    stats = every
    if context.comparison.group is not None:
        stats = comparison_stats(
            context.comparison, unit, context.computation, chosen, [context.year]
        )
    empty_domains = coverage_of(context.indicators.values(), every, context.year).empty_domains
    own = unit_results(
        context.computation, [unit.pk], [i.pk for i in chosen.values()], [context.year]
    )
    coverage = coverage_of(chosen.values(), stats, context.year)
    words = RowWords.translated()
    rows = []
    for info in coverage.shown:
        code = info.code
        value = own.get((unit.pk, info.pk, context.year), (None, ""))[0]
        position = place(value, stats.get((code, context.year)), info.polarity)
        neutral = "" if position is None or position.ranked else words.neutral(position)
        rows.append(ProfileRow(info, value, position, neutral))
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
    return DomainProfile(
        context, domain, names[domain], rows, chart, domains, coverage.empty, empty_domains
    )
