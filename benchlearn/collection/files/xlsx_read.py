"""Reading a workbook's data sheet and hidden template sheet with python-calamine (the
fastest reader here; formulas come as the values Excel computed and cached).

Before calamine loads a sheet, the sheet's XML is scanned once, streaming, with a
namespace-aware parser (``xlsx_scan``: ``<x:c t="e" r="A1">`` is the cell
``<c r="A1" t="e">`` is), for what calamine cannot be trusted with:

- how far the cells reach: calamine allocates the whole range from A1 to the farthest
  cell, so one value in XFD1048576 would take gigabytes; such a sheet is refused,
  naming the cell. The declared ``<dimension>`` is never believed.
- spreadsheet errors (``#DIV/0!``) and formulas without a cached value (a file written
  by a program that does not compute formulas), which calamine reads as empty cells
  and which would silently empty a value;
- how much text the cells hold (calamine and then Python each keep a copy);
- escapes (``_x0000_``) that calamine decodes into control characters.

Only visible worksheets are data: a hidden or very hidden sheet is never imported.
Any error of the reader (damaged XML, a panic in calamine) becomes a refusal.
"""

from __future__ import annotations

import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from benchlearn.collection.files.layout import META_SHEET
from benchlearn.collection.files.problems import FileRefused, Problem, at, column_letter
from benchlearn.collection.files.xlsx_scan import (
    UNCOMPUTED,
    scan_sheet,
    shared_lengths,
    sheet_entries,
)

logger = logging.getLogger(__name__)
# Control characters that text never holds (tab, line breaks and form feed aside).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
__all__ = ["UNCOMPUTED", "Sheet", "Workbook", "read_workbook"]


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
    """The first visible worksheet (not the template sheet) and the template sheet's
    entries; FileRefused for anything that cannot be read safely."""
    try:
        return _read(path, name)
    except FileRefused:
        raise
    except MemoryError:
        raise FileRefused(
            _("“%(name)s” is too large to be read: split it into smaller files.") % {"name": name}
        ) from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # a panic in calamine (pyo3) is a BaseException
        logger.warning("unreadable workbook %s: %r", name, error)
        raise FileRefused(
            _("“%(name)s” could not be read as an Excel workbook (%(error)s).")
            % {"name": name, "error": str(error)[:200] or type(error).__name__}
        ) from None


def _read(path: Path, name: str) -> Workbook:
    with zipfile.ZipFile(path) as archive:
        entries = {entry.name: entry for entry in sheet_entries(archive)}
        shared, escaped = shared_lengths(archive)
        book = CalamineWorkbook.from_path(str(path))
        try:
            worksheets = [s for s in book.sheets_metadata if s.typ == SheetTypeEnum.WorkSheet]
            data_names = [
                s.name
                for s in worksheets
                if s.name != META_SHEET
                and s.visible == SheetVisibleEnum.Visible
                and s.name in entries
                and entries[s.name].state == "visible"
            ]
            if not data_names:
                raise FileRefused(_("The workbook has no visible sheet of data."))
            meta = {}
            if META_SHEET in entries and any(s.name == META_SHEET for s in worksheets):
                scan_sheet(archive, entries[META_SHEET], shared)
                meta = _meta(book)
            data_name = data_names[0]
            scan = scan_sheet(archive, entries[data_name], shared)
            sheet = book.get_sheet_by_name(data_name)
            data = Sheet(data_name, sheet.to_python(skip_empty_area=False))
            data.problems.extend(_merged(data_name, sheet.merged_cell_ranges or []))
        finally:
            book.close()
    _put_back(scan.special, data.rows)
    if escaped or scan.escaped:
        data.problems.extend(_control_characters(data))
    return Workbook(data, meta)


def _control_characters(sheet: Sheet) -> list[Problem]:
    """Cells whose text holds a control character, which calamine decodes from Excel's
    escapes (``_x0000_``): no text holds one, and the database cannot store NUL."""
    problems = []
    for row, cells in enumerate(sheet.rows):
        for column, cell in enumerate(cells):
            found = _CONTROL.search(cell) if isinstance(cell, str) else None
            if found is not None:
                problems.append(
                    at(
                        _(
                            "The cell holds a control character (code %(code)s), which "
                            "text never holds."
                        )
                        % {"code": ord(found.group())},
                        sheet.name,
                        row,
                        column,
                    )
                )
                if len(problems) >= 100:
                    return problems
    return problems


def _merged(sheet: str, ranges: list[Any]) -> list[Problem]:
    problems = []
    for (top, left), (bottom, right) in ranges:
        first = f"{column_letter(left)}{top + 1}"
        last = f"{column_letter(right)}{bottom + 1}"
        problems.append(
            Problem(
                _("Cells %(range)s are merged: unmerge them so that each value has its cell.")
                % {"range": f"{first}:{last}"},
                sheet=sheet,
                cell=first,
                row=top + 1,
                column=left + 1,
            )
        )
    return problems


def _meta(book: CalamineWorkbook) -> dict[str, str]:
    rows = book.get_sheet_by_name(META_SHEET).to_python()
    return {str(row[0]).strip(): _text(row[1]) for row in rows if len(row) >= 2 and row[0]}


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _CONTROL.sub("", str(value)).strip()


def _put_back(special: dict[tuple[int, int], Any], rows: list[list[Any]]) -> None:
    """Put in ``rows`` what calamine reads as an empty cell: spreadsheet errors (as
    text, which the number parser refuses with its message) and formulas without a
    computed value (``UNCOMPUTED``)."""
    for (row, column), found in special.items():
        while len(rows) <= row:
            rows.append([])
        if len(rows[row]) <= column:
            rows[row].extend([""] * (column + 1 - len(rows[row])))
        rows[row][column] = found
