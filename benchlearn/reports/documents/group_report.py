"""An exchange group's report: what it holds and its document. Its results pages
(``results_domains``) are a meeting pack's too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benchlearn import charts
from benchlearn.accounts.access import names_shown
from benchlearn.accounts.models import User
from benchlearn.engine.stats import Position
from benchlearn.groups.models import ExchangeGroup
from benchlearn.reports.documents.common import (
    PAPER_CHART_WIDTH,
    bar_step,
    decimals_of,
    indicator_heading,
    neutral_place,
    on_paper,
    per_cent,
    printed_formula,
    table_of,
    table_row,
)
from benchlearn.reports.documents.summary import (
    GroupStanding,
    Number,
    Standing,
    cover,
    group_summary,
    methodology,
    unit_summary,
)
from benchlearn.reports.pdf import render_pdf
from benchlearn.results.models import ComparisonGroup, ComparisonKind, Computation, GroupStat
from benchlearn.results.pages import RowWords
from benchlearn.results.selectors import (
    Comparison,
    IndicatorInfo,
    Stat,
    comparison_stats,
    computed_indicators,
    current_computation,
    group_figures_withheld,
    labels_from_names,
    letter_order,
    place,
    unit_indicator_codes,
    unit_results,
)
from benchlearn.units.models import Unit, UnitMembership

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


@dataclass
class GroupMemberRow:
    label: str
    own: bool
    value: float | None
    position: Position | None
    previous: float | None = None  # the same unit's value a year before

    @property
    def rank(self) -> int | None:
        return self.position.rank if self.position else None

    @property
    def gap_median(self) -> float | None:
        """Gap to the group's median in per cent of the median (sign as computed)."""
        return self.position.gap_median_pct if self.position else None


@dataclass
class GroupIndicator:
    info: IndicatorInfo
    stat: Stat | None
    rows: list[GroupMemberRow]
    chart: charts.Chart | None  # None when no member has a value
    previous_median: float | None = None  # the group's median a year before
    # All units' median, and the group's median placed among all units (for a reader
    # without a unit in the group).
    overall_median: float | None = None
    overall_position: Position | None = None


@dataclass
class GroupReport:
    group: ExchangeGroup
    computation: Computation
    comparison: Comparison
    year: int
    years: list[int]
    own: Unit | None
    members: int
    indicators: list[GroupIndicator]


def group_report_for(user: AnyUser, group: ExchangeGroup, *, year: str) -> GroupReport:
    """Every computed indicator of the group's members in ``year`` (default: the latest
    with results), ranked, with a bar chart each. ``group`` comes from
    ``group_get_for_user``; Http404 with a message when there is nothing to report."""
    computation = current_computation()
    if computation is None:
        raise Http404(
            _("Results have not been computed yet: they appear once an operator has approved data.")
        )
    stored = ComparisonGroup.objects.filter(
        computation=computation, kind=ComparisonKind.EXCHANGE, exchange_group=group
    ).first()
    members = list(stored.members.order_by("name")) if stored is not None else []
    if stored is None or not members:
        raise Http404(
            _("There are no results for the group %(group)s yet.") % {"group": group.name}
        )
    years = sorted(
        set(GroupStat.objects.filter(group=stored).values_list("period", flat=True).distinct())
    )
    if not years:
        raise Http404(
            _("There are no results for the group %(group)s yet.") % {"group": group.name}
        )
    chosen = years[-1]
    if year:
        if not year.isdigit() or int(year) not in years:
            raise Http404(
                _("The group %(group)s has no results for %(year)s.")
                % {"group": group.name, "year": year[:8]}
            )
        chosen = int(year)
    comparison = Comparison(
        f"exchange-{group.pk}",
        ComparisonKind.EXCHANGE,
        group.name,
        stored,
        names_shown(user, group),
        group_figures_withheld(user, stored, computation),
    )
    own = _own_unit(user, members)
    indicators = computed_indicators(computation, language=get_language() or "pl")
    # The indicators of the members' collection rounds (every one when they are in none).
    in_sets = unit_indicator_codes(*members)
    if in_sets:
        indicators = {code: info for code, info in indicators.items() if code in in_sets}
    # The unit is only read for nearest neighbours; this comparison is a stored group.
    # The year before too, for the summary's changes (its sorted values are not needed).
    periods = [chosen - 1, chosen] if chosen - 1 in years else [chosen]
    stats = comparison_stats(
        comparison, own or members[0], computation, indicators, periods, sorted_values=[chosen]
    )
    values = unit_results(
        computation, [m.pk for m in members], [i.pk for i in indicators.values()], periods
    )
    overall = _all_units(computation, members[0], indicators, chosen) if own is None else {}
    names = {m.pk: m.name for m in members}
    found = []
    for code, info in indicators.items():
        # Letters run down each indicator's table, best first, as on the results pages.
        labels = labels_from_names(
            comparison,
            own,
            names,
            computation,
            by=letter_order(
                {m.pk: values.get((m.pk, info.pk, chosen), (None, ""))[0] for m in members},
                info.polarity,
            ),
            topic=f"{code}:{chosen}",
        )
        item = _group_indicator(
            info, stats.get((code, chosen)), members, labels, values, own, chosen
        )
        before = stats.get((code, chosen - 1))
        item.previous_median = before.median if before else None
        if code in overall and item.stat is not None and item.stat.median is not None:
            everyone = overall[code]
            item.overall_median = everyone.median
            item.overall_position = place(item.stat.median, everyone, info.polarity)
        found.append(item)
    return GroupReport(group, computation, comparison, chosen, years, own, len(members), found)


def _all_units(
    computation: Computation, unit: Unit, indicators: dict[str, IndicatorInfo], year: int
) -> dict[str, Stat]:
    """Indicator code -> the statistics of all units in ``year`` (with their sorted
    values, to place the group's median among them), if the computation has them."""
    stored = ComparisonGroup.objects.filter(
        computation=computation, kind=ComparisonKind.ALL
    ).first()
    if stored is None:
        return {}
    everyone = Comparison("all", ComparisonKind.ALL, "", stored, False)
    stats = comparison_stats(everyone, unit, computation, indicators, [year])
    return {code: stat for (code, _year), stat in stats.items()}


def _own_unit(user: AnyUser, members: list[Unit]) -> Unit | None:
    """The viewer's unit among the members (the first by name if several)."""
    if not isinstance(user, User):
        return None
    mine = set(
        UnitMembership.objects.filter(user_id=user.pk, unit__in=members).values_list(
            "unit_id", flat=True
        )
    )
    return next((m for m in members if m.pk in mine), None)


def _group_indicator(
    info: IndicatorInfo,
    stat: Stat | None,
    members: list[Unit],
    labels: dict[int, str],
    values: dict[tuple[int, int, int], tuple[float | None, str]],
    own: Unit | None,
    year: int,
) -> GroupIndicator:
    rows = []
    for member in members:
        value = values.get((member.pk, info.pk, year), (None, ""))[0]
        rows.append(
            GroupMemberRow(
                label=labels[member.pk],
                own=own is not None and member.pk == own.pk,
                value=value,
                position=place(value, stat, info.polarity),
                previous=values.get((member.pk, info.pk, year - 1), (None, ""))[0],
            )
        )
    rows.sort(
        key=lambda r: (
            r.value is None,
            r.rank is None,
            r.rank or 0,
            -(r.value or 0.0) if info.polarity != "lower" else (r.value or 0.0),
            r.label,
        )
    )
    with_value = [r for r in rows if r.value is not None]
    chart = None
    if with_value:
        chart = charts.bar_chart(
            title=_("%(indicator)s, %(year)s") % {"indicator": info.name, "year": year},
            items=[charts.BarItem(r.label, r.value, r.own) for r in with_value],
            median=stat.median if stat else None,
            polarity=info.polarity,
            decimals=info.decimals,
            unit_of_measure=info.unit,
        )
    return GroupIndicator(info, stat, rows, chart)


def group_report_pdf(report: GroupReport) -> bytes:
    """The group's report as a PDF: a cover, a one-page summary, the indicators by
    domain, several to a page, and the methodology."""
    title = _("Group report: %(group)s, %(year)s") % {
        "group": report.group.name,
        "year": report.year,
    }
    return render_pdf(
        template="group.typ",
        data=_group_document(report, title=title),
        title=title,
        data_version=report.computation.data_version,
    )


def _group_document(report: GroupReport, *, title: str) -> dict[str, Any]:
    """What ``typst/group.typ`` shows, in words and formatted numbers."""
    number = charts.number_formatter()
    shown = [item for item in report.indicators if item.chart is not None]
    lettered = not report.comparison.names_shown
    facts = [
        (_("Exchange group"), report.group.name),
        (_("Year"), str(report.year)),
        (_("Member units"), str(report.members)),
        (_("Indicators shown"), f"{len(shown)} / {len(report.indicators)}"),
    ]
    if lettered:
        facts.append(
            (
                _("Other units"),
                _("as letters, your unit by name")
                if report.own
                else _("as letters, as the group chose"),
            )
        )
    if report.computation.data_version:
        facts.append((_("Data version"), report.computation.data_version))
    return {
        "cover": cover(
            title=title,
            subtitle=[
                _(
                    "Results of the member units for every indicator of their collection "
                    "rounds: best first, the dashed line is the group's median."
                ),
                *([report.comparison.withheld] if report.comparison.withheld else []),
            ],
            facts=facts,
            date=timezone.localdate(),
        ),
        "summary": _group_summary(report, number),
        "domains": results_domains(report),
        "appendix": methodology(
            [item.info for item in shown], names_shown=not lettered, formula=printed_formula
        ),
    }


def _group_summary(report: GroupReport, number: Number) -> dict[str, Any]:
    if report.own is not None:
        standings = []
        for item in report.indicators:
            own = next((row for row in item.rows if row.own), None)
            if own is not None:
                standings.append(
                    Standing(item.info, own.value, own.previous, own.position, item.stat)
                )
        return unit_summary(standings, year=report.year, number=number, unit_name=report.own.name)
    return group_summary(
        [
            GroupStanding(
                item.info,
                item.stat.median if item.stat else None,
                item.previous_median,
                item.overall_median,
                item.overall_position,
            )
            for item in report.indicators
        ],
        year=report.year,
        number=number,
    )


def results_domains(report: GroupReport) -> list[dict[str, Any]]:
    """The results pages: the indicators by domain, each its chart beside the members'
    table (as ``typst/common.typ``'s ``results-domains`` shows them)."""
    number = charts.number_formatter()
    words = RowWords.translated()
    return [_domain(name, items, report.year, number, words) for name, items in _by_domain(report)]


def _by_domain(report: GroupReport) -> list[tuple[str, list[GroupIndicator]]]:
    """The indicators by domain, in catalogue order."""
    found: dict[str, list[GroupIndicator]] = {}
    for item in report.indicators:
        found.setdefault(item.info.domain_name or _("Other indicators"), []).append(item)
    return list(found.items())


def _domain(
    name: str, items: list[GroupIndicator], year: int, number: Number, words: RowWords
) -> dict[str, Any]:
    """A domain's indicators with a value, and one line naming those without any."""
    shown = [item for item in items if item.chart is not None]
    skipped = [item.info.name for item in items if item.chart is None]
    if not shown:
        return {
            "heading": name,
            "empty": _("No unit of the group has a value in this domain in %(year)s (%(list)s).")
            % {"year": year, "list": "; ".join(skipped)},
            "indicators": [],
            "skipped": None,
        }
    return {
        "heading": name,
        "empty": None,
        "indicators": [_indicator(item, number, words) for item in shown],
        "skipped": (
            _("Without any value in %(year)s, not shown: %(list)s.")
            % {"year": year, "list": "; ".join(skipped)}
            if skipped
            else None
        ),
    }


def _indicator(item: GroupIndicator, number: Number, words: RowWords) -> dict[str, Any]:
    info, stat = item.info, item.stat
    decimals = decimals_of(info)
    median = stat.median if stat else None
    meta = [
        info.category_label,
        _("units with a value: %(n)s") % {"n": stat.n if stat else 0},
    ]
    if median is not None:
        meta.append(_("median %(value)s") % {"value": number(median, decimals)})
    neutral = info.polarity == "neutral"
    assert item.chart is not None
    return {
        "heading": indicator_heading(info),
        "neutral": neutral,
        "meta": " · ".join(meta),
        "chart": on_paper(item.chart, width=PAPER_CHART_WIDTH, step=bar_step(item.chart)),
        "table": table_of(
            [
                _("Position") if neutral else _("Rank"),
                _("Unit"),
                _("Value"),
                _("Gap to the median"),
            ],
            [
                table_row(
                    neutral_place(row.position, words, short=True)
                    if neutral
                    else ("—" if row.rank is None else str(row.rank)),
                    row.label,
                    number(row.value, decimals),
                    per_cent(row.gap_median, number),
                    own=row.own,
                )
                for row in item.rows
            ],
        ),
    }
