"""Reading a workbook's data sheet and hidden template sheet with python-calamine (the
fastest reader here; formulas come as the values Excel computed and cached).

Calamine reads two kinds of cells as empty: spreadsheet errors (``#DIV/0!``) and
formulas without a cached value (a file written by a program that does not compute
formulas). Both would silently empty a value, so they are found in the sheet's XML.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

from benchlearn.collection.files.layout import META_SHEET
from benchlearn.collection.files.problems import FileRefused, Problem, column_letter


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]  # from A1, empty cells as ""
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Workbook:
    data: Sheet
    meta: dict[str, str]


def read_workbook(path: Path, name: str) -> Workbook:
    try:
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as error:
        raise FileRefused(
            _("“%(name)s” could not be read as an Excel workbook (%(error)s).")
            % {"name": name, "error": error}
        ) from None
    try:
        every_sheet = [s.name for s in book.sheets_metadata]
        worksheets = [s.name for s in book.sheets_metadata if s.typ == SheetTypeEnum.WorkSheet]
        data_names = [n for n in worksheets if n != META_SHEET]
        if not data_names:
            raise FileRefused(_("The workbook has no sheet of data."))
        meta = _meta(book) if META_SHEET in worksheets else {}
        sheet = book.get_sheet_by_name(data_names[0])
        rows = sheet.to_python(skip_empty_area=False)
        data = Sheet(data_names[0], rows)
        for (top, left), (bottom, right) in sheet.merged_cell_ranges or []:
            first = f"{column_letter(left)}{top + 1}"
            last = f"{column_letter(right)}{bottom + 1}"
            data.problems.append(
                Problem(
                    _("Cells %(range)s are merged: unmerge them so that each value has its cell.")
                    % {"range": f"{first}:{last}"},
                    sheet=data.name,
                    cell=first,
                    row=top + 1,
                    column=left + 1,
                )
            )
    finally:
        book.close()
    _hidden_cells(path, every_sheet.index(data.name), data.rows)
    return Workbook(data, meta)


def _meta(book: CalamineWorkbook) -> dict[str, str]:
    rows = book.get_sheet_by_name(META_SHEET).to_python()
    return {str(row[0]).strip(): _text(row[1]) for row in rows if len(row) >= 2 and row[0]}


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.DOTALL)
_VALUE = re.compile(rb"<v>(.*?)</v>", re.DOTALL)
_SHEET = re.compile(rb'<sheet [^>]*?r:id="([^"]+)"')
_REL = re.compile(rb"<Relationship [^>]*>")
_FORMULA = re.compile(rb"<f[ >/]")


class Uncomputed:
    """A formula cell without a cached result (calamine reads it as empty)."""


UNCOMPUTED = Uncomputed()


def _hidden_cells(path: Path, index: int, rows: list[list[Any]]) -> None:
    """Put back in ``rows`` what calamine reads as an empty cell: spreadsheet errors
    (``#DIV/0!``, as text that the number parser refuses with its message) and formulas
    without a computed value (``UNCOMPUTED``). Only a file with such cells is scanned."""
    with zipfile.ZipFile(path) as archive:
        part = _sheet_part(archive, index)
        if part is None:
            return
        xml = archive.read(part)
    # A formula element (<f>, <f t="shared" …/>), not <formula1> of data validation,
    # which every template carries: the scan of every cell is for files that need it.
    if not _FORMULA.search(xml) and b't="e"' not in xml:
        return
    for match in _CELL.finditer(xml):
        attributes, body = match.group(3), match.group(4) or b""
        value = _VALUE.search(body)
        if value is not None and not value.group(1).strip():
            value = None  # <v></v>: no result either
        if b't="e"' in attributes and value is not None:
            found: Any = value.group(1).decode()
        elif b"<f" in body and value is None:
            found = UNCOMPUTED
        else:
            continue
        row, column = int(match.group(2)) - 1, _column_number(match.group(1).decode()) - 1
        while len(rows) <= row:
            rows.append([])
        if len(rows[row]) <= column:
            rows[row].extend([""] * (column + 1 - len(rows[row])))
        rows[row][column] = found


def _sheet_part(archive: zipfile.ZipFile, index: int) -> str | None:
    """The XML part of the ``index``-th worksheet, through the workbook's relations."""
    sheets = _SHEET.findall(archive.read("xl/workbook.xml"))
    if index >= len(sheets):
        return None
    targets = {}
    for rel in _REL.findall(archive.read("xl/_rels/workbook.xml.rels")):
        found_id = re.search(rb'Id="([^"]+)"', rel)
        found_target = re.search(rb'Target="([^"]+)"', rel)
        if found_id and found_target:
            targets[found_id.group(1)] = found_target.group(1).decode()
    target = targets.get(sheets[index])
    if target is None:
        return None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number
