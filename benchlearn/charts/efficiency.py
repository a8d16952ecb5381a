"""Efficiency charts: DEA scores of a group's units, the frontier marked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext

from benchlearn.charts.common import (
    INK,
    MAX_LABELLED_BARS,
    Chart,
    Table,
    TableRow,
    bar_height,
    make_chart,
    number_formatter,
    rank_items,
    ranked_bar_layers,
    unit_axis,
    vega_spec,
)
from benchlearn.engine.catalogue import Polarity


@dataclass(frozen=True)
class EfficiencyItem:
    """One unit's DEA score (0–1); ``frontier`` marks the efficient units."""

    label: str
    score: float | None
    frontier: bool = False
    own: bool = False


SCORE_DECIMALS = 3
_MOST_DECIMALS = 6


def score_text(score: float | None, frontier: bool) -> str:
    """A DEA score as the page prints it, never contradicting the frontier flag: an
    efficient unit's 1 with three decimals, any other score with as many decimals as it
    takes to read below 1, and "≈ 1" where even six do not (a score of 1 that could
    still do better in some input or output: off the frontier)."""
    number = number_formatter()
    if score is None:
        return number(None, 0)
    if frontier:
        return number(1.0, SCORE_DECIMALS)
    for decimals in range(SCORE_DECIMALS, _MOST_DECIMALS + 1):
        if round(score, decimals) < 1:
            return number(score, decimals)
    return "≈ " + number(1.0, 0)


def frontier_text(score: float | None, frontier: bool) -> str:
    if score is None:
        return ""
    return gettext("on the frontier") if frontier else gettext("off the frontier")


def efficiency_chart(*, title: str, items: Sequence[EfficiencyItem]) -> Chart:
    """DEA scores (0–1) of the units, most efficient first; frontier units carry a
    diamond, the viewer's unit is dark, outlined and named."""
    ranked = rank_items(items, lambda item: item.score, Polarity.HIGHER_BETTER)
    rows = [
        {
            "label": entry.label,
            "value": entry.item.score,
            "order": index,
            "own": entry.item.own,
            "frontier": entry.item.frontier,
            "text": score_text(entry.item.score, entry.item.frontier),
        }
        for index, entry in enumerate(ranked)
        if entry.item.score is not None
    ]
    large = len(rows) > MAX_LABELLED_BARS
    # The axis reads 0–1 like the table, never percentages.
    layers = ranked_bar_layers(
        rows, ".1f", gettext("Efficiency score (0–1)"), large=large, domain=[0, 1]
    )
    if any(row["frontier"] for row in rows):
        layers.append(
            {
                "transform": [{"filter": "datum.frontier"}],
                "mark": {
                    "type": "point",
                    "shape": "diamond",
                    "filled": True,
                    "fill": INK,
                    "size": 60,
                },
                "encoding": {
                    "y": unit_axis(large),
                    "x": {"field": "value", "type": "quantitative"},
                },
            }
        )
    spec = vega_spec(title=title, layers=layers, data=rows, height=bar_height(len(rows)))
    spec["title"]["subtitle"] = gettext("◆ on the efficiency frontier (score 1)")

    frontier = sum(1 for row in rows if row["frontier"])
    description = gettext("%(frontier)s of %(n)s units are on the efficiency frontier.") % {
        "frontier": frontier,
        "n": len(rows),
    }
    own = next((entry for entry in ranked if entry.item.own), None)
    if own is not None and own.item.score is not None:
        description += " " + gettext("Your unit: score %(score)s, rank %(rank)s.") % {
            "score": score_text(own.item.score, own.item.frontier),
            "rank": own.rank,
        }
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
                    score_text(entry.item.score, entry.item.frontier),
                    frontier_text(entry.item.score, entry.item.frontier),
                ],
                own=entry.item.own,
            )
            for entry in ranked
        ],
    )
    return make_chart(
        spec=spec, title=title, description=description, table=table, kind="efficiency"
    )
