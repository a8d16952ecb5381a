"""What the reports' documents share: headings and table rows as Typst reads them, the
charts as paper wants them, and the words for a position and a change."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from benchlearn import charts
from benchlearn.engine.formula_text import printed
from benchlearn.engine.stats import Position
from benchlearn.results.pages import RowWords
from benchlearn.results.selectors import IndicatorInfo

# Charts several to a page: beside their table, PAPER_CHART_WIDTH pixels of plot (the
# labels come on top) and PAPER_BAR_STEP pixels a bar; text stays ≥ 7 pt once scaled.
PAPER_CHART_WIDTH = 300
PAPER_BAR_STEP = 14
# A chart of more bars than DENSE_BARS (all units, cut around the viewer's) at
# DENSE_BAR_STEP (still above the labels' 11 px): two such charts to a page.
DENSE_BARS = 15
DENSE_BAR_STEP = 12


def bar_step(chart: charts.Chart) -> int:
    """Pixels a bar on paper: fewer for a chart of many bars."""
    data = chart.spec.get("data", {})
    bars = len(data.get("values", [])) if isinstance(data, dict) else 0
    return DENSE_BAR_STEP if bars > DENSE_BARS else PAPER_BAR_STEP


def indicator_heading(info: IndicatorInfo) -> str:
    return f"{info.name} ({info.unit})" if info.unit else info.name


def decimals_of(info: IndicatorInfo) -> int:
    """The indicator's decimals, two for money (612 345 678,90 zł)."""
    if info.unit.startswith(("zł", "PLN")):
        return max(info.decimals, 2)
    return info.decimals


def per_cent(value: float | None, number: Callable[[float | None, int], str]) -> str:
    return "—" if value is None else f"{number(value, 1)}\u00a0%"


def table_row(*cells: str, own: bool = False) -> dict[str, Any]:
    return {"cells": list(cells), "own": own}


def table_of(headers: list[str], rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"headers": headers, "rows": rows}


def on_paper(
    chart: charts.Chart, *, width: int | None = None, step: int | None = None
) -> charts.Chart:
    """The chart as a PDF places it: without its title (the document prints it as text
    under the drawing, where a long name wraps instead of running off the chart),
    with axis labels never cut short, and, when given, ``width`` pixels wide and
    ``step`` pixels a bar (several charts to a page). The pages' chart is unchanged."""
    spec = copy.deepcopy(chart.spec)
    spec.pop("title", None)
    if width is not None:
        spec["width"] = width
    if step is not None and isinstance(spec.get("height"), dict) and "step" in spec["height"]:
        spec["height"] = {"step": step}
    _unlimited_labels(spec)
    return dataclasses.replace(chart, spec=spec)


def _unlimited_labels(value: Any) -> None:
    """Every axis label whole: vega cuts a label longer than ``labelLimit`` with "…"."""
    if isinstance(value, dict):
        if "labelLimit" in value:
            value["labelLimit"] = 0  # no limit
        for child in value.values():
            _unlimited_labels(child)
    elif isinstance(value, list):
        for child in value:
            _unlimited_labels(child)


def neutral_place(position: Position | None, words: RowWords, *, short: bool = False) -> str:
    """Where a value of an indicator with no better direction stands, in the results
    pages' words (below, around or above the median; in full also its quarter of the
    values and its percentile from the lowest), never "best" or "worst"."""
    if position is None or position.side is None:
        return "—"
    if short:
        return words.sides[position.side]
    return words.neutral(position) or words.sides[position.side]


def change_words(
    info: IndicatorInfo,
    value: float,
    previous: float,
    number: Callable[[float | None, int], str],
) -> str:
    """ "1 234,00 → 1 500,00 (+21,6 %, better)": a change from the previous year, judged
    by the indicator's polarity (a neutral indicator's change is not judged)."""
    decimals = decimals_of(info)
    text = f"{number(previous, decimals)} → {number(value, decimals)}"
    notes = []
    if previous != 0:
        pct = (value - previous) * 100.0 / abs(previous)
        notes.append(("+" if pct > 0 else "") + per_cent(pct, number))
    if value != previous and info.polarity in ("higher", "lower"):
        better = (value > previous) == (info.polarity == "higher")
        notes.append(_("better") if better else _("worse"))
    return f"{text} ({', '.join(notes)})" if notes else text


def relative_change(value: float | None, previous: float | None) -> float | None:
    """The change in per cent of the previous value's size (None without both, or from 0)."""
    if value is None or previous is None or previous == 0:
        return None
    return (value - previous) * 100.0 / abs(previous)


def printed_formula(formula: str) -> str:
    """A stored formula as the appendix prints it: from its parsed tree, with the
    parentheses it needs (as the results and catalogue pages print it)."""
    return printed(formula)
