"""Reading a workbook's data sheet and hidden template sheet with python-calamine (the
fastest reader here; formulas come as the values Excel computed and cached).

Before calamine loads a sheet, the sheet's XML is scanned once, streaming, with a
namespace-aware parser (so ``<x:c t="e" r="A1">`` is the cell ``<c r="A1" t="e">`` is),
for three things calamine cannot be trusted with:

- how far the cells reach: calamine allocates the whole range from A1 to the farthest
  cell, so one value in XFD1048576 would take gigabytes; such a sheet is refused,
  naming the cell. The declared ``<dimension>`` is never believed.
- spreadsheet errors (``#DIV/0!``) and formulas without a cached value (a file written
  by a program that does not compute formulas), which calamine reads as empty cells
  and which would silently empty a value;
- how much text the cells hold (calamine and then Python each keep a copy).

Only visible worksheets are data: a hidden or very hidden sheet is never imported.
Any error of the reader (damaged XML, a panic in calamine) becomes a refusal.
"""

from __future__ import annotations

import array
import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from xml.parsers import expat

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from benchlearn.collection.files.layout import META_SHEET
from benchlearn.collection.files.problems import FileRefused, Problem, column_letter

logger = logging.getLogger(__name__)

# A round workbook of 2,477 gminas × 400 variables is a million cells. Calamine and the
# Python rows take up to 140 bytes a cell (short texts): with the text bound, an import
# stays under 300 MB (tests/collection/test_files_memory.py).
MAX_CELLS = 1_000_000
MAX_TEXT = 16 * 1024 * 1024  # characters in the cells of a sheet
MAX_SPECIAL_CELLS = 10_000  # errors and uncomputed formulas put back by the scan
MAX_SHEETS = 1_000
_REFERENCE = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]  # from A1, empty cells as ""
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Workbook:
    data: Sheet
    meta: dict[str, str]


class Uncomputed:
    """A formula cell without a cached result (calamine reads it as empty)."""


UNCOMPUTED = Uncomputed()


@dataclass(frozen=True)
class _SheetEntry:
    name: str
    state: str  # visible, hidden, veryHidden
    part: str | None


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
        entries = {entry.name: entry for entry in _sheet_entries(archive, name)}
        shared = _shared_lengths(archive)
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
                _scan(archive, entries[META_SHEET], shared)
                meta = _meta(book)
            data_name = data_names[0]
            special = _scan(archive, entries[data_name], shared)
            sheet = book.get_sheet_by_name(data_name)
            data = Sheet(data_name, sheet.to_python(skip_empty_area=False))
            data.problems.extend(_merged(data_name, sheet.merged_cell_ranges or []))
        finally:
            book.close()
    _put_back(special, data.rows)
    return Workbook(data, meta)


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
    return str(value).strip()


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


def _parser(start: Any = None, end: Any = None, text: Any = None) -> expat.XMLParserType:
    """Namespace-aware (names come as "uri local"), refusing any DOCTYPE: parts of a
    workbook have none, and entities are how XML explodes."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True

    def doctype(*_args: Any) -> None:
        raise ValueError("DOCTYPE in a workbook part")

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    if start is not None:
        parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    return parser


def _parse(archive: zipfile.ZipFile, part: str, parser: Any) -> None:
    with archive.open(part) as stream:
        while chunk := stream.read(1024 * 1024):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _sheet_entries(archive: zipfile.ZipFile, name: str) -> list[_SheetEntry]:
    """Sheets of the workbook part, in order, with their state and XML part."""
    found: list[tuple[str, str, str]] = []

    def start(element: str, attributes: dict[str, str]) -> None:
        if _local(element) != "sheet":
            return
        if len(found) >= MAX_SHEETS:
            raise FileRefused(
                _("The workbook has more than %(count)s sheets.") % {"count": MAX_SHEETS}
            )
        relation = next((v for k, v in attributes.items() if " " in k and _local(k) == "id"), "")
        found.append((attributes.get("name", ""), attributes.get("state", "visible"), relation))

    _parse(archive, "xl/workbook.xml", _parser(start))
    targets = _relations(archive, "xl/_rels/workbook.xml.rels")
    return [
        _SheetEntry(sheet, state, _target("xl", targets[rid]) if rid in targets else None)
        for sheet, state, rid in found
    ]


def _relations(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    targets: dict[str, str] = {}
    if part not in archive.NameToInfo:
        return targets

    def start(element: str, attributes: dict[str, str]) -> None:
        if (
            _local(element) == "Relationship"
            and "Id" in attributes
            and len(targets) < MAX_SHEETS * 4
        ):
            targets[attributes["Id"]] = attributes.get("Target", "")

    _parse(archive, part, _parser(start))
    return targets


def _target(folder: str, target: str) -> str:
    """A relation's target as a part name: relative to ``folder`` or absolute."""
    path = PurePosixPath(target) if target.startswith("/") else PurePosixPath(folder, target)
    parts: list[str] = []
    for piece in path.parts:
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in (".", "/"):
            parts.append(piece)
    return "/".join(parts)


def _shared_lengths(archive: zipfile.ZipFile) -> array.array[int] | None:
    """The length of each shared string (the text a cell of type "s" points at)."""
    part = next(
        (n for n in ("xl/sharedStrings.xml", "xl/SharedStrings.xml") if n in archive.NameToInfo),
        None,
    )
    if part is None:
        return None
    lengths = array.array("q")
    depth = [0]  # the length of the current <si>

    def start(element: str, _attributes: dict[str, str]) -> None:
        if _local(element) == "si":
            depth[0] = 0

    def end(element: str) -> None:
        if _local(element) == "si":
            lengths.append(depth[0])

    def text(data: str) -> None:
        depth[0] += len(data)

    _parse(archive, part, _parser(start, end, text))
    return lengths


class _Scan:
    """The streaming scan of one sheet (see the module's docstring). Its handlers run
    for every element of the sheet, so they do little: a lookup of the element's name
    (in any namespace or prefix) and a few assignments."""

    def __init__(self, sheet: str, shared: array.array[int] | None) -> None:
        self.sheet = sheet
        self.shared = shared
        self.row = 0  # 1-based, of the current <row>
        self.column = 0  # 1-based, of the current <c>
        self.rows = self.columns = 0  # the farthest content
        self.text = 0
        self.special: dict[tuple[int, int], Any] = {}
        self.kind = ""
        self.content = self.formula = self.in_value = False
        self.value: list[str] = []
        self.locals: dict[str, str] = {}
        self.letters: dict[str, int] = {}

    def start(self, element: str, attributes: dict[str, str]) -> None:
        local = self.locals.get(element)
        if local is None:
            local = self.locals[element] = _local(element)
        if local == "c":
            self._cell(attributes)
        elif local == "v":
            self.content = self.in_value = True
        elif local == "f":
            self.content = self.formula = True
        elif local == "is":
            self.content = True
            self.kind = "inlineStr"
            self.in_value = True
        elif local == "row":
            number = attributes.get("r", "")
            self.row = int(number) if number.isdigit() else self.row + 1
            self.column = 0

    def _cell(self, attributes: dict[str, str]) -> None:
        reference = attributes.get("r")
        letters = reference.rstrip("0123456789") if reference else ""
        digits = reference[len(letters) :] if reference else ""
        column = self.letters.get(letters) if digits.isdigit() else None
        if column is None and digits.isdigit() and _REFERENCE.fullmatch(reference or ""):
            column = self.letters[letters] = _column_number(letters.upper())
        if column is None:
            self.column += 1  # no reference (allowed): the next cell of the row
        else:
            self.column, self.row = column, int(digits)
        self.kind = attributes.get("t", "n")
        self.content = self.formula = self.in_value = False
        self.value = []

    def characters(self, data: str) -> None:
        if self.in_value:
            self.value.append(data)
            self.text += len(data)
            if self.text > MAX_TEXT:
                self._too_much_text()

    def end(self, element: str) -> None:
        local = self.locals.get(element)
        if local == "c":
            self.in_value = False
            if self.content:
                self._cell_end()
        elif local == "v" or local == "is":
            self.in_value = False

    def _cell_end(self) -> None:
        """A cell with a value, a formula or inline text (a cell with only a style is
        not placed by calamine, so it may be anywhere)."""
        row, column = self.row, self.column
        if row > self.rows or column > self.columns:
            self.rows, self.columns = max(row, self.rows), max(column, self.columns)
            if self.rows * self.columns > MAX_CELLS:
                self._too_far(row, column)
        kind = self.kind
        if kind == "n" and not self.formula:
            return  # nearly every cell: a number
        value = "".join(self.value).strip()
        if kind == "s" and self.shared is not None and value.isdigit():
            index = int(value)
            self.text += self.shared[index] if index < len(self.shared) else 0
            if self.text > MAX_TEXT:
                self._too_much_text()
        if kind == "e" and value:
            found: Any = value
        elif self.formula and not value:
            found = UNCOMPUTED
        else:
            return
        if len(self.special) >= MAX_SPECIAL_CELLS:
            raise FileRefused(
                Problem(
                    _(
                        "More than %(count)s cells hold spreadsheet errors or formulas "
                        "without results: correct them and upload the file again."
                    )
                    % {"count": MAX_SPECIAL_CELLS},
                    sheet=self.sheet,
                    cell=f"{column_letter(column - 1)}{row}",
                    row=row,
                    column=column,
                )
            )
        self.special[(row - 1, column - 1)] = found

    def _too_far(self, row: int, column: int) -> None:
        cell = f"{column_letter(column - 1)}{row}"
        raise FileRefused(
            Problem(
                _(
                    "The sheet has something in cell %(cell)s, so far from A1 that the sheet "
                    "would span more than %(count)s cells: delete what is in that cell (and "
                    "in any other cell far from the data) and upload the file again."
                )
                % {"cell": cell, "count": f"{MAX_CELLS:,}".replace(",", " ")},
                sheet=self.sheet,
                cell=cell,
                row=row,
                column=column,
            )
        )

    def _too_much_text(self) -> None:
        raise FileRefused(
            Problem(
                _(
                    "The sheet holds more than %(count)s million characters of text, far "
                    "more than a sheet of values needs: it was not read."
                )
                % {"count": MAX_TEXT // (1024 * 1024)},
                sheet=self.sheet,
            )
        )


def _scan(
    archive: zipfile.ZipFile, entry: _SheetEntry, shared: array.array[int] | None
) -> dict[tuple[int, int], Any]:
    """Check the sheet's reach and text, and find the cells calamine reads as empty
    but are not: (0-based row, column) → error text or ``UNCOMPUTED``."""
    if entry.part is None or entry.part not in archive.NameToInfo:
        raise FileRefused(
            _("The sheet %(sheet)s is missing from the workbook: save it again in Excel.")
            % {"sheet": entry.name}
        )
    scan = _Scan(entry.name, shared)
    try:
        _parse(archive, entry.part, _parser(scan.start, scan.end, scan.characters))
    except expat.ExpatError as error:
        raise FileRefused(
            Problem(
                _(
                    "The sheet's XML is damaged (line %(line)s, column %(column)s): save the "
                    "workbook again in Excel."
                )
                % {"line": error.lineno, "column": error.offset},
                sheet=entry.name,
            )
        ) from None
    return scan.special


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number
