"""The spread of an indicator across classes of units (kinds, size bands, voivodeships):
one row per class, its quartiles as a bar, the median as a thick tick and the
ratio-of-sums aggregate as a diamond. What the public portal shows; classes whose
figures are withheld are left out of the drawing (the table says why)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext, pgettext

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
    vega_format,
    vega_spec,
)


@dataclass(frozen=True)
class ClassSpread:
    label: str
    n: int | None
    q1: float | None
    median: float | None
    q3: float | None
    aggregate: float | None


def spread_chart(
    *, title: str, classes: Sequence[ClassSpread], decimals: int = 1, unit_of_measure: str = ""
) -> Chart:
    """Quartiles, median and aggregate of each class (figures given by the caller)."""
    number = number_formatter()
    drawn = [c for c in classes if c.median is not None]
    rows = [
        {
            "label": c.label,
            "order": i,
            "q1": c.q1,
            "median": c.median,
            "q3": c.q3,
            "aggregate": c.aggregate,
        }
        for i, c in enumerate(drawn)
    ]
    y = {
        "field": "label",
        "type": "nominal",
        "sort": {"field": "order", "op": "min"},
        "title": None,
        "axis": {"labelLimit": 220},
    }
    x = {
        "type": "quantitative",
        "title": unit_of_measure or gettext("Value"),
        "axis": {"format": vega_format(decimals), "grid": True},
        # The classes differ by a few per cent of their level: an axis from zero would
        # squeeze them into a corner.
        "scale": {"zero": False},
    }
    layers: list[dict[str, Any]] = [
        {
            "transform": [{"filter": "isValid(datum.q1) && isValid(datum.q3)"}],
            "mark": {"type": "bar", "height": 12, "fill": FILL_OTHER, "stroke": INK},
            "encoding": {"y": y, "x": {**x, "field": "q1"}, "x2": {"field": "q3"}},
        },
        {
            "mark": {"type": "tick", "thickness": 3, "size": 18, "color": INK},
            "encoding": {"y": y, "x": {**x, "field": "median"}},
        },
    ]
    if any(c.aggregate is not None for c in drawn):
        layers.append(
            {
                "transform": [{"filter": "isValid(datum.aggregate)"}],
                "mark": {
                    "type": "point",
                    "shape": "diamond",
                    "size": 90,
                    "filled": True,
                    "fill": FILL_OWN,
                    "stroke": INK,
                },
                "encoding": {"y": y, "x": {**x, "field": "aggregate"}},
            }
        )
    spec = vega_spec(
        title=title, layers=layers, data=rows, height={"step": max(BAR_STEP, 24)} if rows else 40
    )
    spec["title"]["subtitle"] = gettext(
        "Bar: lower to upper quartile; thick line: median; diamond: aggregate (ratio of sums)."
    )
    if drawn:
        description = gettext("Median by class: %(medians)s.") % {
            "medians": "; ".join(f"{c.label} {number(c.median, decimals)}" for c in drawn)
        }
    else:
        description = gettext("No figure can be shown for these classes.")
    table = Table(
        headers=[
            pgettext("class of units", "Class"),
            gettext("Units"),
            gettext("Lower quartile"),
            gettext("Median"),
            gettext("Upper quartile"),
            gettext("Aggregate"),
        ],
        rows=[
            TableRow(
                cells=[
                    c.label,
                    str(c.n) if c.n is not None else "—",
                    *(number(v, decimals) for v in (c.q1, c.median, c.q3, c.aggregate)),
                ]
            )
            for c in classes
        ],
    )
    return make_chart(spec=spec, title=title, description=description, table=table, kind="spread")
