"""Writing templates to fill in (openpyxl: cell protection and data validation).

A unit's template has a row per variable; the round workbook has a row per unit and a
column per variable. Only value (and comment) cells are unlocked; the sheet is
protected otherwise, without a password (it guides, it does not secure). A hidden
sheet names the round, the unit, the template version and a checksum of the variable
list, which the import checks. Text cells go through ``spreadsheet_cells.xlsx_cell``: a
comment or a name is never written as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from benchlearn.catalogue.models import Variable
from benchlearn.collection.files.layout import (
    FORMAT,
    META_SHEET,
    ROUND_COLUMNS,
    ROUND_LAYOUT,
    TEMPLATE_VERSION,
    UNIT_COLUMNS,
    UNIT_LAYOUT,
    variable_definition,
    variable_name,
    variables_checksum,
)
from benchlearn.collection.files.problems import column_letter
from benchlearn.collection.validation import shown
from benchlearn.engine.io.spreadsheet_cells import xlsx_cell

UNLOCKED = Protection(locked=False)
BOLD = Font(bold=True)
# Without a minimum or maximum the sheet still asks for a number.
NO_LIMIT = 1e15


@dataclass(frozen=True)
class UnitRow:
    variable: Variable
    previous: Decimal | None
    value: Decimal | None
    comment: str


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _validation(variable: Variable) -> DataValidation:
    low = variable.minimum if variable.minimum is not None else -NO_LIMIT
    high = variable.maximum if variable.maximum is not None else NO_LIMIT
    rule = DataValidation(
        type="decimal",
        operator="between",
        formula1=repr(float(low)),
        formula2=repr(float(high)),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Not a number in the allowed range"),
        error=_range_text(variable.minimum, variable.maximum),
    )
    return rule


def _range_text(low: float | None, high: float | None) -> str:
    """What Excel says of a value out of range, in the page's number format: a bound
    the variable does not have is not named (never "-1e+15")."""
    if low is not None and high is not None:
        return _("Type a number between %(low)s and %(high)s.") % {
            "low": shown(float(low)),
            "high": shown(float(high)),
        }
    if low is not None:
        return _("Type a number of at least %(low)s.") % {"low": shown(float(low))}
    if high is not None:
        return _("Type a number of at most %(high)s.") % {"high": shown(float(high))}
    return _("Type a number.")


def _meta_sheet(book: Workbook, entries: Mapping[str, object]) -> None:
    sheet = book.create_sheet(META_SHEET)
    for key, value in {"format": FORMAT, "version": TEMPLATE_VERSION, **entries}.items():
        sheet.append([key, xlsx_cell(sheet, value)])
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True


def _to_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def unit_workbook(
    *, round_id: int, period: int, teryt: str, unit_name: str, rows: Sequence[UnitRow]
) -> bytes:
    """A unit's template: a row per variable, its value and comment to fill in."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = _("Data")
    keys = list(UNIT_COLUMNS)
    sheet.append([_(UNIT_COLUMNS[key]) for key in keys])
    for cell in sheet[1]:
        cell.font = BOLD
    value_col, comment_col = keys.index("value") + 1, keys.index("comment") + 1
    rules: dict[tuple[float | None, float | None], DataValidation] = {}
    for index, row in enumerate(rows, start=2):
        variable = row.variable
        texts = [variable.code, variable_name(variable), variable_definition(variable)]
        sheet.append(
            [
                *(xlsx_cell(sheet, text) for text in [*texts, variable.unit]),
                _number(row.previous),
                _number(row.value),
                xlsx_cell(sheet, row.comment),
            ]
        )
        for column in (value_col, comment_col):
            sheet.cell(index, column).protection = UNLOCKED
        key = (variable.minimum, variable.maximum)
        if key not in rules:
            rules[key] = _validation(variable)
        rules[key].add(sheet.cell(index, value_col))
    for rule in rules.values():
        sheet.add_data_validation(rule)
    for letter, width in zip("ABCDEFG", (14, 40, 50, 12, 14, 16, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    for cells in sheet.iter_rows(min_row=2, min_col=2, max_col=3):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # people widen columns to read definitions
    _meta_sheet(
        book,
        {
            "layout": UNIT_LAYOUT,
            "round": round_id,
            "period": period,
            "unit": teryt,
            "unit_name": unit_name,
            "variables": variables_checksum(r.variable.code for r in rows),
        },
    )
    return _to_bytes(book)


def round_workbook(
    *,
    round_id: int,
    period: int,
    variables: Sequence[Variable],
    units: Iterable[tuple[str, str, Mapping[str, Decimal | None]]],
) -> bytes:
    """Many units in one sheet: a row per unit (TERYT, name, values), a column per
    variable. One sheet imports fast: it is read in one pass, and each row is one
    unit's submission (thousands of sheets would each be a separate part to open)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Data"))
    codes = [v.code for v in variables]
    header = [_(ROUND_COLUMNS["teryt"]), _(ROUND_COLUMNS["unit_name"]), *codes]
    sheet.append([_bold(sheet, text) for text in header])
    count = 0
    for teryt, name, values in units:
        cells: list[object] = [xlsx_cell(sheet, teryt), xlsx_cell(sheet, name)]
        for code in codes:
            cell = WriteOnlyCell(sheet, _number(values.get(code)))
            cell.protection = UNLOCKED
            cells.append(cell)
        sheet.append(cells)
        count += 1
    for index, variable in enumerate(variables, start=2):
        rule = _validation(variable)
        letter = column_letter(index)
        rule.add(f"{letter}2:{letter}{max(count, 1) + 1}")
        sheet.data_validations.append(rule)
    sheet.freeze_panes = "C2"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    meta = book.create_sheet(META_SHEET)
    entries = {
        "format": FORMAT,
        "version": TEMPLATE_VERSION,
        "layout": ROUND_LAYOUT,
        "round": round_id,
        "period": period,
        "variables": variables_checksum(codes),
    }
    for key, value in entries.items():
        meta.append([key, value])
    meta.sheet_state = "hidden"
    return _to_bytes(book)


def _bold(sheet: Any, text: str) -> Any:
    cell = WriteOnlyCell(sheet, text)
    cell.font = BOLD
    return cell
