"""Did it work? A unit's line of one indicator over the years against its group's median
line and interquartile band (the band of normal variation of the values)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext, pgettext

from benchlearn.charts.common import (
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
    with_missing_years,
)


@dataclass(frozen=True)
class EffectYear:
    """One year of the chart: the unit's value and the group's median and quartiles
    (None where withheld or missing)."""

    period: int
    own: float | None
    median: float | None = None
    q1: float | None = None
    q3: float | None = None


def effect_chart(
    *,
    title: str,
    years: Sequence[EffectYear],
    decimals: int = 1,
    unit_of_measure: str = "",
    baseline_year: int | None = None,
    unit_label: str = "",
) -> Chart:
    """The unit's values as a solid line with dots, the group's median as a dashed line
    and its quartiles as a band, on one axis; a missing year is a gap in the lines.
    ``unit_label`` names the unit (its name: the reader may be of another unit)."""
    unit_label = unit_label or gettext("Your unit")
    number = number_formatter()
    filled, found = with_missing_years([y.period for y in years], list(years))
    rows_of = [
        year or EffectYear(int(period), None) for period, year in zip(filled, found, strict=True)
    ]
    rows = [
        {"period": str(y.period), "own": y.own, "median": y.median, "q1": y.q1, "q3": y.q3}
        for y in rows_of
    ]
    x = {
        "field": "period",
        "type": "ordinal",
        "title": pgettext("chart axis", "Period"),
        "sort": None,
        "scale": {"domain": [row["period"] for row in rows]},
        "axis": {"labelAngle": 0},
    }
    y = {
        "type": "quantitative",
        "title": unit_of_measure or gettext("Value"),
        "axis": {"format": vega_format(decimals)},
        "scale": {"zero": False},
    }
    marks: list[tuple[str, dict[str, Any]]] = [
        (
            "q1",
            {
                "transform": [{"filter": "isValid(datum.q1) && isValid(datum.q3)"}],
                "mark": {"type": "area", "fill": FILL_OTHER, "opacity": 0.7},
                "encoding": {"x": x, "y": {**y, "field": "q1"}, "y2": {"field": "q3"}},
            },
        ),
        (
            "median",
            {
                "mark": {
                    "type": "line",
                    "color": INK,
                    "strokeDash": [6, 4],
                    "strokeWidth": 1.5,
                    "invalid": "break-paths-filter-domains",
                },
                "encoding": {"x": x, "y": {**y, "field": "median"}},
            },
        ),
        (
            "own",
            {
                "mark": {
                    "type": "line",
                    "color": FILL_OWN,
                    "strokeWidth": 2.5,
                    "invalid": "break-paths-filter-domains",
                },
                "encoding": {"x": x, "y": {**y, "field": "own"}},
            },
        ),
        (
            "own",
            {
                # Every value a dot: one between two gaps is no line at all.
                "transform": [{"filter": "isValid(datum.own)"}],
                "mark": {
                    "type": "point",
                    "filled": True,
                    "fill": FILL_OWN,
                    "stroke": INK,
                    "size": 60,
                },
                "encoding": {"x": x, "y": {**y, "field": "own"}},
            },
        ),
    ]
    # A mark with no value of its field is left out (vega: "Infinite extent").
    layers = [layer for needed, layer in marks if any(row[needed] is not None for row in rows)]
    spec = vega_spec(title=title, layers=layers, data=rows, height=220)
    # The legend in words, in the description (under the drawing on the page and on paper).
    legend = (
        gettext("Solid line: %(unit)s; dashed: the group's median; band: its quartiles.")
        if any(row["median"] is not None for row in rows)
        else gettext("Solid line: %(unit)s.")
    ) % {"unit": unit_label}
    own = [y for y in rows_of if y.own is not None]
    if not own:
        description = gettext("No values.")
    else:
        description = gettext(
            "%(unit)s from %(first)s (%(first_period)s) to %(last)s (%(last_period)s)."
        ) % {
            "unit": unit_label,
            "first": number(own[0].own, decimals),
            "first_period": own[0].period,
            "last": number(own[-1].own, decimals),
            "last_period": own[-1].period,
        }
    if baseline_year is not None:
        description += " " + gettext("Baseline year: %(year)s.") % {"year": baseline_year}
    description += " " + legend
    table = Table(
        headers=[
            pgettext("chart axis", "Period"),
            unit_label,
            gettext("Lower quartile"),
            gettext("Median"),
            gettext("Upper quartile"),
        ],
        rows=[
            TableRow(
                cells=[str(y.period), *(number(v, decimals) for v in (y.own, y.q1, y.median, y.q3))]
            )
            for y in rows_of
        ],
    )
    return make_chart(spec=spec, title=title, description=description, table=table, kind="effect")
