"""The validation rules a submission's values break, with what each computed: what a
reviewer reads next to the rule's message, e.g. "EDU_PUPILS / EDU_TEACHERS_FTE =
14 500 / 1 = 14 500,0; dopuszczalne 5–30".

The checks (``collection.validation``) turn a broken rule into a message on a field;
this module says why, from the same rules and values. A submitted submission's findings
are frozen with its checks (``FrozenCheck.rules``): the rule's sides, the operands and
the results as they were, so a later edit of the rule or of the data changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benchlearn.catalogue.selectors import rules_for_variables
from benchlearn.collection.models import FrozenCheck, Submission
from benchlearn.collection.selectors import (
    last_known_values,
    submission_values,
    submission_variables,
)
from benchlearn.collection.validation import FROZEN_STATES, VariableCheck
from benchlearn.collection.validation.checks import left_codes
from benchlearn.collection.validation.peers import unit_context
from benchlearn.engine.catalogue import Operator
from benchlearn.engine.formula import FormulaError, Ref, parse, references
from benchlearn.engine.formula_text import formula_with_values, printed
from benchlearn.engine.rules import RuleResult, rule_failures


@dataclass(frozen=True)
class RuleFinding:
    """One broken rule as the reviewer sees it; plain data, stored as JSON when frozen."""

    rule: str
    severity: str
    operator: str
    left: str  # the sides' formulas as the rule had them
    right: str
    upper: str
    message_pl: str
    message_en: str
    left_value: float
    right_value: float
    upper_value: float | None
    values: dict[str, float | None] = field(default_factory=dict)  # the operands
    previous: dict[str, float | None] = field(default_factory=dict)  # of prev()
    targets: tuple[str, ...] = ()  # the form's variables it is shown at

    @property
    def message(self) -> str:
        if _english() and self.message_en:
            return self.message_en
        return self.message_pl

    @property
    def detail(self) -> str:
        """The left side computed, with its operands, and what the rule allows, in the
        active language's numbers."""
        computed = _side(self.left, self.left_value, self)
        bound = _bound(self)
        return _("%(computed)s; allowed %(bound)s") % {"computed": computed, "bound": bound}

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RuleFinding:
        return cls(**{**data, "targets": tuple(data.get("targets", ()))})


@dataclass(frozen=True)
class Remark:
    """A message of a value for the review pages: a broken rule's comes with its detail."""

    severity: str  # "error" or "warning"
    text: str
    detail: str = ""


def remarks(item: VariableCheck | None, findings: Iterable[RuleFinding]) -> list[Remark]:
    """The item's errors then warnings, each broken rule's with what it computed."""
    if item is None:
        return []
    details = {finding.message: finding.detail for finding in findings}
    return [
        Remark(severity, text, details.get(text, ""))
        for severity, texts in (("error", item.errors), ("warning", item.warnings))
        for text in texts
    ]


def submission_rule_findings(submission: Submission) -> dict[str, list[RuleFinding]]:
    """The broken rules of each variable of ``submission`` (by code): as frozen when it
    was submitted, for a submitted or approved one; else as its stored values are now."""
    by_code: dict[str, list[RuleFinding]] = {}
    if submission.state in FROZEN_STATES:
        rows = FrozenCheck.objects.filter(submission=submission).select_related("variable")
        frozen = {row.variable.code: row.rules for row in rows}
        if frozen:
            for code, found in frozen.items():
                by_code[code] = [RuleFinding.from_json(data) for data in found or []]
            return by_code
    for finding in live_rule_findings(submission):
        for code in finding.targets:
            by_code.setdefault(code, []).append(finding)
    return by_code


def live_rule_findings(submission: Submission) -> list[RuleFinding]:
    """The rules the submission's stored values break now (with the unit's public
    figures and last known values, as the checks evaluate them)."""
    codes = [variable.code for variable in submission_variables(submission)]
    rules = rules_for_variables(codes)
    if not rules:
        return []
    stored = submission_values(submission)
    values: dict[str, float | None] = dict(
        unit_context(submission.unit_id, submission.round.period)
    )
    for code in codes:
        value = stored.get(code)
        values[code] = None if value is None or value.value is None else float(value.value)
    previous = {code: float(number) for code, (_y, number) in last_known_values(submission).items()}
    return [
        _finding(result, values, previous, set(codes))
        for result in rule_failures(rules, values, previous=previous)
    ]


def _finding(
    result: RuleResult,
    values: Mapping[str, float | None],
    previous: Mapping[str, float | None],
    form: set[str],
) -> RuleFinding:
    rule = result.rule
    on_left = [code for code in left_codes(rule.left) if code in form]
    targets = on_left or [code for code in result.variables if code in form]
    assert result.left is not None and result.right is not None  # a failed rule computed
    return RuleFinding(
        rule=rule.code,
        severity=str(rule.severity),
        operator=str(rule.operator),
        left=rule.left,
        right=rule.right,
        upper=rule.upper,
        message_pl=rule.message_pl,
        message_en=rule.message_en,
        left_value=result.left,
        right_value=result.right,
        upper_value=result.upper,
        values={code: values.get(code) for code in result.variables},
        previous={code: previous[code] for code in result.variables if code in previous},
        targets=tuple(targets),
    )


# --- text ------------------------------------------------------------------------------


def _english() -> bool:
    return (get_language() or "pl").startswith("en")


def _side(formula: str, value: float, finding: RuleFinding) -> str:
    """``formula = operands = result``; a number alone as itself, a lone variable
    without the repetition (``WASTE_T = 12 000``)."""
    try:
        tree = parse(formula)
    except FormulaError:  # a formula the language no longer reads: its text
        return f"{formula} = {result_number(value)}"
    if not references(tree):
        return plain_number(value)
    if isinstance(tree, Ref):
        return f"{tree.code} = {plain_number(value)}"
    operands = formula_with_values(
        tree,
        finding.values,
        finding.previous,
        number=plain_number,
        separator=", " if _english() else "; ",
    )
    return f"{printed(formula)} = {operands} = {result_number(value)}"


def _bound(finding: RuleFinding) -> str:
    if finding.operator == Operator.BETWEEN:
        low, high = finding.right_value, finding.upper_value
        return plain_number(low) if high is None else f"{plain_number(low)}–{plain_number(high)}"
    symbol = {"<=": "≤", ">=": "≥"}.get(finding.operator, finding.operator)
    return f"{symbol} {_side(finding.right, finding.right_value, finding)}"


def plain_number(number: float) -> str:
    """An operand or a bound as given: every decimal it has (up to six), in the active
    locale (``14 500``, ``0,015``)."""
    if not math.isfinite(number):
        return str(number)
    exact = Decimal(repr(round(number, 6))).normalize()
    exponent = exact.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return number_format(exact.quantize(Decimal(1).scaleb(-places)), places, force_grouping=True)


def result_number(number: float) -> str:
    """A computed side: at least one decimal, three significant digits for small ones
    (``14 500,0``, ``14,5``, ``0,0689``)."""
    if number == 0 or not math.isfinite(number):
        return number_format(0 if number == 0 else number, 1)
    places = min(6, max(1, 2 - math.floor(math.log10(abs(number)))))
    return number_format(round(number, places), places, force_grouping=True)
