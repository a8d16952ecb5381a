"""Every unit of a round checked at once, for the round's progress table."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db.models import BigIntegerField, Count, ExpressionWrapper, F, FloatField, Max, Q
from django.db.models.functions import Cast

from benchlearn.catalogue.models import Variable
from benchlearn.catalogue.selectors import rules_for_variables
from benchlearn.collection.models import FrozenCheck, Round, Value
from benchlearn.collection.selectors import round_asks_by_kind, round_variables
from benchlearn.collection.validation.checks import (
    FROZEN_STATES,
    VariableCheck,
    _check_change,
    _check_range,
    _fetched,
    left_codes,
)
from benchlearn.collection.validation.peers import (
    bases_of,
    basis_code,
    key_of,
    peer_stats,
    populations,
)
from benchlearn.collection.validation.public import differs, public_figures
from benchlearn.engine.catalogue import Severity
from benchlearn.engine.rules import rule_failures, rule_variables
from benchlearn.units.models import ContextValue


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
_YEARS = 10_000  # a year packed into a row's key (``_round_numbers``)
_EXACT = 2**53  # integers up to this are exact as floats


def round_check_counts(round_: Round, variables: list[Variable]) -> dict[int, UnitCounts]:
    """Every unit's counts by unit id, for the round's ``variables`` (``round_variables``).

    The same rules as ``submission_check`` unit by unit, applied to all units together:
    one query reads the round's values of this year and every earlier one, the checks
    run on arrays against each peer group's fences (computed once per group), and
    submitted or approved submissions count their frozen warnings. A second query reads,
    as exact decimals, the few values whose change lies within rounding of the
    threshold or that equal a bound. Units without a value are left out.
    """
    rows = _asked_rows(round_, _round_numbers(round_, variables), variables)
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
    outside, failed = _soft_checks(round_, rows, ordered, column)
    errors |= failed
    warnings = changed | outside
    unsure |= unsure_change
    if unsure.any():
        exact_errors, exact_changes = _decided_in_decimal(
            round_, rows[unsure, 0].astype(np.int64), column[unsure], ordered
        )
        errors[unsure] = exact_errors | failed[unsure]
        warnings[unsure] = exact_changes | outside[unsure]
    filled = np.bincount(unit_index, minlength=len(units))
    error_count = np.bincount(unit_index, weights=errors, minlength=len(units))
    warning_count = np.bincount(unit_index, weights=warnings, minlength=len(units))
    counts = {
        int(unit): UnitCounts(int(filled[n]), int(error_count[n]), int(warning_count[n]))
        for n, unit in enumerate(units)
    }
    for unit_id, warned in _frozen_counts(round_).items():
        if unit_id in counts:
            counts[unit_id] = UnitCounts(counts[unit_id].filled, 0, warned)
    return counts


def _asked_rows(
    round_: Round, rows: npt.NDArray[np.float64], variables: list[Variable]
) -> npt.NDArray[np.float64]:
    """The rows of values a unit is asked for: a unit's values of variables the round
    asks of other kinds of unit only (a county's of a gmina set) are not counted."""
    if rows.shape[0] == 0 or not round_asks_by_kind(round_):
        return rows
    unit_kinds = dict(
        Round.units.through.objects.filter(round=round_).values_list("unit_id", "unit__kind")
    )
    every = {v.pk for v in variables}
    asked = {
        kind: {v.pk for v in round_variables(round_, kind)} & every
        for kind in set(unit_kinds.values())
    }
    if all(ids == every for ids in asked.values()):
        return rows
    kinds = sorted(asked)
    variable_ids = np.array(sorted(every), dtype=np.int64)
    table = np.array([[int(pk) in asked[k] for pk in variable_ids] for k in kinds], dtype=bool)
    unit_ids = np.array(sorted(unit_kinds), dtype=np.int64)
    kind_of_unit = np.array([kinds.index(unit_kinds[int(u)]) for u in unit_ids], dtype=np.int64)
    unit_at = np.searchsorted(unit_ids, rows[:, 0].astype(np.int64))
    variable_at = np.searchsorted(variable_ids, rows[:, 1].astype(np.int64))
    asked_rows: npt.NDArray[np.float64] = rows[table[kind_of_unit[unit_at], variable_at]]
    return asked_rows


def _frozen_counts(round_: Round) -> dict[int, int]:
    """Unit id → variables with a frozen warning, of the round's submitted or approved
    submissions that have frozen checks."""
    rows = (
        FrozenCheck.objects.filter(submission__round=round_, submission__state__in=FROZEN_STATES)
        .values("submission__unit_id")
        .annotate(warned=Count("pk", filter=Q(warned=True)))
        .order_by()
        .values_list("submission__unit_id", "warned")
    )
    return dict(rows)


def _round_numbers(round_: Round, variables: list[Variable]) -> npt.NDArray[np.float64]:
    """(unit id, variable id, value, last known value or NaN) of every non-empty value
    of the round's units and variables this year, as floats. The last known value is
    the newest of any earlier year; all years come in one flat query and are matched
    here (a subquery or a join took the database longer than sending the rows).

    Each row comes as two numbers, the unit, variable and year packed into one integer
    and the value: the Python objects of each row's column cost more than the query."""
    members = Round.units.through.objects.filter(round=round_)
    span = max((v.pk for v in variables), default=0) + 1
    biggest = members.aggregate(biggest=Max("unit_id"))["biggest"] or 0
    values = Value.objects.filter(
        unit_id__in=members.values("unit_id"),
        period__lte=round_.period,
        variable_id__in=[v.pk for v in variables],
        value__isnull=False,
    ).order_by()  # no order: a Value's default order joins the unit and the variable
    number = Cast("value", FloatField())
    if (biggest + 1) * span * _YEARS < _EXACT and 0 <= round_.period < _YEARS:
        packed = ExpressionWrapper(
            (F("unit_id") * span + F("variable_id")) * _YEARS + F("period"),
            output_field=BigIntegerField(),
        )
        found = _fetched(values.annotate(key=packed, number=number).values_list("key", "number"))
        pairs = np.fromiter(chain.from_iterable(found), np.float64, 2 * len(found)).reshape(-1, 2)
        keys = pairs[:, 0].astype(np.int64)
        cell, year = np.divmod(keys, _YEARS)
        unit_ids, variable_ids = np.divmod(cell, span)
        rows = np.column_stack([unit_ids, variable_ids, year, pairs[:, 1]]).astype(np.float64)
    else:  # ids too large to pack exactly into a float
        found = _fetched(
            values.annotate(number=number).values_list("unit_id", "variable_id", "period", "number")
        )
        rows = np.fromiter(chain.from_iterable(found), np.float64, 4 * len(found)).reshape(-1, 4)
    this_year = rows[rows[:, 2] == round_.period]
    earlier = rows[rows[:, 2] < round_.period]
    previous = np.full(this_year.shape[0], np.nan)
    if earlier.shape[0] and this_year.shape[0]:
        span = int(rows[:, 1].max()) + 1  # unit and variable ids as one key
        keys = earlier[:, 0].astype(np.int64) * span + earlier[:, 1].astype(np.int64)
        order = np.lexsort((earlier[:, 2], keys))  # by key, then year
        keys = keys[order]
        # The newest year of each key: the last of its run.
        last = np.append(keys[1:] != keys[:-1], True)
        keys, newest = keys[last], earlier[order[last]]
        wanted = this_year[:, 0].astype(np.int64) * span + this_year[:, 1].astype(np.int64)
        at = np.minimum(np.searchsorted(keys, wanted), keys.shape[0] - 1)
        hit = keys[at] == wanted
        previous[hit] = newest[at[hit], 3]
    return np.column_stack([this_year[:, 0], this_year[:, 1], this_year[:, 3], previous])


def _changes(
    value: npt.NDArray[np.float64], previous: npt.NDArray[np.float64], threshold: float
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """For each value: changed by more than ``threshold`` percent from the last known
    value (``_check_change``), and whether that is too close to call in floats."""
    with np.errstate(invalid="ignore"):
        from_zero = (previous == 0) & (value != 0)
        change = np.abs(value - previous) * 100
        bound = threshold * np.abs(previous)
        usual = ~np.isnan(previous) & (previous != 0)
        changed = from_zero | (usual & (change > bound))
        unsure = usual & (np.abs(change - bound) <= _CLOSE * np.maximum(bound, 1.0))
    return changed, unsure


def _soft_checks(
    round_: Round,
    rows: npt.NDArray[np.float64],
    variables: list[Variable],
    column: npt.NDArray[np.intp],
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """For each value: (a warning, an error) from the plausible range, the peer group's
    fences and the catalogue's validation rules (``_check_plausible``, ``_check_peers``,
    ``_check_rules``), comparing per basis when the catalogue declares one."""
    warned = np.zeros(rows.shape[0], dtype=bool)
    failed = np.zeros(rows.shape[0], dtype=bool)
    unit_kinds = dict(
        Round.units.through.objects.filter(round=round_).values_list("unit_id", "unit__kind")
    )
    population = populations(set(unit_kinds.values()), round_.period)
    bases = bases_of(variables)
    keys = {key_of(kind, unit_id, population) for unit_id, kind in unit_kinds.items()}
    stats = peer_stats(keys, round_.period, variables, bases, population)
    by_code = {v.code: n for n, v in enumerate(variables)}
    rules = rules_for_variables(by_code)
    context = _context_of(unit_kinds, round_.period, _context_needed(variables, rules))
    units = rows[:, 0].astype(np.int64)
    value = rows[:, 2]
    # One key per (unit, variable) of the rows: a unit's figure of another variable of
    # the round (a basis) is found by searching the sorted keys.
    span = len(variables) + 1
    row_keys = units * span + column
    order = np.argsort(row_keys)
    sorted_keys = row_keys[order]
    compared = value.copy()
    for n, variable in enumerate(variables):
        basis = basis_code(variable)
        mine = column == n
        if not basis or not mine.any():
            continue
        if basis in by_code:
            wanted = units[mine] * span + by_code[basis]
            at_ = np.minimum(np.searchsorted(sorted_keys, wanted), sorted_keys.shape[0] - 1)
            hit = sorted_keys[at_] == wanted
            base = np.where(hit, value[order[at_]], np.nan)
        else:
            base = np.array(
                [context.get(int(u), {}).get(basis, np.nan) for u in units[mine]], dtype=float
            )
        with np.errstate(invalid="ignore", divide="ignore"):
            compared[mine] = np.where(base > 0, value[mine] / base, np.nan)
    low = np.array([_bound(v, "plausible_min", -np.inf) for v in variables])[column]
    high = np.array([_bound(v, "plausible_max", np.inf) for v in variables])[column]
    known_ = ~np.isnan(compared)
    with np.errstate(invalid="ignore"):
        warned |= known_ & ((compared < low) | (compared > high))
    # The peer group's fences of each value, NaN where there are none.
    group_of = {unit_id: key_of(kind, unit_id, population) for unit_id, kind in unit_kinds.items()}
    groups = sorted(set(group_of.values()))
    index = {key: g for g, key in enumerate(groups)}
    fence_low = np.full((len(groups), len(variables)), np.nan)
    fence_high = np.full((len(groups), len(variables)), np.nan)
    for key, found in stats.items():
        for code, peers in found.items():
            if code in by_code:
                fence_low[index[key], by_code[code]] = peers.low
                fence_high[index[key], by_code[code]] = peers.high
    unit_group = np.array([index[group_of[int(u)]] for u in np.unique(units)])
    group = unit_group[np.searchsorted(np.unique(units), units)]
    lows, highs = fence_low[group, column], fence_high[group, column]
    with np.errstate(invalid="ignore"):
        warned |= known_ & ~np.isnan(lows) & ((compared < lows) | (compared > highs))
    if rules:
        _rules_per_unit(rules, rows, variables, column, context, warned, failed)
    published = public_figures(unit_kinds, round_.period, variables)
    if published:
        sourced = [n for n, v in enumerate(variables) if v.bdl]
        for at in np.flatnonzero(np.isin(column, sourced)):
            public = published.get((int(units[at]), variables[int(column[at])].code))
            if public is not None and differs(float(value[at]), public.value):
                warned[at] = True
    return warned, failed


def _bound(variable: Variable, name: str, missing: float) -> float:
    found = getattr(variable, name, None)
    return missing if found is None else float(found)


def _rules_per_unit(
    rules: list[Any],
    rows: npt.NDArray[np.float64],
    variables: list[Variable],
    column: npt.NDArray[np.intp],
    context: dict[int, dict[str, float]],
    warned: npt.NDArray[np.bool_],
    failed: npt.NDArray[np.bool_],
) -> None:
    """The validation rules unit by unit (``_check_rules``), marking their values."""
    by_code = {v.code: n for n, v in enumerate(variables)}
    figures: dict[int, dict[str, float | None]] = {}
    known: dict[int, dict[str, float]] = {}
    at: dict[tuple[int, str], int] = {}
    for n in range(rows.shape[0]):
        unit_id, code = int(rows[n, 0]), variables[int(column[n])].code
        figures.setdefault(unit_id, {})[code] = float(rows[n, 2])
        if not np.isnan(rows[n, 3]):
            known.setdefault(unit_id, {})[code] = float(rows[n, 3])
        at[unit_id, code] = n
    if rules:
        for unit_id, own in figures.items():
            values: dict[str, float | None] = dict(context.get(unit_id, {}))
            values |= dict.fromkeys(by_code)
            values |= own
            for result in rule_failures(rules, values, previous=known.get(unit_id, {})):
                on_left = [c for c in left_codes(result.rule.left) if c in by_code]
                targets = on_left or [c for c in result.variables if c in by_code]
                for code in targets:
                    if (unit_id, code) in at:
                        flags = failed if result.severity is Severity.ERROR else warned
                        flags[at[unit_id, code]] = True


def _context_needed(variables: list[Variable], rules: list[Any]) -> set[str]:
    """The codes the checks read from public statistics: bases of comparison and codes
    the rules read that are not the round's variables (a round's own value wins)."""
    codes = {basis_code(v) for v in variables} - {""}
    for rule in rules:
        codes |= rule_variables(rule)
    return codes - {v.code for v in variables}


def _context_of(
    unit_kinds: dict[int, str], period: int, codes: set[str]
) -> dict[int, dict[str, float]]:
    """Each unit's newest public-statistics figures up to ``period`` of ``codes``."""
    if not codes:
        return {}
    rows = (
        ContextValue.objects.filter(
            unit_id__in=list(unit_kinds), variable__code__in=sorted(codes), year__lte=period
        )
        .order_by("year")
        .values_list("unit_id", "variable__code", "value")
    )
    found: dict[int, dict[str, float]] = {}
    for unit_id, code, value in rows:
        found.setdefault(unit_id, {})[code] = value
    return found


def _decided_in_decimal(
    round_: Round,
    unit_ids: npt.NDArray[np.int64],
    columns: npt.NDArray[np.intp],
    variables: list[Variable],
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Range errors and change warnings of these (unit, variable) pairs, in Decimal."""
    wanted = {(int(u), variables[int(c)].pk) for u, c in zip(unit_ids, columns, strict=True)}
    stored = (
        Value.objects.filter(
            unit_id__in={u for u, _v in wanted},
            variable_id__in={v for _u, v in wanted},
            period__lte=round_.period,
            value__isnull=False,
        )
        .order_by("period")
        .values_list("unit_id", "variable_id", "period", "value")
    )
    now: dict[tuple[int, int], Decimal] = {}
    known: dict[tuple[int, int], tuple[int, Decimal]] = {}
    for unit_id, variable_id, period, number in stored:
        if number is None:
            continue
        if period == round_.period:
            now[unit_id, variable_id] = number
        else:
            known[unit_id, variable_id] = (period, number)
    errors, changes = [], []
    for unit_id, column in zip(unit_ids, columns, strict=True):
        variable = variables[int(column)]
        last = known.get((int(unit_id), variable.pk))
        item = VariableCheck(
            variable,
            now.get((int(unit_id), variable.pk)),
            previous=last[1] if last else None,
            previous_period=last[0] if last else None,
        )
        if item.value is not None:
            _check_range(item)
            _check_change(item, round_.warning_threshold, round_.period)
        errors.append(bool(item.errors))
        changes.append(bool(item.warnings))
    return np.array(errors, dtype=bool), np.array(changes, dtype=bool)
