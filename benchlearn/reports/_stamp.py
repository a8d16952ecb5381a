"""Charts drawn as PDFs, placed onto the pages of a laid-out document.

WeasyPrint lays the document out with an empty box of fixed size for every chart (see
``pdf.render_pdf``); each chart, a one-page PDF from vl-convert, becomes a form XObject
of the document and is drawn into its box, scaled to fit and centred across it. The
chart's paths and text stay vectors (its fonts come with it), and its content stream
is copied as it is, never parsed: stamping 60 charts takes a fraction of a second,
where pypdf's ``merge_transformed_page`` took 30 s and copied the fonts into every
page it touched.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
)

PT_PER_PX = 0.75  # WeasyPrint measures in CSS pixels (1/96 in), PDF in points (1/72 in)


@dataclass(frozen=True)
class Slot:
    """A chart's box: the page (from 0) and its corners in CSS pixels from the top left."""

    page: int
    x1: float
    y1: float
    x2: float
    y2: float


def stamp(document: bytes, placed: list[tuple[Slot, bytes]]) -> bytes:
    """``document`` with each chart PDF drawn into its slot."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(document)))
    drawn: dict[int, list[bytes]] = {}
    for number, (slot, chart) in enumerate(placed):
        page = writer.pages[slot.page]
        form, width, height, left, bottom = _form(writer, chart)
        name = f"/BenchlearnChart{number}"
        _xobjects(page)[NameObject(name)] = form
        box_width = (slot.x2 - slot.x1) * PT_PER_PX
        box_height = (slot.y2 - slot.y1) * PT_PER_PX
        scale = min(box_width / width, box_height / height)
        page_height = float(page.mediabox.top)
        x = slot.x1 * PT_PER_PX + (box_width - width * scale) / 2 - left * scale
        y = page_height - slot.y1 * PT_PER_PX - height * scale - bottom * scale
        drawn.setdefault(slot.page, []).append(
            f"q {scale:.6f} 0 0 {scale:.6f} {x:.3f} {y:.3f} cm {name} Do Q\n".encode()
        )
    for index, commands in drawn.items():
        _append_content(writer, writer.pages[index], b"".join(commands))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _form(writer: PdfWriter, chart: bytes) -> tuple[IndirectObject, float, float, float, float]:
    """The chart's page as a form XObject of ``writer``, with its size and origin."""
    source = PdfReader(io.BytesIO(chart)).pages[0]
    box = source.mediabox
    form = DecodedStreamObject()
    form.set_data(_content_bytes(source))
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject(
        [
            FloatObject(box.left),
            FloatObject(box.bottom),
            FloatObject(box.right),
            FloatObject(box.top),
        ]
    )
    resources = source.get("/Resources")
    if resources is not None:
        form[NameObject("/Resources")] = resources.get_object().clone(writer)
    reference = writer._add_object(form.flate_encode())
    return reference, float(box.width), float(box.height), float(box.left), float(box.bottom)


def _content_bytes(page: object) -> bytes:
    contents = page.get("/Contents")  # type: ignore[attr-defined]
    if contents is None:
        return b""
    contents = contents.get_object()
    if isinstance(contents, ArrayObject):
        return b"\n".join(part.get_object().get_data() for part in contents)
    data: bytes = contents.get_data()
    return data


def _xobjects(page: DictionaryObject) -> DictionaryObject:
    if "/Resources" not in page:
        page[NameObject("/Resources")] = DictionaryObject()
    resources = page["/Resources"].get_object()
    assert isinstance(resources, DictionaryObject)
    if "/XObject" not in resources:
        resources[NameObject("/XObject")] = DictionaryObject()
    xobjects = resources["/XObject"].get_object()
    assert isinstance(xobjects, DictionaryObject)
    return xobjects


def _append_content(writer: PdfWriter, page: DictionaryObject, commands: bytes) -> None:
    """Draw ``commands`` after the page's own content, in the page's own coordinates
    (the page's content is wrapped in q … Q, so whatever it leaves set is undone)."""
    before = DecodedStreamObject()
    before.set_data(b"q\n")
    after = DecodedStreamObject()
    after.set_data(b"\nQ\n" + commands)
    existing = page.get("/Contents")
    parts = ArrayObject([writer._add_object(before)])
    if existing is not None:
        existing_object = existing.get_object()
        if isinstance(existing_object, ArrayObject):
            parts.extend(existing_object)
        else:
            parts.append(existing)
    parts.append(writer._add_object(after.flate_encode()))
    page[NameObject("/Contents")] = parts
