import base64

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, json_script
from django.utils.safestring import SafeString, mark_safe

from benchlearn.reports.bundle import bundle_name, ensure_bundle
from benchlearn.reports.charts import Chart, format_locale

register = template.Library()


@register.simple_tag
def chart_assets() -> SafeString:
    """The stylesheet and scripts that draw the page's charts; once per page, in any
    place (the scripts are deferred)."""
    ensure_bundle()
    return format_html(
        '<link rel="stylesheet" href="{}">'
        '<script src="{}" defer></script><script src="{}" defer></script>',
        static("reports/charts.css"),
        static(bundle_name()),
        static("benchlearn/charts.js"),
    )


@register.simple_tag
def chart_payload(chart: Chart) -> SafeString:
    """The spec and the number format for charts.js, as a JSON script element (data,
    not code: no Content-Security-Policy forbids it)."""
    return json_script({"spec": chart.spec, "formatLocale": format_locale(chart.language)})


@register.simple_tag(takes_context=True)
def chart_svg(context: template.Context, chart: Chart) -> SafeString:
    """The chart's SVG (the one render_pdf drew beforehand, else drawn now) as an image
    with a data URL: still vectors in the PDF, and WeasyPrint reads it with a fast XML
    parser instead of its HTML parser (a third faster than inline SVG)."""
    from benchlearn.reports.pdf import chart_slot_html, svg_for

    slot = chart_slot_html(chart, context.get("_chart_slots") or {})
    if slot is not None:
        # render_pdf stamps the chart, drawn as a PDF, into this box.
        return mark_safe(slot)  # noqa: S308 - built from an integer and a number
    drawn: dict[int, str] = context.get("_chart_svgs") or {}
    svg = drawn.get(id(chart))
    if svg is None:
        svg = svg_for(chart)
    data = base64.b64encode(svg.encode()).decode("ascii")
    # Empty alt: the figure's caption and table carry the text alternative.
    return format_html('<img class="chart-image" alt="" src="data:image/svg+xml;base64,{}">', data)
