"""An Excel or CSV file of values → entries for ``services.values_import`` → problems
located by sheet, cell and variable.

Which files are accepted: a unit's template (a row per variable, found by the headers
of its columns, which may be in any order; a renamed or missing required column is
refused), the round workbook (a row per unit, a column per variable code; every
variable of the round must have its column), and CSV (TERYT, code, value, comment).
Workbooks must carry the hidden template sheet naming this round, the unit (for a
unit's template), the current template version and the round's variable list.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.collection.files import layout
from benchlearn.collection.files.csv_io import read_csv
from benchlearn.collection.files.problems import FileRefused, Problem, at
from benchlearn.collection.files.safety import CSV, file_kind
from benchlearn.collection.files.xlsx_read import UNCOMPUTED, Sheet, read_workbook
from benchlearn.collection.models import Round, Submission
from benchlearn.collection.parsing import NumberError
from benchlearn.collection.selectors import round_variables
from benchlearn.collection.services import values_import
from benchlearn.collection.services.imports import Skipped
from benchlearn.units.models import Unit

Entry = tuple[str | Decimal | None, str | None]
# Problems listed for one file: a file of a million wrong cells would otherwise hold a
# million messages (and nobody reads past the first screens of them).
MAX_PROBLEMS = 1_000


class ProblemList(list[Problem]):
    """The problems of a file; the one after ``MAX_PROBLEMS`` ends the reading."""

    def append(self, problem: Problem) -> None:
        if len(self) >= MAX_PROBLEMS:
            more = _(
                "There are more than %(count)s problems: the first %(count)s are listed. "
                "Correct them and upload the file again."
            ) % {"count": MAX_PROBLEMS}
            raise FileRefused([*sorted(self, key=_order), Problem(more)])
        super().append(problem)


@dataclass
class FileImport:
    """What importing a file did: nothing when there are ``problems``."""

    problems: list[Problem] = field(default_factory=list)
    changed: int = 0  # values whose number or comment changed
    units: int = 0
    values: int = 0
    # Locked units (submitted, approved) whose rows repeat what is stored: left alone.
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class FileEntries:
    """The values read from a file, and where each came from (for problems)."""

    sheet: str
    entries: dict[str, dict[str, Entry]] = field(default_factory=dict)
    cells: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    unit_cells: dict[str, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=ProblemList)
    # The round workbook: a value's cell is its unit's row and its variable's column
    # (not one entry in ``cells`` per value: there are hundreds of thousands).
    columns: dict[str, int] = field(default_factory=dict)
    # The round's variables and units, when known: values of others are problems here,
    # so that a file of a million unknown codes never reaches the import's checks.
    codes: frozenset[str] | None = None
    teryts: frozenset[str] | None = None
    unknown: set[str] = field(default_factory=set)

    def unit_known(self, teryt: str, row: int, column: int) -> bool:
        """Whether ``teryt`` is of the round; a problem (once per unit) if not."""
        if self.teryts is None or teryt in self.teryts:
            return True
        if teryt not in self.unknown:
            self.unknown.add(teryt)
            message = _("Unit %(teryt)s takes no part in this round.") % {"teryt": teryt}
            self.problems.append(at(message, self.sheet, row, column))
        return False

    def place(self, teryt: str, code: str) -> tuple[int, int]:
        """The 0-based (row, column) of a value, or of its unit; (-1, -1) if unknown."""
        if (teryt, code) in self.cells:
            return self.cells[(teryt, code)]
        unit_row, unit_column = self.unit_cells.get(teryt, (-1, -1))
        if unit_row >= 0 and code in self.columns:
            return unit_row, self.columns[code]
        return unit_row, unit_column

    def add(self, teryt: str, code: str, entry: Entry, row: int, column: int) -> None:
        if self.codes is not None and code not in self.codes:
            message = _("The round does not ask for %(code)s.") % {"code": code}
            self.problems.append(at(message, self.sheet, row, column, code))
            return
        values = self.entries.setdefault(teryt, {})
        if code in values:
            first_row, _col = self.cells[(teryt, code)]
            self.problems.append(
                at(
                    _("The variable appears more than once (also in row %(row)s).")
                    % {"row": first_row + 1},
                    self.sheet,
                    row,
                    column,
                    code,
                )
            )
            return
        values[code] = entry
        self.cells[(teryt, code)] = (row, column)


def import_file(
    *,
    path: Path,
    name: str,
    round_: Round,
    user: User | None,
    source: str,
    unit: Unit | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> FileImport:
    """Import the values of ``path`` (uploaded as ``name``) into ``round_``; all or
    nothing. ``unit``: the file must be that unit's (a unit's page). ``user`` None: a
    command run on the server."""
    try:
        found = read_entries(path, name, round_, unit)
    except FileRefused as refused:
        return FileImport(problems=refused.problems)
    # With problems in the cells already, the values are still checked (and nothing
    # written) so that every problem of the file is listed at once.
    result = values_import(
        round_=round_,
        user=user,
        entries=found.entries,
        source=source,
        dry_run=dry_run or bool(found.problems),
        progress=progress,
    )
    problems = list(found.problems)
    for (teryt, code), messages in result.errors.items():
        row, column = found.place(teryt, code)
        for message in messages:
            if row < 0:
                problems.append(Problem(message, sheet=found.sheet, variable=code))
            else:
                problems.append(at(message, found.sheet, row, column, code))
    return FileImport(
        problems=sorted(problems, key=_order),
        changed=result.changed_count if not problems else 0,
        units=result.units,
        values=result.values,
        skipped=result.skipped if not problems else [],
    )


def _order(problem: Problem) -> tuple[str, int, int]:
    return (problem.sheet, problem.row, problem.column)


def read_entries(path: Path, name: str, round_: Round, unit: Unit | None) -> FileEntries:
    if file_kind(path, name) == CSV:
        codes, teryts = _scope(round_)
        found = FileEntries(Path(name).name, codes=codes, teryts=teryts)
        return _csv_entries(read_csv(path, found.sheet), found, unit)
    book = read_workbook(path, name)
    kind = _check_meta(book.meta, round_, unit)
    if not any(any(cell != "" for cell in row) for row in book.data.rows):
        raise FileRefused(
            _("The sheet %(sheet)s is empty: fill in the template downloaded from the round.")
            % {"sheet": book.data.name}
        )
    if book.data.problems:
        raise FileRefused(book.data.problems)
    if kind == layout.UNIT_LAYOUT:
        return _unit_entries(book.data, book.meta["unit"], _scope(round_)[0])
    return _round_entries(book.data, [v.code for v in round_variables(round_)], _scope(round_)[1])


def _scope(round_: Round) -> tuple[frozenset[str], frozenset[str]]:
    """The round's variable codes and its units' TERYT codes."""
    teryts = Submission.objects.filter(round=round_).values_list("unit__teryt", flat=True)
    return frozenset(v.code for v in round_variables(round_)), frozenset(teryts)


def _kind_of(round_: Round, meta: dict[str, str]) -> str | None:
    """The kind of the unit a unit's template is of (its template lists the variables
    asked of its kind); None for the round's workbook, which lists every variable."""
    if meta.get("layout") != layout.UNIT_LAYOUT:
        return None
    kinds = Submission.objects.filter(round=round_, unit__teryt=meta.get("unit") or "")
    return kinds.values_list("unit__kind", flat=True).first()


def _check_meta(meta: dict[str, str], round_: Round, unit: Unit | None) -> str:
    """The layout of a workbook whose template sheet matches the round and unit."""
    if meta.get("format") != layout.FORMAT:
        raise FileRefused(
            _(
                "The workbook was not made from a Benchlearn template (its hidden sheet "
                "“%(sheet)s” is missing): download the template of the round, fill it in "
                "and upload it."
            )
            % {"sheet": layout.META_SHEET}
        )
    if meta.get("version") != str(layout.TEMPLATE_VERSION):
        raise FileRefused(
            _(
                "The workbook was made from template version %(found)s; this version of "
                "Benchlearn reads version %(expected)s: download a new template."
            )
            % {"found": meta.get("version") or "?", "expected": layout.TEMPLATE_VERSION}
        )
    if meta.get("round") != str(round_.pk):
        raise FileRefused(
            _(
                "The workbook is for collection round number %(found)s, not for this round "
                "(number %(expected)s, %(name)s)."
            )
            % {"found": meta.get("round") or "?", "expected": round_.pk, "name": round_}
        )
    codes = [v.code for v in round_variables(round_, _kind_of(round_, meta))]
    if meta.get("variables") != layout.variables_checksum(codes):
        raise FileRefused(
            _(
                "The workbook was made for another list of variables than this round asks "
                "for: download the template again."
            )
        )
    kind = meta.get("layout")
    if kind == layout.UNIT_LAYOUT:
        if unit is not None and meta.get("unit") != unit.teryt:
            raise FileRefused(
                _("The workbook is the template of unit %(found)s, not of %(unit)s (%(teryt)s).")
                % {"found": meta.get("unit") or "?", "unit": unit.name, "teryt": unit.teryt}
            )
        return kind
    if kind == layout.ROUND_LAYOUT:
        if unit is not None:
            raise FileRefused(
                _(
                    "This is the workbook of the whole round: upload it on the round's page, "
                    "or upload the template of %(unit)s here."
                )
                % {"unit": unit.name}
            )
        return kind
    raise FileRefused(_("The workbook's template information is damaged: download it again."))


def _header_map(
    sheet: str, header: list[Any], columns: dict[str, str], required: tuple[str, ...]
) -> tuple[dict[str, int], list[Problem]]:
    """Where each known column is, and the header's problems; refused at once only when
    a required column is missing (no cell could be read without it): an unknown or
    repeated column is a problem listed with those of the cells."""
    known = layout.headers(columns)
    found: dict[str, int] = {}
    problems = []
    for index, text in enumerate(header):
        if layout.normalised(text) == "":
            continue
        key = known.get(layout.normalised(text))
        if key is None or key in found:
            message = (
                _("The column “%(header)s” is not one of the template's columns (%(known)s).")
                if key is None
                else _("The column “%(header)s” appears twice.")
            ) % {"header": text, "known": layout.shown_headers(columns, columns)}
            problems.append(at(message, sheet, 0, index))
            continue
        found[key] = index
    missing = [key for key in required if key not in found]
    if missing:
        problems.append(
            Problem(
                _("Required columns are missing: %(columns)s (the first row holds the headers).")
                % {"columns": layout.shown_headers(columns, missing)},
                sheet=sheet,
            )
        )
        raise FileRefused(problems)
    return found, problems


def _cell(row: list[Any], index: int | None) -> Any:
    return row[index] if index is not None and index < len(row) else ""


def cell_entry(value: Any) -> str | Decimal | None:
    """A cell's content as ``values_import`` takes it; NumberError for booleans and
    dates (spreadsheets store dates as numbers: a date in a value cell is a mistake)."""
    if value is None or value == "":
        return None
    if value is UNCOMPUTED:
        raise NumberError(
            _(
                "The cell has a formula whose result was never computed: open the file in "
                "Excel or LibreOffice, save it, and upload it again (or type the value)."
            )
        )
    if isinstance(value, bool):
        raise NumberError(_("“%(text)s” is not a number.") % {"text": str(value).upper()})
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        raise NumberError(_("“%(text)s” looks like a date, not a number.") % {"text": str(value)})
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    return str(value)


def _comment(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _add_cell(
    found: FileEntries,
    teryt: str,
    code: str,
    value: Any,
    comment: str | None,
    row: int,
    column: int,
) -> None:
    try:
        entry = cell_entry(value)
    except NumberError as error:
        found.problems.append(at(error.message, found.sheet, row, column, code))
        return
    found.add(teryt, code, (entry, comment), row, column)


def _unit_entries(sheet: Sheet, teryt: str, codes: frozenset[str]) -> FileEntries:
    columns, header_problems = _header_map(
        sheet.name, sheet.rows[0], layout.UNIT_COLUMNS, layout.UNIT_REQUIRED
    )
    found = FileEntries(sheet.name, codes=codes)
    for problem in header_problems:
        found.problems.append(problem)
    found.entries[teryt] = {}
    comment_at = columns.get("comment")
    for number, row in enumerate(sheet.rows[1:], start=1):
        code = str(_cell(row, columns["code"])).strip()
        value = _cell(row, columns["value"])
        if not code:
            if value != "":
                found.problems.append(
                    at(_("A value without a variable code."), sheet.name, number, columns["code"])
                )
            continue
        comment = _comment(_cell(row, comment_at)) if comment_at is not None else None
        _add_cell(found, teryt, code, value, comment, number, columns["value"])
    if not found.problems and not found.entries[teryt]:
        raise FileRefused(_("The sheet %(sheet)s has no values.") % {"sheet": sheet.name})
    return found


def _teryt(value: Any) -> str:
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{int(value):07d}"  # a TERYT code Excel turned into a number
    return str(value).strip()


def _round_entries(sheet: Sheet, codes: list[str], teryts: frozenset[str]) -> FileEntries:
    header = sheet.rows[0]
    known = layout.headers(layout.ROUND_COLUMNS)
    teryt_at, code_at, problems = None, {}, []
    for index, text in enumerate(header):
        key = known.get(layout.normalised(text))
        code = str(text).strip()
        if key == "teryt":
            teryt_at = index
        elif key == "unit_name" or not code:
            continue
        elif code in codes and code not in code_at:
            code_at[code] = index
        else:
            problems.append(
                at(
                    _("The column “%(header)s” is not a variable of this round.")
                    % {"header": code},
                    sheet.name,
                    0,
                    index,
                )
            )
    missing = [code for code in codes if code not in code_at]
    if teryt_at is None:
        missing.insert(0, _(layout.ROUND_COLUMNS["teryt"]))
    if missing:
        problems.append(
            Problem(
                _("Columns are missing: %(columns)s.") % {"columns": ", ".join(missing)},
                sheet=sheet.name,
            )
        )
    if teryt_at is None:  # no row can be told apart: nothing more to read
        raise FileRefused(problems)
    # The header's problems and the cells' are listed together (the cells of the
    # columns that were found are read all the same); nothing is stored while any.
    found = FileEntries(sheet.name, columns=code_at, teryts=teryts)
    for problem in problems:
        found.problems.append(problem)
    for number, row in enumerate(sheet.rows[1:], start=1):
        teryt = _teryt(_cell(row, teryt_at))
        if not teryt:
            if any(_cell(row, i) != "" for i in code_at.values()):
                found.problems.append(
                    at(_("Values without a TERYT code."), sheet.name, number, teryt_at)
                )
            continue
        if teryt in found.unit_cells:
            found.problems.append(
                at(
                    _("The unit %(teryt)s appears more than once (also in row %(row)s).")
                    % {"teryt": teryt, "row": found.unit_cells[teryt][0] + 1},
                    sheet.name,
                    number,
                    teryt_at,
                )
            )
            continue
        found.unit_cells[teryt] = (number, teryt_at)
        if found.unit_known(teryt, number, teryt_at):
            found.entries[teryt] = _row_entries(found, row, number, code_at)
    if not found.problems and not found.entries:
        raise FileRefused(_("The sheet %(sheet)s has no values.") % {"sheet": sheet.name})
    return found


def _row_entries(
    found: FileEntries, row: list[Any], number: int, code_at: dict[str, int]
) -> dict[str, Entry]:
    """A unit's row of the round workbook; problems of its cells go to ``found``."""
    entries: dict[str, Entry] = {}
    width = len(row)
    for code, index in code_at.items():
        value = row[index] if index < width else ""
        if type(value) is float:  # nearly every cell: what cell_entry does, inline
            entries[code] = (Decimal(repr(value)), None)
            continue
        try:
            entries[code] = (cell_entry(value), None)
        except NumberError as error:
            found.problems.append(at(error.message, found.sheet, number, index, code))
    return entries


def _csv_entries(
    rows: Iterator[tuple[int, list[str]]], found: FileEntries, unit: Unit | None
) -> FileEntries:
    """(line, cells) of a CSV file into ``found``; a problem's cell is the column and
    the line (the row Excel shows when it opens the file)."""
    name = found.sheet
    header = next(rows, None)
    if header is None:
        raise FileRefused(_("The file %(name)s is empty.") % {"name": name})
    columns, header_problems = _header_map(name, header[1], layout.CSV_COLUMNS, layout.CSV_REQUIRED)
    for problem in header_problems:
        found.problems.append(problem)
    comment_at = columns.get("comment")
    for line, row in rows:
        number = line - 1
        teryt = _cell(row, columns["teryt"]).strip()
        code = _cell(row, columns["code"]).strip()
        if unit is not None and teryt != unit.teryt:
            found.problems.append(
                at(
                    _("The row is for unit %(found)s, not for %(teryt)s.")
                    % {"found": teryt or "?", "teryt": unit.teryt},
                    name,
                    number,
                    columns["teryt"],
                )
            )
            continue
        if not teryt or not code:
            found.problems.append(
                at(_("The row needs a TERYT code and a variable code."), name, number, 0)
            )
            continue
        found.unit_cells.setdefault(teryt, (number, columns["teryt"]))
        if not found.unit_known(teryt, number, columns["teryt"]):
            continue
        comment = _comment(_cell(row, comment_at)) if comment_at is not None else None
        _add_cell(
            found, teryt, code, _cell(row, columns["value"]), comment, number, columns["value"]
        )
    if not found.problems and not found.entries:
        raise FileRefused(_("The file %(name)s has no values.") % {"name": name})
    return found
