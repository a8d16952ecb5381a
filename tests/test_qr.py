"""QR codes of links: what a phone reads back from the SVG and the PNG is the link."""

import io

import pytest
from PIL import Image

from benchlearn.qr import qr_png, qr_svg

zxingcpp = pytest.importorskip("zxingcpp")

URL = "https://benchlearn.example.org/s/Abc-123_xyz/?lang=pl"


def test_the_png_reads_back_as_the_link():
    image = Image.open(io.BytesIO(qr_png(URL)))
    assert [found.text for found in zxingcpp.read_barcodes(image)] == [URL]


def test_the_svg_is_a_standalone_drawing_titled_with_its_text_alternative():
    svg = qr_svg(URL, title="Kod QR ankiety")
    assert svg.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert "<title>Kod QR ankiety</title>" in svg
    assert "<?xml" not in svg  # placed inside a page as it is


def test_the_svg_reads_back_as_the_link_once_drawn():
    pypdfium2 = pytest.importorskip("pypdfium2")
    from benchlearn.reports.pdf import render_pdf

    # Drawn the way the letters draw it: placed by Typst in a PDF, rendered to pixels.
    pdf = render_pdf(
        template="letters.typ",
        title="QR",
        data={
            "letters": [{"unit": "Gmina", "code": "ACDE3467", "url": URL, "qr": "image-0"}],
            "heading": "",
            "paragraphs": [],
            "link-label": "",
            "code-label": "",
            "qr-alt": "",
            "closing": [],
            "privacy": "",
        },
        images={"image-0": qr_svg(URL)},
    )
    page = pypdfium2.PdfDocument(pdf)[0].render(scale=2).to_pil()
    assert [found.text for found in zxingcpp.read_barcodes(page)] == [URL]


def test_an_empty_link_is_refused():
    with pytest.raises(ValueError):
        qr_svg("")
