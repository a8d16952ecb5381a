"""One indicator in the comparison: the units ranked, a bar chart and the years' box plots."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from django.http import Http404
from django.utils.translation import gettext as _

from benchlearn import charts
from benchlearn.catalogue.selectors import SeriesBreak, series_breaks
from benchlearn.engine.stats import Position
from benchlearn.results.effects import most_improved_in
from benchlearn.results.pages.by_form import FormTable, form_table_for
from benchlearn.results.pages.context import Context, context_for
from benchlearn.results.selectors import (
    IndicatorInfo,
    Stat,
    comparison_stats,
    indicator_values,
    letter_order,
    member_ids,
    ordered_labels,
    place,
    unit_names,
    unit_results,
)
from benchlearn.units.models import Unit

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


@dataclass
class MemberRow:
    label: str
    own: bool
    value: float | None
    position: Position | None
    gap_median: float | None
    gap_best: float | None


@dataclass(frozen=True)
class ImprovedRow:
    """One of a group's most improved units: rank 1 = most improved, ties share it."""

    rank: int
    label: str
    own: bool
    baseline: float
    latest: float
    change: float
    change_pct: float | None


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
    by_form: FormTable | None = None  # the values by organisational form of delivery
    # The group's most improved units since the year before (``improved_from``), as APSE
    # awards them besides the best performer: a group only, not for neutral indicators.
    improved: list[ImprovedRow] = dataclasses.field(default_factory=list)
    improved_from: int | None = None
    # Where the definition changed between data years, and why (the indicator's notes
    # or the catalogue's change log).
    breaks: list[SeriesBreak] = dataclasses.field(default_factory=list)

    @property
    def rows_left_out(self) -> int:
        return self.units_in_group - len(self.rows)


# A group larger than this shows the best and the worst few units and those around the
# viewer's unit; the full table is a download (a page of 2,800 rows helps nobody).
LARGE_GROUP = 60
AROUND = 10


def rows_shown(owns: list[bool]) -> list[int]:
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
    """One indicator in the comparison: a large group's table is cut (``rows_shown``) unless
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
    listed = {pk for pk in members if pk in values} | {unit.pk}
    # Letters run down the table (best first; highest first for a neutral indicator),
    # the same for every viewer: the rows are listed in the letters' order.
    ordered, labels = ordered_labels(
        comparison,
        unit,
        unit_names([*members, unit.pk]),
        computation,
        by=letter_order({pk: v for pk, (v, _flag) in values.items()}, info.polarity),
        topic=f"{code}:{context.year}",
    )
    present = [pk for pk in ordered if pk in listed]
    value_of = np.array(
        [_number_or_nan(values.get(pk, (None, ""))[0]) for pk in present], dtype=np.float64
    )
    has_value = ~np.isnan(value_of)
    order = range(len(present))
    owns = [present[i] == unit.pk for i in order]
    shown = range(len(order)) if every_row else rows_shown(owns)
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
    breaks = [b for b in series_breaks(code) if context.years and b.year > min(context.years)]
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
            if (s := stats.get((code, year))) is not None and s.n > 0 and not s.withheld
        ],
        decimals=info.decimals,
        unit_of_measure=info.unit,
        breaks=[b.year for b in breaks],
    )
    # The chart's data table is cut as the page's (the chart itself shows every unit).
    table_rows = bar.table.rows
    cut = [table_rows[i] for i in rows_shown([r.own for r in table_rows])]
    bar = dataclasses.replace(bar, table=charts.Table(bar.table.headers, cut))
    # The figures by form are the group's statistics too (the programme's minimum).
    by_form = (
        None
        if comparison.withheld
        else form_table_for(
            {pk: v for pk, (v, _flag) in values.items()},
            domain=info.domain,
            period=context.year,
            own=unit.pk,
            names_shown=comparison.names_shown,
            polarity=info.polarity,
        )
    )
    page = IndicatorPage(context, info, stat, rows, bar, box, own_value, len(present), by_form)
    page.breaks = breaks
    earlier = [year for year in context.years if year < context.year]
    if comparison.group is not None and earlier and info.polarity != "neutral":
        # The group's members ranked by their change since the year before; the letters
        # are the table's (a member without a value this year has one too).
        ranking = most_improved_in(computation, members, info, earlier[-1], context.year)
        page.improved_from = earlier[-1]
        page.improved = [
            ImprovedRow(
                rank=i.rank,
                label=labels[int(i.key)],
                own=int(i.key) == unit.pk,
                baseline=i.baseline,
                latest=i.latest,
                change=i.change,
                change_pct=i.change_pct,
            )
            for i in ranking.top(3)
        ]
    return page


def _number_or_nan(value: float | None) -> float:
    return math.nan if value is None else value
