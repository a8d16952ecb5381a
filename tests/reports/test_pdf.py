"""PDFs made by Typst: Polish text, header and footer on every page, vector charts with
real text, a page that is not blank, names printed as typed (never read as markup)."""

import dataclasses
import io

import numpy as np
import pypdf
import pypdfium2
import pytest
import typst
from django.utils import translation

from benchlearn import charts
from benchlearn.charts import BarItem, Chart, bar_chart
from benchlearn.engine.stats import position_in_group
from benchlearn.groups.models import ExchangeGroup
from benchlearn.reports import pdf
from benchlearn.reports.documents import (
    GroupIndicator,
    GroupMemberRow,
    GroupReport,
    group_report_pdf,
)
from benchlearn.results.models import ComparisonKind, Computation
from benchlearn.results.selectors import Comparison, IndicatorInfo, Stat

POLISH = "Zażółć gęślą jaźń"
# Typst markup, code, maths, a label, a reference, an escape and a JSON quote: printed
# as they are, none of them obeyed.
MARKUP = '#pagebreak() *Ż* _x_ [a] $b$ <l> @l \\ "q"'


def a_chart(k: int) -> Chart:
    items = [BarItem(f"Gmina {POLISH} {i}", 10.0 + (i * 7 + k) % 13, own=i == 3) for i in range(12)]
    return bar_chart(title=f"Wskaźnik {k}", items=items, median=16.0, polarity="higher")


def group_report(
    *, indicators: int, members: int = 6, group: str = "GWD Oświata", own: str = "Gmina Żółkiewka"
) -> GroupReport:
    """A report as ``group_report_for`` makes it, without a database (as the benchmark)."""
    rng = np.random.default_rng(3)
    found = []
    for k in range(indicators):
        info = IndicatorInfo(
            code=f"IND_{k}",
            name=f"Wskaźnik {k}: {POLISH}",
            unit="zł",
            decimals=2,
            polarity="higher",
            category="efficiency",
            category_label="efektywność",
            domain="EDU",
            domain_name="Oświata",
            formula="A / B",
            numerator="A",
            denominator="B",
            notes="",
            version=1,
            pk=k + 1,
        )
        values = np.sort(rng.uniform(100, 400, members))
        median = float(np.median(values))
        stat = Stat(
            n=members,
            mean=float(values.mean()),
            aggregate=None,
            median=median,
            q1=float(np.quantile(values, 0.25)),
            q3=float(np.quantile(values, 0.75)),
            minimum=float(values[0]),
            maximum=float(values[-1]),
            std=float(values.std()),
            best=float(values[-1]),
            worst=float(values[0]),
            values=values,
        )
        rows = [
            GroupMemberRow(
                label=own if i == 1 else chr(ord("A") + i),
                own=i == 1,
                value=float(value),
                position=position_in_group(
                    float(value),
                    values,
                    "higher",
                    mean=stat.mean,
                    std=stat.std,
                    median=median,
                    best=stat.best,
                ),
            )
            for i, value in enumerate(values)
        ]
        rows.sort(key=lambda r: r.rank or 0)
        chart = charts.bar_chart(
            title=f"{info.name}, 2024",
            items=[charts.BarItem(r.label, r.value, r.own) for r in rows],
            median=median,
            polarity="higher",
            decimals=2,
        )
        found.append(GroupIndicator(info, stat, rows, chart))
    exchange = ExchangeGroup(pk=1, name=group, service="Oświata", cycle_start=2024)
    comparison = Comparison("exchange-1", ComparisonKind.EXCHANGE, group, None, False)
    computation = Computation(pk=7, value_change=2024, context_change=7)
    return GroupReport(exchange, computation, comparison, 2024, [2024], None, members, found)


def text_of(document: bytes) -> list[str]:
    """Each page's text, runs of white space (line ends in table cells) as one space."""
    reader = pypdf.PdfReader(io.BytesIO(document))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


@pytest.fixture(scope="module")
def document():
    """A Polish group report of four indicators, each with its chart."""
    with translation.override("pl"):
        return group_report_pdf(group_report(indicators=4))


@pytest.fixture(scope="module")
def pages(document):
    return text_of(document)


def test_polish_text_header_and_page_numbers(pages, settings):
    # The cover, the summary, the four indicators on one page, the appendix.
    assert len(pages) == 2 + 1 + 1
    assert "Raport grupy: GWD Oświata, 2024" in pages[0]
    assert "Podsumowanie" in pages[1]
    assert POLISH in pages[2]
    for number, text in enumerate(pages, start=1):
        assert settings.BENCHLEARN_ORGANISATION in text
        assert "wersja danych" in text
        assert f"strona {number} z {len(pages)}" in text


def test_the_document_is_polish_and_titled(document):
    reader = pypdf.PdfReader(io.BytesIO(document))
    assert reader.trailer["/Root"]["/Lang"] == "pl"
    assert reader.metadata.title == "Raport grupy: GWD Oświata, 2024 r."


def test_chart_text_is_real_text(pages):
    """The arrow and the median's label are drawn only in the chart (the caption and the
    table say it in other words)."""
    assert "◄ Twoja jednostka" in pages[2]
    assert "mediana" in pages[2]
    assert "Miejsce" in pages[2] and "Różnica do mediany" in pages[2]  # the members' table


def _images(resources) -> list[str]:
    """Every image XObject in a page's resources, forms included."""
    found = []
    xobjects = resources.get("/XObject", {}) if resources else {}
    for name, ref in xobjects.items():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Image":
            found.append(name)
        elif xobject.get("/Subtype") == "/Form":
            found += _images(xobject.get("/Resources"))
    return found


def test_charts_are_vectors_not_images(document):
    reader = pypdf.PdfReader(io.BytesIO(document))
    assert all(_images(page.get("/Resources")) == [] for page in reader.pages)
    # The charts are there: a form (or paths) on every indicator's page.
    assert all(len(page.get_contents().get_data()) > 5_000 for page in reader.pages[2:3])


def test_rendered_pages_are_not_blank(document):
    rendered = pypdfium2.PdfDocument(document)
    overview = rendered[0].render(scale=0.5).to_pil().convert("L")
    assert sum(overview.histogram()[:128]) > 0.005 * overview.width * overview.height
    # A chart's page: the light bars cover a good part of the upper half, and the own
    # unit's dark bar is there (the chart is drawn, not only its text).
    chart = rendered[2].render(scale=0.5).to_pil().convert("L")
    top = chart.crop((0, 0, chart.width, chart.height // 2)).histogram()
    assert sum(top[:240]) > 0.1 * chart.width * chart.height / 2
    assert sum(top[:70]) > 500  # the text alone: ~350


def test_names_are_printed_as_typed_never_as_markup():
    with translation.override("pl"):
        report = group_report(indicators=1, group=f"GWD {MARKUP}", own=f"Gmina {MARKUP}")
        report.comparison = Comparison("exchange-1", ComparisonKind.EXCHANGE, "x", None, True)
        document = group_report_pdf(report)
    pages = text_of(document)
    assert len(pages) == 4  # cover, summary, the indicator, appendix: no page break obeyed
    text = " ".join(pages)
    assert f"Raport grupy: GWD {MARKUP}, 2024" in text
    assert f"Gmina {MARKUP}" in text


def test_a_long_table_repeats_its_header_and_keeps_rows_whole(settings):
    """The appendix's formulas of 70 indicators take two pages."""
    with translation.override("pl"):
        report = group_report(indicators=70)
        for item in report.indicators:
            item.chart = report.indicators[0].chart  # drawn once: the table is measured
        pages = text_of(group_report_pdf(report))
    appendix = [n for n, text in enumerate(pages) if "Formuła" in text]
    assert len(appendix) == 2 and appendix[-1] == len(pages) - 1
    assert "Wskaźnik Formuła" in pages[appendix[1]]  # its header again on the second
    for k in range(70):  # every row whole on one page
        row = f"Wskaźnik {k}: {POLISH} (zł) A / B"
        assert sum(row in pages[n] for n in appendix) == 1


def test_without_dejavu_typsts_own_font_has_every_polish_letter(monkeypatch):
    monkeypatch.setattr(pdf, "_fonts", lambda: typst.Fonts(include_system_fonts=False))
    monkeypatch.setattr(pdf, "_has_dejavu", lambda: False)
    with translation.override("pl"):
        pages = text_of(group_report_pdf(group_report(indicators=1)))
    assert POLISH in pages[2]
    assert "strona 4 z 4" in pages[3]


def test_drawn_svgs_keep_the_order_and_come_from_the_cache(monkeypatch):
    with translation.override("pl"):
        drawn = [a_chart(k) for k in range(3)]
    svgs = pdf.draw_svgs(drawn)
    assert [svg.startswith("<svg") for svg in svgs] == [True] * 3
    assert "Wskaźnik 2" in svgs[2] and "Wskaźnik 0" in svgs[0]

    def not_again(*args):
        raise AssertionError("drawn again")

    monkeypatch.setattr(pdf._svg, "svg", not_again)
    assert pdf.draw_svgs(drawn) == svgs


def test_a_tall_chart_is_narrowed_to_fit_the_page():
    assert pdf._width_mm('<svg width="800" height="200">') == pdf.CONTENT_WIDTH_MM
    tall = pdf._width_mm('<svg xmlns="x" width="800" height="1600" viewBox="0 0 1 1">')
    assert tall == pytest.approx(pdf.MAX_CHART_HEIGHT_MM / 2)


def test_the_appendix_prints_formulas_from_their_parsed_tree():
    with translation.override("en"):
        report = group_report(indicators=2)
        report.indicators[0].info = dataclasses.replace(
            report.indicators[0].info, formula="(EDU_A+EDU_B)/EDU_C*100"
        )
        pages = text_of(group_report_pdf(report))
    appendix = pages[-1]
    assert "Appendix: how the figures are computed" in appendix
    assert "Median and quartiles" in appendix and "Percentile = (n − rank)" in appendix
    assert "Anonymisation" in appendix  # the group shows letters
    assert "(EDU_A + EDU_B) / EDU_C * 100" in appendix
