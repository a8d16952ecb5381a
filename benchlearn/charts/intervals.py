"""Shares with their 95 % intervals: one row per unit (or year), a dot at the share and
a line from the interval's lower to its upper bound (survey results)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext

from benchlearn.charts.common import (
    BAR_STEP,
    FILL_OTHER,
    FILL_OWN,
    INK,
    Chart,
    Table,
    TableRow,
    make_chart,
    number_formatter,
    unique_labels,
    vega_spec,
)


@dataclass(frozen=True)
class IntervalItem:
    label: str
    value: float  # per cent
    low: float
    high: float
    n: int
    own: bool = False


def interval_chart(*, title: str, items: Sequence[IntervalItem], label_title: str) -> Chart:
    """Dots at the shares (per cent) and lines over their intervals, the reader's own
    row dark; ``label_title`` heads the rows' column in the data table (unit, year)."""
    number = number_formatter()
    labels = unique_labels([item.label for item in items])
    rows = [
        {
            "label": label,
            "value": item.value,
            "low": item.low,
            "high": item.high,
            "own": item.own,
        }
        for label, item in zip(labels, items, strict=True)
    ]
    y = {"field": "label", "type": "nominal", "sort": None, "title": None}
    x = {
        "type": "quantitative",
        "title": gettext("Satisfied (%), with the 95% interval"),
        "scale": {"domain": [0, 100]},
    }
    colour = {
        "condition": {"test": "datum.own", "value": FILL_OWN},
        "value": FILL_OTHER,
    }
    layers = [
        {
            "mark": {"type": "rule", "strokeWidth": 2},
            "encoding": {
                "y": y,
                "x": {**x, "field": "low"},
                "x2": {"field": "high"},
                "color": colour,
            },
        },
        {
            "mark": {"type": "point", "filled": True, "stroke": INK, "size": 70},
            "encoding": {"y": y, "x": {**x, "field": "value"}, "color": colour},
        },
    ]
    spec = vega_spec(
        title=title, layers=layers, data=rows, height=max(BAR_STEP * 2 * len(rows), 60)
    )
    description = (
        gettext(
            "Share satisfied of %(count)s, from %(low)s%% to %(high)s%%; lines: 95%% intervals."
        )
        % {
            "count": len(items),
            "low": number(min(i.value for i in items), 1),
            "high": number(max(i.value for i in items), 1),
        }
        if items
        else gettext("No values.")
    )
    table = Table(
        headers=[
            label_title,
            gettext("Satisfied (%)"),
            gettext("95% interval"),
            gettext("Answers"),
        ],
        rows=[
            TableRow(
                cells=[
                    label,
                    number(item.value, 1),
                    f"{number(item.low, 1)}–{number(item.high, 1)}",
                    str(item.n),
                ],
                own=item.own,
            )
            for label, item in zip(labels, items, strict=True)
        ],
    )
    return make_chart(spec=spec, title=title, description=description, table=table, kind="interval")
