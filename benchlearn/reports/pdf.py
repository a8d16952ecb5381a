"""PDF documents typeset by Typst, charts drawn as vectors from the pages' own specs.

``render_pdf`` compiles one of the static Typst templates in ``typst/`` (``unit.typ``,
``group.typ``; ``common.typ`` is their frame) to an A4 PDF: the association's name and
the date and data version at the top of every page, "page X of Y" at the bottom, the
document's language, DejaVu Sans (every Polish letter), tables whose header row repeats
on a new page and whose rows are never split. The templates hold no text: everything
they show comes from the caller as data (texts translated, numbers formatted, as
``documents`` builds them) and goes to Typst as JSON in ``sys.inputs``; Typst places
those strings as text and never reads them as markup, so a name that users typed cannot
change the document (nothing is built by pasting text into Typst source).

Every :class:`~benchlearn.charts.Chart` found in the data (in dicts, lists,
tuples and dataclasses) is drawn by vl-convert as SVG from the same Vega-Lite spec the
pages give the browser, and placed by Typst as vectors with real, extractable text: no
raster images. Charts are drawn in this process (no pool of processes: a document is
made by a task in a worker, or by the command line, never beside a web request's
work) and kept in memory by spec (``CHART_CACHE``): a meeting pack after its group
report draws nothing again.

Why Typst: WeasyPrint, which made these documents before, spent most of a group
report's time on layout, styles and stamping the charts in; Typst typesets the same
report from JSON in a fraction of it, and what is left is drawing the charts in
vl-convert (figures in ``bench/bench_reports.py``). Typst is safe to call from several
threads at once (the fonts are found once and shared).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import typst
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import get_language, pgettext

from benchlearn.charts import Chart, format_locale
from benchlearn.reports import _svg

TEMPLATES = Path(__file__).with_name("typst")
# Debian's fonts-dejavu-core (``make system``): every Polish letter, and the charts'
# own font. Without it Typst's embedded Libertinus Serif, which has them too.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = "DejaVu Sans"
FALLBACK_FONT = "Libertinus Serif"

# Charts drawn as SVG, kept by spec (15–60 kB each).
CHART_CACHE = 600
# A chart is as wide as the text (A4 less the margins) unless that would make it taller
# than this; vl-convert draws at 96 pixels an inch.
CONTENT_WIDTH_MM = 180.0
MAX_CHART_HEIGHT_MM = 225.0
MM_PER_PX = 25.4 / 96

# "6 grudnia 2026", "6 December 2026": the day first in every language, the month in
# words (Django's English formats put the month first, 12/06/2026).
LONG_DATE = "j E Y"

logger = logging.getLogger(__name__)


def render_pdf(
    *,
    template: str,
    data: dict[str, Any],
    title: str,
    data_version: str = "",
    date: datetime.date | None = None,
    images: dict[str, str] | None = None,
) -> bytes:
    """``typst/<template>`` compiled to an A4 PDF with ``data`` as its ``data.body``.

    ``title`` is the document's title and heading; ``data_version`` is shown in every
    page's header beside ``date`` (default: today). Charts in ``data`` reach the
    template as ``{svg, width, title, description, table}`` (``svg`` names the
    ``sys.inputs`` entry holding the drawing). ``images``: more SVG drawings (QR codes)
    by the ``sys.inputs`` name the data gives them ("image-…").
    """
    charts = _charts_in(data)
    svgs = draw_svgs(charts)
    placed = {id(chart): n for n, chart in enumerate(charts)}

    def encode(value: object) -> object:
        if isinstance(value, Chart):
            n = placed[id(value)]
            return _chart_data(value, f"chart-{n}", svgs[n])
        raise TypeError(f"{type(value).__name__} in a PDF's data")

    document = {
        **_frame(title=title, data_version=data_version, date=date or timezone.localdate()),
        "body": data,
    }
    inputs = {f"chart-{n}": svg for n, svg in enumerate(svgs)}
    inputs.update({name: svg for name, svg in (images or {}).items() if name.startswith("image-")})
    inputs["data"] = json.dumps(document, default=encode, ensure_ascii=False)
    # Only the templates' folder is readable by the document, and no package is fetched.
    pdf: bytes = typst.compile(
        TEMPLATES / template, root=TEMPLATES, font_paths=_fonts(), sys_inputs=inputs
    )
    return pdf


def svg_for(chart: Chart) -> str:
    """The chart as an SVG document (from the cache, or drawn in this process)."""
    return draw_svgs([chart])[0]


def draw_svgs(charts: Sequence[Chart]) -> list[str]:
    """SVG for many charts, in order, each drawn once; charts drawn before come from
    the cache."""
    jobs = [(chart.spec, format_locale(chart.language)) for chart in charts]
    keys = [_cache_key(job) for job in jobs]
    with _cache_lock:
        drawn = {key: _cache[key] for key in keys if key in _cache}
    for key, job in zip(keys, jobs, strict=True):
        if key not in drawn:
            drawn[key] = _svg.svg(*job)
    with _cache_lock:
        for key in keys:
            _cache[key] = drawn[key]
            _cache.move_to_end(key)
        while len(_cache) > CHART_CACHE:
            _cache.popitem(last=False)
    return [drawn[key] for key in keys]


def _frame(*, title: str, data_version: str, date: datetime.date) -> dict[str, Any]:
    """What every page shows around the document, in the active language."""
    right = formats.date_format(date, LONG_DATE)
    if data_version:
        right = pgettext("PDF header", "%(date)s · data version %(version)s") % {
            "date": right,
            "version": data_version,
        }
    return {
        "title": title,
        "organisation": settings.BENCHLEARN_ORGANISATION,
        "header": right,
        # One sentence for translators; the template puts the numbers in.
        "footer": pgettext("PDF footer", "page %(page)s of %(pages)s"),
        "lang": (get_language() or "pl")[:2],
        "fonts": [FONT if _has_dejavu() else FALLBACK_FONT],
    }


def _chart_data(chart: Chart, name: str, svg: str) -> dict[str, Any]:
    return {
        "svg": name,
        "width": round(_width_mm(svg), 1),
        "title": chart.title,
        "description": chart.description,
        "table": {
            "headers": chart.table.headers,
            "rows": [{"cells": row.cells, "own": row.own} for row in chart.table.rows],
        },
    }


_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)"[^>]*?\bheight="([\d.]+)"')


def _width_mm(svg: str) -> float:
    """As wide as the text, unless the chart would then be taller than the limit."""
    found = _SIZE.match(svg)
    if found is None:
        return CONTENT_WIDTH_MM
    width, height = float(found[1]), float(found[2])
    if width <= 0 or height <= 0:
        return CONTENT_WIDTH_MM
    return min(CONTENT_WIDTH_MM, MAX_CHART_HEIGHT_MM * width / height)


@cache
def _fonts() -> typst.Fonts:
    """DejaVu and Typst's own fonts, found once; no other font of the system, so that a
    document looks the same on every server."""
    paths = [str(FONT_DIR)] if FONT_DIR.is_dir() else []
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=paths)


@cache
def _has_dejavu() -> bool:
    return FONT in _fonts().families()


def _charts_in(value: Any, depth: int = 0) -> list[Chart]:
    """Every chart in the data, each once, in the order the data holds them."""
    if isinstance(value, Chart):
        return [value]
    if depth > 8:
        return []
    if isinstance(value, dict):
        children: Any = value.values()
    elif isinstance(value, list | tuple):
        children = value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        children = (getattr(value, f.name) for f in dataclasses.fields(value))
    else:
        return []
    found: list[Chart] = []
    seen: set[int] = set()
    for child in children:
        for chart in _charts_in(child, depth + 1):
            if id(chart) not in seen:
                seen.add(id(chart))
                found.append(chart)
    return found


# --- The cache ------------------------------------------------------------------------

_cache: OrderedDict[str, str] = OrderedDict()
_cache_lock = threading.Lock()


def _cache_key(job: tuple[dict[str, Any], dict[str, Any]]) -> str:
    text = json.dumps(job, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()
