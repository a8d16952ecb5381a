"""A unit's report: its dashboard table, a profile of every domain, a bar chart of
every indicator; what it holds and its document."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from django.utils.translation import gettext as _

from benchlearn import charts
from benchlearn.engine.stats import ranks_in_group
from benchlearn.reports.documents.common import (
    indicator_heading,
    table_of,
    table_row,
)
from benchlearn.reports.pdf import render_pdf
from benchlearn.results.pages import (
    AROUND,
    LARGE_GROUP,
    Dashboard,
    DomainProfile,
    dashboard_for,
    domain_profile_for,
    rows_shown,
)
from benchlearn.results.selectors import (
    IndicatorInfo,
    Stat,
    labels_from_names,
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
    profiles: list[DomainProfile]
    indicators: list[UnitIndicator]


def unit_report_for(user: AnyUser, unit: Unit, *, choice: str, year: str) -> UnitReport:
    """The unit's dashboard (every indicator, in catalogue order), a profile chart of
    every domain and a bar chart of every indicator, against the comparison ``choice``
    in ``year``."""
    dashboard = dashboard_for(
        user, unit, choice=choice, year=year, domain="", category="", sort="catalogue"
    )
    ctx = dashboard.context
    profiles = [
        domain_profile_for(user, unit, code, choice=ctx.comparison.choice, year=str(ctx.year))
        for code, _name in dashboard.domains
    ]
    return UnitReport(dashboard, profiles, _unit_indicators(dashboard))


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
    # Letters over every member, as the pages give them.
    labels = labels_from_names(comparison, unit, unit_names([*members, unit.pk]), computation)
    stats = {row.indicator.code: row.stat for row in dashboard.rows}
    found = []
    for info in infos:
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
    return render_pdf(
        template="unit.typ",
        data=_unit_document(report),
        title=_("Results of %(unit)s, %(year)s") % {"unit": ctx.unit.name, "year": ctx.year},
        data_version=ctx.computation.data_version,
    )


def _unit_document(report: UnitReport) -> dict[str, Any]:
    """What ``typst/unit.typ`` shows, in words and formatted numbers."""
    ctx = report.dashboard.context
    intro = _("Compared with: %(group)s, %(year)s.") % {
        "group": ctx.comparison.label,
        "year": ctx.year,
    }
    if not ctx.comparison.names_shown:
        intro += " " + _("Other units are shown as letters; your unit by name.")
    quarters = {
        "best": _("best quarter"),
        "good": _("second quarter"),
        "weak": _("third quarter"),
        "worst": _("worst quarter"),
    }
    rows = [
        table_row(
            indicator_heading(row.indicator),
            row.value_text,
            row.median_text,
            row.quartiles_text,
            (
                _("%(rank)s of %(n)s") % {"rank": row.position.rank, "n": row.position.n}
                if row.position and row.position.rank
                else "—"
            ),
            quarters.get(row.quartile_class, _("not ranked")),
            row.change_text,
            ", ".join(row.quality),
        )
        for row in report.dashboard.rows
    ]
    headers = [
        _("Indicator"),
        _("Value"),
        _("Median"),
        _("Quartiles (Q1–Q3)"),
        _("Rank"),
        _("Position"),
        _("Change on last year"),
        _("Data quality"),
    ]
    by_domain: dict[str, list[dict[str, Any]]] = {}
    for item in report.indicators:
        note = None
        if item.cut:
            note = _(
                "%(n)s units have a value: the chart and its table show the best %(k)s, the "
                "weakest %(k)s and the %(k)s on either side of your unit."
            ) % {"n": item.units, "k": AROUND}
        by_domain.setdefault(item.info.domain, []).append(
            {
                "heading": indicator_heading(item.info),
                "note": note,
                "chart": item.chart,
                "empty": _("No unit of this group has a value in this year."),
            }
        )
    return {
        "intro": [intro],
        "table": table_of(headers, rows),
        "domains": [
            {
                "heading": profile.domain_name,
                "profile": profile.chart,
                "indicators": by_domain.get(profile.domain, []),
            }
            for profile in report.profiles
        ],
    }
