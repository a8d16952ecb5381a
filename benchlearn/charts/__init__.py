"""Charts as Vega-Lite specifications, built from plain data.

One chart technology everywhere: every chart is a Vega-Lite spec (a plain dict, no
Altair objects: Altair's ``to_dict`` validates against the JSON schema on every call).
The *same* spec is drawn by the browser (vega-embed, see ``reports/bundle.py`` and
``charts.js``) and, for PDFs, turned into SVG on the server by vl-convert
(``reports/pdf.py``). So a chart looks the same on the screen and on paper.

Why the browser draws the pages' charts, sparklines included: drawing on the server
costs far more than writing the spec and grows with the bars, and a dashboard has
dozens of sparklines (``bench/bench_charts.py`` measures both). A tiny spec is quick to
draw in the browser, which draws only those the reader scrolls to (see ``charts.js``);
the page also shows the numbers in a table, so it is complete without JavaScript. PDFs
convert every chart with vl-convert.

Every function returns a :class:`Chart`: the spec, a title, a one-sentence text
alternative in the active language and the data as a table (the accessible alternative,
always present in the HTML). Numbers in the descriptions and tables follow Django's
locale formats; numbers drawn on the axes follow the same locale through the
``format_locale`` given to vega (:func:`format_locale`).

Every chart is readable in black-and-white print: the viewer's unit is a dark bar with a
black outline *and* a text label, the median a dashed line with a label, frontier units
a diamond explained in the subtitle.

Labels are whatever the caller passes: unit names, or letters (A, B, C…) for an
anonymised group; they must tell units apart (a repeated label gets a number appended).

The charts serve the results pages and the reports alike, so they sit below both and
know neither. One module per kind of chart (``bar_charts``, ``box_plots``, ``profiles``,
``efficiency``, ``effects``, ``sparklines``); ``common`` holds what they share.
"""

from benchlearn.charts.bar_charts import BarItem, bar_chart
from benchlearn.charts.box_plots import YearSummary, box_plot
from benchlearn.charts.common import (
    BAR_STEP,
    FILL_FRONTIER,
    FILL_OTHER,
    FILL_OWN,
    FONT,
    INK,
    LARGE_GROUP_HEIGHT,
    MAX_LABELLED_BARS,
    SPARKLINE_HEIGHT,
    SPARKLINE_WIDTH,
    VEGA_LITE_SCHEMA,
    WIDTH,
    Chart,
    Table,
    TableRow,
    format_locale,
    format_number,
    number_formatter,
)
from benchlearn.charts.effects import EffectYear, effect_chart
from benchlearn.charts.efficiency import (
    EfficiencyItem,
    efficiency_chart,
    frontier_text,
    score_text,
)
from benchlearn.charts.profiles import ProfileItem, profile_chart
from benchlearn.charts.sparklines import sparkline

__all__ = [
    "BAR_STEP",
    "FILL_FRONTIER",
    "FILL_OTHER",
    "FILL_OWN",
    "FONT",
    "INK",
    "LARGE_GROUP_HEIGHT",
    "MAX_LABELLED_BARS",
    "SPARKLINE_HEIGHT",
    "SPARKLINE_WIDTH",
    "VEGA_LITE_SCHEMA",
    "WIDTH",
    "BarItem",
    "Chart",
    "EffectYear",
    "EfficiencyItem",
    "ProfileItem",
    "Table",
    "TableRow",
    "YearSummary",
    "bar_chart",
    "box_plot",
    "effect_chart",
    "efficiency_chart",
    "format_locale",
    "format_number",
    "frontier_text",
    "number_formatter",
    "profile_chart",
    "score_text",
    "sparkline",
]
