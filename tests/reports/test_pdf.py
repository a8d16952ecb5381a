"""PDFs: Polish text, page numbers, vector charts, a page that is not blank."""

import io

import pypdf
import pypdfium2
import pytest
from django.template.loader import render_to_string
from django.utils import translation

from benchlearn.reports import pdf
from benchlearn.reports.charts import BarItem, Chart, bar_chart, sparkline

POLISH = "Zażółć gęślą jaźń"


def a_chart(k: int) -> Chart:
    items = [BarItem(f"Gmina {POLISH} {i}", 10.0 + (i * 7 + k) % 13, own=i == 3) for i in range(12)]
    return bar_chart(title=f"Wskaźnik {k}", items=items, median=16.0, polarity="higher")


@pytest.fixture(scope="module")
def document():
    """A group report of five charts with their tables (vl-convert warms up once)."""
    with translation.override("pl"):
        sections = [{"heading": f"{POLISH} {k}", "chart": a_chart(k)} for k in range(5)]
        data = pdf.render_pdf(
            template="reports/pdf/charts.html",
            context={"sections": sections, "data_version": "2024/7", "intro": [POLISH]},
            title="Raport grupy",
        )
    return data


@pytest.fixture(scope="module")
def reader(document):
    return pypdf.PdfReader(io.BytesIO(document))


def test_pdf_has_polish_text_header_and_page_numbers(reader, settings):
    pages = len(reader.pages)
    assert pages >= 2
    first = reader.pages[0].extract_text()
    assert POLISH in first
    assert "Raport grupy" in first
    assert settings.BENCHLEARN_ORGANISATION in first
    assert "wersja danych 2024/7" in first
    for number, page in enumerate(reader.pages, start=1):
        assert f"strona {number} z {pages}" in page.extract_text()


def test_chart_text_and_tables_are_in_the_pdf(reader):
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Twoja jednostka" in text
    assert "mediana 16,0" in text
    assert "Miejsce" in text  # the data table's header


def test_charts_are_vectors_not_images(reader):
    assert all(list(page.images) == [] for page in reader.pages)


def test_a_rendered_page_is_not_blank(document):
    page = pypdfium2.PdfDocument(document)[0]
    image = page.render(scale=0.5).to_pil().convert("L")
    dark = sum(image.histogram()[:128])
    assert dark > 0.01 * image.width * image.height


def test_render_charts_keeps_the_order():
    with translation.override("pl"):
        charts = [a_chart(k) for k in range(3)]
    svgs = pdf.render_charts(charts)
    assert [svg.startswith("<svg") for svg in svgs] == [True] * 3
    assert all("Wskaźnik" in svg for svg in svgs)
    assert "Wskaźnik 2" in svgs[2] and "Wskaźnik 0" in svgs[0]


def test_sparkline_in_a_pdf_is_an_svg_image_with_its_description():
    with translation.override("pl"):
        chart = sparkline([1.0, 2.0], periods=[2022, 2023])
    html = render_to_string("reports/sparkline.html", {"chart": chart, "pdf": True})
    assert "data:image/svg+xml;base64," in html
    assert "Od 1,0 (2022) do 2,0 (2023)." in html


def test_header_texts_are_quoted_for_css():
    assert pdf._css_string('Związek "A" \\ B\nC') == '"Związek \\"A\\" \\\\ B C"'


def test_render_charts_with_a_pool_gives_the_same_svgs_in_order():
    with translation.override("pl"):
        charts = [a_chart(k) for k in range(pdf.POOL_THRESHOLD)]
    in_process = pdf.render_charts(charts)
    assert pdf.render_charts(charts, workers=2) == in_process
