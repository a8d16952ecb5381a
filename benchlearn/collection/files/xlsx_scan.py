"""The parts of a workbook read with a streaming, namespace-aware XML parser (expat),
before calamine is trusted with them: which sheets there are, in what state and part;
how long the shared strings are; and one pass over a sheet (``scan_sheet``) that finds
how far its cells reach, how much text they hold, and the cells calamine reads as empty
though they are not (spreadsheet errors, formulas without a cached value). Names are
matched whatever their namespace prefix (``<x:c>`` is ``<c>``); a DOCTYPE is refused.
"""

from __future__ import annotations

import array
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from xml.parsers import expat

from django.utils.translation import gettext as _

from benchlearn.collection.files.problems import FileRefused, Problem, column_letter

# A round workbook of 2,477 gminas × 300 variables is 750,000 cells (a national round
# asks for about 80). Calamine and the Python rows take up to 155 bytes a cell (short
# texts), on top of a process of about 110 MB: with the text bound, an import
# stays under 300 MB (tests/collection/test_files_memory.py).
MAX_CELLS = 750_000
MAX_TEXT = 16 * 1024 * 1024  # characters in the cells of a sheet
MAX_SPECIAL_CELLS = 10_000  # errors and uncomputed formulas put back by the scan
MAX_SHEETS = 1_000
_REFERENCE = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")


class Uncomputed:
    """A formula cell without a cached result (calamine reads it as empty)."""


UNCOMPUTED = Uncomputed()


@dataclass(frozen=True)
class SheetEntry:
    name: str
    state: str  # visible, hidden, veryHidden
    part: str | None


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


def sheet_entries(archive: zipfile.ZipFile) -> list[SheetEntry]:
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
        SheetEntry(sheet, state, _target("xl", targets[rid]) if rid in targets else None)
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


def shared_lengths(archive: zipfile.ZipFile) -> tuple[array.array[int] | None, bool]:
    """The length of each shared string (the text a cell of type "s" points at), and
    whether any holds an escape (``_x0000_``) calamine decodes."""
    part = next(
        (n for n in ("xl/sharedStrings.xml", "xl/SharedStrings.xml") if n in archive.NameToInfo),
        None,
    )
    if part is None:
        return None, False
    lengths = array.array("q")
    depth = [0]  # the length of the current <si>
    escaped = [False]

    def start(element: str, _attributes: dict[str, str]) -> None:
        if _local(element) == "si":
            depth[0] = 0

    def end(element: str) -> None:
        if _local(element) == "si":
            lengths.append(depth[0])

    def text(data: str) -> None:
        depth[0] += len(data)
        escaped[0] = escaped[0] or "_x" in data

    _parse(archive, part, _parser(start, end, text))
    return lengths, escaped[0]


class SheetScan:
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
        self.escaped = False  # some text holds an escape (_x0000_)
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
            if "_x" in data:
                self.escaped = True
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


def scan_sheet(
    archive: zipfile.ZipFile, entry: SheetEntry, shared: array.array[int] | None
) -> SheetScan:
    """Check the sheet's reach and text, and find the cells calamine reads as empty
    but are not (``special``: 0-based row, column → error text or ``UNCOMPUTED``)."""
    if entry.part is None or entry.part not in archive.NameToInfo:
        raise FileRefused(
            _("The sheet %(sheet)s is missing from the workbook: save it again in Excel.")
            % {"sheet": entry.name}
        )
    scan = SheetScan(entry.name, shared)
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
    return scan


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number
