"""Bar charts: every unit of a group for one indicator and period, best to worst."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext

from benchlearn.charts.common import (
    MAX_LABELLED_BARS,
    Chart,
    Table,
    TableRow,
    bar_height,
    make_chart,
    median_layers,
    number_formatter,
    rank_items,
    ranked_bar_layers,
    vega_format,
    vega_spec,
)
from benchlearn.engine.catalogue import Polarity


@dataclass(frozen=True)
class BarItem:
    """One unit's value in a bar chart; ``own`` marks the viewer's unit."""

    label: str
    value: float | None
    own: bool = False


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
    ranked = rank_items(items, lambda item: item.value, polarity)
    own = next((entry for entry in ranked if entry.item.own), None)
    fmt = vega_format(decimals)
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
    layers = ranked_bar_layers(rows, fmt, unit_of_measure, large=len(rows) > MAX_LABELLED_BARS)
    if median is not None:
        layers += median_layers(median, decimals)
    spec = vega_spec(title=title, layers=layers, data=rows, height=bar_height(len(rows)))

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
    return make_chart(spec=spec, title=title, description=description, table=table, kind="bar")
