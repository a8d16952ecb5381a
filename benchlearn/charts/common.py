"""What every chart shares: the Chart and its table, sizes and colours, number
formats in the reader's language, ranking, and the layers and spec around the marks."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.utils import formats
from django.utils.translation import get_language, gettext

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
# No text smaller, in pages or PDFs: a chart must read on a projector at a meeting.
FONT_SIZE = 12
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
    language: str = field(default_factory=lambda: active_language())


def format_locale(language: str | None = None) -> dict[str, Any]:
    """The d3-format locale (decimal comma, grouping) for vega, in ``language``."""
    return _FORMAT_LOCALES.get((language or active_language())[:2], _FORMAT_LOCALES["en"])


def make_chart(
    *, spec: dict[str, Any], title: str, description: str, table: Table, kind: str
) -> Chart:
    # Vega gives the drawn SVG this description as its aria-label.
    spec["description"] = description
    return Chart(spec=spec, title=title, description=description, table=table, kind=kind)


@dataclass(frozen=True)
class Ranked:
    item: Any
    label: str
    rank: int | None


def rank_items(items: Sequence[Any], key: Any, polarity: Polarity) -> list[Ranked]:
    """Items best first (falling value unless lower is better), the missing last, with
    the engine's ranks: 1 = best, ties share the best rank of the tie."""
    labels = unique_labels([item.label for item in items])
    present = [
        (item, label) for item, label in zip(items, labels, strict=True) if is_finite(key(item))
    ]
    missing = [
        (item, label) for item, label in zip(items, labels, strict=True) if not is_finite(key(item))
    ]
    descending = polarity != Polarity.LOWER_BETTER
    present.sort(key=lambda pair: -key(pair[0]) if descending else key(pair[0]))
    result: list[Ranked] = []
    previous: float | None = None
    rank = 0
    for index, (item, label) in enumerate(present):
        if key(item) != previous:
            rank, previous = index + 1, key(item)
        result.append(Ranked(item, label, None if polarity == Polarity.NEUTRAL else rank))
    result += [Ranked(item, label, None) for item, label in missing]
    return result


def unique_labels(labels: list[str]) -> list[str]:
    counts = Counter(labels)
    seen: Counter[str] = Counter()
    result = []
    for label in labels:
        seen[label] += 1
        result.append(f"{label} ({seen[label]})" if counts[label] > 1 else label)
    return result


def is_finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def unit_axis(large: bool) -> dict[str, Any]:
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


def ranked_bar_layers(
    rows: list[dict[str, Any]],
    fmt: str,
    value_title: str,
    *,
    large: bool,
    domain: list[float] | None = None,
) -> list[dict[str, Any]]:
    y = unit_axis(large)
    if not large:
        # The viewer's unit is also named in bold on the axis. Axis labels cannot see the
        # data, so the test is on the label's text.
        own_labels = [row["label"] for row in rows if row["own"]]
        y["axis"]["labelFontWeight"] = {
            "condition": {
                "test": f"indexof({json_text(own_labels)}, datum.value) >= 0",
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
    layers: list[dict[str, Any]] = [
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
                {
                    "calculate": f"{json_text('◄ ' + own_text + ': ')} + datum.text",
                    "as": "own_text",
                },
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
    # A layer whose filter keeps no row leaves vega a scale of nothing ("Infinite
    # extent" in the console): the label of the viewer's unit only when it has a bar.
    return layers if any(row["own"] for row in rows) else layers[:1]


def median_layers(median: float, decimals: int) -> list[dict[str, Any]]:
    text = gettext("median %(value)s") % {"value": _number(median, decimals)}
    return [median_rule(median, text)]


def median_rule(median: float, text: str) -> dict[str, Any]:
    """A dashed vertical rule at the median, labelled with ``text`` above the plot."""
    return {
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


def vega_spec(
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
                "labelFontSize": FONT_SIZE,
                "titleFontSize": FONT_SIZE,
                "labelColor": INK,
                "titleColor": INK,
            },
            "legend": {"labelFontSize": FONT_SIZE, "titleFontSize": FONT_SIZE},
            "title": {"fontSize": 14, "subtitleFontSize": FONT_SIZE, "subtitleColor": INK},
            "text": {"fontSize": FONT_SIZE, "color": INK},
        },
        "data": {"values": data},
        "layer": layers,
    }


def bar_height(n: int) -> Any:
    if n > MAX_LABELLED_BARS:
        return LARGE_GROUP_HEIGHT
    return {"step": BAR_STEP}


def vega_format(decimals: int) -> str:
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


def json_text(value: str | list[str]) -> str:
    """A JSON literal, which is also a literal of vega's expression language."""
    return json.dumps(value, ensure_ascii=False)


def active_language() -> str:
    return (get_language() or "pl")[:2]


_T = TypeVar("_T")


def with_missing_years(
    periods: Sequence[int | str], values: Sequence[_T | None]
) -> tuple[list[int | str], list[_T | None]]:
    """``periods`` with the years missing between them put in (their values None), so
    that a time axis shows a year without data as a gap, not as the next year; periods
    that are not all whole years are left as they are."""
    if not periods or not all(isinstance(p, int) for p in periods):
        return list(periods), list(values)
    by_year = {int(p): value for p, value in zip(periods, values, strict=True)}
    years: list[int | str] = list(range(min(by_year), max(by_year) + 1))
    return years, [by_year.get(int(year)) for year in years]
