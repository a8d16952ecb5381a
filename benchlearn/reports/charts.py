"""Charts as Vega-Lite specifications, built from plain data.

One chart technology everywhere: every chart is a Vega-Lite spec (a plain dict, no
Altair objects: building a dict costs microseconds, while Altair's ``to_dict`` validates
against the JSON schema on every call, and the pages have a 150 ms budget). The *same*
spec is drawn by the browser (vega-embed, see ``bundle.py`` and ``charts.js``) and, for
PDFs, turned into SVG on the server by vl-convert (``pdf.svg_for``). So a chart looks
the same on the screen and on paper.

Why the browser draws the pages' charts: vl-convert needs 60–90 ms for a 15-bar chart
on the reference machine, about 1 s for 300 bars and 10 s for 2,900; the server only
writes the JSON, which takes well under a millisecond for a group of 15.

Sparklines: vl-convert draws a tiny line in 8–14 ms (measured: a warm converter, ten
points). A dashboard with 80 of them would spend about a second on the server, seven
times the page budget, so sparklines are Vega-Lite specs drawn in the browser like every
other chart (a tiny spec is quick to draw there, and the browser draws only those the
reader scrolls to, see ``charts.js``); the page also shows the numbers in a table, so it
is complete without JavaScript. PDFs convert them with vl-convert like any chart.

Every function returns a :class:`Chart`: the spec, a title, a one-sentence text
alternative in the active language and the data as a table (the accessible alternative,
always present in the HTML). Numbers in the descriptions and tables follow Django's
locale formats; numbers drawn on the axes follow the same locale through the
``format_locale`` given to vega (:func:`format_locale`).

Every chart is readable in black-and-white print: the viewer's unit is a dark bar with a
black outline *and* a text label, the median a dashed line with a label, frontier units
a diamond explained in the subtitle.

Labels are whatever the caller passes: unit names, or letters (A, B, C…) for an
anonymised group; they must tell units apart (a repeated label gets a number appended).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils import formats
from django.utils.translation import get_language, gettext, pgettext

from benchlearn.engine.catalogue import Polarity

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
WIDTH = 560
# Above this many units the bars are too thin for a name each: no per-bar axis labels,
# only the viewer's unit is named.
MAX_LABELLED_BARS = 60
BAR_STEP = 16  # pixels per bar when the bars are labelled
LARGE_GROUP_HEIGHT = 360
SPARKLINE_WIDTH = 80
SPARKLINE_HEIGHT = 20

# Light and dark of one hue: the two differ in lightness, so they stay apart in grey.
FILL_OTHER = "#9ecae1"
FILL_OWN = "#08306b"
FILL_FRONTIER = "#4292c6"
INK = "#000000"
FONT = "DejaVu Sans, Verdana, sans-serif"

# d3-format locales. Polish groups thousands with a non-breaking space, as Django's
# formats here do (benchlearn/formats/pl), not with the dot d3's own pl-PL uses.
_FORMAT_LOCALES: dict[str, dict[str, Any]] = {
    "pl": {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", "\u00a0zł"]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", ""]},
}


@dataclass(frozen=True)
class TableRow:
    cells: list[str]
    own: bool = False


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[TableRow]


@dataclass(frozen=True)
class Chart:
    """A chart: its Vega-Lite spec and its text alternatives, in ``language``."""

    spec: dict[str, Any]
    title: str
    description: str
    table: Table
    kind: str
    language: str = field(default_factory=lambda: _language())


@dataclass(frozen=True)
class BarItem:
    """One unit's value in a bar chart; ``own`` marks the viewer's unit."""

    label: str
    value: float | None
    own: bool = False


@dataclass(frozen=True)
class YearSummary:
    """One period of a box plot: the group's statistics (precomputed) and the viewer's
    own value."""

    period: int | str
    min: float | None
    q1: float | None
    median: float | None
    q3: float | None
    max: float | None
    own: float | None = None


@dataclass(frozen=True)
class ProfileItem:
    """One indicator of a profile: the unit's position, oriented so that higher is
    better (the caller turns z-scores of lower-better indicators round), and optionally
    the group's quartile band on the same scale."""

    indicator: str
    position: float | None
    band_low: float | None = None
    band_high: float | None = None


@dataclass(frozen=True)
class EfficiencyItem:
    """One unit's DEA score (0–1); ``frontier`` marks the efficient units."""

    label: str
    score: float | None
    frontier: bool = False
    own: bool = False


def format_locale(language: str | None = None) -> dict[str, Any]:
    """The d3-format locale (decimal comma, grouping) for vega, in ``language``."""
    return _FORMAT_LOCALES.get((language or _language())[:2], _FORMAT_LOCALES["en"])


def bar_chart(
    *,
    title: str,
    items: Sequence[BarItem],
    median: float | None,
    polarity: Polarity | str,
    decimals: int = 1,
    unit_of_measure: str = "",
) -> Chart:
    """All units of a group for one indicator and period, best to worst.

    Higher-better indicators are sorted by falling value, lower-better by rising value,
    neutral ones by falling value. Ranks follow the engine (1 = best, ties share the
    best rank of the tie, none for neutral indicators); units without a value are left
    out of the chart and listed last in the table.
    """
    number = number_formatter()
    polarity = Polarity(polarity)
    ranked = _ranked(items, lambda item: item.value, polarity)
    own = next((entry for entry in ranked if entry.item.own), None)
    fmt = _vega_format(decimals)
    rows = [
        {
            "label": entry.label,
            "value": entry.item.value,
            "order": index,
            "own": entry.item.own,
            "text": number(entry.item.value, decimals),
        }
        for index, entry in enumerate(ranked)
        if entry.item.value is not None
    ]
    layers = _ranked_bar_layers(rows, fmt, unit_of_measure, large=len(rows) > MAX_LABELLED_BARS)
    if median is not None:
        layers += _median_layers(median, decimals)
    spec = _spec(title=title, layers=layers, data=rows, height=_bar_height(len(rows)))

    n = len(rows)
    median_text = number(median, decimals)
    if own is None:
        description = gettext("%(n)s units; median %(median)s.") % {
            "n": n,
            "median": median_text,
        }
    elif own.item.value is None:
        description = gettext(
            "Your unit has no value in this period; %(n)s units have one, median %(median)s."
        ) % {"n": n, "median": median_text}
    elif own.rank is None:
        description = gettext("Your unit: %(value)s; median %(median)s of %(n)s units.") % {
            "value": number(own.item.value, decimals),
            "median": median_text,
            "n": n,
        }
    else:
        description = gettext("Your unit: rank %(rank)s of %(n)s; median %(median)s.") % {
            "rank": own.rank,
            "n": n,
            "median": median_text,
        }
    value_header = gettext("Value")
    if unit_of_measure:
        value_header = f"{value_header} ({unit_of_measure})"
    table = Table(
        headers=[gettext("Rank"), gettext("Unit"), value_header],
        rows=[
            TableRow(
                cells=[
                    "" if entry.rank is None else str(entry.rank),
                    entry.label,
                    number(entry.item.value, decimals),
                ],
                own=entry.item.own,
            )
            for entry in ranked
        ],
    )
    return _chart(spec=spec, title=title, description=description, table=table, kind="bar")


def box_plot(
    *,
    title: str,
    years: Sequence[YearSummary],
    decimals: int = 1,
    unit_of_measure: str = "",
) -> Chart:
    """The group's spread per period (min, quartiles, max, given by the caller: vega
    computes nothing) with the viewer's own value marked per period."""
    number = number_formatter()
    rows = [
        {
            "period": str(year.period),
            "min": year.min,
            "q1": year.q1,
            "median": year.median,
            "q3": year.q3,
            "max": year.max,
            "own": year.own,
        }
        for year in years
    ]
    fmt = _vega_format(decimals)
    x = {
        "field": "period",
        "type": "ordinal",
        "title": pgettext("chart axis", "Period"),
        "sort": None,
        "axis": {"labelAngle": 0},
    }
    y_title = unit_of_measure or gettext("Value")
    own_label = gettext("Your unit")
    layers: list[dict[str, Any]] = [
        {
            "transform": [{"filter": "isValid(datum.min) && isValid(datum.max)"}],
            "mark": {"type": "rule", "color": INK},
            "encoding": {
                "x": x,
                "y": {"field": "min", "type": "quantitative", "title": y_title},
                "y2": {"field": "max"},
            },
        },
        {
            "transform": [{"filter": "isValid(datum.q1) && isValid(datum.q3)"}],
            "mark": {"type": "bar", "size": 28, "fill": FILL_OTHER, "stroke": INK},
            "encoding": {
                "x": x,
                "y": {"field": "q1", "type": "quantitative", "axis": {"format": fmt}},
                "y2": {"field": "q3"},
            },
        },
        {
            "transform": [{"filter": "isValid(datum.median)"}],
            "mark": {"type": "tick", "size": 28, "thickness": 3, "color": INK},
            "encoding": {"x": x, "y": {"field": "median", "type": "quantitative"}},
        },
        {
            "transform": [{"filter": "isValid(datum.own)"}],
            "mark": {"type": "line", "color": FILL_OWN, "strokeDash": [2, 2]},
            "encoding": {"x": x, "y": {"field": "own", "type": "quantitative"}},
        },
        {
            "transform": [{"filter": "isValid(datum.own)"}],
            "mark": {
                "type": "point",
                "shape": "diamond",
                "size": 110,
                "filled": True,
                "fill": FILL_OWN,
                "stroke": INK,
            },
            "encoding": {"x": x, "y": {"field": "own", "type": "quantitative"}},
        },
    ]
    last_own = next((row for row in reversed(rows) if row["own"] is not None), None)
    last_own_year = next((year for year in reversed(years) if year.own is not None), None)
    if last_own is not None:
        layers.append(
            {
                "data": {"values": [last_own]},
                "mark": {"type": "text", "align": "left", "dx": 9, "fontWeight": "bold"},
                "encoding": {
                    "x": x,
                    "y": {"field": "own", "type": "quantitative"},
                    "text": {"value": "◆ " + own_label},
                },
            }
        )
    spec = _spec(title=title, layers=layers, data=rows, height=260)
    spec["title"]["subtitle"] = gettext("Box: quartiles; thick line: median; whiskers: min to max.")

    with_median = [year for year in years if year.median is not None]
    if not with_median:
        description = gettext("No values in these periods.")
    else:
        first, last = with_median[0], with_median[-1]
        description = gettext(
            "Median from %(first)s to %(last)s: %(first_median)s to %(last_median)s."
        ) % {
            "first": first.period,
            "last": last.period,
            "first_median": number(first.median, decimals),
            "last_median": number(last.median, decimals),
        }
        if last_own_year is not None:
            description += " " + gettext("Your unit in %(period)s: %(value)s.") % {
                "period": last_own_year.period,
                "value": number(last_own_year.own, decimals),
            }
    table = Table(
        headers=[
            pgettext("chart axis", "Period"),
            gettext("Minimum"),
            gettext("Lower quartile"),
            gettext("Median"),
            gettext("Upper quartile"),
            gettext("Maximum"),
            own_label,
        ],
        rows=[
            TableRow(
                cells=[
                    str(year.period),
                    *(
                        number(value, decimals)
                        for value in (year.min, year.q1, year.median, year.q3, year.max, year.own)
                    ),
                ]
            )
            for year in years
        ],
    )
    return _chart(spec=spec, title=title, description=description, table=table, kind="box")


def profile_chart(
    *,
    title: str,
    items: Sequence[ProfileItem],
    scale: Literal["percentile", "z"] = "percentile",
) -> Chart:
    """A unit's standardised position on every indicator of a domain.

    ``scale="percentile"``: positions are the engine's percentiles (0–100, 100 = best,
    already oriented by polarity); the group's median is at 50 and the quartile band
    25–75 unless the items give another. ``scale="z"``: positions are standard scores
    oriented so that higher is better (turn lower-better indicators' z round); the
    median is drawn at 0 and the band defaults to ±0.674, the quartiles of a normal
    distribution — pass each indicator's own (q1 − mean)/sd and (q3 − mean)/sd for the
    exact band. Indicators without a position (neutral ones, missing values) are listed
    in the table and left out of the chart.
    """
    number = number_formatter()
    centre, default_low, default_high = (
        (50.0, 25.0, 75.0) if scale == "percentile" else (0.0, -0.674, 0.674)
    )
    rows = [
        {
            "indicator": item.indicator,
            "position": item.position,
            "low": default_low if item.band_low is None else item.band_low,
            "high": default_high if item.band_high is None else item.band_high,
            "centre": centre,
        }
        for item in items
    ]
    axis_title = (
        gettext("Percentile in the group (100 = best)")
        if scale == "percentile"
        else gettext("Standard score (higher is better)")
    )
    y = {
        "field": "indicator",
        "type": "nominal",
        "sort": None,
        "title": None,
        "axis": {"labelLimit": 260},
    }
    x_scale: dict[str, Any] = {"domain": [0, 100]} if scale == "percentile" else {"zero": True}
    layers: list[dict[str, Any]] = [
        {
            "mark": {
                "type": "bar",
                "fill": "#e0e0e0",
                "stroke": "#9e9e9e",
                "height": {"band": 0.8},
            },
            "encoding": {
                "y": y,
                "x": {
                    "field": "low",
                    "type": "quantitative",
                    "scale": x_scale,
                    "title": axis_title,
                },
                "x2": {"field": "high"},
            },
        },
        {
            "transform": [{"filter": "isValid(datum.position)"}],
            "mark": {"type": "bar", "fill": FILL_OTHER, "height": {"band": 0.3}},
            "encoding": {
                "y": y,
                "x": {"field": "centre", "type": "quantitative"},
                "x2": {"field": "position"},
            },
        },
        {
            "data": {"values": [{"centre": centre, "text": gettext("group median")}]},
            "layer": [
                {
                    "mark": {
                        "type": "rule",
                        "color": INK,
                        "strokeDash": [6, 4],
                        "strokeWidth": 1.5,
                    },
                    "encoding": {"x": {"field": "centre", "type": "quantitative"}},
                },
                {
                    "mark": {"type": "text", "baseline": "bottom", "dy": -4, "y": 0},
                    "encoding": {
                        "x": {"field": "centre", "type": "quantitative"},
                        "text": {"field": "text"},
                    },
                },
            ],
        },
        {
            "transform": [{"filter": "isValid(datum.position)"}],
            "mark": {"type": "point", "filled": True, "size": 90, "fill": FILL_OWN, "stroke": INK},
            "encoding": {"y": y, "x": {"field": "position", "type": "quantitative"}},
        },
    ]
    spec = _spec(title=title, layers=layers, data=rows, height={"step": 22})
    spec["title"]["subtitle"] = gettext("Grey band: the middle half of the group (quartiles).")

    placed = [item for item in items if item.position is not None]
    pos_decimals = 0 if scale == "percentile" else 2
    if not placed:
        description = gettext("No indicator of this domain has a position for your unit.")
    else:
        best = max(placed, key=lambda item: item.position or 0.0)
        worst = min(placed, key=lambda item: item.position or 0.0)
        above = sum(1 for item in placed if (item.position or 0.0) > centre)
        description = gettext(
            "%(above)s of %(n)s indicators above the group median; strongest: %(best)s "
            "(%(best_position)s), weakest: %(worst)s (%(worst_position)s)."
        ) % {
            "above": above,
            "n": len(placed),
            "best": best.indicator,
            "best_position": number(best.position, pos_decimals),
            "worst": worst.indicator,
            "worst_position": number(worst.position, pos_decimals),
        }
    position_header = gettext("Percentile") if scale == "percentile" else gettext("Standard score")
    table = Table(
        headers=[gettext("Indicator"), position_header],
        rows=[
            TableRow(cells=[item.indicator, number(item.position, pos_decimals)]) for item in items
        ],
    )
    return _chart(spec=spec, title=title, description=description, table=table, kind="profile")


def efficiency_chart(*, title: str, items: Sequence[EfficiencyItem]) -> Chart:
    """DEA scores (0–1) of the units, most efficient first; frontier units carry a
    diamond, the viewer's unit is dark, outlined and named."""
    number = number_formatter()
    ranked = _ranked(items, lambda item: item.score, Polarity.HIGHER_BETTER)
    rows = [
        {
            "label": entry.label,
            "value": entry.item.score,
            "order": index,
            "own": entry.item.own,
            "frontier": entry.item.frontier,
            "text": number(entry.item.score, 2),
        }
        for index, entry in enumerate(ranked)
        if entry.item.score is not None
    ]
    large = len(rows) > MAX_LABELLED_BARS
    layers = _ranked_bar_layers(
        rows, ".0%", gettext("Efficiency score"), large=large, domain=[0, 1]
    )
    layers.append(
        {
            "transform": [{"filter": "datum.frontier"}],
            "mark": {"type": "point", "shape": "diamond", "filled": True, "fill": INK, "size": 60},
            "encoding": {
                "y": _unit_axis(large),
                "x": {"field": "value", "type": "quantitative"},
            },
        }
    )
    spec = _spec(title=title, layers=layers, data=rows, height=_bar_height(len(rows)))
    spec["title"]["subtitle"] = gettext("◆ on the efficiency frontier (score 1)")

    frontier = sum(1 for row in rows if row["frontier"])
    description = gettext("%(frontier)s of %(n)s units are on the efficiency frontier.") % {
        "frontier": frontier,
        "n": len(rows),
    }
    own = next((entry for entry in ranked if entry.item.own), None)
    if own is not None and own.item.score is not None:
        description += " " + gettext("Your unit: score %(score)s, rank %(rank)s.") % {
            "score": number(own.item.score, 2),
            "rank": own.rank,
        }
    yes, no = gettext("yes"), gettext("no")
    table = Table(
        headers=[
            gettext("Rank"),
            gettext("Unit"),
            gettext("Efficiency score"),
            gettext("Frontier"),
        ],
        rows=[
            TableRow(
                cells=[
                    "" if entry.rank is None else str(entry.rank),
                    entry.label,
                    number(entry.item.score, 2),
                    yes if entry.item.frontier else no,
                ],
                own=entry.item.own,
            )
            for entry in ranked
        ],
    )
    return _chart(spec=spec, title=title, description=description, table=table, kind="efficiency")


def sparkline(
    values: Sequence[float | None],
    *,
    periods: Sequence[int | str] | None = None,
    decimals: int = 1,
    title: str = "",
    with_table: bool = True,
) -> Chart:
    """A tiny line of a unit's values over the periods, the last one dotted; no axes.

    ``with_table=False`` leaves the data table empty: for a page that shows the numbers
    beside the line already (a dashboard has dozens of sparklines)."""
    number = number_formatter()
    labels = (
        [str(p) for p in periods]
        if periods is not None
        else [str(i + 1) for i in range(len(values))]
    )
    rows = [
        {"period": label, "value": value, "i": i}
        for i, (label, value) in enumerate(zip(labels, values, strict=True))
    ]
    x = {
        "field": "i",
        "type": "quantitative",
        "axis": None,
        "scale": {"zero": False, "nice": False},
    }
    y = {"field": "value", "type": "quantitative", "axis": None, "scale": {"zero": False}}
    spec: dict[str, Any] = {
        "$schema": VEGA_LITE_SCHEMA,
        "width": SPARKLINE_WIDTH,
        "height": SPARKLINE_HEIGHT,
        "padding": 2,
        "background": None,
        "config": {"view": {"stroke": None}},
        "data": {"values": rows},
        "transform": [{"filter": "isValid(datum.value)"}],
        "layer": [
            {
                "mark": {"type": "line", "color": FILL_OWN, "strokeWidth": 1.5},
                "encoding": {"x": x, "y": y},
            },
            {
                "transform": [
                    {
                        "window": [{"op": "rank", "as": "from_end"}],
                        "sort": [{"field": "i", "order": "descending"}],
                    },
                    {"filter": "datum.from_end == 1"},
                ],
                "mark": {"type": "point", "filled": True, "fill": FILL_OWN, "size": 14},
                "encoding": {"x": x, "y": y},
            },
        ],
    }
    present = [
        (label, value) for label, value in zip(labels, values, strict=True) if value is not None
    ]
    if not present:
        description = gettext("No values.")
    else:
        description = gettext(
            "From %(first)s (%(first_period)s) to %(last)s (%(last_period)s)."
        ) % {
            "first": number(present[0][1], decimals),
            "first_period": present[0][0],
            "last": number(present[-1][1], decimals),
            "last_period": present[-1][0],
        }
    table = Table(
        headers=[pgettext("chart axis", "Period"), gettext("Value")],
        rows=[
            TableRow(cells=[label, number(value, decimals)])
            for label, value in zip(labels, values, strict=True)
        ]
        if with_table
        else [],
    )
    return _chart(spec=spec, title=title, description=description, table=table, kind="sparkline")


# --- building blocks -----------------------------------------------------------------


def _chart(*, spec: dict[str, Any], title: str, description: str, table: Table, kind: str) -> Chart:
    # Vega gives the drawn SVG this description as its aria-label.
    spec["description"] = description
    return Chart(spec=spec, title=title, description=description, table=table, kind=kind)


@dataclass(frozen=True)
class _Ranked:
    item: Any
    label: str
    rank: int | None


def _ranked(items: Sequence[Any], key: Any, polarity: Polarity) -> list[_Ranked]:
    """Items best first (falling value unless lower is better), the missing last, with
    the engine's ranks: 1 = best, ties share the best rank of the tie."""
    labels = _unique_labels([item.label for item in items])
    present = [
        (item, label) for item, label in zip(items, labels, strict=True) if _finite(key(item))
    ]
    missing = [
        (item, label) for item, label in zip(items, labels, strict=True) if not _finite(key(item))
    ]
    descending = polarity != Polarity.LOWER_BETTER
    present.sort(key=lambda pair: -key(pair[0]) if descending else key(pair[0]))
    result: list[_Ranked] = []
    previous: float | None = None
    rank = 0
    for index, (item, label) in enumerate(present):
        if key(item) != previous:
            rank, previous = index + 1, key(item)
        result.append(_Ranked(item, label, None if polarity == Polarity.NEUTRAL else rank))
    result += [_Ranked(item, label, None) for item, label in missing]
    return result


def _unique_labels(labels: list[str]) -> list[str]:
    counts = Counter(labels)
    seen: Counter[str] = Counter()
    result = []
    for label in labels:
        seen[label] += 1
        result.append(f"{label} ({seen[label]})" if counts[label] > 1 else label)
    return result


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _unit_axis(large: bool) -> dict[str, Any]:
    y: dict[str, Any] = {
        "field": "label",
        "type": "nominal",
        "sort": {"field": "order", "op": "min"},
        "title": None,
    }
    if large:
        y["axis"] = None
        y["scale"] = {"paddingInner": 0, "paddingOuter": 0}
    else:
        y["axis"] = {"labelLimit": 220}
    return y


def _ranked_bar_layers(
    rows: list[dict[str, Any]],
    fmt: str,
    value_title: str,
    *,
    large: bool,
    domain: list[float] | None = None,
) -> list[dict[str, Any]]:
    y = _unit_axis(large)
    if not large:
        # The viewer's unit is also named in bold on the axis. Axis labels cannot see the
        # data, so the test is on the label's text.
        own_labels = [row["label"] for row in rows if row["own"]]
        y["axis"]["labelFontWeight"] = {
            "condition": {
                "test": f"indexof({_json(own_labels)}, datum.value) >= 0",
                "value": "bold",
            },
            "value": "normal",
        }
    x: dict[str, Any] = {
        "field": "value",
        "type": "quantitative",
        "title": value_title or None,
        "axis": {"format": fmt, "grid": True, "labelOverlap": "greedy"},
    }
    if domain is not None:
        x["scale"] = {"domain": domain}
    own_text = gettext("Your unit")
    return [
        {
            "mark": {"type": "bar", "strokeWidth": 2},
            "encoding": {
                "y": y,
                "x": x,
                "fill": {
                    "condition": {"test": "datum.own", "value": FILL_OWN},
                    "value": FILL_OTHER,
                },
                "stroke": {"condition": {"test": "datum.own", "value": INK}, "value": None},
                "tooltip": [
                    {"field": "label", "title": gettext("Unit")},
                    {"field": "text", "title": gettext("Value")},
                ],
            },
        },
        {
            "transform": [
                {"filter": "datum.own"},
                {"calculate": f"{_json('◄ ' + own_text + ': ')} + datum.text", "as": "own_text"},
                {"calculate": "max(datum.value, 0)", "as": "anchor"},
            ],
            "mark": {"type": "text", "align": "left", "dx": 4, "fontWeight": "bold"},
            "encoding": {
                "y": {k: v for k, v in y.items() if k != "axis"},
                "x": {"field": "anchor", "type": "quantitative"},
                "text": {"field": "own_text"},
            },
        },
    ]


def _median_layers(median: float, decimals: int) -> list[dict[str, Any]]:
    text = gettext("median %(value)s") % {"value": _number(median, decimals)}
    return [
        {
            "data": {"values": [{"median": median, "text": text}]},
            "layer": [
                {
                    "mark": {
                        "type": "rule",
                        "color": INK,
                        "strokeDash": [6, 4],
                        "strokeWidth": 1.5,
                    },
                    "encoding": {"x": {"field": "median", "type": "quantitative"}},
                },
                {
                    "mark": {"type": "text", "baseline": "bottom", "dy": -4, "y": 0},
                    "encoding": {
                        "x": {"field": "median", "type": "quantitative"},
                        "text": {"field": "text"},
                    },
                },
            ],
        }
    ]


def _spec(
    *, title: str, layers: list[dict[str, Any]], data: list[dict[str, Any]], height: Any
) -> dict[str, Any]:
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": {"text": title, "anchor": "start", "offset": 18},
        "width": WIDTH,
        "height": height,
        "background": "#ffffff",
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "axis": {
                "labelFontSize": 11,
                "titleFontSize": 11,
                "labelColor": INK,
                "titleColor": INK,
            },
            "title": {"fontSize": 13, "subtitleFontSize": 11, "subtitleColor": INK},
            "text": {"fontSize": 11, "color": INK},
        },
        "data": {"values": data},
        "layer": layers,
    }


def _bar_height(n: int) -> Any:
    if n > MAX_LABELLED_BARS:
        return LARGE_GROUP_HEIGHT
    return {"step": BAR_STEP}


def _vega_format(decimals: int) -> str:
    return f",.{max(decimals, 0)}f"


def format_number(value: float | None, decimals: int) -> str:
    """``value`` with ``decimals`` places, grouped and with the decimal mark of the active
    language, "—" when missing: what ``formats.number_format`` writes, but a fraction of
    its cost (pages format thousands of numbers; see ``number_formatter``)."""
    return number_formatter()(value, decimals)


def number_formatter() -> Callable[[float | None, int], str]:
    """``format_number`` for the active language, its separators looked up once (each
    lookup reads the request's language, which costs more than the formatting)."""
    table = {
        ord(","): formats.get_format("THOUSAND_SEPARATOR"),
        ord("."): formats.get_format("DECIMAL_SEPARATOR"),
    }

    def formatted(value: float | None, decimals: int) -> str:
        if value is None or not math.isfinite(value):
            return "—"
        return f"{value:,.{max(decimals, 0)}f}".translate(table)

    return formatted


_number = format_number


def _json(value: str | list[str]) -> str:
    """A JSON literal, which is also a literal of vega's expression language."""
    return json.dumps(value, ensure_ascii=False)


def _language() -> str:
    return (get_language() or "pl")[:2]
