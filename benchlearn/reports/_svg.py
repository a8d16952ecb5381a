"""The work of one chart-drawing process: nothing but vl-convert, so that a spawned
worker starts without Django."""

from __future__ import annotations

from typing import Any

import vl_convert

# A tiny chart drawn once when a worker starts: vl-convert's first conversion starts
# its JavaScript engine and takes about a second.
_WARM_UP = {"data": {"values": [{"x": 1}]}, "mark": "point", "encoding": {"x": {"field": "x"}}}


def warm_up() -> None:
    vl_convert.vegalite_to_svg(_WARM_UP)


def svg(spec: dict[str, Any], format_locale: dict[str, Any]) -> str:
    """The chart as an SVG document: vector paths and text (not paths: text stays text
    in the PDF, searchable and read aloud)."""
    return vl_convert.vegalite_to_svg(spec, format_locale=format_locale)


def svgs(jobs: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[str]:
    return [svg(spec, locale) for spec, locale in jobs]
