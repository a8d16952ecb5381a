"""Plausibility in the catalogue: validation rules between variables (as DHIS2's) and
the quantity each variable is compared by.

A rule reads ``left operator right`` (``<``, ``<=``, ``=``, ``>=``, ``>``) or ``left
between right and upper``; each side is a formula in the catalogue's formula language
(:mod:`benchlearn.engine.formula`) over variable codes, e.g. ``EDU_PUPILS /
EDU_TEACHERS_FTE between 5 and 30``. ``prev(X)`` is X in the unit's last known earlier
value, so that a jump can be checked: ``EDU_EXP_CUR / prev(EDU_EXP_CUR) between 0.7 and
1.5``.

Evaluating is plain Python over one unit's values (a mapping from variable code to a
number or None): a rule whose side cannot be computed (a value missing, a division by
zero) is *skipped* — it neither passes nor fails — because the missing value is
reported by the required-value check and a zero divisor by the rule on that variable.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from benchlearn.engine.catalogue import (
    POPULATION,
    Basis,
    Catalogue,
    Operator,
    Rule,
    Severity,
    Variable,
)
from benchlearn.engine.formula import (
    CODE_PATTERN,
    Arithmetic,
    Call,
    Comparison,
    FormulaError,
    Logical,
    Negate,
    Node,
    Not,
    Null,
    Number,
    Ref,
    check_formula,
    references,
    round_digits,
)
from benchlearn.engine.messages import Message, Param, Problem, gettext_noop
from benchlearn.engine.rule_ranges import range_problems

Values = Mapping[str, float | None]

# Operators as people type them: the symbols of the brief and Excel habits.
OPERATOR_SPELLINGS: Mapping[str, Operator] = {
    "<": Operator.LT,
    "<=": Operator.LE,
    "≤": Operator.LE,
    "=": Operator.EQ,
    "==": Operator.EQ,
    ">=": Operator.GE,
    "≥": Operator.GE,
    ">": Operator.GT,
    "between": Operator.BETWEEN,
}
EQUAL_TOLERANCE = 1e-9  # relative: "=" between sums of money read from decimals


def operator_of(text: str) -> Operator | None:
    """The operator ``text`` spells (``≤`` and ``<=`` alike), or None."""
    return OPERATOR_SPELLINGS.get(text.strip().lower())


# --- checking rules and comparison bases -------------------------------------------


_SIDE_PROBLEM = {
    "left": gettext_noop("rule %(code)s, left side: %(problem)s"),
    "right": gettext_noop("rule %(code)s, right side: %(problem)s"),
    "lower": gettext_noop("rule %(code)s, lower bound: %(problem)s"),
    "upper": gettext_noop("rule %(code)s, upper bound: %(problem)s"),
}


def rule_sides(rule: Rule) -> dict[str, str]:
    """The formulas of a rule by side name: left, right (or lower) and upper."""
    if rule.operator is Operator.BETWEEN:
        return {"left": rule.left, "lower": rule.right, "upper": rule.upper}
    return {"left": rule.left, "right": rule.right}


def check_rule(rule: Rule, *, variables: Iterable[str]) -> list[Problem]:
    """Everything wrong with one rule: its code, each side's formula (syntax, codes that
    are not variables), a ``between`` without both bounds, a missing Polish message."""
    known = dict.fromkeys(variables, "variable")
    problems: list[Problem] = []
    if not CODE_PATTERN.fullmatch(rule.code):
        invalid = gettext_noop(
            "invalid rule code %(code)s: use letters, digits and _, starting with a letter"
        )
        problems.append(Problem(Message(invalid, {"code": repr(rule.code)}), rule.code))
    if rule.operator is not Operator.BETWEEN and rule.upper.strip():
        problems.append(
            Problem(
                Message(
                    gettext_noop("rule %(code)s: an upper bound belongs to 'between' only"),
                    {"code": rule.code},
                ),
                rule.code,
            )
        )
    for side, text in rule_sides(rule).items():
        if not text.strip():
            problems.append(Problem(Message(_MISSING_SIDE[side], {"code": rule.code}), rule.code))
            continue
        try:
            check_formula(text, known=known)
        except FormulaError as error:
            params: dict[str, Param] = {"code": rule.code, "problem": error.full}
            problems.append(Problem(Message(_SIDE_PROBLEM[side], params), rule.code))
    if not rule.message_pl.strip():
        problems.append(
            Problem(
                Message(
                    gettext_noop("rule %(code)s has no message in Polish"), {"code": rule.code}
                ),
                rule.code,
            )
        )
    return problems


_MISSING_SIDE = {
    "left": gettext_noop("rule %(code)s has no left side"),
    "right": gettext_noop("rule %(code)s has no right side"),
    "lower": gettext_noop("rule %(code)s: 'between' needs a lower bound"),
    "upper": gettext_noop("rule %(code)s: 'between' needs an upper bound"),
}


def check_rules(catalogue: Catalogue) -> list[Problem]:
    """Every problem of the catalogue's rules, rule codes given twice, and range rules
    upside down or typical outside hard (``engine.rule_ranges``)."""
    variables = [variable.code for variable in catalogue.variables]
    problems: list[Problem] = []
    seen: set[str] = set()
    for rule in catalogue.rules:
        if rule.code in seen:
            twice = gettext_noop("rule %(code)s appears twice")
            problems.append(Problem(Message(twice, {"code": rule.code}), rule.code))
        seen.add(rule.code)
        problems += check_rule(rule, variables=variables)
    return problems + range_problems(catalogue.rules)


def check_comparisons(catalogue: Catalogue) -> list[Problem]:
    """Every variable's comparison basis names a variable that exists (the population
    for per-resident ones), and its plausible range is not upside down."""
    codes = catalogue.variable_codes()
    problems: list[Problem] = []
    for variable in catalogue.variables:
        problems += _comparison_problems(variable, codes)
    return problems


def check_comparison(variable: Variable, codes: set[str]) -> list[Problem]:
    """What is wrong with one variable's comparison basis and plausible range, given
    the catalogue's variable codes."""
    return _comparison_problems(variable, codes)


def _comparison_problems(variable: Variable, codes: set[str]) -> list[Problem]:
    code = variable.code
    params: dict[str, Param] = {"code": code, "per": variable.compare_per}
    found: list[Message] = []
    if variable.compare is Basis.PER_USER:
        if not variable.compare_per:
            found.append(
                Message(
                    gettext_noop(
                        "variable %(code)s is compared per service user: name the variable "
                        "counting them"
                    ),
                    params,
                )
            )
        elif variable.compare_per == code:
            found.append(
                Message(gettext_noop("variable %(code)s cannot be compared per itself"), params)
            )
        elif variable.compare_per not in codes:
            found.append(
                Message(
                    gettext_noop(
                        "variable %(code)s is compared per %(per)s, which is not a variable"
                    ),
                    params,
                )
            )
    elif variable.compare_per:
        found.append(
            Message(
                gettext_noop(
                    "variable %(code)s names the users %(per)s but is not compared per service user"
                ),
                params,
            )
        )
    if variable.compare is Basis.PER_RESIDENT and POPULATION not in codes:
        found.append(
            Message(
                gettext_noop(
                    "variable %(code)s is compared per resident, but the catalogue has no "
                    "population variable %(population)s"
                ),
                {"code": code, "population": POPULATION},
            )
        )
    low, high = variable.plausible_min, variable.plausible_max
    if low is not None and high is not None and low > high:
        found.append(
            Message(
                gettext_noop("variable %(code)s: the plausible range starts above its end"),
                params,
            )
        )
    return [Problem(message, code) for message in found]


def compared_value(variable: Variable, values: Values) -> float | None:
    """The quantity ``variable`` is compared by, from one unit's values: the value itself,
    or per service user or per resident (None when a value is missing or the divisor
    is zero)."""
    value = values.get(variable.code)
    if value is None:
        return None
    divisor = variable.divisor
    if divisor is None:
        return float(value)
    by = values.get(divisor)
    if by is None or by == 0:
        return None
    return float(value) / float(by)


# --- evaluating ----------------------------------------------------------------------


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"  # a side could not be computed (missing value, division by zero)


@dataclass(frozen=True)
class RuleResult:
    """One rule evaluated for one unit: the computed sides and the outcome."""

    rule: Rule
    outcome: Outcome
    left: float | None
    right: float | None  # for between: the lower bound
    upper: float | None = None
    variables: tuple[str, ...] = ()  # the variable codes the rule reads, in code order

    @property
    def failed(self) -> bool:
        return self.outcome is Outcome.FAILED

    @property
    def severity(self) -> Severity:
        return self.rule.severity

    def message(self, language: str) -> str:
        """The rule's message in ``language`` ("pl" or "en"; Polish when no English)."""
        if language.startswith("en") and self.rule.message_en:
            return self.rule.message_en
        return self.rule.message_pl


def evaluate_rules(
    rules: Iterable[Rule], values: Values, *, previous: Values | None = None
) -> list[RuleResult]:
    """Every rule evaluated on one unit's ``values`` (by variable code); ``previous`` are
    the unit's last known earlier values, read by ``prev()``. Raises FormulaError for a
    rule that does not parse (rules from the catalogue have been checked)."""
    return [_evaluate(rule, values, previous or {}) for rule in rules]


def rule_failures(
    rules: Iterable[Rule], values: Values, *, previous: Values | None = None
) -> list[RuleResult]:
    """The rules ``values`` break, errors first, in the rules' order otherwise."""
    failed = [r for r in evaluate_rules(rules, values, previous=previous) if r.failed]
    return sorted(failed, key=lambda r: r.severity is not Severity.ERROR)


@lru_cache(maxsize=4096)
def _parsed(text: str) -> Node:
    """A side's syntax tree, parsed once: a form's check evaluates every rule on every
    keystroke, and a review page for every unit. (Trees are immutable.)"""
    return check_formula(text, known=_AnyCode())


@lru_cache(maxsize=4096)
def _compiled(rule: Rule) -> tuple[tuple[tuple[str, Node], ...], tuple[str, ...]]:
    """A rule's sides parsed (by side name) and the codes it reads, once per rule: a
    round's table evaluates every rule for thousands of units. (Rules are immutable.)"""
    sides = tuple((name, _parsed(text)) for name, text in rule_sides(rule).items())
    used = tuple(sorted(set().union(*(references(node) for _name, node in sides))))
    return sides, used


def _evaluate(rule: Rule, values: Values, previous: Values) -> RuleResult:
    sides, used = _compiled(rule)
    computed = {name: _value(node, values, previous) for name, node in sides}
    left = computed["left"]
    low = computed.get("lower", computed.get("right"))
    high = computed.get("upper")
    needed = [left, low] + ([high] if rule.operator is Operator.BETWEEN else [])
    if any(value is None for value in needed):
        outcome = Outcome.SKIPPED
    else:
        assert left is not None and low is not None
        holds = _holds(rule.operator, left, low, high)
        outcome = Outcome.PASSED if holds else Outcome.FAILED
    return RuleResult(rule, outcome, left, low, high, used)


def _holds(operator: Operator, left: float, right: float, upper: float | None) -> bool:
    match operator:
        case Operator.LT:
            return left < right
        case Operator.LE:
            return left <= right or _equal(left, right)
        case Operator.EQ:
            return _equal(left, right)
        case Operator.GE:
            return left >= right or _equal(left, right)
        case Operator.GT:
            return left > right
        case Operator.BETWEEN:
            assert upper is not None
            return (right <= left or _equal(left, right)) and (left <= upper or _equal(left, upper))
    raise AssertionError(operator)  # pragma: no cover


def _equal(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=EQUAL_TOLERANCE, abs_tol=EQUAL_TOLERANCE)


class _AnyCode(dict[str, str]):
    """Every code is known: evaluation reads whatever values it is given."""

    def __contains__(self, key: object) -> bool:
        return True


def _value(node: Node, values: Values, previous: Values) -> float | None:
    """``node`` computed over one unit's values; None when it cannot be (a value
    missing, a division by zero, a result that is not a finite number)."""
    result = _compute(node, values, previous)
    return result if result is not None and math.isfinite(result) else None


def _compute(node: Node, values: Values, previous: Values) -> float | None:
    match node:
        case Number(value=value):
            return value
        case Null():
            return None
        case Ref(code=code):
            found = values.get(code)
            return None if found is None else float(found)
        case Negate(operand=operand):
            inner = _compute(operand, values, previous)
            return None if inner is None else -inner
        case Arithmetic(op=op, left=left, right=right):
            a, b = _compute(left, values, previous), _compute(right, values, previous)
            if a is None or b is None:
                return None
            if op == "/":
                return None if b == 0 else a / b
            return a + b if op == "+" else a - b if op == "-" else a * b
        case Call():
            return _call(node, values, previous)
    raise AssertionError(f"a condition outside if(): {node}")  # pragma: no cover


def _call(node: Call, values: Values, previous: Values) -> float | None:
    name, args = node.function, node.args
    if name == "prev":
        return _compute(args[0], previous, {})
    if name == "if":
        condition = _condition(args[0], values, previous)
        if condition is None:
            return None
        return _compute(args[1] if condition else args[2], values, previous)
    computed = [_compute(arg, values, previous) for arg in args]
    if name == "coalesce":
        return next((value for value in computed if value is not None), None)
    if name == "round":
        value = computed[0]
        return None if value is None else round(value, round_digits(node))
    if any(value is None for value in computed):
        return None
    numbers = [value for value in computed if value is not None]
    if name == "abs":
        return abs(numbers[0])
    if name == "min":
        return min(numbers)
    if name == "max":
        return max(numbers)
    if name == "sum":
        return sum(numbers)
    raise AssertionError(f"unknown function {name}")  # pragma: no cover


def _condition(node: Node, values: Values, previous: Values) -> bool | None:
    match node:
        case Comparison(op=op, left=left, right=right):
            a, b = _compute(left, values, previous), _compute(right, values, previous)
            if a is None or b is None:
                return None
            return _COMPARE[op](a, b)
        case Logical(op=op, left=left, right=right):
            a, b = _condition(left, values, previous), _condition(right, values, previous)
            if a is None or b is None:
                return None
            return (a and b) if op == "and" else (a or b)
        case Not(operand=operand):
            value = _condition(operand, values, previous)
            return None if value is None else not value
    raise AssertionError(f"not a condition: {node}")  # pragma: no cover


_COMPARE: Mapping[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: _equal(a, b),
    "!=": lambda a, b: not _equal(a, b),
}


# --- which rules apply --------------------------------------------------------------


@lru_cache(maxsize=4096)
def rule_variables(rule: Rule) -> frozenset[str]:
    """The variable codes a rule reads (empty for a rule that does not parse); asked of
    every rule of the catalogue at each form's check, so kept (rules are immutable)."""
    codes: set[str] = set()
    for text in rule_sides(rule).values():
        try:
            codes |= references(_parsed(text))
        except FormulaError:
            continue
    return frozenset(codes)


def rules_reading(rules: Sequence[Rule], codes: Iterable[str]) -> list[Rule]:
    """The rules that read at least one of ``codes``, in their order."""
    wanted = set(codes)
    return [rule for rule in rules if rule_variables(rule) & wanted]


# --- trying a rule on many units ---------------------------------------------------


@dataclass(frozen=True)
class RuleTrial:
    """A rule evaluated on many units' values: how many it checked, which failed (unit
    and computed left side, in the order given) and how many it skipped."""

    checked: int
    failed: tuple[tuple[str, float | None], ...]
    skipped: int


def rule_trial(
    rule: Rule, units: Mapping[str, Values], previous: Mapping[str, Values] | None = None
) -> RuleTrial:
    """``rule`` on each unit's values (``units`` maps a unit's name to them;
    ``previous`` its earlier values, for ``prev()``), for calibrating a rule on real
    data before it checks forms."""
    previous = previous or {}
    failed: list[tuple[str, float | None]] = []
    checked = skipped = 0
    for unit, values in units.items():
        (result,) = evaluate_rules([rule], values, previous=previous.get(unit, {}))
        if result.outcome is Outcome.SKIPPED:
            skipped += 1
            continue
        checked += 1
        if result.failed:
            failed.append((unit, result.left))
    return RuleTrial(checked, tuple(failed), skipped)
