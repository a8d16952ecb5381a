"""Profiles: where a unit stands on each indicator of a domain, on one scale."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.utils.translation import gettext

from benchlearn.charts.common import (
    FILL_OTHER,
    FILL_OWN,
    INK,
    Chart,
    Table,
    TableRow,
    make_chart,
    median_rule,
    number_formatter,
    vega_spec,
)


@dataclass(frozen=True)
class ProfileItem:
    """One indicator of a profile: the unit's position, oriented so that higher is
    better (the caller turns z-scores of lower-better indicators round), and optionally
    the group's quartile band on the same scale."""

    indicator: str
    position: float | None
    band_low: float | None = None
    band_high: float | None = None


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
        median_rule(centre, gettext("group median")),
        {
            "transform": [{"filter": "isValid(datum.position)"}],
            "mark": {"type": "point", "filled": True, "size": 90, "fill": FILL_OWN, "stroke": INK},
            "encoding": {"y": y, "x": {"field": "position", "type": "quantitative"}},
        },
    ]
    if not any(item.position is not None for item in items):
        # Only the bands and the median: the marks of the unit's positions would have
        # no value to draw (vega warns in the console of a scale of nothing).
        layers = [layers[0], layers[2]]
    spec = vega_spec(title=title, layers=layers, data=rows, height={"step": 22})
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
    return make_chart(spec=spec, title=title, description=description, table=table, kind="profile")
