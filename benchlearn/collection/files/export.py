"""The files people download: a unit's template, the round workbook, the round as CSV."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from benchlearn.collection.files.csv_io import write_csv
from benchlearn.collection.files.xlsx_write import UnitRow, round_workbook, unit_workbook
from benchlearn.collection.models import Round, Submission, Value
from benchlearn.collection.selectors import (
    previous_values,
    round_variables,
    submission_values,
    submission_variables,
)


def unit_template(submission: Submission) -> bytes:
    """The unit's template with its stored values, comments and last year's values."""
    stored = submission_values(submission)
    previous = previous_values(submission)
    rows = []
    for variable in submission_variables(submission):
        value = stored.get(variable.code)
        rows.append(
            UnitRow(
                variable,
                previous.get(variable.code),
                value.value if value else None,
                value.comment if value else "",
            )
        )
    return unit_workbook(
        round_id=submission.round.pk,
        period=submission.round.period,
        teryt=submission.unit.teryt,
        unit_name=submission.unit.name,
        rows=rows,
    )


def _round_values(
    round_: Round, codes: list[str]
) -> dict[str, dict[str, tuple[Decimal | None, str]]]:
    rows = Value.objects.filter(
        period=round_.period,
        unit__submissions__round=round_,
        variable__code__in=codes,
    ).values_list("unit__teryt", "variable__code", "value", "comment")
    values: dict[str, dict[str, tuple[Decimal | None, str]]] = {}
    for teryt, code, number, comment in rows.iterator(chunk_size=10000):
        values.setdefault(teryt, {})[code] = (number, comment)
    return values


def _units(round_: Round) -> list[tuple[str, str]]:
    return list(
        Submission.objects.filter(round=round_)
        .order_by("unit__teryt")
        .values_list("unit__teryt", "unit__name")
    )


def round_template(round_: Round) -> bytes:
    """Every unit of the round in one sheet with its stored values."""
    variables = round_variables(round_)
    values = _round_values(round_, [v.code for v in variables])

    def units() -> Iterator[tuple[str, str, dict[str, Decimal | None]]]:
        for teryt, name in _units(round_):
            stored = values.get(teryt, {})
            yield teryt, name, {code: number for code, (number, _c) in stored.items()}

    return round_workbook(
        round_id=round_.pk, period=round_.period, variables=variables, units=units()
    )


def round_csv(round_: Round) -> bytes:
    """Every stored value of the round's units and variables, a row each."""
    codes = [v.code for v in round_variables(round_)]
    values = _round_values(round_, codes)
    return write_csv(
        (teryt, code, *values[teryt][code])
        for teryt, _name in _units(round_)
        for code in codes
        if code in values.get(teryt, {})
    )
