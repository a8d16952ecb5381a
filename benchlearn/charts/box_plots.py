"""Box plots: a group's spread over the periods, the viewer's unit marked."""

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


def box_plot(
    *,
    title: str,
    years: Sequence[YearSummary],
    decimals: int = 1,
    unit_of_measure: str = "",
    breaks: Sequence[int] = (),
) -> Chart:
    """The group's spread per period (min, quartiles, max, given by the caller: vega
    computes nothing) with the viewer's own value marked per period. ``breaks`` are the
    periods from which the definition changed: a dashed rule marks each, the unit's line
    does not join across it, and the table says so."""
    number = number_formatter()
    # A year without statistics keeps its place on the axis: a gap, not the next year.
    filled, summaries = with_missing_years([year.period for year in years], list(years))
    years = [
        summary or YearSummary(period, None, None, None, None, None)
        for period, summary in zip(filled, summaries, strict=True)
    ]
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
    own_line: dict[str, Any] = {}
    if breaks:
        # Which definition each year follows: the unit's line is drawn per part.
        for row, year in zip(rows, years, strict=True):
            row["series"] = sum(1 for start in breaks if (_year_of(year.period) or 0) >= start)
        own_line = {"detail": {"field": "series"}}
    fmt = vega_format(decimals)
    x = {
        "field": "period",
        "type": "ordinal",
        "title": pgettext("chart axis", "Period"),
        "sort": None,
        "scale": {"domain": [str(year.period) for year in years]},
        "axis": {"labelAngle": 0},
    }
    y_title = unit_of_measure or gettext("Value")
    own_label = gettext("Your unit")
    # Every layer with the same axis title and format, since any of them may be left out.
    y = {"type": "quantitative", "title": y_title, "axis": {"format": fmt}}
    # Each mark with the field it needs: a mark with no value of its field is left out
    # (vega would warn in the console of a scale of nothing, "Infinite extent").
    marks: list[tuple[str, dict[str, Any]]] = [
        (
            "min",
            {
                "transform": [{"filter": "isValid(datum.min) && isValid(datum.max)"}],
                "mark": {"type": "rule", "color": INK},
                "encoding": {"x": x, "y": {**y, "field": "min"}, "y2": {"field": "max"}},
            },
        ),
        (
            "q1",
            {
                "transform": [{"filter": "isValid(datum.q1) && isValid(datum.q3)"}],
                "mark": {"type": "bar", "size": 28, "fill": FILL_OTHER, "stroke": INK},
                "encoding": {"x": x, "y": {**y, "field": "q1"}, "y2": {"field": "q3"}},
            },
        ),
        (
            "median",
            {
                "transform": [{"filter": "isValid(datum.median)"}],
                "mark": {"type": "tick", "size": 28, "thickness": 3, "color": INK},
                "encoding": {"x": x, "y": {**y, "field": "median"}},
            },
        ),
        (
            "own",
            {
                # The unit's line breaks at a year without its value.
                "mark": {
                    "type": "line",
                    "color": FILL_OWN,
                    "strokeDash": [2, 2],
                    "invalid": "break-paths-filter-domains",
                },
                "encoding": {"x": x, "y": {**y, "field": "own"}, **own_line},
            },
        ),
        (
            "own",
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
                "encoding": {"x": x, "y": {**y, "field": "own"}},
            },
        ),
    ]
    layers = [layer for needed, layer in marks if any(row[needed] is not None for row in rows)]
    last_own = next((row for row in reversed(rows) if row["own"] is not None), None)
    last_own_year = next((year for year in reversed(years) if year.own is not None), None)
    if last_own is not None:
        layers.append(
            {
                "data": {"values": [last_own]},
                "mark": {"type": "text", "align": "left", "dx": 9, "fontWeight": "bold"},
                "encoding": {
                    "x": x,
                    "y": {**y, "field": "own"},
                    "text": {"value": "◆ " + own_label},
                },
            }
        )
    marked = [str(year.period) for year in years if _year_of(year.period) in set(breaks)]
    if marked and layers:
        layers.append(
            {
                "data": {"values": [{"period": period} for period in marked]},
                "mark": {"type": "rule", "strokeDash": [6, 4], "color": INK},
                "encoding": {"x": x},
            }
        )
    spec = vega_spec(title=title, layers=layers, data=rows, height=260)
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
    for start in breaks:
        description += " " + gettext("Break in series: the definition changed from %(period)s.") % {
            "period": start
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
                    _period_cell(year.period, breaks),
                    *(
                        number(value, decimals)
                        for value in (year.min, year.q1, year.median, year.q3, year.max, year.own)
                    ),
                ]
            )
            for year in years
        ],
    )
    return make_chart(spec=spec, title=title, description=description, table=table, kind="box")


def _year_of(period: int | str) -> int | None:
    try:
        return int(period)
    except ValueError:
        return None


def _period_cell(period: int | str, breaks: Sequence[int]) -> str:
    if _year_of(period) in set(breaks):
        return gettext("%(period)s (break in series)") % {"period": period}
    return str(period)
