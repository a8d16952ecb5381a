"""A unit's report: a cover, its summary, then by domain a table of its indicators
(with the percentile drawn: the domain's profile) and a bar chart of each; what it
holds and its document."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn import charts
from benchlearn.engine.stats import ranks_in_group
from benchlearn.reports.documents.common import (
    bar_step,
    decimals_of,
    indicator_heading,
    neutral_place,
    on_paper,
    printed_formula,
    table_of,
    table_row,
)
from benchlearn.reports.documents.summary import (
    Number,
    Standing,
    cover,
    methodology,
    unit_summary,
)
from benchlearn.reports.pdf import render_pdf
from benchlearn.results.pages import (
    AROUND,
    LARGE_GROUP,
    Dashboard,
    DashboardRow,
    RowWords,
    dashboard_for,
    rows_shown,
)
from benchlearn.results.selectors import (
    IndicatorInfo,
    Stat,
    labels_from_names,
    letter_order,
    member_ids,
    unit_names,
    unit_results,
)
from benchlearn.units.models import Unit

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


@dataclass
class UnitIndicator:
    """One indicator's bar chart in a unit's report: the unit among its comparison
    group, as the indicator page draws it (None when no unit has a value)."""

    info: IndicatorInfo
    chart: charts.Chart | None
    units: int  # units with a value
    cut: bool  # a large group: the chart and its table show only some units


@dataclass
class UnitReport:
    dashboard: Dashboard
    indicators: list[UnitIndicator]


def unit_report_for(user: AnyUser, unit: Unit, *, choice: str, year: str) -> UnitReport:
    """The unit's dashboard (every indicator with a value in the comparison, in
    catalogue order; the others named) and a bar chart of every indicator, against the
    comparison ``choice`` in ``year``."""
    dashboard = dashboard_for(
        user, unit, choice=choice, year=year, domain="", category="", sort="catalogue"
    )
    return UnitReport(dashboard, _unit_indicators(dashboard))


def _unit_indicators(dashboard: Dashboard) -> list[UnitIndicator]:
    """The indicator page's bar chart of every indicator of the dashboard, read at once
    (the page reads one indicator; sixty of them would be sixty times its queries).

    The same members, labels, order and spec as ``indicator_page_for``, but a group
    larger than ``LARGE_GROUP`` is cut as the page cuts its table (the best and weakest
    ``AROUND`` and ``AROUND`` on either side of the unit) in the chart too: the page
    leaves a chart of thousands of bars to the browser, which vl-convert would take
    long to draw, for every indicator (``bench/bench_charts.py``).
    """
    ctx = dashboard.context
    unit, computation, comparison = ctx.unit, ctx.computation, ctx.comparison
    members = member_ids(comparison, unit, computation)
    infos = [row.indicator for row in dashboard.rows]
    values = unit_results(computation, members, [info.pk for info in infos], [ctx.year])
    names = unit_names([*members, unit.pk])
    stats = {row.indicator.code: row.stat for row in dashboard.rows}
    found = []
    for info in infos:
        # Letters run down each indicator's table, best first, as on the indicator page.
        labels = labels_from_names(
            comparison,
            unit,
            names,
            computation,
            by=letter_order(
                {pk: values.get((pk, info.pk, ctx.year), (None, ""))[0] for pk in names},
                info.polarity,
            ),
            topic=f"{info.code}:{ctx.year}",
        )
        present = [pk for pk in members if (pk, info.pk, ctx.year) in values or pk == unit.pk]
        with_value = [
            (pk, value)
            for pk in present
            if (value := values.get((pk, info.pk, ctx.year), (None, ""))[0]) is not None
        ]
        stat = stats.get(info.code)
        ranks: list[int] = [0] * len(with_value)
        if stat is not None and stat.n > 0 and info.polarity != "neutral" and with_value:
            found_values = np.array([value for _pk, value in with_value], dtype=np.float64)
            ranks = ranks_in_group(found_values, stat.values, info.polarity).tolist()
        order = sorted(
            range(len(with_value)),
            key=lambda i: (ranks[i], -with_value[i][1], labels[with_value[i][0]]),
        )
        bars = [
            charts.BarItem(labels[with_value[i][0]], with_value[i][1], with_value[i][0] == unit.pk)
            for i in order
        ]
        found.append(_unit_indicator(info, stat, bars, ctx.year, comparison.label))
    return found


def _unit_indicator(
    info: IndicatorInfo, stat: Stat | None, bars: list[charts.BarItem], year: int, group: str
) -> UnitIndicator:
    if not bars:
        return UnitIndicator(info, None, 0, cut=False)

    def bar_chart(items: list[charts.BarItem]) -> charts.Chart:
        return charts.bar_chart(
            title=_("%(indicator)s in %(year)s: %(group)s")
            % {"indicator": info.name, "year": year, "group": group},
            items=items,
            median=stat.median if stat else None,
            polarity=info.polarity,
            decimals=info.decimals,
            unit_of_measure=info.unit,
        )

    chart = bar_chart(bars)
    if len(bars) <= LARGE_GROUP:
        return UnitIndicator(info, chart, len(bars), cut=False)
    # The text alternative and the table keep the whole group's ranks; the drawing is of
    # the units the table lists.
    ranked = chart.table.rows
    listed = rows_shown([r.own for r in ranked])
    table = charts.Table(chart.table.headers, [ranked[i] for i in listed])
    drawn = bar_chart([bars[i] for i in rows_shown([bar.own for bar in bars])]).spec
    drawn["description"] = chart.description
    cut = dataclasses.replace(chart, spec=drawn, table=table)
    return UnitIndicator(info, cut, len(bars), cut=True)


def unit_report_pdf(report: UnitReport) -> bytes:
    ctx = report.dashboard.context
    title = _("Results of %(unit)s, %(year)s") % {"unit": ctx.unit.name, "year": ctx.year}
    return render_pdf(
        template="unit.typ",
        data=_unit_document(report, title=title),
        title=title,
        data_version=ctx.computation.data_version,
    )


def _unit_document(report: UnitReport, *, title: str) -> dict[str, Any]:
    """What ``typst/unit.typ`` shows, in words and formatted numbers: a cover, the
    summary, then by domain a table of its indicators (the percentile drawn as a bar:
    the domain's profile, its long names wrapping) and their bar charts, several to a
    page; the indicators without any value named in one line, an empty domain marked;
    the methodology last."""
    dashboard = report.dashboard
    ctx = dashboard.context
    number = charts.number_formatter()
    words = RowWords.translated()
    shown = len(dashboard.rows)
    facts = [
        (_("Unit"), ctx.unit.name),
        (_("Compared with"), ctx.comparison.label),
        (_("Year"), str(ctx.year)),
        (_("Indicators shown"), f"{shown} / {shown + len(dashboard.empty)}"),
    ]
    if not ctx.comparison.names_shown:
        facts.append((_("Other units"), _("as letters, your unit by name")))
    if ctx.computation.data_version:
        facts.append((_("Data version"), ctx.computation.data_version))
    charts_of = {item.info.code: item for item in report.indicators}
    rows_of: dict[str, list[DashboardRow]] = {}
    for row in dashboard.rows:
        rows_of.setdefault(row.indicator.domain, []).append(row)
    empty_of: dict[str, list[str]] = {}
    for info in dashboard.empty:
        empty_of.setdefault(info.domain, []).append(info.name)
    domains = [
        _unit_domain(
            name, rows_of.get(code, []), empty_of.get(code, []), charts_of, ctx.year, words, number
        )
        for code, name in dashboard.domains
    ]
    if "" in rows_of or "" in empty_of:  # indicators of no domain
        domains.append(
            _unit_domain(
                _("Other indicators"),
                rows_of.get("", []),
                empty_of.get("", []),
                charts_of,
                ctx.year,
                words,
                number,
            )
        )
    return {
        "cover": cover(
            title=title,
            subtitle=[
                _("Compared with: %(group)s, %(year)s.")
                % {"group": ctx.comparison.label, "year": ctx.year},
                *([ctx.comparison.withheld] if ctx.comparison.withheld else []),
            ],
            facts=facts,
            date=timezone.localdate(),
        ),
        "summary": unit_summary(
            [
                Standing(row.indicator, row.value, row.previous, row.position, row.stat)
                for row in dashboard.rows
            ],
            year=ctx.year,
            number=number,
            unit_name=ctx.unit.name,
        ),
        "domains": domains,
        "appendix": methodology(
            [row.indicator for row in dashboard.rows],
            names_shown=ctx.comparison.names_shown,
            formula=printed_formula,
        ),
    }


def _unit_domain(
    name: str,
    rows: list[DashboardRow],
    empty: list[str],
    charts_of: dict[str, UnitIndicator],
    year: int,
    words: RowWords,
    number: Number,
) -> dict[str, Any]:
    if not rows:
        return {
            "heading": name,
            "empty": _(
                "No unit of the comparison has a value in this domain in %(year)s (%(list)s)."
            )
            % {"year": year, "list": "; ".join(empty)},
            "table": None,
            "indicators": [],
            "skipped": None,
        }
    headers = [
        _("Indicator"),
        _("Value"),
        _("Median"),
        _("Rank"),
        _("Position"),
        _("Change on last year"),
    ]
    table = table_of(
        headers,
        [
            {
                **table_row(
                    indicator_heading(row.indicator),
                    number(row.value, decimals_of(row.indicator)),
                    number(row.stat.median if row.stat else None, decimals_of(row.indicator)),
                    row.rank_text,
                    _position_text(row, words),
                    _change_text(row, number),
                ),
                # The percentile (100 = best) drawn as a bar; none for a neutral indicator.
                "bar": row.position.percentile if row.position else None,
            }
            for row in rows
        ],
    )
    indicators = []
    for row in rows:
        item = charts_of.get(row.indicator.code)
        if item is None or item.chart is None:
            continue
        note = None
        if item.cut:
            note = _(
                "%(n)s units have a value: the chart shows the best %(k)s, the weakest "
                "%(k)s and the %(k)s on either side of your unit."
            ) % {"n": item.units, "k": AROUND}
        indicators.append(
            {
                "heading": indicator_heading(item.info),
                "note": note,
                "chart": on_paper(item.chart, step=bar_step(item.chart)),
            }
        )
    return {
        "heading": name,
        "empty": None,
        "table": table,
        "indicators": indicators,
        "skipped": (
            _("Without any value in %(year)s, not shown: %(list)s.")
            % {"year": year, "list": "; ".join(empty)}
            if empty
            else None
        ),
    }


def _position_text(row: DashboardRow, words: RowWords) -> str:
    """ "best quarter, 93", or a neutral indicator's place against the median."""
    position = row.position
    if position is None:
        return "—"
    if position.percentile is None:
        return neutral_place(position, words, short=True)
    return f"{row.quartile_label}, {position.percentile:.0f}"


def _change_text(row: DashboardRow, number: Number) -> str:
    change = row.change
    if change is None:
        return "—"
    return ("+" if change > 0 else "") + number(change, decimals_of(row.indicator))
