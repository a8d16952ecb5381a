"""Sparklines: a tiny line of one unit's values over the periods."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext, pgettext

from benchlearn.charts.common import (
    FILL_OWN,
    SPARKLINE_HEIGHT,
    SPARKLINE_WIDTH,
    VEGA_LITE_SCHEMA,
    Chart,
    Table,
    TableRow,
    make_chart,
    number_formatter,
    with_missing_years,
)


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
    if periods is not None:
        periods, values = with_missing_years(periods, values)
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
        "layer": [
            {
                # A year without a value is a gap in the line, not a straight join.
                "mark": {
                    "type": "line",
                    "color": FILL_OWN,
                    "strokeWidth": 1.5,
                    "invalid": "break-paths-filter-domains",
                },
                "encoding": {"x": x, "y": y},
            },
            {
                # Every value a dot: one between two gaps is no line at all.
                "transform": [{"filter": "isValid(datum.value)"}],
                "mark": {"type": "point", "filled": True, "fill": FILL_OWN, "size": 5},
                "encoding": {"x": x, "y": y},
            },
            {
                "transform": [
                    {"filter": "isValid(datum.value)"},
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
    return make_chart(
        spec=spec, title=title, description=description, table=table, kind="sparkline"
    )
