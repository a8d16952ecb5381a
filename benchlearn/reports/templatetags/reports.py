from django import template
from django.templatetags.static import static
from django.utils.html import format_html, json_script
from django.utils.safestring import SafeString

from benchlearn.charts import Chart, format_locale, format_number
from benchlearn.reports.bundle import bundle_name, ensure_bundle

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


@register.filter
def number(value: float | None, decimals: int = 1) -> str:
    """``value`` with ``decimals`` places, thousands grouped, in the page's language (as
    the dashboard and the charts write numbers); "—" when missing."""
    try:
        places = int(decimals)
    except (TypeError, ValueError):
        places = 1
    return format_number(None if value is None else float(value), places)
