"""A person's competency profile: their level of each competency (1–4) against the
level expected of their seat, and the second view where there is one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from benchlearn.charts.common import (
    FILL_OWN,
    INK,
    Chart,
    Table,
    TableRow,
    make_chart,
    vega_spec,
)

TOP_LEVEL = 4


@dataclass(frozen=True)
class CompetencyLevel:
    """One competency of the profile: the latest own level (None: not assessed), the
    expected level, the start and end levels and the second view's."""

    competency: str
    expected: int
    start: int | None
    end: int | None
    superior: int | None = None

    @property
    def level(self) -> int | None:
        return self.end if self.end is not None else self.start

    @property
    def gap(self) -> int | None:
        return None if self.level is None else max(self.expected - self.level, 0)


def _shown(value: int | None) -> str:
    return "—" if value is None else str(value)


def competency_chart(*, title: str, items: Sequence[CompetencyLevel]) -> Chart:
    """Bars of the person's latest level, a black tick at the expected level, a
    diamond at the second view's level; the table lists every figure."""
    rows = [
        {
            "competency": item.competency,
            "level": item.level,
            "expected": item.expected,
            "superior": item.superior,
        }
        for item in items
    ]
    y: dict[str, Any] = {
        "field": "competency",
        "type": "nominal",
        "sort": None,
        "title": None,
        "axis": {"labelLimit": 260},
    }
    x_scale = {"domain": [0, TOP_LEVEL], "nice": False}
    axis = {"tickCount": TOP_LEVEL, "format": "d", "title": gettext("Level (1–4)")}
    layers: list[dict[str, Any]] = [
        {
            "transform": [{"filter": "isValid(datum.level)"}],
            "mark": {"type": "bar", "fill": FILL_OWN, "stroke": INK, "height": {"band": 0.5}},
            "encoding": {
                "y": y,
                "x": {"field": "level", "type": "quantitative", "scale": x_scale, "axis": axis},
            },
        },
        {
            "mark": {"type": "tick", "color": INK, "thickness": 3, "size": 18},
            "encoding": {
                "y": y,
                "x": {"field": "expected", "type": "quantitative", "scale": x_scale, "axis": axis},
            },
        },
    ]
    if any(item.superior is not None for item in items):
        layers.append(
            {
                "transform": [{"filter": "isValid(datum.superior)"}],
                "mark": {"type": "point", "shape": "diamond", "filled": False, "stroke": INK},
                "encoding": {"y": y, "x": {"field": "superior", "type": "quantitative"}},
            }
        )
    spec = vega_spec(title=title, layers=layers, data=rows, height={"step": 28})
    spec["title"]["subtitle"] = gettext(
        "Bar: your level; black tick: the level expected of your seat; diamond: the second view."
    )
    assessed = [item for item in items if item.level is not None]
    below = [item for item in assessed if (item.gap or 0) > 0]
    if not assessed:
        description = gettext("No competency is assessed yet.")
    elif not below:
        description = gettext(
            "At or above the expected level in all %(n)s competencies assessed."
        ) % {"n": len(assessed)}
    else:
        largest = max(below, key=lambda item: item.gap or 0)
        description = gettext(
            "%(below)s of %(n)s competencies below the expected level; the largest gap: "
            "%(name)s (%(gap)s)."
        ) % {
            "below": len(below),
            "n": len(assessed),
            "name": largest.competency,
            "gap": largest.gap,
        }
    table = Table(
        headers=[
            gettext("Competency"),
            gettext("Expected"),
            gettext("Start of the cycle"),
            gettext("End of the cycle"),
            gettext("Second view"),
            gettext("Gap"),
        ],
        rows=[
            TableRow(
                cells=[
                    item.competency,
                    str(item.expected),
                    _shown(item.start),
                    _shown(item.end),
                    _shown(item.superior),
                    _shown(item.gap),
                ]
            )
            for item in items
        ],
    )
    return make_chart(
        spec=spec, title=title, description=description, table=table, kind="competencies"
    )
