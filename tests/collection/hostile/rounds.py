"""Hostile round workbooks (a row per unit, a column per variable), for the operator's
upload and the command line; built from the round's own workbook."""

from __future__ import annotations

from decimal import Decimal

from tests.collection.hostile.common import MAIN, Case, text, with_sheet
from tests.collection.hostile.sheets import with_first_sheet

# The round of the collection tests: its variables in the workbook's order.
CODES = ("EDU_EXP", "NEW_PUPILS", "SUBSIDY", "TEACHERS")


def round_sheet(rows: str, *, p: str = "") -> bytes:
    header = "".join(
        text(f"{letter}1", title, p)
        for letter, title in zip("ABCDEF", ("TERYT", "Unit", *CODES), strict=True)
    )
    declared = f'xmlns:{p[:-1]}="{MAIN}"' if p else f'xmlns="{MAIN}"'
    return (
        f'<{p}worksheet {declared}><{p}sheetData><{p}row r="1">{header}</{p}row>{rows}'
        f"</{p}sheetData></{p}worksheet>"
    ).encode()


def unit_row(number: int, teryt: str, cells: str, p: str = "") -> str:
    return f'<{p}row r="{number}">{text(f"A{number}", teryt, p)}{cells}</{p}row>'


def round_cases(teryt: str) -> list[Case]:
    """``teryt``: a unit of the round (unit A)."""
    x = "x:"
    unknown = "".join(
        unit_row(number, str(9_000_000 + number), f'<c r="C{number}"><v>1</v></c>')
        for number in range(2, 2_003)
    )
    return [
        Case(
            "round: a value and an error cell, x: prefixes",
            with_sheet(
                "r1.xlsx",
                round_sheet(
                    unit_row(
                        3,
                        teryt,
                        '<x:c r="C3"><x:v>7</x:v></x:c>'
                        '<x:c t="e" r="D3"><x:f>A1*B1</x:f><x:v>#VALUE!</x:v></x:c>',
                        x,
                    ),
                    p=x,
                ),
            ),
            refused=("Sheet Data, cell D3, variable NEW_PUPILS", "“#VALUE!”"),
        ),
        Case(
            "round: a TERYT code Excel turned into a number",
            with_sheet(
                "r2.xlsx",
                round_sheet(
                    f'<row r="3"><c r="A3"><v>{int(teryt)}</v></c><c r="C3"><v>9</v></c></row>'
                ),
            ),
            stored={"EDU_EXP": Decimal(9)},
        ),
        Case(
            "round: a hidden sheet before the data",
            with_first_sheet(
                "r3.xlsx", "hidden", round_sheet(unit_row(2, teryt, '<c r="C2"><v>999</v></c>'))
            ),
            stored={"EDU_EXP": Decimal(100)},
        ),
        Case(
            "round: a value in XFD1048576",
            with_sheet(
                "r4.xlsx",
                round_sheet(
                    unit_row(2, teryt, '<c r="C2"><v>5</v></c>')
                    + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
                ),
            ),
            refused=("Sheet Data, cell XFD1048576",),
        ),
        Case(
            "round: 2,001 units that take no part",
            with_sheet("r5.xlsx", round_sheet(unknown)),
            refused=(
                "Sheet Data, cell A2: Unit 9000002 takes no part in this round.",
                "There are more than 1000 problems: the first 1000 are listed.",
            ),
        ),
    ]
