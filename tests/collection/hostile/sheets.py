"""Hostile workbooks written by hand: formulas however the XML spells them, errors,
hidden sheets, cells far away, damaged XML."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from tests.collection.hostile.common import (
    MAIN,
    META,
    RELS,
    SHEET,
    Case,
    edu,
    parts_of,
    row,
    sheet_xml,
    text,
    with_sheet,
    zipped,
)


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


def shared_string_comment(folder: Path, template: bytes, _teryt: str) -> Path:
    """A comment in a shared string (as Excel writes text) holding an escaped NUL."""
    parts = parts_of(template)
    parts["xl/sharedStrings.xml"] = (
        f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>x_x0000_y</t></si></sst>'
    ).encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>",
        f'<Relationship Type="{RELS}/sharedStrings" Target="sharedStrings.xml" Id="rId99"/>'
        "</Relationships>",
    ).encode()
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    ).encode()
    parts[SHEET] = edu('<c r="F2"><v>5</v></c><c r="G2" t="s"><v>0</v></c>')
    return zipped(folder / "wspolne.xlsx", parts)


def prefixed_workbook(folder: Path, template: bytes, _teryt: str) -> Path:
    """The workbook's own part and the data sheet with every element prefixed x:."""
    parts = parts_of(template)
    book = parts["xl/workbook.xml"].decode().replace(f'xmlns="{MAIN}"', f'xmlns:x="{MAIN}"')
    parts["xl/workbook.xml"] = re.sub(r"<(/?)(?=[A-Za-z])", r"<\1x:", book).encode()
    parts[SHEET] = edu('<x:c r="F2"><x:v>11</x:v></x:c>', p="x:")
    return zipped(folder / "prefiksy.xlsx", parts)


def sheet_cases() -> list[Case]:
    junk = sheet_xml(row(2, "EDU_EXP", '<c r="F2"><v>999</v></c>'))
    good = edu('<c r="F2"><v>5</v></c>')
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    nul = "Sheet Data, cell G2: The cell holds a control character (code 0)"
    return [
        Case(
            "the workbook's part with x: prefixes",
            prefixed_workbook,
            stored={"EDU_EXP": Decimal(11)},
        ),
        Case(
            "a NUL escaped (_x0000_) in a comment",
            with_sheet("n1.xlsx", edu('<c r="F2"><v>5</v></c>' + text("G2", "a_x0000_b"))),
            refused=(nul,),
        ),
        Case("a NUL escaped in a shared string", shared_string_comment, refused=(nul,)),
        Case(
            "a tab escaped (_x0009_) in a comment",
            with_sheet("n3.xlsx", edu('<c r="F2"><v>6</v></c>' + text("G2", "a_x0009_b"))),
            stored={"EDU_EXP": Decimal(6)},
        ),
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
