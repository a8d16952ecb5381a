"""Tables of the comparison pages as Excel (.xlsx) and CSV files.

A :class:`Sheet` is the table as data: headers, and rows of numbers (floats, kept
whole), whole numbers and text, with each numeric column's decimals; one writer per
format turns it into bytes.

- ``.xlsx`` (openpyxl): numbers are numbers, shown with the indicator's decimals and
  thousands grouped (Excel applies the reader's separators); percentages as per cent;
  the header row bold and frozen, columns wide enough for their text.
- ``.csv``: UTF-8 with a byte-order mark (so Excel reads the Polish letters), ``;``
  between fields and decimal commas, as the collection's CSV files are written: what
  Excel in Polish opens with a double click. Numbers are written as the page shows them,
  rounded to the indicator's decimals, without thousands separators; no value is an
  empty field. The .xlsx keeps the unrounded numbers.

Text cells (names, codes, comments) go through ``spreadsheet_cells``: never a formula.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from benchlearn.engine.io.spreadsheet_cells import csv_cell, xlsx_cell

if TYPE_CHECKING:
    from benchlearn.results.pages import Dashboard, DomainProfile, EfficiencyPage, IndicatorPage

Cell = str | int | float | None

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Column:
    header: str
    decimals: int | None = None  # a number column when set; per row when ``row_decimals``
    percent: bool = False  # values in per cent (12.5 means 12.5 %)
    row_decimals: bool = False  # decimals come from each row (an indicator's own)


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    decimals: list[int] = field(default_factory=list)  # each row's, for ``row_decimals``


def number_format(decimals: int, *, percent: bool = False) -> str:
    """An Excel number format: thousands grouped, ``decimals`` places."""
    places = "." + "0" * decimals if decimals > 0 else ""
    if percent:
        return f"0{places}%"
    return f"#,##0{places}"


def to_xlsx(sheet: Sheet) -> bytes:
    return book_to_xlsx([sheet])


def book_to_xlsx(sheets: list[Sheet]) -> bytes:
    """One workbook of the sheets, in order."""
    book = Workbook()
    first = book.active
    assert first is not None
    for number, sheet in enumerate(sheets):
        _write_sheet(first if number == 0 else book.create_sheet(), sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_sheet(ws: Worksheet, sheet: Sheet) -> None:
    # Excel allows 31 characters and no []:*?/\ in a sheet's name.
    ws.title = "".join(c for c in sheet.title if c not in "[]:*?/\\")[:31] or "Sheet"
    ws.append([column.header for column in sheet.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for index, row in enumerate(sheet.rows):
        excel_row = []
        for column, value in zip(sheet.columns, row, strict=True):
            if column.percent and isinstance(value, float):
                value = value / 100
            excel_row.append(xlsx_cell(ws, value))
        ws.append(excel_row)
        for column, cell in zip(sheet.columns, ws[index + 2], strict=True):
            decimals = _decimals(sheet, column, index)
            if decimals is not None and isinstance(cell.value, int | float):
                cell.number_format = number_format(decimals, percent=column.percent)
    for number, column in enumerate(sheet.columns, start=1):
        longest = max(
            [
                len(column.header),
                *(len(_text(sheet, column, i, r[number - 1])) for i, r in enumerate(sheet.rows)),
            ]
        )
        ws.column_dimensions[get_column_letter(number)].width = min(max(longest + 2, 8), 60)


def to_csv(sheet: Sheet) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header for column in sheet.columns])
    for index, row in enumerate(sheet.rows):
        writer.writerow(
            [
                csv_cell(value) if isinstance(value, str) else _text(sheet, column, index, value)
                for column, value in zip(sheet.columns, row, strict=True)
            ]
        )
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def _decimals(sheet: Sheet, column: Column, row: int) -> int | None:
    if column.row_decimals:
        return sheet.decimals[row]
    return column.decimals


def _text(sheet: Sheet, column: Column, row: int, value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        decimals = _decimals(sheet, column, row)
        text = f"{value:.{decimals}f}" if decimals is not None else repr(value)
        return text.replace(".", ",")
    return str(value)


# --- The pages' tables ---------------------------------------------------------------------


def dashboard_sheet(page: Dashboard) -> Sheet:
    """The dashboard's table: a row per indicator, as filtered and ordered on the page."""
    ctx = page.context
    sheet = Sheet(
        title=ctx.unit.name,
        columns=[
            Column(_("Indicator code")),
            Column(_("Indicator")),
            Column(_("Unit of measure")),
            Column(_("Value"), row_decimals=True),
            Column(_("Median"), row_decimals=True),
            Column(_("Lower quartile"), row_decimals=True),
            Column(_("Upper quartile"), row_decimals=True),
            Column(_("Rank"), decimals=0),
            Column(_("Units with a value"), decimals=0),
            Column(_("Percentile"), decimals=0),
            Column(_("Change on last year"), row_decimals=True),
            Column(_("Data quality")),
        ],
    )
    for row in page.rows:
        info, stat, position = row.indicator, row.stat, row.position
        sheet.rows.append(
            [
                info.code,
                info.name,
                info.unit,
                row.value,
                stat.median if stat else None,
                stat.q1 if stat else None,
                stat.q3 if stat else None,
                position.rank if position else None,
                stat.n if stat else None,
                position.percentile if position else None,
                row.change,
                ", ".join(row.quality),
            ]
        )
        sheet.decimals.append(info.decimals)
    return sheet


def indicator_sheet(page: IndicatorPage) -> Sheet:
    """The indicator page's table of the group's units."""
    info = page.indicator
    sheet = Sheet(
        title=info.code,
        columns=[
            Column(_("Rank"), decimals=0),
            Column(_("Unit")),
            Column(_("Value"), decimals=info.decimals),
            Column(_("Gap to the median (%)"), decimals=1, percent=True),
            Column(_("Gap to the best (%)"), decimals=1, percent=True),
        ],
    )
    # Where the definition changed, every row says which part of the series it is in.
    year = page.context.year
    marker = ""
    if page.breaks:
        latest = max((b.year for b in page.breaks if b.year <= year), default=None)
        marker = (
            _("definition valid from %(year)s (break in series)") % {"year": latest}
            if latest is not None
            else _("definition valid until %(year)s (break in series)")
            % {"year": min(b.year for b in page.breaks) - 1}
        )
        sheet.columns.append(Column(_("Series break")))
    for row in page.rows:
        sheet.rows.append(
            [
                row.position.rank if row.position else None,
                row.label,
                row.value,
                row.gap_median,
                row.gap_best,
                *([marker] if marker else []),
            ]
        )
        sheet.decimals.append(info.decimals)
    return sheet


def domain_sheet(page: DomainProfile) -> Sheet:
    """The domain profile's table: the unit's position on each indicator of the domain."""
    sheet = Sheet(
        title=page.domain_name or page.domain,
        columns=[
            Column(_("Indicator code")),
            Column(_("Indicator")),
            Column(_("Unit of measure")),
            Column(_("Value"), row_decimals=True),
            Column(_("Rank"), decimals=0),
            Column(_("Units with a value"), decimals=0),
            Column(_("Percentile"), decimals=0),
            Column(_("Standard score (z)"), decimals=2),
        ],
    )
    for row in page.rows:
        info, position = row.indicator, row.position
        sheet.rows.append(
            [
                info.code,
                info.name,
                info.unit,
                row.value,
                position.rank if position else None,
                position.n if position else None,
                position.percentile if position else None,
                position.z if position else None,
            ]
        )
        sheet.decimals.append(info.decimals)
    return sheet


def efficiency_sheet(page: EfficiencyPage) -> Sheet:
    """The efficiency page's table: each unit's DEA score, best first."""
    sheet = Sheet(
        title=page.model.code,
        columns=[
            Column(_("Unit")),
            Column(_("Efficiency"), decimals=3),
            Column(_("On the frontier")),
            Column(_("Not scored because")),
        ],
    )
    for row in page.rows:
        frontier = "" if row.score is None else (_("yes") if row.efficient else _("no"))
        sheet.rows.append([row.label, row.score, frontier, row.excluded])
    return sheet
