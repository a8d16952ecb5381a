"""What the portal's results pages show (reads): the published figures of an indicator in
a year, per dimension a table and a chart drawn on the server (Vega-Lite to SVG, kept
with the figures: the public page needs no script), and the units named by agreement.

Page builders take typed values and raise Http404 with a sentence for an unknown
indicator or a year without published results, never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.urls import reverse
from django.utils.translation import get_language, gettext, pgettext
from django.utils.translation import gettext as _

from benchlearn.charts import Chart, number_formatter
from benchlearn.charts.common import format_locale
from benchlearn.charts.spread import ClassSpread, spread_chart
from benchlearn.public.catalogue import PublicIndicator, public_indicator_get
from benchlearn.public.figures import (
    BAND,
    DIMENSIONS,
    KIND,
    VOIVODESHIP,
    Figure,
    Publication,
    YearFigures,
    publication,
    result_years,
    year_figures,
)
from benchlearn.public.keeping import remembered
from benchlearn.reports._svg import svg
from benchlearn.units.models import UnitKind
from benchlearn.units.selectors import POPULATION_BANDS, VOIVODESHIPS

_KIND_ORDER = {kind: i for i, kind in enumerate(UnitKind.values)}
_BAND_ORDER = {code: i for i, (code, *_rest) in enumerate(POPULATION_BANDS)}
_BAND_LABELS = {code: label for code, label, *_rest in POPULATION_BANDS}
_VOIVODESHIP_ORDER = {name: i for i, name in enumerate(VOIVODESHIPS)}


def dimension_label(dimension: str) -> str:
    return {
        KIND: gettext("By kind of unit"),
        BAND: gettext("By population"),
        VOIVODESHIP: gettext("By voivodeship"),
    }.get(dimension, gettext("All units"))


def class_label(dimension: str, key: str) -> str:
    if dimension == KIND and key in _KIND_ORDER:
        return str(UnitKind(key).label)
    if dimension == BAND and key in _BAND_LABELS:
        return str(_BAND_LABELS[key])
    if not dimension:
        return gettext("All units")
    return key


def class_order(dimension: str, key: str) -> tuple[int, str]:
    order = {KIND: _KIND_ORDER, BAND: _BAND_ORDER, VOIVODESHIP: _VOIVODESHIP_ORDER}.get(dimension)
    return ((order or {}).get(key, 99), key)


def ordered(figures: YearFigures, dimension: str) -> list[Figure]:
    return sorted(figures.classes.get(dimension, []), key=lambda f: class_order(dimension, f.key))


@dataclass(frozen=True)
class Row:
    label: str
    n: str
    q1: str
    median: str
    q3: str
    aggregate: str
    shown: bool


@dataclass(frozen=True)
class Section:
    dimension: str
    title: str
    rows: list[Row]
    chart_src: str  # the chart's address (``chart_svg``), "" when nothing is drawn
    chart_alt: str
    hidden: int


@dataclass(frozen=True)
class NamedRow:
    teryt: str
    name: str
    kind: str
    value: str


@dataclass(frozen=True)
class ResultsPage:
    indicator: PublicIndicator
    year: int
    years: list[int]
    total: Row
    sections: list[Section]
    named: list[NamedRow]
    min_units: int
    max_share: float
    publication: Publication


def publication_or_404() -> Publication:
    found = publication()
    if found is None:
        raise Http404(_("The office has not published any results yet."))
    return found


def _published_year(code: str, year: int) -> tuple[PublicIndicator, Publication, list[int]]:
    indicator, _versions = public_indicator_get(code)
    pub = publication_or_404()
    years = result_years(pub, indicator.indicator.pk)
    if year not in years:
        raise Http404(
            _("The published results have no values of %(code)s for %(year)s.")
            % {"code": indicator.code, "year": str(year)[:6]}
        )
    return indicator, pub, years


def results_page(code: str, year: int) -> ResultsPage:
    """The results page of an indicator in a year (404 with a sentence otherwise). Its
    charts are images of their own (``chart_svg``): drawing one costs more than the
    whole page, and the browser asks for them side by side and keeps them."""
    indicator, pub, years = _published_year(code, year)
    figures = year_figures(pub, indicator.indicator.pk, indicator.code, year)
    decimals = indicator.version.decimals
    number = number_formatter()

    def row(figure: Figure) -> Row:
        values = (figure.q1, figure.median, figure.q3, figure.aggregate)
        q1, median, q3, aggregate = (number(v, decimals) for v in values)
        count = str(figure.n) if figure.n is not None else "—"
        label = class_label(figure.dimension, figure.key)
        return Row(label, count, q1, median, q3, aggregate, figure.shown)

    sections = []
    for dimension in DIMENSIONS:
        classes = ordered(figures, dimension)
        if not classes:
            continue
        chart = _spread(figures, indicator, dimension, classes)
        drawn = any(f.shown for f in classes)
        src = reverse("portal-chart", args=[indicator.code, year, dimension]) if drawn else ""
        sections.append(
            Section(
                dimension,
                dimension_label(dimension),
                [row(f) for f in classes],
                src,
                chart.description,
                sum(1 for f in classes if not f.shown),
            )
        )
    named = [
        NamedRow(n.teryt, n.name, class_label(KIND, n.kind), number(n.value, decimals))
        for n in figures.named
    ]
    return ResultsPage(
        indicator,
        year,
        years,
        row(figures.total),
        sections,
        named,
        figures.min_units,
        figures.max_share,
        pub,
    )


def chart_svg(code: str, year: int, dimension: str) -> bytes:
    """The chart of one section of the results page, as an SVG document, drawn once per
    publication, settings and language (404 with a sentence for what is not there)."""
    if dimension not in DIMENSIONS:
        raise Http404(
            _("There is no chart “%(name)s”: choose kind, band or voivodeship.")
            % {"name": dimension[:20]}
        )
    indicator, pub, _years = _published_year(code, year)
    figures = year_figures(pub, indicator.indicator.pk, indicator.code, year)
    language = (get_language() or "pl")[:2]
    return remembered(
        (*pub.key, "chart", indicator.code, year, dimension, language, figures.rules_key),
        lambda: _drawn(figures, indicator, dimension, language),
        lambda image: len(image) + 100,
    )


def _drawn(
    figures: YearFigures, indicator: PublicIndicator, dimension: str, language: str
) -> bytes:
    chart = _spread(figures, indicator, dimension, ordered(figures, dimension))
    return svg(chart.spec, format_locale(language)).encode()


def _spread(
    figures: YearFigures, indicator: PublicIndicator, dimension: str, classes: list[Figure]
) -> Chart:
    return spread_chart(
        title=f"{indicator.name} ({figures.year}) — {dimension_label(dimension).lower()}",
        classes=[
            ClassSpread(class_label(f.dimension, f.key), f.n, f.q1, f.median, f.q3, f.aggregate)
            for f in classes
        ],
        decimals=indicator.version.decimals,
        unit_of_measure=indicator.version.unit,
    )


def withheld_note(min_units: int, max_share: float) -> str:
    return pgettext(
        "public portal",
        "“—”: withheld. A figure is shown only when at least %(min)s units stand behind it, "
        "no unit makes up more than %(share)s%% of its aggregate, and no hidden figure can "
        "be derived from the others.",
    ) % {"min": min_units, "share": round(max_share * 100)}
