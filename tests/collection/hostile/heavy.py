"""Files at the limits and beyond, for the memory bound (slow to build and read)."""

from __future__ import annotations

import random
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from benchlearn.collection.files.problems import column_letter
from tests.collection.corpus import zip_bomb
from tests.collection.hostile import cases
from tests.collection.hostile.common import (
    MAIN,
    RELS,
    SHEET,
    Case,
    csv_text,
    edu,
    parts_of,
    raw,
    row,
    sheet_xml,
    with_sheet,
    zipped,
)


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


def shared_strings(name: str, count: int) -> Callable[[Path, bytes, str], Path]:
    """The template with ``count`` tiny shared strings (a comment uses the first)."""

    def build(folder: Path, template: bytes, _teryt: str) -> Path:
        parts = parts_of(template)
        parts[SHEET] = edu('<c r="F2"><v>5</v></c><c r="G2" t="s"><v>0</v></c>')
        rels = parts["xl/_rels/workbook.xml.rels"].decode()
        parts["xl/_rels/workbook.xml.rels"] = rels.replace(
            "</Relationships>",
            f'<Relationship Type="{RELS}/sharedStrings" Target="sharedStrings.xml" Id="rId99"/>'
            "</Relationships>",
        ).encode()
        path = zipped(folder / name, parts)
        with (
            zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
            archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part,
        ):
            part.write(f'<sst xmlns="{MAIN}">'.encode())
            for start in range(0, count, 10_000):
                chunk = range(start, min(start + 10_000, count))
                part.write("".join(f"<si><t>{n}</t></si>" for n in chunk).encode())
            part.write(b"</sst>")
        return path

    return build


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
            "700,000 shared strings",
            shared_strings("wspolne.xlsx", 700_000),
            stored={"EDU_EXP": Decimal(5)},
        ),
        Case(
            "2,800,000 shared strings",
            shared_strings("wspolne_duzo.xlsx", 2_800_000),
            refused=("would unpack to 60 MB",),
        ),
        Case(
            "an honest zip bomb",
            lambda folder, _t, _u: zip_bomb(folder, 280),
            refused=("zip bomb",),
        ),
        Case(
            "numbers in 750,000 cells",
            dense("liczby.xlsx", 1000, 740, _number),
            stored={"EDU_EXP": Decimal(5)},
        ),
        Case(
            "short texts in 750,000 cells",
            dense("teksty.xlsx", 1000, 740, _short_text),
            stored={"EDU_EXP": Decimal(5)},
        ),
        Case(
            "one cell too many",
            dense("za_duzo.xlsx", 1000, 1000, _number),
            refused=("Sheet Data, cell H745: The sheet has something in cell H745",),
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
