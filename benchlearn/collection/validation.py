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

import numpy as np
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from benchlearn.catalogue.models import Variable
from benchlearn.collection.models import Submission, Value
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
    """The other units' non-empty values of these variables in the round's period."""
    rows = Value.objects.filter(
        unit__collection_rounds=submission.round,
        period=submission.round.period,
        variable__in=variables,
        value__isnull=False,
    ).exclude(unit_id=submission.unit_id)
    peers: dict[str, list[float]] = {}
    for code, number in rows.values_list("variable__code", "value"):
        if number is not None:
            peers.setdefault(code, []).append(float(number))
    return peers


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
