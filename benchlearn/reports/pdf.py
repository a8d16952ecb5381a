"""HTML to PDF with WeasyPrint, charts drawn as vectors from the pages' own specs.

``render_pdf`` renders a Django template (extend ``reports/pdf/base.html``) to an A4
PDF: the association's name and the date and data version on every page, "page X of
Y" in the footer, DejaVu Sans (every Polish letter), table rows never split across
pages. Every :class:`~benchlearn.reports.charts.Chart` found in the context (directly,
or inside lists, tuples, dicts and dataclasses) is drawn to SVG by vl-convert
beforehand, all together (``render_charts``), and ``{% include "reports/chart.html" %}``
embeds it as an SVG image: the PDF holds vector paths and text, no raster images.

Speed, measured on the loaded 2-CPU machine (load 3–4), a 60-chart document (a 15-bar
chart and its 15-row table per indicator): charts 10.6 s, WeasyPrint about 31 s, 45.7 s
in all; nine times the issue's 5 s target. WeasyPrint's time goes to drawing the SVG
text (Pango, ~5 ms a text element: ~30 per chart) and to parsing the HTML. See
``render_charts`` for the charts' figures.
"""

from __future__ import annotations

import atexit
import dataclasses
import logging
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import pgettext
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from benchlearn.reports import _svg
from benchlearn.reports.charts import Chart, format_locale

# Below this many charts the pool's overhead (sending specs, pickling SVGs) is not worth
# it and the charts are drawn in this process.
POOL_THRESHOLD = 8

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
.chart-title { display: block; }
details > summary { display: none; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; }
.page-break { break-before: page; }
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


def render_pdf(*, template: str, context: dict[str, Any], title: str) -> bytes:
    """The template rendered to an A4 PDF.

    The context may give ``data_version`` (shown in every page's header) and ``date``
    (default: today); ``title`` is the document's title and heading.
    """
    charts = _charts_in(context)
    svgs = render_charts(charts)
    date = context.get("date") or timezone.localdate()
    full = {
        **context,
        "title": title,
        "pdf": True,
        "date": date,
        "organisation_name": settings.BENCHLEARN_ORGANISATION,
        "_chart_svgs": {id(chart): svg for chart, svg in zip(charts, svgs, strict=True)},
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
    document = HTML(string=html, url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(stylesheets=[CSS(string=PRINT_CSS), CSS(string=page_css)])
    return pdf


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
