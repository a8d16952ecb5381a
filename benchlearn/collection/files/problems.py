"""A problem found in a file, located by sheet, cell and variable for the person who
fixes it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


class FileRefused(Exception):
    """The file cannot be imported at all (wrong kind, too big, wrong round...)."""

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Problem:
    """What is wrong, where: ``cell`` like ``F7`` (empty for the whole file or sheet),
    or the ``line`` of a CSV file that cannot be split into cells."""

    message: str
    sheet: str = ""
    cell: str = ""
    variable: str = ""
    row: int = 0  # for sorting: the row and column numbers of the cell
    column: int = 0
    line: int = 0

    def __str__(self) -> str:
        place = []
        if self.sheet:
            place.append(_("sheet %(sheet)s") % {"sheet": self.sheet})
        if self.cell:
            place.append(_("cell %(cell)s") % {"cell": self.cell})
        elif self.line:
            place.append(_("line %(line)s") % {"line": self.line})
        if self.variable:
            place.append(_("variable %(code)s") % {"code": self.variable})
        where = ", ".join(place)
        return f"{where[:1].upper()}{where[1:]}: {self.message}" if where else self.message


def column_letter(index: int) -> str:
    """The spreadsheet name of a 0-based column index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def at(message: str, sheet: str, row: int, column: int, variable: str = "") -> Problem:
    """A problem at a 0-based (row, column) of a sheet."""
    return Problem(
        message,
        sheet=sheet,
        cell=f"{column_letter(column)}{row + 1}",
        variable=variable,
        row=row + 1,
        column=column + 1,
    )
