"""The programme report as an Excel workbook for the funders: a sheet of groups, one of
member units, one of seat levels. Rates are numbers formatted as per cent (a fraction:
Excel computes with them); an empty rate (no meeting held) is an empty cell."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from benchlearn.engine.io.spreadsheet_cells import xlsx_cell
from benchlearn.groups.attendance import Rate
from benchlearn.groups.programme_report import ProgrammeReport

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERCENT = "0.0%"


def _fraction(rate: Rate) -> float | None:
    return rate.present / rate.expected if rate.expected else None


Row = list[str | int | float | None]


def _sheet(ws: Worksheet, headers: list[str], rows: list[Row], percent: set[int]) -> None:
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for row in rows:
        ws.append([xlsx_cell(ws, value) for value in row])
        for column in percent:
            ws.cell(row=ws.max_row, column=column + 1).number_format = PERCENT
    for number, header in enumerate(headers, start=1):
        longest = max([len(header), *(len(str(row[number - 1] or "")) for row in rows)])
        ws.column_dimensions[get_column_letter(number)].width = min(max(longest + 2, 8), 50)


def programme_report_xlsx(report: ProgrammeReport) -> bytes:
    book = Workbook()
    groups = book.active
    assert groups is not None
    groups.title = _("Groups")[:31]
    levels = report.level_labels
    _sheet(
        groups,
        [
            _("Group"),
            _("Cycle"),
            _("Moderator"),
            _("Member units"),
            _("Meetings in the plan"),
            _("Meetings dated"),
            _("Meetings due by %(date)s") % {"date": report.today.isoformat()},
            _("Meetings held"),
            _("Meetings behind the plan"),
            *[_("Attendance: %(level)s") % {"level": label} for label in levels],
            _("Attendance"),
            _("Seats filled"),
            _("Seats"),
            _("Seats empty"),
        ],
        [
            [
                row.group.name,
                row.group.cycle_label,
                row.group.moderator.get_full_name() if row.group.moderator else "",
                row.units,
                row.plan,
                row.planned,
                row.due,
                row.held,
                row.behind,
                *[_fraction(rate) for rate in row.levels],
                _fraction(row.attendance),
                row.seats_filled,
                row.seats_total,
                row.seats_empty,
            ]
            for row in report.groups
        ],
        percent={9, 10, 11, 12},
    )
    units = book.create_sheet(_("Units")[:31])
    _sheet(
        units,
        [
            _("Group"),
            _("Unit"),
            _("TERYT"),
            *[_("Present: %(level)s") % {"level": label} for label in levels],
            _("Seats expected"),
            _("Attendance"),
            _("Seats empty"),
            _("Empty seats"),
        ],
        [
            [
                row.group.name,
                row.unit.name,
                row.unit.teryt,
                *[rate.present for rate in row.levels],
                row.attendance.expected,
                _fraction(row.attendance),
                len(row.empty_levels),
                ", ".join(row.empty_levels),
            ]
            for row in report.units
        ],
        percent={7},
    )
    by_level = book.create_sheet(_("Levels")[:31])
    _sheet(
        by_level,
        [_("Level"), _("Present"), _("Seats expected"), _("Attendance")],
        [
            *[
                [label, rate.present, rate.expected, _fraction(rate)]
                for label, rate in report.levels
            ],
            [
                _("All levels"),
                report.attendance.present,
                report.attendance.expected,
                _fraction(report.attendance),
            ],
        ],
        percent={3},
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
