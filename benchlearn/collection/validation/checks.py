"""Checking a submission's values: hard errors block submission, soft warnings need an
explanation (a comment) before it. A value outside a rule's hard range (an error of a
``between`` rule) blocks it too, unless the clerk explains it: the explained value is
sent, its error frozen for the office's reviewer, who accepts the explanation by
approving the submission or returns it.

Hard errors: not a number (from ``parse_number``), outside the variable's allowed range,
and — at submission only — required and empty. Soft warnings: a change larger than the
round's threshold from the unit's last known value (of any earlier year), and a value
outside the interquartile fences of its peers (units of the same kind and population
band, from their last approved data; compared per service user or per resident when the
catalogue declares a basis: see ``peers``). A submitted or approved submission shows the
warnings frozen when it was submitted (``FrozenCheck``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benchlearn.catalogue.models import Variable
from benchlearn.catalogue.selectors import rules_for_variables
from benchlearn.collection.models import FrozenCheck, Submission, SubmissionState, Value
from benchlearn.collection.parsing import NumberError, parse_number
from benchlearn.collection.selectors import (
    last_known_values,
    submission_values,
    submission_variables,
)
from benchlearn.collection.validation.peers import (
    PeerStats,
    bases_of,
    basis_code,
    key_of,
    peer_stats,
    populations,
    ratio,
    unit_context,
)
from benchlearn.collection.validation.public import (
    PublicFigure,
    public_figures,
    public_warning,
)
from benchlearn.engine.catalogue import Operator, Severity
from benchlearn.engine.formula import FormulaError, parse, references
from benchlearn.engine.rules import rule_failures

FROZEN_STATES = (SubmissionState.SUBMITTED, SubmissionState.APPROVED)


@dataclass
class VariableCheck:
    """One variable of a submission: its value (stored or proposed) and what is wrong."""

    variable: Variable
    value: Decimal | None
    comment: str = ""
    previous: Decimal | None = None  # the last known value, of any earlier year
    errors: list[str] = field(default_factory=list)  # hard: block submission
    # errors an explanation lifts (outside a rule's hard range), also in ``errors``
    explainable: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # soft: need a comment
    previous_period: int | None = None
    peers: PeerStats | None = None  # the peers' stats, when there are enough of them
    ratio: float | None = None  # the value per its basis, when the catalogue declares one
    frozen: bool = False  # warnings as they were at submission
    public: PublicFigure | None = None  # the figure GUS publishes, when fetched

    @property
    def code(self) -> str:
        return self.variable.code

    @property
    def empty(self) -> bool:
        return self.value is None and not self.errors

    @property
    def explained(self) -> bool:
        return bool(self.comment.strip())

    @property
    def needs_comment(self) -> bool:
        return bool(self.warnings or self.explainable) and not self.explained

    @property
    def blocking_errors(self) -> list[str]:
        """The errors that stop submission: all but those an explanation lifted."""
        if not self.explained:
            return list(self.errors)
        return [message for message in self.errors if message not in self.explainable]

    @property
    def to_review(self) -> list[str]:
        """What the office's reviewer reads beside the explanation: the warnings and the
        explained errors."""
        return [*self.warnings, *(self.explainable if self.explained else [])]

    @property
    def fences(self) -> tuple[float, float] | None:
        """The peers' (low, high), when computed."""
        return (self.peers.low, self.peers.high) if self.peers else None


@dataclass
class Check:
    """Every variable of a submission checked, in form order (by code in ``items``)."""

    items: dict[str, VariableCheck]
    frozen: bool = False

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
            messages = item.blocking_errors
            if item.empty:
                messages.append(_("A value is required before submission."))
            if item.explainable and not item.explained:
                messages.append(
                    _(
                        "Correct the value, or explain it in a comment: the office's reviewer "
                        "decides whether to accept the explanation."
                    )
                )
            elif item.needs_comment:
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


def shown_ratio(number: float) -> str:
    """A ratio for a message: three significant digits (0,0000689 stays readable next
    to 0,1), no trailing zeros."""
    if number == 0:
        return "0"
    digits = max(0, 2 - int(np.floor(np.log10(abs(number)))))
    exact = Decimal(repr(round(number, digits))).normalize()
    exponent = exact.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return number_format(exact, decimal_pos=places, force_grouping=True)


def submission_check(
    submission: Submission,
    proposed: Mapping[str, Decimal | str | None] | None = None,
    *,
    comments: Mapping[str, str] | None = None,
    live: bool = False,
) -> Check:
    """Check the submission's values, or ``proposed`` ones instead of the stored ones.

    ``proposed`` maps variable codes to numbers (or to text, which is parsed: a text
    that is not a number becomes a hard error); codes not in it keep their stored value.
    ``comments`` likewise replaces stored explanations. Nothing is written. A submitted
    or approved submission with frozen checks shows those, unless ``live``.
    """
    proposed = proposed or {}
    comments = comments or {}
    variables = submission_variables(submission)
    stored = submission_values(submission)
    frozen = {} if live else _frozen_of(submission)
    if frozen:
        return _frozen_check(variables, stored, frozen, comments)
    period = submission.round.period
    known = last_known_values(submission)
    unit = submission.unit
    population = populations([unit.kind], period)
    bases = bases_of(variables)
    key = key_of(unit.kind, unit.pk, population)
    stats = peer_stats({key}, period, variables, bases, population)[key]
    threshold = submission.round.warning_threshold
    published = public_figures([unit.pk], period, variables)
    items: dict[str, VariableCheck] = {}
    for variable in variables:
        code = variable.code
        value = stored.get(code)
        last = known.get(code)
        item = VariableCheck(
            variable,
            value.value if value else None,
            comments.get(code, value.comment if value else ""),
            previous=last[1] if last else None,
            previous_period=last[0] if last else None,
            peers=stats.get(code),
            public=published.get((unit.pk, code)),
        )
        if code in proposed:
            item.value = _proposed(item, proposed[code])
        items[code] = item
    own = unit_context(unit.pk, period)
    for item in items.values():
        if item.value is None:
            continue
        _check_range(item)
        _check_change(item, threshold, period)
        if item.public is not None:
            warning = public_warning(item.value, item.public, shown(item.public.value))
            if warning:
                item.warnings.append(warning)
        basis = basis_code(item.variable)
        if basis:
            base = basis_value(basis, items, stored, own)
            item.ratio = ratio(item.value, base)
            if item.ratio is None:
                continue
        _check_plausible(item, bases)
        _check_peers(item, bases)
    _check_rules(items, rules_for_variables(items), own, known)
    return Check(items)


def basis_value(
    basis: str,
    items: Mapping[str, VariableCheck],
    stored: Mapping[str, Value],
    context: Mapping[str, float],
) -> Decimal | float | None:
    """A unit's figure of ``basis``: on the form (as typed), stored, or from public
    statistics."""
    if basis in items:
        return items[basis].value
    if basis in stored:
        return stored[basis].value
    return context.get(basis)


def _frozen_of(submission: Submission) -> dict[str, FrozenCheck]:
    if submission.state not in FROZEN_STATES:
        return {}
    rows = FrozenCheck.objects.filter(submission=submission).select_related("variable")
    return {row.variable.code: row for row in rows}


def _frozen_check(
    variables: list[Variable],
    stored: Mapping[str, Value],
    frozen: Mapping[str, FrozenCheck],
    comments: Mapping[str, str],
) -> Check:
    language = "en" if (get_language() or "pl").startswith("en") else "pl"
    items: dict[str, VariableCheck] = {}
    for variable in variables:
        code = variable.code
        value = stored.get(code)
        row = frozen.get(code)
        peers = row.peers if row is not None else None
        items[code] = VariableCheck(
            variable,
            value.value if value else None,
            comments.get(code, value.comment if value else ""),
            previous=row.previous if row is not None else None,
            previous_period=row.previous_period if row is not None else None,
            warnings=list(row.warnings.get(language, [])) if row is not None else [],
            peers=PeerStats(**peers) if peers else None,
            frozen=True,
        )
    return Check(items, frozen=True)


def _proposed(item: VariableCheck, raw: Decimal | str | None) -> Decimal | None:
    if not isinstance(raw, str):
        return raw
    try:
        return parse_number(raw)
    except NumberError as error:
        item.errors.append(error.message)
        return None


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


def _check_change(item: VariableCheck, threshold: Decimal, period: int) -> None:
    assert item.value is not None
    if item.previous is None:
        return
    last_year = item.previous_period in (None, period - 1)
    if item.previous == 0:
        if item.value != 0:
            if last_year:
                item.warnings.append(_("Last year's value was 0; this year it is not."))
            else:
                item.warnings.append(
                    _("The value was 0 in %(year)s; this year it is not.")
                    % {"year": item.previous_period}
                )
        return
    change = abs(item.value - item.previous) / abs(item.previous) * 100
    if change <= threshold:
        return
    values = {
        "change": shown(change.quantize(Decimal("0.1"))),
        "previous": shown(item.previous),
        "threshold": shown(threshold),
        "year": item.previous_period,
    }
    if last_year:
        message = _(
            "The value changed by %(change)s%% from last year's %(previous)s "
            "(more than %(threshold)s%%)."
        )
    else:
        message = _(
            "The value changed by %(change)s%% from %(previous)s in %(year)s, the last "
            "known value (more than %(threshold)s%%)."
        )
    item.warnings.append(message % values)


def basis_label(code: str, bases: Mapping[str, Variable]) -> str:
    """The basis by name in the page's language, with its code."""
    variable = bases.get(code)
    if variable is None:
        return code
    english = (get_language() or "pl").startswith("en")
    name = variable.name_en if english and variable.name_en else variable.name_pl
    return f"{name} ({code})"


def _check_plausible(item: VariableCheck, bases: Mapping[str, Variable]) -> None:
    """The compared quantity (the value, or its ratio to the basis) outside the
    catalogue's plausible range: almost certainly an entry or unit error."""
    assert item.value is not None
    low = getattr(item.variable, "plausible_min", None)
    high = getattr(item.variable, "plausible_max", None)
    if low is None and high is None:
        return
    mine = item.ratio if item.ratio is not None else float(item.value)
    if (low is None or mine >= low) and (high is None or mine <= high):
        return
    limits = {
        "low": "—" if low is None else shown_ratio(low),
        "high": "—" if high is None else shown_ratio(high),
    }
    if item.ratio is None:
        message = _(
            "The value is outside the plausible range from %(low)s to %(high)s: check "
            "the figure and its unit of measure."
        )
        item.warnings.append(message % limits)
        return
    message = _(
        "Divided by %(basis)s the value is %(ratio)s, outside the plausible range from "
        "%(low)s to %(high)s: check the figure and its unit of measure."
    )
    basis = basis_label(basis_code(item.variable), bases)
    item.warnings.append(message % {**limits, "basis": basis, "ratio": shown_ratio(mine)})


def _check_rules(
    items: Mapping[str, VariableCheck],
    rules: list[Any],
    context: Mapping[str, float],
    known: Mapping[str, tuple[int, Decimal]],
) -> None:
    """The catalogue's validation rules that read the round's variables: a failed rule
    is an error or a warning of the form's variables on its left side (or, when none
    is there, of every form variable it reads)."""
    if not rules:
        return
    values: dict[str, float | None] = dict(context)
    values |= {
        code: None if item.value is None else float(item.value) for code, item in items.items()
    }
    previous = {code: float(number) for code, (_year, number) in known.items()}
    language = get_language() or "pl"
    for result in rule_failures(rules, values, previous=previous):
        on_left = [code for code in left_codes(result.rule.left) if code in items]
        targets = on_left or [code for code in result.variables if code in items]
        message = result.message(language)
        for code in targets:
            found = (
                items[code].errors if result.severity is Severity.ERROR else items[code].warnings
            )
            if message not in found:
                found.append(message)
            explainable = items[code].explainable
            if _explainable(result.rule) and message not in explainable:
                explainable.append(message)


def _explainable(rule: Any) -> bool:
    """An error of a range (a ``between`` rule): a true value may lie outside it (a
    tourist gmina's waste), so an explanation the reviewer accepts lifts it. An error of
    a relation (a part above its whole) cannot be explained."""
    return bool(rule.severity is Severity.ERROR and rule.operator is Operator.BETWEEN)


@functools.lru_cache(maxsize=1024)
def left_codes(formula: str) -> list[str]:
    try:
        return sorted(references(parse(formula)))
    except FormulaError:
        return []


def _check_peers(item: VariableCheck, bases: Mapping[str, Variable]) -> None:
    assert item.value is not None
    peers = item.peers
    if peers is None:
        return
    mine = item.ratio if item.ratio is not None else float(item.value)
    if peers.low <= mine <= peers.high:
        return
    if item.ratio is None:
        item.warnings.append(
            _(
                "The value is far from units of the same kind and size: their usual values "
                "lie between %(low)s and %(high)s (median %(median)s, %(count)s units)."
            )
            % {
                "low": shown(round(peers.low, 2)),
                "high": shown(round(peers.high, 2)),
                "median": shown(round(peers.median, 2)),
                "count": peers.count,
            }
        )
        return
    item.warnings.append(
        _(
            "Divided by %(basis)s the value is %(ratio)s, far from units of the same kind "
            "and size: theirs usually lie between %(low)s and %(high)s (median %(median)s, "
            "%(count)s units)."
        )
        % {
            "basis": basis_label(peers.basis, bases),
            "ratio": shown_ratio(mine),
            "low": shown_ratio(peers.low),
            "high": shown_ratio(peers.high),
            "median": shown_ratio(peers.median),
            "count": peers.count,
        }
    )
