"""HTML to PDF with WeasyPrint, charts drawn as vectors from the pages' own specs.

``render_pdf`` renders a Django template (extend ``reports/pdf/base.html``) to an A4
PDF: the association's name and the date and data version on every page, "page X of
Y" in the footer, DejaVu Sans (every Polish letter), table rows never split across
pages. Every :class:`~benchlearn.reports.charts.Chart` found in the context (directly,
or inside lists, tuples, dicts and dataclasses) and included with
``{% include "reports/chart.html" %}`` ends up in the PDF as vector paths and text, no
raster images.

How, and why so: WeasyPrint lays the document out with an *empty box* where each chart
goes (its size estimated from the spec, ``_estimated_size``); meanwhile vl-convert draws
every chart to a one-page PDF, in worker processes when the machine has a second CPU
(``CHART_WORKERS``), so the drawing runs beside the layout; then each chart is stamped
into its box (``_stamp``), its position read from the laid-out pages (the boxes' ids
are anchors). Drawn charts are kept in memory by spec (``CHART_CACHE``): a meeting pack
after its group report draws nothing again.

Measured, a 60-indicator group report (a 15-bar chart and a 15-row table each; see
``bench/bench_reports.py``), on the 2-CPU machine under load 3–4 from other work:
the earlier way (charts as SVG images that WeasyPrint draws) took 45.7 s, of which
WeasyPrint ~31 s — mostly the SVG text, ~5 ms a text element. This way, same machine
(load 3.1): 33.5 s with the charts drawn in a worker, 36.9 s in one process, 20.6 s
when the charts were drawn before. Still far from the issue's 5 s: what is left is
WeasyPrint itself (profiled, with the charts cached: layout ~9 s, styles ~4 s, boxes
~2 s, writing ~2.6 s for ~4,000 table cells) and stamping (~4 s, mostly pypdf reading
each chart and copying its fonts); a chart takes vl-convert 150–350 ms here.
"""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import pgettext
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from benchlearn.reports import _stamp, _svg
from benchlearn.reports.charts import Chart, format_locale

# Below this many charts the pool's overhead (sending specs, pickling SVGs) is not worth
# it and the charts are drawn in this process.
POOL_THRESHOLD = 8
# Processes drawing a PDF's charts beside WeasyPrint's layout, at most the CPUs this
# process may use less one (the layout's); none on one CPU.
CHART_WORKERS = 2
# Charts drawn as PDFs, kept by spec (about 20 kB each).
CHART_CACHE = 600
CHUNK = 3  # charts sent to a worker at once
# A chart's box is as wide as the text (A4 less the margins) and never taller than this.
CONTENT_WIDTH_MM = 180.0
MAX_CHART_HEIGHT_MM = 225.0

PRINT_CSS = """
html { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.35; color: #000; }
body { margin: 0; }
h1 { font-size: 16pt; margin: 0 0 4mm; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; break-after: avoid; }
h3 { font-size: 11pt; margin: 4mm 0 2mm; break-after: avoid; }
p { margin: 0 0 2mm; orphans: 3; widows: 3; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; font-size: 8.5pt; }
thead { display: table-header-group; }
tr, figure, .keep-together { break-inside: avoid; }
th, td { border-bottom: 0.4pt solid #777; padding: 1mm 1.5mm; text-align: left; }
th, td { vertical-align: top; }
td:last-child, th:last-child { text-align: right; }
tr.own td { font-weight: bold; background: #e6e6e6; }
figure { margin: 3mm 0 5mm; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: 8.5pt; margin-top: 1mm; }
.chart-slot { width: 100%; }
.chart-title { display: block; }
details > summary { display: none; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; }
.page-break { break-before: page; }
section.indicator { break-before: page; }
table.fixed { table-layout: fixed; }
th.num, td.num { text-align: right; }
.muted { color: #333; font-size: 8.5pt; }
dl.form-lines dt { font-weight: bold; margin-top: 3mm; }
dl.form-lines dd { margin: 0; height: 7mm; border-bottom: 0.4pt solid #777; }
ol.agenda-items li { margin: 0 0 4mm; }
div.notes { height: 90mm; border: 0.4pt solid #777; }
"""

logger = logging.getLogger(__name__)
_pool: ProcessPoolExecutor | None = None

# WeasyPrint reports every step of every document at INFO level.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def svg_for(chart: Chart) -> str:
    """The chart as an SVG document, drawn in this process by vl-convert."""
    return _svg.svg(chart.spec, format_locale(chart.language))


def render_charts(charts: Sequence[Chart], *, workers: int = 1) -> list[str]:
    """SVG for many charts, in order.

    Measured here (2 CPUs shared with other work, load 3–4), 60 charts of 15 bars:
    in this process 10.6 s (176 ms a chart; 68–90 ms on a quiet machine); two
    spawned, warmed worker processes 13.9 s once started (14.5 s with the start). The
    pool was slower: vl-convert already uses more than one core, and the other core
    was busy. So charts are drawn in this process unless ``workers`` (at most the
    CPUs this process may use) asks for a pool; the pool is started once, kept for the
    life of the process, and spawned, not forked, because vl-convert's engine runs
    threads that a fork would break.
    """
    jobs = [(chart.spec, format_locale(chart.language)) for chart in charts]
    workers = min(workers, _cpus())
    if workers < 2 or len(jobs) < POOL_THRESHOLD:
        return _svg.svgs(jobs)
    # A few chunks per worker: big enough to send few messages, small enough to keep
    # both workers busy to the end.
    size = max(1, len(jobs) // (workers * 3))
    chunks = [jobs[start : start + size] for start in range(0, len(jobs), size)]
    try:
        return [svg for chunk in _get_pool(workers).map(_svg.svgs, chunks) for svg in chunk]
    except BrokenProcessPool:
        # A spawned worker imports the parent's main script; one without an
        # ``if __name__ == "__main__":`` guard breaks the pool. Draw here instead.
        logger.warning("Chart workers could not start; drawing the charts in this process")
        _discard_pool()
        return _svg.svgs(jobs)


def render_pdf(
    *, template: str, context: dict[str, Any], title: str, workers: int | None = None
) -> bytes:
    """The template rendered to an A4 PDF.

    The context may give ``data_version`` (shown in every page's header) and ``date``
    (default: today); ``title`` is the document's title and heading. ``workers``: the
    processes drawing the charts (default ``CHART_WORKERS``, 0 draws them here).
    """
    charts = _charts_in(context)
    drawing = _draw_pdfs(charts, CHART_WORKERS if workers is None else workers)
    date = context.get("date") or timezone.localdate()
    slots = {id(chart): (f"chart-slot-{n}", _slot_height(chart)) for n, chart in enumerate(charts)}
    full = {
        **context,
        "title": title,
        "pdf": True,
        "date": date,
        "organisation_name": settings.BENCHLEARN_ORGANISATION,
        "_chart_slots": slots,
    }
    html = render_to_string(template, full)
    page_css = _page_css(
        organisation=settings.BENCHLEARN_ORGANISATION,
        date=formats.date_format(date, "SHORT_DATE_FORMAT"),
        data_version=str(context.get("data_version") or ""),
    )
    # Documents are self-contained: nothing is fetched from the network or the disk
    # (the HTML holds text that users typed, so it must not be able to read files).
    fetcher = URLFetcher(allowed_protocols=["data"])
    document = HTML(string=html, url_fetcher=fetcher).render(
        stylesheets=[CSS(string=PRINT_CSS), CSS(string=page_css)]
    )
    boxes: dict[str, _stamp.Slot] = {}
    for number, page in enumerate(document.pages):
        for name, (x1, y1, x2, y2) in page.anchors.items():
            if name.startswith("chart-slot-"):
                boxes[name] = _stamp.Slot(number, x1, y1, x2, y2)
    laid_out: bytes = document.write_pdf()
    drawn = drawing()
    placed = [
        (boxes[name], chart_pdf)
        for chart, chart_pdf in zip(charts, drawn, strict=True)
        if (name := slots[id(chart)][0]) in boxes
    ]
    return _stamp.stamp(laid_out, placed)


def chart_slot_html(chart: Chart, slots: dict[int, tuple[str, float]]) -> str | None:
    """The empty box a chart is stamped into, or None for a chart render_pdf did not
    place (the template tag then embeds it as an SVG image)."""
    found = slots.get(id(chart))
    if found is None:
        return None
    anchor, height = found
    return f'<div class="chart-slot" id="{anchor}" style="height: {height:.1f}mm"></div>'


def _estimated_size(spec: dict[str, Any]) -> tuple[float, float]:
    """A chart's drawn width and height in pixels, from its spec: the plot plus room for
    the axis labels, the title and the axis titles. Only the proportions matter: the
    drawn chart is scaled to fit its box, so an error leaves a margin, never a cut."""
    rows = len(spec.get("data", {}).get("values", []))
    height = spec.get("height", 200)
    if isinstance(height, dict):
        height = height.get("step", 20) * max(rows, 1)
    width = spec.get("width", 400)
    if spec.get("padding") == 2:  # a sparkline: no axes, no title
        return float(width) + 4, float(height) + 4
    return float(width) + 170, float(height) + 85


def _slot_height(chart: Chart) -> float:
    width, height = _estimated_size(chart.spec)
    return min(CONTENT_WIDTH_MM * height / width, MAX_CHART_HEIGHT_MM)


# --- Drawing charts as PDFs --------------------------------------------------------------

_cache: OrderedDict[str, bytes] = OrderedDict()
_cache_lock = threading.Lock()


def _cache_key(job: tuple[dict[str, Any], dict[str, Any]]) -> str:
    text = json.dumps(job, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _draw_pdfs(charts: Sequence[Chart], workers: int) -> Callable[[], list[bytes]]:
    """Start drawing the charts as PDFs; the returned function waits for them.

    Charts already drawn come from the cache; with workers, the rest are sent to the
    pool at once in small chunks, so they are drawn while the caller lays the document
    out; when the caller asks for them, it draws the chunks no worker has started yet
    itself, from the last one back, while the workers finish theirs. Without workers
    they are all drawn here then.
    """
    jobs = [(chart.spec, format_locale(chart.language)) for chart in charts]
    keys = [_cache_key(job) for job in jobs]
    with _cache_lock:
        known = {key: _cache[key] for key in keys if key in _cache}
    missing = sorted(
        {key: job for key, job in zip(keys, jobs, strict=True) if key not in known}.items()
    )
    jobs_by_key = dict(missing)
    workers = min(workers, _cpus() - 1)
    futures: list[tuple[list[str], Future[list[bytes]]]] = []
    if workers >= 1 and len(missing) >= POOL_THRESHOLD:
        size = CHUNK
        try:
            pool = _get_pool(workers)
            for start in range(0, len(missing), size):
                chunk = missing[start : start + size]
                futures.append(
                    ([k for k, _j in chunk], pool.submit(_svg.pdfs, [j for _k, j in chunk]))
                )
        except BrokenProcessPool:
            _discard_pool()
            futures = []

    def finish() -> list[bytes]:
        drawn: dict[str, bytes] = dict(known)
        try:
            for chunk_keys, future in reversed(futures):
                if not future.cancel():
                    break  # a worker has it, and every chunk before it
                for key in chunk_keys:
                    drawn[key] = _svg.pdf(*jobs_by_key[key])
            for chunk_keys, future in futures:
                if not future.cancelled():
                    drawn.update(zip(chunk_keys, future.result(), strict=True))
        except BrokenProcessPool:
            # A spawned worker imports the parent's main script; one without an
            # ``if __name__ == "__main__":`` guard breaks the pool. Draw here instead.
            logger.warning("Chart workers could not start; drawing the charts in this process")
            _discard_pool()
        for key, job in missing:
            if key not in drawn:
                drawn[key] = _svg.pdf(*job)
        with _cache_lock:
            for key in keys:
                _cache[key] = drawn[key]
                _cache.move_to_end(key)
            while len(_cache) > CHART_CACHE:
                _cache.popitem(last=False)
        return [drawn[key] for key in keys]

    return finish


def _page_css(*, organisation: str, date: str, data_version: str) -> str:
    right = date
    if data_version:
        right = pgettext("PDF header", "%(date)s · data version %(version)s") % {
            "date": date,
            "version": data_version,
        }
    # One sentence for translators; the numbers become CSS page counters.
    footer = pgettext("PDF footer", "page %(page)s of %(pages)s") % {
        "page": "\x00page\x00",
        "pages": "\x00pages\x00",
    }
    footer_css = (
        _css_string(footer)
        .replace("\x00page\x00", '" counter(page) "')
        .replace("\x00pages\x00", '" counter(pages) "')
    )
    return f"""
@page {{
  size: A4;
  margin: 18mm 15mm 18mm 15mm;
  @top-left {{ content: {_css_string(organisation)}; font: 8pt "DejaVu Sans", sans-serif; }}
  @top-right {{ content: {_css_string(right)}; font: 8pt "DejaVu Sans", sans-serif; }}
  @bottom-center {{ content: {footer_css}; font: 8pt "DejaVu Sans", sans-serif; }}
}}
"""


def _css_string(text: str) -> str:
    """A CSS string literal: backslashes and quotes escaped, line breaks as spaces."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + " ".join(escaped.splitlines()) + '"'


def _charts_in(value: Any, depth: int = 0) -> list[Chart]:
    """Every chart in the context, in document order as far as the context shows it."""
    if isinstance(value, Chart):
        return [value]
    if depth > 5:
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


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


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
