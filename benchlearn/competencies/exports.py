"""A programme's competency aggregates for programme reports: an Excel workbook and a
PDF (Typst, ``reports/typst/competencies.typ``). A figure behind fewer than five people
is written in words ("fewer than 5 people — not shown"), never as a number.

The PDF is made while the office waits: it holds a few tables and no chart, which
Typst sets in a fraction of a second (the documents made by a task are the reports
with charts)."""

from __future__ import annotations

import io
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from benchlearn.charts import number_formatter
from benchlearn.competencies.aggregates import Aggregates, Line
from benchlearn.engine.competencies import Cell
from benchlearn.engine.io.spreadsheet_cells import xlsx_cell
from benchlearn.groups.models import Programme
from benchlearn.reports.pdf import render_pdf

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
DECIMALS = 2

Value = str | int | float | None


def withheld_text(min_people: int) -> str:
    return _("fewer than %(min)s people — not shown") % {"min": min_people}


def _headers() -> list[str]:
    return [
        _("Code"),
        _("Competency"),
        pgettext("a seat level in a group", "Seat"),
        _("People (n)"),
        _("Mean at the start"),
        _("Mean at the end"),
        pgettext("from the start to the end", "Change"),
        _("Mean gap"),
    ]


def _figures(cell: Cell | None, min_people: int) -> list[Value]:
    """n and the four means; a withheld mean in words, a seat nobody holds empty."""
    if cell is None:
        return [0, None, None, None, None]
    hidden = withheld_text(min_people)
    return [
        cell.n,
        *[
            hidden if value is None else round(value, DECIMALS)
            for value in (cell.mean_start, cell.mean_end, cell.mean_change, cell.mean_gap)
        ],
    ]


def _rows(lines: list[Line], seats: list[tuple[str, str]], min_people: int) -> list[list[Value]]:
    rows: list[list[Value]] = []
    for line in lines:
        for (_value, label), cell in zip(seats, line.seats, strict=True):
            if cell is not None:
                rows.append([line.code, line.name, label, *_figures(cell, min_people)])
        rows.append([line.code, line.name, _("All seats"), *_figures(line.overall, min_people)])
    return rows


def _sheet(ws: Worksheet, headers: list[str], rows: list[list[Value]]) -> None:
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for row in rows:
        ws.append([xlsx_cell(ws, value) for value in row])
    for number, header in enumerate(headers, start=1):
        longest = max([len(header), *(len(str(row[number - 1] or "")) for row in rows)])
        ws.column_dimensions[get_column_letter(number)].width = min(max(longest + 2, 8), 50)


def aggregates_xlsx(programme: Programme, found: Aggregates) -> bytes:
    """Sheets: the programme (competency × seat), the largest gaps per seat, the groups."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Programme")[:31]
    _sheet(sheet, _headers(), _rows(found.lines, found.seats, found.min_people))
    _sheet(
        book.create_sheet(_("Largest gaps")[:31]),
        [
            pgettext("a seat level in a group", "Seat"),
            _("Code"),
            _("Competency"),
            _("People (n)"),
            _("Mean gap"),
        ],
        [
            [label, cell.competency, name, cell.n, round(cell.mean_gap or 0.0, DECIMALS)]
            for _seat, label, cells in found.largest
            for cell, name in cells
        ],
    )
    _sheet(
        book.create_sheet(_("Groups")[:31]),
        [_("Group"), *_headers()],
        [
            [entry.group.name, *row]
            for entry in found.groups
            for row in _rows(entry.lines, found.seats, found.min_people)
        ],
    )
    about = book.create_sheet(_("About")[:31])
    _sheet(
        about,
        [_("Item"), _("Value")],
        [
            [_("Programme"), programme.name],
            [_("Scheme"), str(found.scheme) if found.scheme else "—"],
            [_("People assessed"), found.people],
            [_("Fewest people behind a figure"), found.min_people],
            [_("Made on"), timezone.localdate().isoformat()],
        ],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: Value) -> str:
    if isinstance(value, float):
        return number_formatter()(value, DECIMALS)
    return "—" if value is None else str(value)


def _table(headers: list[str], rows: list[list[Value]]) -> dict[str, Any]:
    return {
        "headers": headers,
        "rows": [{"cells": [_text(value) for value in row], "own": False} for row in rows],
    }


def pdf_title(programme: Programme) -> str:
    return _("Competencies: %(programme)s") % {"programme": programme.name}


def aggregates_pdf(programme: Programme, found: Aggregates) -> bytes:
    """The programme's aggregates as an A4 PDF."""
    title = pdf_title(programme)
    columns = ["auto", "1fr", "auto", "auto", "auto", "auto", "auto", "auto"]
    numeric = [3, 4, 5, 6, 7]
    sections: list[dict[str, Any]] = [
        {
            "heading": _("The largest gaps per seat"),
            "notes": [],
            "table": _table(
                [
                    pgettext("a seat level in a group", "Seat"),
                    _("Competency"),
                    _("People (n)"),
                    _("Mean gap"),
                ],
                [
                    [label, name, cell.n, cell.mean_gap]
                    for _seat, label, cells in found.largest
                    for cell, name in cells
                ],
            )
            if found.largest
            else None,
            "columns": ["auto", "1fr", "auto", "auto"],
            "numeric": [2, 3],
            "empty": _("No gap shown: no seat has five people with a gap figure."),
        },
        {
            "heading": _("Competencies by seat"),
            "notes": [],
            "table": _table(_headers(), _rows(found.lines, found.seats, found.min_people))
            if found.lines
            else None,
            "columns": columns,
            "numeric": numeric,
            "empty": _("No submitted self-assessment yet."),
        },
    ]
    for entry in found.groups:
        sections.append(
            {
                "heading": entry.group.name,
                "notes": [_("People assessed: %(n)s") % {"n": entry.people}],
                "table": _table(_headers(), _rows(entry.lines, found.seats, found.min_people))
                if entry.lines
                else None,
                "columns": columns,
                "numeric": numeric,
                "empty": _("No submitted self-assessment yet."),
            }
        )
    intro = [
        _(
            "Submitted self-assessments only. A mean is shown where at least %(min)s people "
            "stand behind it; the gap is the shortfall below the level expected of the seat, "
            "the change is the end of the cycle less its start (people assessed at both)."
        )
        % {"min": found.min_people},
        _("Scheme: %(scheme)s. People assessed: %(n)s. Made on %(date)s.")
        % {
            "scheme": str(found.scheme) if found.scheme else "—",
            "n": found.people,
            "date": formats.date_format(timezone.localdate(), "DATE_FORMAT"),
        },
    ]
    return render_pdf(
        template="competencies.typ",
        data={"intro": intro, "sections": sections},
        title=title,
    )
