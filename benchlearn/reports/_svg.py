"""Drawing a chart: nothing but vl-convert."""

from __future__ import annotations

from typing import Any

import vl_convert

# A tiny chart to draw first (the benchmark warms up with it): vl-convert's first
# conversion starts its JavaScript engine.
_WARM_UP = {"data": {"values": [{"x": 1}]}, "mark": "point", "encoding": {"x": {"field": "x"}}}


def warm_up() -> None:
    vl_convert.vegalite_to_svg(_WARM_UP)


def svg(spec: dict[str, Any], format_locale: dict[str, Any]) -> str:
    """The chart as an SVG document: vector paths and text (not paths: text stays text
    in the PDF, searchable and read aloud)."""
    return vl_convert.vegalite_to_svg(spec, format_locale=format_locale)
