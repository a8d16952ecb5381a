"""What a hostile file is (``Case``: how it is built and what must happen to it:
refused with a message that names where, or imported as a person would expect) and
the helpers that build them byte by byte (the workbook's XML by hand, the zip's
headers patched). Nothing binary is kept in the repository: every file is built from
the round's own template or from text here."""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET = "xl/worksheets/sheet1.xml"
META = "xl/worksheets/sheet2.xml"


@dataclass(frozen=True)
class Case:
    """``build(folder, template, teryt)`` → the file; then either ``stored`` (code →
    value after the import) or ``refused`` (texts the message must hold, the place
    first: "Sheet Data, cell F2")."""

    name: str
    build: Callable[[Path, bytes, str], Path]
    stored: dict[str, Decimal | None] = field(default_factory=dict)
    refused: tuple[str, ...] = ()


def parts_of(template: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(template)) as source:
        return {item.filename: source.read(item.filename) for item in source.infolist()}


def zipped(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def text(ref: str, value: str, p: str = "") -> str:
    return f'<{p}c r="{ref}" t="inlineStr"><{p}is><{p}t>{value}</{p}t></{p}is></{p}c>'


def sheet_xml(rows: str, *, p: str = "", head: str = "", xmlns: str = "") -> bytes:
    """A data sheet: the headers of the code, value and comment columns, then ``rows``
    (``<row>`` elements) in a worksheet whose elements carry the prefix ``p`` ("x:")."""
    declared = xmlns or (f'xmlns:{p[:-1]}="{MAIN}"' if p else f'xmlns="{MAIN}"')
    header = (
        f'<{p}row r="1">{text("A1", "Code", p)}{text("F1", "Value", p)}'
        f"{text('G1', 'Comment', p)}</{p}row>"
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {declared}>{head}'
        f"<{p}sheetData>{header}{rows}</{p}sheetData></{p}worksheet>"
    ).encode()


def row(number: int, code: str, cell: str, p: str = "") -> str:
    return f'<{p}row r="{number}">{text(f"A{number}", code, p)}{cell}</{p}row>'


def with_sheet(name: str, data: bytes) -> Callable[[Path, bytes, str], Path]:
    def build(folder: Path, template: bytes, _teryt: str) -> Path:
        parts = parts_of(template)
        parts[SHEET] = data
        return zipped(folder / name, parts)

    return build


def edu(cell: str, *, p: str = "", head: str = "", xmlns: str = "") -> bytes:
    """The data sheet with EDU_EXP's value cell (F2) written as ``cell``."""
    return sheet_xml(row(2, "EDU_EXP", cell, p), p=p, head=head, xmlns=xmlns)


def raw(name: str, data: bytes | Callable[[str], bytes]) -> Callable[[Path, bytes, str], Path]:
    def build(folder: Path, _template: bytes, teryt: str) -> Path:
        path = folder / name
        path.write_bytes(data(teryt) if callable(data) else data)
        return path

    return build


def csv_text(
    *rows: str,
    encoding: str = "utf-8",
    bom: bytes = b"",
    header: str = "TERYT;Kod;Wartość;Komentarz",
) -> Callable[[str], bytes]:
    def data(teryt: str) -> bytes:
        body = "\r\n".join([header, *(r.format(teryt=teryt) for r in rows)]) + "\r\n"
        return bom + body.encode(encoding)

    return data


def random_bytes(_teryt: str) -> bytes:
    return random.Random(12).randbytes(5000)
