"""Checking a submission's values: hard errors block submission, soft warnings need an
explanation (a comment) before it.

Hard errors: not a number (from ``parse_number``), outside the variable's allowed range,
and — at submission only — required and empty. Soft warnings: a change from the unit's
value of the year before larger than the round's threshold, and a value outside the
interquartile fences of the other units of the round (when at least
``MIN_PEERS_FOR_FENCES`` of them have a value).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.db.models import FloatField, QuerySet
from django.db.models.functions import Cast
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from benchlearn.catalogue.models import Variable
from benchlearn.collection.models import Round, Submission, Value
from benchlearn.collection.parsing import NumberError, parse_number
from benchlearn.collection.selectors import previous_values, round_variables, submission_values

MIN_PEERS_FOR_FENCES = 5
FENCE_FACTOR = 1.5


@dataclass
class VariableCheck:
    """One variable of a submission: its value (stored or proposed) and what is wrong."""

    variable: Variable
    value: Decimal | None
    comment: str = ""
    previous: Decimal | None = None
    errors: list[str] = field(default_factory=list)  # hard: block submission
    warnings: list[str] = field(default_factory=list)  # soft: need a comment
    fences: tuple[float, float] | None = None  # the peers' (low, high), when computed

    @property
    def code(self) -> str:
        return self.variable.code

    @property
    def empty(self) -> bool:
        return self.value is None and not self.errors

    @property
    def needs_comment(self) -> bool:
        return bool(self.warnings) and not self.comment.strip()


@dataclass
class Check:
    """Every variable of a submission checked, in form order (by code in ``items``)."""

    items: dict[str, VariableCheck]

    @property
    def errors(self) -> dict[str, list[str]]:
        """Hard errors by code (not counting empty values: see ``missing``)."""
        return {code: item.errors for code, item in self.items.items() if item.errors}

    @property
    def warnings(self) -> dict[str, list[str]]:
        return {code: item.warnings for code, item in self.items.items() if item.warnings}

    @property
    def missing(self) -> list[str]:
        """Codes of required variables left empty: an error only when submitting."""
        return [code for code, item in self.items.items() if item.empty]

    @property
    def uncommented(self) -> list[str]:
        """Codes of variables with a warning and no explanation."""
        return [code for code, item in self.items.items() if item.needs_comment]

    def blocking(self) -> dict[str, list[str]]:
        """What stops submission, by code: hard errors, empty values, warnings without
        an explanation — each as a message in the active language."""
        problems: dict[str, list[str]] = {}
        for code, item in self.items.items():
            messages = list(item.errors)
            if item.empty:
                messages.append(_("A value is required before submission."))
            if item.needs_comment:
                messages.append(_("Explain the warning in a comment before submission."))
            if messages:
                problems[code] = messages
        return problems

    @property
    def can_submit(self) -> bool:
        return not self.blocking()


def shown(number: Decimal | float) -> str:
    """A number for a message, in the active locale (``1 234,5``)."""
    value = Decimal(str(number)) if isinstance(number, float) else number
    tenths = value * 10
    places = (
        0
        if value == value.to_integral_value()
        else 1
        if tenths == tenths.to_integral_value()
        else 2
    )
    return number_format(value, decimal_pos=places, force_grouping=True)


def submission_check(
    submission: Submission,
    proposed: Mapping[str, Decimal | str | None] | None = None,
    *,
    comments: Mapping[str, str] | None = None,
) -> Check:
    """Check the submission's values, or ``proposed`` ones instead of the stored ones.

    ``proposed`` maps variable codes to numbers (or to text, which is parsed: a text
    that is not a number becomes a hard error); codes not in it keep their stored value.
    ``comments`` likewise replaces stored explanations. Nothing is written. Peers are
    the round's other units with a stored value of the same variable and period.
    """
    proposed = proposed or {}
    comments = comments or {}
    variables = round_variables(submission.round)
    stored = submission_values(submission)
    previous = previous_values(submission)
    peers = _peer_values(submission, variables)
    threshold = submission.round.warning_threshold
    items: dict[str, VariableCheck] = {}
    for variable in variables:
        code = variable.code
        value = stored.get(code)
        item = VariableCheck(
            variable,
            value.value if value else None,
            comments.get(code, value.comment if value else ""),
            previous=previous.get(code),
        )
        if code in proposed:
            item.value = _proposed(item, proposed[code])
        items[code] = item
        if item.value is None:
            continue
        _check_range(item)
        _check_change(item, threshold)
        _check_fences(item, peers.get(code, []))
    return Check(items)


def _proposed(item: VariableCheck, raw: Decimal | str | None) -> Decimal | None:
    if not isinstance(raw, str):
        return raw
    try:
        return parse_number(raw)
    except NumberError as error:
        item.errors.append(error.message)
        return None


def _peer_values(submission: Submission, variables: list[Variable]) -> dict[str, list[float]]:
    """The other units' non-empty values of these variables in the round's period (in a
    national round, every other gmina's: read as floats, see ``_fetched``)."""
    rows = (
        Value.objects.filter(
            unit_id__in=Round.units.through.objects.filter(round=submission.round).values(
                "unit_id"
            ),
            period=submission.round.period,
            variable__in=variables,
            value__isnull=False,
        )
        .exclude(unit_id=submission.unit_id)
        .annotate(number=Cast("value", FloatField()))
        .order_by()
        .values_list("variable_id", "number")
    )
    codes = {v.pk: v.code for v in variables}
    peers: dict[str, list[float]] = {}
    for variable_id, number in _fetched(rows):
        peers.setdefault(codes[variable_id], []).append(number)
    return peers


def _fetched(rows: QuerySet[Any, tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` straight from the database cursor: thousands of
    floats without Django's converter call per value, which cost more than the query.
    (Querysets of values keep no default order: a Value's joins the unit and the
    variable to sort by their names.)"""
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found: list[tuple[Any, ...]] = cursor.fetchall()
    return found


def range_error(variable: Variable, value: Decimal) -> str | None:
    """Why ``value`` is outside the variable's allowed range, or None when it is inside
    (the form's check, shared with the Excel and CSV imports)."""
    if variable.minimum is not None and value < Decimal(str(variable.minimum)):
        return _("The value is below the allowed minimum of %(minimum)s.") % {
            "minimum": shown(variable.minimum)
        }
    if variable.maximum is not None and value > Decimal(str(variable.maximum)):
        return _("The value is above the allowed maximum of %(maximum)s.") % {
            "maximum": shown(variable.maximum)
        }
    return None


def _check_range(item: VariableCheck) -> None:
    assert item.value is not None
    error = range_error(item.variable, item.value)
    if error is not None:
        item.errors.append(error)


def _check_change(item: VariableCheck, threshold: Decimal) -> None:
    assert item.value is not None
    if item.previous is None:
        return
    if item.previous == 0:
        if item.value != 0:
            item.warnings.append(_("Last year's value was 0; this year it is not."))
        return
    change = abs(item.value - item.previous) / abs(item.previous) * 100
    if change > threshold:
        item.warnings.append(
            _(
                "The value changed by %(change)s%% from last year's %(previous)s "
                "(more than %(threshold)s%%)."
            )
            % {
                "change": shown(change.quantize(Decimal("0.1"))),
                "previous": shown(item.previous),
                "threshold": shown(threshold),
            }
        )


def _check_fences(item: VariableCheck, others: list[float]) -> None:
    assert item.value is not None
    if len(others) < MIN_PEERS_FOR_FENCES:
        return
    q1, q3 = np.quantile(np.array(others), [0.25, 0.75], method="linear")
    spread = FENCE_FACTOR * (q3 - q1)
    low, high = float(q1 - spread), float(q3 + spread)
    item.fences = (low, high)
    if not low <= float(item.value) <= high:
        item.warnings.append(
            _(
                "The value is far from the other units of the round: usual values lie "
                "between %(low)s and %(high)s."
            )
            % {"low": shown(round(low, 2)), "high": shown(round(high, 2))}
        )


# --- every unit of a round at once ---------------------------------------------------------


@dataclass(frozen=True)
class UnitCounts:
    """What the round's progress table shows of a unit: values filled, and the number of
    variables with a hard error and with a warning, as ``submission_check`` counts them."""

    filled: int = 0
    errors: int = 0
    warnings: int = 0


# A float comparison this close to its bound is decided again in Decimal, as
# ``submission_check`` decides it (a 10% change is 10.000000000000002% in floats).
_CLOSE = 1e-9


def round_check_counts(round_: Round, variables: list[Variable]) -> dict[int, UnitCounts]:
    """Every unit's counts by unit id, for the round's ``variables`` (``round_variables``).

    The same rules as ``submission_check`` unit by unit, applied to all units together:
    one query reads the round's values of this year and the year before, the checks run
    on arrays, and the fences leave each unit out of its own peers the way a unit's check
    does. A second query reads, as exact decimals, the few values whose change lies
    within rounding of the threshold or that equal a bound. Units without a value are
    left out.
    """
    rows = _round_numbers(round_, variables)
    if rows.shape[0] == 0:
        return {}
    variable_ids = np.array(sorted(v.pk for v in variables), dtype=np.int64)
    by_id = {v.pk: v for v in variables}
    ordered = [by_id[int(pk)] for pk in variable_ids]
    units, unit_index = np.unique(rows[:, 0].astype(np.int64), return_inverse=True)
    column = np.searchsorted(variable_ids, rows[:, 1].astype(np.int64))
    value, previous = rows[:, 2], rows[:, 3]
    minimum = np.array([-np.inf if v.minimum is None else v.minimum for v in ordered])
    maximum = np.array([np.inf if v.maximum is None else v.maximum for v in ordered])
    errors = (value < minimum[column]) | (value > maximum[column])
    # Below 10⁹ a value has at most 15 digits: equal as floats means equal as decimals.
    unsure = ((value == minimum[column]) | (value == maximum[column])) & (np.abs(value) >= 1e9)
    changed, unsure_change = _changes(value, previous, float(round_.warning_threshold))
    outside = _outside_fences(column, value, len(ordered))
    warnings = changed | outside
    unsure |= unsure_change
    if unsure.any():
        exact_errors, exact_changes = _decided_in_decimal(
            round_, rows[unsure, 0].astype(np.int64), column[unsure], ordered
        )
        errors[unsure] = exact_errors
        warnings[unsure] = exact_changes | outside[unsure]
    filled = np.bincount(unit_index, minlength=len(units))
    error_count = np.bincount(unit_index, weights=errors, minlength=len(units))
    warning_count = np.bincount(unit_index, weights=warnings, minlength=len(units))
    return {
        int(unit): UnitCounts(int(filled[n]), int(error_count[n]), int(warning_count[n]))
        for n, unit in enumerate(units)
    }


def _round_numbers(round_: Round, variables: list[Variable]) -> npt.NDArray[np.float64]:
    """(unit id, variable id, value, last year's value or NaN) of every non-empty value
    of the round's units and variables this year, as floats: the database converts
    them (a Decimal per value would cost more than all the checks). Both years come in
    one flat query and are matched here: a subquery or a join for last year's value
    took the database longer than sending the rows."""
    numbers = (
        Value.objects.filter(
            unit_id__in=Round.units.through.objects.filter(round=round_).values("unit_id"),
            period__in=(round_.period - 1, round_.period),
            variable_id__in=[v.pk for v in variables],
            value__isnull=False,
        )
        .annotate(number=Cast("value", FloatField()))
        # No order: a Value's default order joins the unit and the variable to sort.
        .order_by()
        .values_list("unit_id", "variable_id", "period", "number")
    )
    found = _fetched(numbers)
    rows = np.fromiter(chain.from_iterable(found), np.float64, 4 * len(found)).reshape(-1, 4)
    this_year = rows[rows[:, 2] == round_.period]
    last_year = rows[rows[:, 2] == round_.period - 1]
    previous = np.full(this_year.shape[0], np.nan)
    if last_year.shape[0] and this_year.shape[0]:
        span = int(rows[:, 1].max()) + 1  # unit and variable ids as one key
        keys = last_year[:, 0].astype(np.int64) * span + last_year[:, 1].astype(np.int64)
        order = np.argsort(keys)
        keys = keys[order]
        wanted = this_year[:, 0].astype(np.int64) * span + this_year[:, 1].astype(np.int64)
        at = np.minimum(np.searchsorted(keys, wanted), keys.shape[0] - 1)
        found = keys[at] == wanted
        previous[found] = last_year[order[at[found]], 3]
    return np.column_stack([this_year[:, 0], this_year[:, 1], this_year[:, 3], previous])


def _changes(
    value: npt.NDArray[np.float64], previous: npt.NDArray[np.float64], threshold: float
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """For each value: changed by more than ``threshold`` percent from last year's
    (``_check_change``), and whether that is too close to call in floats."""
    with np.errstate(invalid="ignore"):
        from_zero = (previous == 0) & (value != 0)
        change = np.abs(value - previous) * 100
        bound = threshold * np.abs(previous)
        usual = ~np.isnan(previous) & (previous != 0)
        changed = from_zero | (usual & (change > bound))
        unsure = usual & (np.abs(change - bound) <= _CLOSE * np.maximum(bound, 1.0))
    return changed, unsure


def _outside_fences(
    column: npt.NDArray[np.intp], value: npt.NDArray[np.float64], variables: int
) -> npt.NDArray[np.bool_]:
    """For each value: outside the interquartile fences of the other units' values of
    its variable (``_check_fences``).

    Leaving one value out shifts the quartiles' two neighbouring order statistics in one
    of three ways, depending only on where the value left out ranks: so each variable
    needs at most nine quantile computations, each on the actual remaining values."""
    outside = np.zeros(value.shape[0], dtype=bool)
    by_variable = np.argsort(column, kind="stable")
    starts = np.searchsorted(column[by_variable], np.arange(variables + 1))
    for variable in range(variables):
        where = by_variable[starts[variable] : starts[variable + 1]]
        others = where.shape[0] - 1
        if others < MIN_PEERS_FOR_FENCES:
            continue
        order = np.argsort(value[where], kind="stable")
        ordered = value[where][order]
        rank = np.empty(where.shape[0], dtype=np.int64)
        rank[order] = np.arange(where.shape[0])
        low_at, high_at = int(0.25 * (others - 1)), int(0.75 * (others - 1))
        case = 3 * _shift(rank, low_at) + _shift(rank, high_at)
        for kind in np.unique(case):
            members = np.flatnonzero(case == kind)
            remaining = np.delete(ordered, rank[members[0]])
            q1, q3 = np.quantile(remaining, [0.25, 0.75], method="linear")
            spread = FENCE_FACTOR * (q3 - q1)
            low, high = float(q1 - spread), float(q3 + spread)
            mine = value[where[members]]
            outside[where[members]] = ~((low <= mine) & (mine <= high))
    return outside


def _shift(rank: npt.NDArray[np.int64], at: int) -> npt.NDArray[np.int64]:
    """0: the value left out ranks at or below position ``at`` (both neighbours move up
    one); 1: it is the one just above; 2: it ranks above both."""
    return np.where(rank <= at, 0, np.where(rank == at + 1, 1, 2))


def _decided_in_decimal(
    round_: Round,
    unit_ids: npt.NDArray[np.int64],
    columns: npt.NDArray[np.intp],
    variables: list[Variable],
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Range errors and change warnings of these (unit, variable) pairs, in Decimal."""
    wanted = {(int(u), variables[int(c)].pk) for u, c in zip(unit_ids, columns, strict=True)}
    stored = Value.objects.filter(
        unit_id__in={u for u, _v in wanted},
        variable_id__in={v for _u, v in wanted},
        period__in=(round_.period - 1, round_.period),
    ).values_list("unit_id", "variable_id", "period", "value")
    numbers = {(u, v, p): number for u, v, p, number in stored}
    errors, changes = [], []
    for unit_id, column in zip(unit_ids, columns, strict=True):
        variable = variables[int(column)]
        item = VariableCheck(
            variable,
            numbers.get((int(unit_id), variable.pk, round_.period)),
            previous=numbers.get((int(unit_id), variable.pk, round_.period - 1)),
        )
        if item.value is not None:
            _check_range(item)
            _check_change(item, round_.warning_threshold)
        errors.append(bool(item.errors))
        changes.append(bool(item.warnings))
    return np.array(errors, dtype=bool), np.array(changes, dtype=bool)
