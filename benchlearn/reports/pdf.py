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

Every :class:`~benchlearn.reports.charts.Chart` found in the data (in dicts, lists,
tuples and dataclasses) is drawn by vl-convert as SVG from the same Vega-Lite spec the
pages give the browser, and placed by Typst as vectors with real, extractable text: no
raster images. The charts of a document are drawn in spawned worker processes beside
this one when the machine has a second CPU (``CHART_WORKERS``), and kept in memory by
spec (``CHART_CACHE``): a meeting pack after its group report draws nothing again.

Why Typst: WeasyPrint, which made these documents before, took 15–35 s for a
60-indicator group report on the 2-CPU machine (with the charts drawn before: layout
~9 s, styles ~4 s, boxes ~2 s, writing ~2.6 s for ~4,000 table cells, and ~4 s to stamp
the charts in as PDFs with pypdf; as SVG images it was slower still, ~5 ms a text
element). Typst (0.15.1, typst-py 0.15.2) typesets the same report, 63 pages (an
overview of three, then a page per indicator with an SVG chart and a 15-row table), in
0.3–0.45 s (the JSON it reads is built in ~5 ms); what is left of the first PDF is
drawing the charts, 40–75 ms of CPU each in vl-convert (a tiny chart 7 ms; the spec's
details hardly matter). Measured with ``bench/bench_reports.py``, the machine's 2 CPUs
shared with other sessions' work (load 2.5–4.3): 2.9–3.1 s with a worker, 2.9–3.2 s in
one process, 0.3 s with the charts drawn before; at load 4 once 5.9 and 4.7 s. The
worker only pays when a CPU is idle: under load the other CPU is already busy, and it
costs the pickling. Typst is safe to call from several threads at once (the fonts are
found once and shared).
"""

from __future__ import annotations

import atexit
import dataclasses
import datetime
import hashlib
import json
import logging
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import cache
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import typst
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import get_language, pgettext

from benchlearn.reports import _svg
from benchlearn.reports.charts import Chart, format_locale

TEMPLATES = Path(__file__).with_name("typst")
# Debian's fonts-dejavu-core (``make system``): every Polish letter, and the charts'
# own font. Without it Typst's embedded Libertinus Serif, which has them too.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = "DejaVu Sans"
FALLBACK_FONT = "Libertinus Serif"

# Below this many charts to draw, the pool's overhead (sending specs, pickling SVGs) is
# not worth it and the charts are drawn in this process.
POOL_THRESHOLD = 8
# Processes drawing a document's charts beside this one (which draws too), at most the
# CPUs this process may use less one; none on one CPU.
CHART_WORKERS = 3
CHUNK = 3  # charts sent to a worker at once
# Charts drawn as SVG, kept by spec (15–60 kB each).
CHART_CACHE = 600
# A chart is as wide as the text (A4 less the margins) unless that would make it taller
# than this; vl-convert draws at 96 pixels an inch.
CONTENT_WIDTH_MM = 180.0
MAX_CHART_HEIGHT_MM = 225.0
MM_PER_PX = 25.4 / 96

logger = logging.getLogger(__name__)
_pool: ProcessPoolExecutor | None = None


def render_pdf(
    *,
    template: str,
    data: dict[str, Any],
    title: str,
    data_version: str = "",
    date: datetime.date | None = None,
    workers: int | None = None,
) -> bytes:
    """``typst/<template>`` compiled to an A4 PDF with ``data`` as its ``data.body``.

    ``title`` is the document's title and heading; ``data_version`` is shown in every
    page's header beside ``date`` (default: today). Charts in ``data`` reach the
    template as ``{svg, width, title, description, table}`` (``svg`` names the
    ``sys.inputs`` entry holding the drawing). ``workers``: the processes drawing the
    charts beside this one (default ``CHART_WORKERS``, 0 draws them all here).
    """
    charts = _charts_in(data)
    svgs = draw_svgs(charts, workers=CHART_WORKERS if workers is None else workers)
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
    inputs["data"] = json.dumps(document, default=encode, ensure_ascii=False)
    # Only the templates' folder is readable by the document, and no package is fetched.
    pdf: bytes = typst.compile(
        TEMPLATES / template, root=TEMPLATES, font_paths=_fonts(), sys_inputs=inputs
    )
    return pdf


def svg_for(chart: Chart) -> str:
    """The chart as an SVG document (from the cache, or drawn in this process)."""
    return draw_svgs([chart], workers=0)[0]


def draw_svgs(charts: Sequence[Chart], *, workers: int) -> list[str]:
    """SVG for many charts, in order, each drawn once.

    Charts drawn before come from the cache. With ``workers`` (capped at the CPUs this
    process may use less one) and enough charts, the rest are sent to the pool in small
    chunks, and this process draws the chunks no worker has started yet, from the last
    one back, while the workers finish theirs: every CPU draws. The pool is started
    once and kept for the life of the process; its processes are spawned, not forked,
    because vl-convert's engine runs threads that a fork would break.
    """
    jobs = [(chart.spec, format_locale(chart.language)) for chart in charts]
    keys = [_cache_key(job) for job in jobs]
    with _cache_lock:
        drawn = {key: _cache[key] for key in keys if key in _cache}
    missing = sorted({k: j for k, j in zip(keys, jobs, strict=True) if k not in drawn}.items())
    workers = min(workers, _cpus() - 1)
    futures: list[tuple[list[str], Future[list[str]]]] = []
    if workers >= 1 and len(missing) >= POOL_THRESHOLD:
        try:
            pool = _get_pool(workers)
            for start in range(0, len(missing), CHUNK):
                chunk = missing[start : start + CHUNK]
                future = pool.submit(_svg.svgs, [job for _key, job in chunk])
                futures.append(([key for key, _job in chunk], future))
        except BrokenProcessPool:
            _pool_broken()
            futures = []
    jobs_by_key = dict(missing)
    try:
        for chunk_keys, future in reversed(futures):
            if not future.cancel():
                break  # a worker has it, and every chunk before it
            for key in chunk_keys:
                drawn[key] = _svg.svg(*jobs_by_key[key])
        for chunk_keys, future in futures:
            if not future.cancelled():
                drawn.update(zip(chunk_keys, future.result(), strict=True))
    except BrokenProcessPool:
        _pool_broken()
    for key, job in missing:
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
    right = formats.date_format(date, "SHORT_DATE_FORMAT")
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


# --- The cache and the pool -------------------------------------------------------------

_cache: OrderedDict[str, str] = OrderedDict()
_cache_lock = threading.Lock()


def _cache_key(job: tuple[dict[str, Any], dict[str, Any]]) -> str:
    text = json.dumps(job, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _pool_broken() -> None:
    # A spawned worker imports the parent's main script; one without an
    # ``if __name__ == "__main__":`` guard breaks the pool. Draw here instead.
    logger.warning("Chart workers could not start; drawing the charts in this process")
    _discard_pool()


def _discard_pool() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


def _get_pool(workers: int) -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=get_context("spawn"), initializer=_svg.warm_up
        )
        atexit.register(_discard_pool)
    return _pool
