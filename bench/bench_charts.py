"""Charts: writing a Vega-Lite spec against drawing it on the server with vl-convert.

Why the pages' charts are drawn in the browser (``benchlearn/reports/charts``): the
server only writes a spec's JSON, while vl-convert's drawing grows with the bars.
Measured on the reference machine when the choice was made: 60–90 ms to draw a 15-bar
chart, about 1 s for 300 bars and 10 s for 2,900; 8–14 ms for a sparkline (a warm
converter, ten points), so a dashboard of 80 sparklines would spend about a second
drawing; writing the JSON of a 15-bar chart takes well under a millisecond. Altair's
``to_dict`` (schema validation on every call) was also too slow for the pages' budget,
hence plain dicts.
"""

from __future__ import annotations

import json
import os

from bench.common import BenchRow, timed, vl_convert_warm_up

BARS = (15, 300)
TARGET_SPEC_MS = 1.0


def run() -> list[BenchRow]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchlearn.settings")
    import django

    django.setup()
    from django.utils import translation

    from benchlearn.charts import BarItem, bar_chart, format_locale, sparkline
    from benchlearn.reports import _svg

    translation.activate("pl")
    vl_convert_warm_up()
    rows = []
    for bars in BARS:
        items = [BarItem(f"Gmina {n}", float(n), own=n == 3) for n in range(bars)]

        def build(items: list[BarItem] = items) -> str:
            chart = bar_chart(title="x", items=items, median=1.0, polarity="higher")
            return json.dumps(chart.spec)

        _, spec_seconds = timed(build, repeat=20)
        chart = bar_chart(title="x", items=items, median=1.0, polarity="higher")
        _, draw_seconds = timed(lambda c=chart: _svg.svg(c.spec, format_locale("pl")), repeat=3)
        target = TARGET_SPEC_MS if bars == BARS[0] else TARGET_SPEC_MS * bars / BARS[0]
        rows.append(
            BenchRow(
                f"charts: {bars}-bar spec written (drawn: {draw_seconds * 1000:.0f} ms)",
                f"{spec_seconds * 1000:.2f} ms",
                f"< {target:g} ms",
                spec_seconds * 1000 < target,
            )
        )
    line = sparkline([1.0, 2.0, None, 4.0, 3.0, 5.0, 6.0, 5.5, 7.0, 8.0])
    _, line_seconds = timed(lambda: _svg.svg(line.spec, format_locale("pl")), repeat=10)
    rows.append(
        BenchRow(
            "charts: a sparkline drawn by vl-convert", f"{line_seconds * 1000:.1f} ms", "-", True
        )
    )
    return rows
