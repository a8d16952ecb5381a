"""An exchange group's report and meeting pack: what they hold and their document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benchlearn import charts
from benchlearn.accounts.access import names_shown
from benchlearn.accounts.models import User
from benchlearn.engine.stats import Position
from benchlearn.groups.models import ExchangeGroup
from benchlearn.reports.documents.common import (
    indicator_heading,
    per_cent,
    table_of,
    table_row,
)
from benchlearn.reports.pdf import render_pdf
from benchlearn.results.models import ComparisonGroup, ComparisonKind, Computation, GroupStat
from benchlearn.results.selectors import (
    Comparison,
    IndicatorInfo,
    Stat,
    comparison_stats,
    computed_indicators,
    current_computation,
    labels_for,
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
            table_row(
                indicator_heading(info),
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
                "heading": indicator_heading(info),
                "meta": " · ".join(meta),
                "chart": item.chart,
                "empty": _("No unit of this group has a value in this year."),
                "table": table_of(
                    [_("Rank"), _("Unit"), _("Value"), _("Gap to the median")],
                    [
                        table_row(
                            "—" if row.rank is None else str(row.rank),
                            row.label,
                            number(row.value, info.decimals),
                            per_cent(row.gap_median, number),
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
            "table": table_of(headers, summary),
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
