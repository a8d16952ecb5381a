"""What the PDF reports hold, read from stored results (the pages' selectors), and the
reports themselves: a unit's report (its dashboard table, a profile chart of every domain
and a bar chart of every indicator), an exchange group's report and a meeting pack.

Each report becomes the data of its Typst template (``typst/unit.typ``,
``typst/group.typ``; see ``pdf.render_pdf``): every text translated here and every
number formatted here, with the pages' formatter, so the templates hold no words.

Who sees what follows the comparison pages: a group's members are named or lettered as
the group chose (``labels_for``; operators see names), the viewer's own unit is always
named and marked. A moderator or an operator has no unit of their own in the group, so
their report marks none.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benchlearn import charts
from benchlearn.accounts.access import names_shown
from benchlearn.accounts.models import User
from benchlearn.engine.stats import Position, ranks_in_group
from benchlearn.groups.models import ExchangeGroup
from benchlearn.reports.pdf import render_pdf
from benchlearn.results.models import ComparisonGroup, ComparisonKind, Computation, GroupStat
from benchlearn.results.pages import (
    AROUND,
    LARGE_GROUP,
    Dashboard,
    DomainProfile,
    _shown,
    dashboard_for,
    domain_profile_for,
)
from benchlearn.results.selectors import (
    Comparison,
    IndicatorInfo,
    Stat,
    comparison_stats,
    computed_indicators,
    current_computation,
    labels_for,
    labels_from_names,
    member_ids,
    place,
    unit_indicator_codes,
    unit_names,
    unit_results,
)
from benchlearn.units.models import Unit, UnitMembership

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


# --- An exchange group's report -----------------------------------------------------------


@dataclass
class GroupMemberRow:
    label: str
    own: bool
    value: float | None
    position: Position | None

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
    )
    own = _own_unit(user, members)
    indicators = computed_indicators(computation, language=get_language() or "pl")
    # The indicators of the members' collection rounds (every one when they are in none).
    in_sets = unit_indicator_codes(*members)
    if in_sets:
        indicators = {code: info for code, info in indicators.items() if code in in_sets}
    # The unit is only read for nearest neighbours; this comparison is a stored group.
    stats = comparison_stats(comparison, own or members[0], computation, indicators, [chosen])
    values = unit_results(
        computation, [m.pk for m in members], [i.pk for i in indicators.values()], [chosen]
    )
    labels = labels_for(comparison, own, members, computation)
    found = [
        _group_indicator(info, stats.get((code, chosen)), members, labels, values, own, chosen)
        for code, info in indicators.items()
    ]
    return GroupReport(group, computation, comparison, chosen, years, own, len(members), found)


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


def group_report_pdf(report: GroupReport, *, meeting_pack: bool = False) -> bytes:
    """The group's report as a PDF; a meeting pack puts an agenda page first."""
    names = {"group": report.group.name, "year": report.year}
    title = (
        _("Meeting pack: %(group)s, %(year)s") % names
        if meeting_pack
        else _("Group report: %(group)s, %(year)s") % names
    )
    return render_pdf(
        template="group.typ",
        data=_group_document(report, meeting_pack=meeting_pack),
        title=title,
        data_version=report.computation.data_version,
    )


def _group_document(report: GroupReport, *, meeting_pack: bool) -> dict[str, Any]:
    """What ``typst/group.typ`` shows, in words and formatted numbers."""
    number = charts.number_formatter()
    overview = [
        _(
            "Results of the %(n)s member units of %(group)s in %(year)s: for every indicator "
            "its chart (best first, dashed line: the group's median) and a table with each "
            "unit's rank, value and gap to the median."
        )
        % {"n": report.members, "group": report.group.name, "year": report.year}
    ]
    if not report.comparison.names_shown:
        overview.append(
            _("Other units are shown as letters; your unit by name.")
            if report.own
            else _("Units are shown as letters, as the group chose.")
        )
    summary = []
    indicators = []
    for item in report.indicators:
        info, stat = item.info, item.stat
        median = stat.median if stat else None
        summary.append(
            _row(
                _indicator_heading(info),
                str(stat.n if stat else 0),
                number(median, info.decimals),
                number(stat.best if stat else None, info.decimals),
            )
        )
        meta = [
            info.domain_name,
            info.category_label,
            _("units with a value: %(n)s") % {"n": stat.n if stat else 0},
        ]
        if median is not None:
            meta.append(_("median %(value)s") % {"value": number(median, info.decimals)})
        indicators.append(
            {
                "heading": _indicator_heading(info),
                "meta": " · ".join(meta),
                "chart": item.chart,
                "empty": _("No unit of this group has a value in this year."),
                "table": _table(
                    [_("Rank"), _("Unit"), _("Value"), _("Gap to the median")],
                    [
                        _row(
                            "—" if row.rank is None else str(row.rank),
                            row.label,
                            number(row.value, info.decimals),
                            _per_cent(row.gap_median, number),
                            own=row.own,
                        )
                        for row in item.rows
                    ],
                ),
            }
        )
    headers = [_("Indicator"), _("Units with a value"), _("Median"), _("Best")]
    return {
        "agenda": _agenda() if meeting_pack else None,
        "overview": {
            "heading": _("Overview"),
            "text": overview,
            "table": _table(headers, summary),
        },
        "indicators": indicators,
    }


def _agenda() -> dict[str, Any]:
    """A meeting's agenda page, its blanks for the moderator to fill in."""
    return {
        "heading": _("Agenda"),
        "intro": _("Date, place and host of the meeting are filled in by the moderator."),
        "fields": [_("Date"), _("Place"), _("Host unit")],
        "items": [
            _("Opening and the agenda"),
            _("The group's results (this pack)"),
            _("The host's practice"),
            _("Improvement plans: progress"),
            _("Any other business and the next meeting"),
        ],
        "notes": _("Notes"),
    }


def _indicator_heading(info: IndicatorInfo) -> str:
    return f"{info.name} ({info.unit})" if info.unit else info.name


def _per_cent(value: float | None, number: Callable[[float | None, int], str]) -> str:
    return "—" if value is None else f"{number(value, 1)}\u00a0%"


def _row(*cells: str, own: bool = False) -> dict[str, Any]:
    return {"cells": list(cells), "own": own}


def _table(headers: list[str], rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"headers": headers, "rows": rows}


# --- A unit's report -----------------------------------------------------------------------


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
    leaves a chart of 2,800 bars to the browser, which vl-convert would take ~10 s to
    draw, for every indicator.
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
    table = charts.Table(chart.table.headers, [ranked[i] for i in _shown([r.own for r in ranked])])
    drawn = bar_chart([bars[i] for i in _shown([bar.own for bar in bars])]).spec
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
        _row(
            _indicator_heading(row.indicator),
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
                "heading": _indicator_heading(item.info),
                "note": note,
                "chart": item.chart,
                "empty": _("No unit of this group has a value in this year."),
            }
        )
    return {
        "intro": [intro],
        "table": _table(headers, rows),
        "domains": [
            {
                "heading": profile.domain_name,
                "profile": profile.chart,
                "indicators": by_domain.get(profile.domain, []),
            }
            for profile in report.profiles
        ],
    }
