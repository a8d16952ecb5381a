"""Drawing a chart: nothing but vl-convert."""

from __future__ import annotations

from typing import Any

import vl_convert


def svg(spec: dict[str, Any], format_locale: dict[str, Any]) -> str:
    """The chart as an SVG document: vector paths and text (not paths: text stays text
    in the PDF, searchable and read aloud)."""
    return vl_convert.vegalite_to_svg(spec, format_locale=format_locale)
