"""Hostile files for the import, written byte by byte (the workbook's XML by hand, the
zip's headers patched), each with what must happen to it: refused with a message that
names where, or imported as a person would expect. Nothing binary is kept in the
repository: every file is built from the round's own template or from text here."""

from __future__ import annotations

import io
import random
import struct
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from benchlearn.collection.files.problems import column_letter
from tests.collection.corpus import PNG_HEAD, zip_bomb

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


def formula_cases() -> list[Case]:
    x = "x:"
    shared = row(
        2, "EDU_EXP", '<c r="F2"><f t="shared" ref="F2:F3" si="0">10*2</f><v>20</v></c>'
    ) + row(3, "NEW_PUPILS", '<c r="F3"><f t="shared" si="0"/><v>30</v></c>')
    shared_uncached = row(
        2, "EDU_EXP", '<c r="F2"><f t="shared" ref="F2:F3" si="0">1</f><v>1</v></c>'
    ) + row(3, "NEW_PUPILS", '<c r="F3"><f t="shared" si="0"/></c>')
    return [
        Case(
            "formula, cached",
            with_sheet("f1.xlsx", edu('<c r="F2"><f>20+22</f><v>42</v></c>')),
            stored={"EDU_EXP": Decimal(42)},
        ),
        Case(
            "formula, attributes in another order",
            with_sheet("f2.xlsx", edu('<c t="n" s="0" r="F2"><f>40+2</f><v>42</v></c>')),
            stored={"EDU_EXP": Decimal(42)},
        ),
        Case(
            "formula, x: prefixes",
            with_sheet("f3.xlsx", edu('<x:c r="F2"><x:f>40+2</x:f><x:v>42</x:v></x:c>', p=x)),
            stored={"EDU_EXP": Decimal(42)},
        ),
        Case(
            "formula, another prefix on the main namespace",
            with_sheet(
                "f4.xlsx", edu('<ss:c r="F2"><ss:f>6*7</ss:f><ss:v>42</ss:v></ss:c>', p="ss:")
            ),
            stored={"EDU_EXP": Decimal(42)},
        ),
        Case(
            "shared formulas, cached",
            with_sheet("f5.xlsx", sheet_xml(shared)),
            stored={"EDU_EXP": Decimal(20), "NEW_PUPILS": Decimal(30)},
        ),
        Case(
            "shared formula without a cached value",
            with_sheet("f6.xlsx", sheet_xml(shared_uncached)),
            refused=("Sheet Data, cell F3, variable NEW_PUPILS", "never computed"),
        ),
        Case(
            "array formula, cached",
            with_sheet("f7.xlsx", edu('<c r="F2"><f t="array" ref="F2">SUM(1,2)</f><v>3</v></c>')),
            stored={"EDU_EXP": Decimal(3)},
        ),
        Case(
            "array formula without a cached value",
            with_sheet("f8.xlsx", edu('<c r="F2"><f t="array" ref="F2">SUM(1,2)</f></c>')),
            refused=("Sheet Data, cell F2, variable EDU_EXP", "never computed"),
        ),
        Case(
            "formula without a value, x: prefixes",
            with_sheet("f9.xlsx", edu('<x:c s="1" r="F2"><x:f>1+1</x:f></x:c>', p=x)),
            refused=("Sheet Data, cell F2, variable EDU_EXP", "never computed"),
        ),
        Case(
            "formula with an empty cached value",
            with_sheet("f10.xlsx", edu('<c r="F2"><f>1+1</f><v></v></c>')),
            refused=("cell F2, variable EDU_EXP", "never computed"),
        ),
        Case(
            "formula with an error: #DIV/0!",
            with_sheet("f11.xlsx", edu('<c r="F2" t="e"><f>1/0</f><v>#DIV/0!</v></c>')),
            refused=("Sheet Data, cell F2, variable EDU_EXP", "“#DIV/0!” is a spreadsheet error"),
        ),
        Case(
            "error cell #N/A without a formula",
            with_sheet("f12.xlsx", edu('<c r="F2" t="e"><v>#N/A</v></c>')),
            refused=("cell F2, variable EDU_EXP", "“#N/A”"),
        ),
        Case(
            "error cell #REF!, t first, x: prefixes",
            with_sheet(
                "f13.xlsx", edu('<x:c t="e" r="F2"><x:f>#REF!+1</x:f><x:v>#REF!</x:v></x:c>', p=x)
            ),
            refused=("cell F2, variable EDU_EXP", "“#REF!”"),
        ),
        Case(
            "formula with a text result",
            with_sheet("f14.xlsx", edu('<c r="F2" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>')),
            refused=("cell F2, variable EDU_EXP", "“ab” is not a number"),
        ),
        Case(
            "formula with a boolean result",
            with_sheet("f15.xlsx", edu('<c r="F2" t="b"><f>1=1</f><v>1</v></c>')),
            refused=("cell F2, variable EDU_EXP", "“TRUE” is not a number"),
        ),
        Case(
            "cells without references",
            with_sheet(
                "f16.xlsx",
                sheet_xml(
                    "<row>"
                    + "".join(
                        f"<c>{v}</c>"
                        for v in ("<is><t>EDU_EXP</t></is>", "", "", "", "", "<v>17</v>")
                    ).replace("<c><is>", '<c t="inlineStr"><is>')
                    + "</row>"
                ),
            ),
            stored={"EDU_EXP": Decimal(17)},
        ),
        Case(
            "a number as inline text with a space",
            with_sheet("f17.xlsx", edu(text("F2", "1 234,5"))),
            stored={"EDU_EXP": Decimal("1234.5")},
        ),
        Case(
            "an entity in inline text",
            with_sheet("f18.xlsx", edu(text("F2", "1&#32;000"))),
            stored={"EDU_EXP": Decimal(1000)},
        ),
        Case(
            "NaN in a number cell",
            with_sheet("f19.xlsx", edu('<c r="F2"><v>NaN</v></c>')),
            refused=("cell F2, variable EDU_EXP",),
        ),
        Case(
            "infinity in a number cell",
            with_sheet("f20.xlsx", edu('<c r="F2"><v>inf</v></c>')),
            refused=("cell F2, variable EDU_EXP",),
        ),
        Case(
            "a huge number in a cell",
            with_sheet("f21.xlsx", edu('<c r="F2"><v>1e300</v></c>')),
            refused=("cell F2, variable EDU_EXP", "too many digits"),
        ),
        Case(
            "a number that is not one",
            with_sheet("f22.xlsx", edu('<c r="F2"><v>12abc</v></c>')),
            refused=("“12abc”",),
        ),
    ]


def with_first_sheet(
    name: str, state: str, data: bytes, *, hide_data: bool = False
) -> Callable[[Path, bytes, str], Path]:
    """The template with another sheet before the data sheet, in ``state``."""

    def build(folder: Path, template: bytes, _teryt: str) -> Path:
        parts = parts_of(template)
        parts["xl/worksheets/sheet9.xml"] = data
        book = parts["xl/workbook.xml"].decode()
        book = book.replace(
            "<sheets>", f'<sheets><sheet name="Ukryty" sheetId="9" state="{state}" r:id="rId9"/>'
        )
        if hide_data:
            book = book.replace(
                'name="Data" sheetId="1" state="visible"', 'name="Data" sheetId="1" state="hidden"'
            )
        parts["xl/workbook.xml"] = book.encode()
        rels = parts["xl/_rels/workbook.xml.rels"].decode()
        parts["xl/_rels/workbook.xml.rels"] = rels.replace(
            "</Relationships>",
            f'<Relationship Type="{RELS}/worksheet" Target="worksheets/sheet9.xml" Id="rId9"/>'
            "</Relationships>",
        ).encode()
        types = parts["[Content_Types].xml"].decode()
        parts["[Content_Types].xml"] = types.replace(
            "</Types>",
            '<Override PartName="/xl/worksheets/sheet9.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        ).encode()
        return zipped(folder / name, parts)

    return build


def far_meta(folder: Path, template: bytes, _teryt: str) -> Path:
    parts = parts_of(template)
    parts[META] = parts[META].replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    )
    return zipped(folder / "daleko_meta.xlsx", parts)


def sheet_cases() -> list[Case]:
    junk = sheet_xml(row(2, "EDU_EXP", '<c r="F2"><v>999</v></c>'))
    good = edu('<c r="F2"><v>5</v></c>')
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return [
        Case(
            "a hidden sheet before the data",
            with_first_sheet("h1.xlsx", "hidden", junk),
            stored={"EDU_EXP": Decimal(100)},
        ),
        Case(
            "a very hidden sheet before the data",
            with_first_sheet("h2.xlsx", "veryHidden", junk),
            stored={"EDU_EXP": Decimal(100)},
        ),
        Case(
            "only hidden sheets",
            with_first_sheet("h3.xlsx", "veryHidden", junk, hide_data=True),
            refused=("The workbook has no visible sheet of data.",),
        ),
        Case(
            "a value in XFD1048576",
            with_sheet("d1.xlsx", sheet_xml(row(2, "EDU_EXP", '<c r="F2"><v>5</v></c>') + far)),
            refused=("Sheet Data, cell XFD1048576: The sheet has something in cell XFD1048576",),
        ),
        Case(
            "a dimension that lies",
            with_sheet(
                "d2.xlsx", edu('<c r="F2"><v>5</v></c>', head='<dimension ref="A1:XFD1048576"/>')
            ),
            stored={"EDU_EXP": Decimal(5)},
        ),
        Case(
            "a formatted empty cell far away",
            with_sheet(
                "d3.xlsx",
                sheet_xml(
                    row(2, "EDU_EXP", '<c r="F2"><v>5</v></c>')
                    + '<row r="1048576"><c r="XFD1048576" s="1"/></row>'
                ),
            ),
            stored={"EDU_EXP": Decimal(5)},
        ),
        Case(
            "an error far away",
            with_sheet(
                "d4.xlsx",
                sheet_xml(
                    row(2, "EDU_EXP", '<c r="F2"><v>5</v></c>')
                    + '<row r="1048576"><c r="XFD1048576" t="e"><v>#N/A</v></c></row>'
                ),
            ),
            refused=("cell XFD1048576",),
        ),
        Case(
            "empty inline text far away",
            with_sheet(
                "d5.xlsx",
                sheet_xml(
                    row(2, "EDU_EXP", '<c r="F2"><v>5</v></c>')
                    + '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is/></c></row>'
                ),
            ),
            refused=("cell XFD1048576",),
        ),
        Case(
            "a far row of cells without references",
            with_sheet(
                "d6.xlsx",
                sheet_xml(
                    row(2, "EDU_EXP", '<c r="XFD2"><v>1</v></c>')
                    + '<row r="1048576"><c><v>1</v></c></row>'
                ),
            ),
            refused=("cell A1048576",),
        ),
        Case(
            "a value far away in the hidden template sheet",
            far_meta,
            refused=("Sheet benchlearn, cell XFD1048576",),
        ),
        Case(
            "a value far away in a hidden sheet nobody reads",
            with_first_sheet("d8.xlsx", "hidden", sheet_xml(far)),
            stored={"EDU_EXP": Decimal(100)},
        ),
        Case(
            "a DOCTYPE with entities",
            with_sheet(
                "x1.xlsx",
                b'<?xml version="1.0"?><!DOCTYPE lolz ['
                b'<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
                + good[good.index(b"<worksheet") :],
            ),
            refused=("could not be read as an Excel workbook",),
        ),
        Case(
            "damaged XML in the sheet",
            with_sheet("x2.xlsx", good.replace(b"</sheetData>", b"<row>")),
            refused=("Sheet Data: The sheet's XML is damaged (line 1",),
        ),
        Case(
            "text cells pointing at shared strings that do not exist",
            with_sheet("x3.xlsx", edu('<c r="F2" t="s"><v>7</v></c>')),
            refused=("could not be read as an Excel workbook",),
        ),
    ]


def _entry_offsets(data: bytes, member: str) -> tuple[int, int]:
    """Offsets of ``member``'s local header and central directory entry."""
    name = member.encode()
    local = data.index(b"PK\x03\x04")
    while data[local + 30 : local + 30 + len(name)] != name:
        local = data.index(b"PK\x03\x04", local + 4)
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.index(b"PK\x01\x02", central + 4)
    return local, central


def patched(
    name: str, change: Callable[[bytearray, int, int], None]
) -> Callable[[Path, bytes, str], Path]:
    """The template with the sheet's zip headers changed by ``change(data, local, central)``."""

    def build(folder: Path, template: bytes, _teryt: str) -> Path:
        data = bytearray(zipped(folder / "src.xlsx", parts_of(template)).read_bytes())
        local, central = _entry_offsets(bytes(data), SHEET)
        change(data, local, central)
        path = folder / name
        path.write_bytes(bytes(data))
        return path

    return build


def _small_size(data: bytearray, local: int, central: int) -> None:
    """Declare the sheet 100 bytes long (it is longer)."""
    struct.pack_into("<I", data, local + 22, 100)
    struct.pack_into("<I", data, central + 24, 100)


def _bad_crc(data: bytearray, local: int, central: int) -> None:
    crc = struct.unpack_from("<I", data, central + 16)[0] ^ 0xFFFF
    struct.pack_into("<I", data, local + 14, crc)
    struct.pack_into("<I", data, central + 16, crc)


def _encrypted(data: bytearray, local: int, central: int) -> None:
    for offset in (local + 6, central + 8):
        struct.pack_into("<H", data, offset, struct.unpack_from("<H", data, offset)[0] | 1)


def _unknown_method(data: bytearray, local: int, central: int) -> None:
    struct.pack_into("<H", data, local + 8, 99)
    struct.pack_into("<H", data, central + 10, 99)


def truncated(folder: Path, template: bytes, _teryt: str) -> Path:
    path = folder / "obciety.xlsx"
    path.write_bytes(template[: len(template) // 2])
    return path


def lying_bomb(folder: Path, template: bytes, _teryt: str) -> Path:
    """A sheet of 200 MB of spaces inside valid XML, whose headers say 1,000 bytes."""
    path = folder / "klamstwo.xlsx"
    parts = parts_of(template)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            if name != SHEET:
                target.writestr(name, data)
        with target.open(SHEET, "w", force_zip64=False) as part:
            part.write(parts[SHEET][: -len(b"</worksheet>")])
            for _ in range(200):
                part.write(b" " * (1024 * 1024))
            part.write(b"</worksheet>")
    data = bytearray(path.read_bytes())
    local, central = _entry_offsets(bytes(data), SHEET)
    _small_size(data, local, central)
    path.write_bytes(bytes(data))
    return path


def duplicated_part(folder: Path, template: bytes, _teryt: str) -> Path:
    path = zipped(folder / "podwojna.xlsx", parts_of(template))
    with zipfile.ZipFile(path, "a") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": the point of this file
        archive.writestr(SHEET, edu('<c r="F2"><v>999</v></c>'))
    return path


def many_parts(folder: Path, template: bytes, _teryt: str) -> Path:
    parts = parts_of(template)
    path = folder / "czesci.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
        for number in range(12_000):
            target.writestr(f"x/{number}", b"")
    return path


def odd_entries(folder: Path, template: bytes, _teryt: str) -> Path:
    """Entries a careless unzip would write outside its folder, a zip inside the zip,
    and a directory entry: none of them is opened, the workbook imports."""
    parts = parts_of(template)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as nested:
        nested.writestr("a.txt", "a" * 1000)
    parts["../../etc/passwd"] = b"root:x:0:0"
    parts["/absolute.txt"] = b"x"
    parts["xl/embeddings/inner.zip"] = inner.getvalue()
    parts["xl/media/"] = b""
    return zipped(folder / "dziwne.xlsx", parts)


def missing_sheet_part(folder: Path, template: bytes, _teryt: str) -> Path:
    parts = parts_of(template)
    del parts[SHEET]
    return zipped(folder / "bez_arkusza.xlsx", parts)


def relative_targets(folder: Path, template: bytes, _teryt: str) -> Path:
    """Relations as Excel writes them (relative) rather than openpyxl (absolute)."""
    parts = parts_of(template)
    rels = parts["xl/_rels/workbook.xml.rels"].decode().replace('Target="/xl/', 'Target="')
    parts["xl/_rels/workbook.xml.rels"] = rels.encode()
    parts[SHEET] = edu('<c r="F2"><v>8</v></c>')
    return zipped(folder / "wzgledne.xlsx", parts)


def workbook_named_csv(folder: Path, template: bytes, _teryt: str) -> Path:
    parts = parts_of(template)
    parts[SHEET] = edu('<c r="F2"><v>9</v></c>')
    return zipped(folder / "skoroszyt.csv", parts)


def empty_zip(folder: Path, _template: bytes, _teryt: str) -> Path:
    path = folder / "pusty_zip.xlsx"
    with zipfile.ZipFile(path, "w"):
        pass
    return path


def zip_cases() -> list[Case]:
    damaged = "is damaged or not an Excel workbook"
    return [
        Case(
            "a sheet longer than its declared size",
            patched("z1.xlsx", _small_size),
            refused=(damaged,),
        ),
        Case("a CRC error", patched("z2.xlsx", _bad_crc), refused=(damaged,)),
        Case(
            "an encrypted part",
            patched("z3.xlsx", _encrypted),
            refused=("compressed or encrypted",),
        ),
        Case(
            "an unknown compression",
            patched("z4.xlsx", _unknown_method),
            refused=("compressed or encrypted",),
        ),
        Case("a truncated zip", truncated, refused=(damaged,)),
        Case("200 MB of sheet declared as 100 bytes", lying_bomb, refused=(damaged,)),
        Case("two parts of one name", duplicated_part, refused=(damaged,)),
        Case("12,000 parts", many_parts, refused=("more than 10000 parts",)),
        Case("odd entries, a zip inside", odd_entries, stored={"EDU_EXP": Decimal(100)}),
        Case("a sheet part missing", missing_sheet_part, refused=("The sheet Data is missing",)),
        Case("relative relation targets", relative_targets, stored={"EDU_EXP": Decimal(8)}),
        Case("a workbook named .csv", workbook_named_csv, stored={"EDU_EXP": Decimal(9)}),
        Case(
            "an empty zip named .xlsx", empty_zip, refused=("is not an Excel workbook, although",)
        ),
    ]


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


def csv_cases() -> list[Case]:
    line2 = "Sheet dane.csv, line 2"
    return [
        Case(
            "an unclosed quotation mark",
            raw("dane.csv", csv_text('{teryt};EDU_EXP;"5;a', "{teryt};TEACHERS;4;b")),
            refused=(line2, "is never closed"),
        ),
        Case(
            "a quotation mark closed rows later",
            raw(
                "dane.csv",
                csv_text('{teryt};EDU_EXP;5;"a', "{teryt};TEACHERS;4;b", '{teryt};SUBSIDY;4;c"'),
            ),
            refused=(line2, "closed only on line 4"),
        ),
        Case(
            "a stray quotation mark",
            raw("dane.csv", csv_text('{teryt};EDU_EXP;"5"x;a')),
            refused=(line2, "not valid CSV"),
        ),
        Case(
            "a comment over two lines",
            raw(
                "dane.csv",
                csv_text('{teryt};EDU_EXP;5;"pierwsza\r\ndruga"', "{teryt};TEACHERS;4;b"),
            ),
            stored={"EDU_EXP": Decimal(5), "TEACHERS": Decimal(4)},
        ),
        Case(
            "a PNG named .csv",
            raw("dane.csv", PNG_HEAD + b"\x00" * 100),
            refused=("is neither a CSV file nor",),
        ),
        Case(
            "a PDF named .csv",
            raw("dane.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"),
            refused=("is neither a CSV file nor",),
        ),
        Case(
            "random bytes named .csv",
            raw("dane.csv", random_bytes),
            refused=("is neither a CSV file nor",),
        ),
        Case(
            "NUL bytes in a CSV",
            raw(
                "dane.csv", lambda t: csv_text("{teryt};EDU_EXP;5;a")(t).replace(b"5", b"5\x00\x00")
            ),
            refused=("is neither a CSV file nor",),
        ),
        Case(
            "a control character in a comment",
            raw("dane.csv", csv_text("{teryt};EDU_EXP;5;a\x01b")),
            refused=(line2, "control character"),
        ),
        Case(
            "UTF-16 with a byte-order mark, tabs",
            raw(
                "dane.csv",
                csv_text(
                    "{teryt}\tEDU_EXP\t6\tZwiększone",
                    header="TERYT\tKod\tWartość\tKomentarz",
                    encoding="utf-16",
                ),
            ),
            stored={"EDU_EXP": Decimal(6)},
        ),
        Case(
            "UTF-16 big-endian with a byte-order mark",
            raw("dane.csv", csv_text("{teryt};EDU_EXP;7;ż", encoding="utf-16-be", bom=b"\xfe\xff")),
            stored={"EDU_EXP": Decimal(7)},
        ),
        Case(
            "UTF-8 with a byte-order mark and CR line ends",
            raw(
                "dane.csv",
                lambda t: csv_text("{teryt};EDU_EXP;8;ź", bom=b"\xef\xbb\xbf")(t).replace(
                    b"\r\n", b"\r"
                ),
            ),
            stored={"EDU_EXP": Decimal(8)},
        ),
        Case(
            "Windows-1250",
            raw("dane.csv", csv_text("{teryt};EDU_EXP;5;Zwiększone", encoding="cp1250")),
            refused=("Sheet dane.csv, line 1", "Windows-1250"),
        ),
        Case(
            "Latin-1 without Polish letters",
            raw(
                "dane.csv",
                csv_text(
                    "{teryt};EDU_EXP;5;caf\xe9",
                    encoding="latin-1",
                    header="TERYT;Code;Value;Comment",
                ),
            ),
            refused=(line2, "not UTF-8 text"),
        ),
        Case("an empty file", raw("dane.csv", b""), refused=("is empty.",)),
        Case(
            "only line breaks",
            raw("dane.csv", b"\r\n" * 10000),
            refused=("The file dane.csv is empty.",),
        ),
        Case(
            "only the header",
            raw("dane.csv", csv_text()),
            refused=("The file dane.csv has no values.",),
        ),
        Case(
            "a very long line",
            raw("dane.csv", csv_text("{teryt};EDU_EXP;5;" + "x" * 200_000)),
            refused=(line2, "more than 100000 characters"),
        ),
        Case(
            "a very long line in quotes",
            raw("dane.csv", csv_text('{teryt};EDU_EXP;5;"' + "x" * 200_000 + '"')),
            refused=(line2, "more than 100000 characters"),
        ),
        Case(
            "a huge number",
            raw(
                "dane.csv",
                csv_text("{teryt};SUBSIDY;1e400;a", "{teryt};EDU_EXP;99999999999999999999;b"),
            ),
            refused=(
                "Sheet dane.csv, cell C2, variable SUBSIDY",
                "Sheet dane.csv, cell C3, variable EDU_EXP",
                "too many digits",
            ),
        ),
        Case(
            "NaN and infinity as text",
            raw(
                "dane.csv",
                csv_text(
                    "{teryt};EDU_EXP;NaN;a", "{teryt};TEACHERS;inf;b", "{teryt};SUBSIDY;-Infinity;c"
                ),
            ),
            refused=(
                "cell C2, variable EDU_EXP",
                "cell C3, variable TEACHERS",
                "cell C4, variable SUBSIDY",
            ),
        ),
        Case(
            "blank lines between rows, commas",
            raw(
                "dane.csv",
                csv_text(
                    "", '{teryt},EDU_EXP,"1 234,5",a', "", header="TERYT,Kod,Wartość,Komentarz"
                ),
            ),
            stored={"EDU_EXP": Decimal("1234.5")},
        ),
        Case(
            "700,000 short lines",
            raw("dane.csv", lambda t: csv_text()(t) + b"1;2\n" * 700_000),
            refused=("Sheet dane.csv, cell A2: ",),
        ),
    ]


def cases() -> list[Case]:
    return formula_cases() + sheet_cases() + zip_cases() + csv_cases()


def dense(
    name: str, rows: int, columns: int, cell: Callable[[int, int], str]
) -> Callable[[Path, bytes, str], Path]:
    """The template whose data sheet holds ``rows`` × ``columns`` cells from column H
    (outside the template's columns) below the value of EDU_EXP, written as a stream
    (the file is built without holding its XML)."""

    def build(folder: Path, template: bytes, _teryt: str) -> Path:
        parts = parts_of(template)
        parts.pop(SHEET)
        path = zipped(folder / name, parts)
        head, tail = edu('<c r="F2"><v>5</v></c>').split(b"</sheetData>")
        letters = [column_letter(index) for index in range(columns + 7)]
        with (
            zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
            archive.open(SHEET, "w", force_zip64=True) as part,
        ):
            part.write(head)
            for number in range(3, rows + 3):
                cells = "".join(
                    cell(f"{letters[column]}{number}", number * 1000 + column)
                    for column in range(7, columns + 7)
                )
                part.write(f'<row r="{number}">{cells}</row>'.encode())
            part.write(b"</sheetData>" + tail)
        return path

    return build


def _number(ref: str, serial: int) -> str:
    return f'<c r="{ref}"><v>{serial}.25</v></c>'


def _short_text(ref: str, serial: int) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{serial:016d}</t></is></c>'


def _long_text(ref: str, serial: int) -> str:
    letters = random.Random(serial).randbytes(10_000).hex()  # not compressible: no bomb
    return f'<c r="{ref}" t="inlineStr"><is><t>{letters}</t></is></c>'


def heavy_cases() -> list[Case]:
    """Files at the limits and beyond, for the memory bound (slow to build and read)."""
    far = "cell XFD1048576"
    by_name = {case.name: case for case in cases()}
    kept = [
        "a value in XFD1048576",
        "a dimension that lies",
        "a formatted empty cell far away",
        "a value far away in the hidden template sheet",
        "200 MB of sheet declared as 100 bytes",
        "12,000 parts",
        "700,000 short lines",
    ]
    return [
        *(by_name[name] for name in kept),
        Case(
            "600,000 rows, each wrong",
            raw("zle.csv", lambda teryt: csv_text()(teryt) + b"x;y;z\n" * 599_990),
            refused=("Sheet zle.csv, cell A2: Unit x takes no part in this round.",),
        ),
        Case(
            "600,000 rows of unknown variables",
            raw(
                "nieznane.csv",
                lambda teryt: (
                    csv_text()(teryt)
                    + "".join(f"{teryt};V{n};1\n" for n in range(599_990)).encode()
                ),
            ),
            refused=(
                "Sheet nieznane.csv, cell C2, variable V0: The round does not ask for V0",
                "There are more than 1000 problems: the first 1000 are listed.",
            ),
        ),
        Case(
            "an honest zip bomb",
            lambda folder, _t, _u: zip_bomb(folder, 280),
            refused=("zip bomb",),
        ),
        Case(
            "numbers in a million cells",
            dense("liczby.xlsx", 1000, 990, _number),
            stored={"EDU_EXP": Decimal(5)},
        ),
        Case(
            "short texts in a million cells",
            dense("teksty.xlsx", 1000, 990, _short_text),
            stored={"EDU_EXP": Decimal(5)},
        ),
        Case(
            "one cell too many",
            dense("za_duzo.xlsx", 1000, 1000, _number),
            refused=("Sheet Data, cell H994: The sheet has something in cell H994",),
        ),
        Case(
            "long texts up to the limit",
            dense("dlugie.xlsx", 1, 1000, _long_text),
            refused=("million characters of text",),
        ),
        Case(
            "a row far down, a column far right",
            with_sheet(
                "daleko.xlsx",
                sheet_xml(
                    row(2, "EDU_EXP", '<c r="F2"><v>5</v></c><c r="XFD2"><v>1</v></c>')
                    + '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
                ),
            ),
            refused=(far.replace("XFD", "A"),),
        ),
    ]
