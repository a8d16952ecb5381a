"""The reference evaluator: a straightforward loop over units and periods.

``evaluate_naive`` interprets each formula's syntax tree for one unit and one period
at a time, with the semantics of :mod:`benchlearn.engine.evaluate` written out plainly.
It is the baseline of the benchmark and the oracle of the tests; nothing else should
call it (it is far slower than the vectorised evaluator).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import polars as pl

from benchlearn.engine.catalogue import Catalogue
from benchlearn.engine.evaluate import DIV0, MAX_PERIODS, VALUE_COLUMNS, check_catalogue
from benchlearn.engine.formula import (
    Arithmetic,
    Call,
    Comparison,
    Logical,
    Negate,
    Node,
    Not,
    Null,
    Number,
    Ref,
    parse,
    round_digits,
)

Result = tuple[float | None, bool]  # a value (None: missing) and "missing by a zero division"
Truth = tuple[bool | None, bool]
Key = tuple[str, int, str]  # unit, period, code

_COMPARE: Mapping[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def evaluate_naive(values: pl.DataFrame, catalogue: Catalogue) -> pl.DataFrame:
    """The same result as ``evaluate``, computed one unit, period and indicator at a time."""
    order = check_catalogue(catalogue)
    data = _read(values, catalogue.variable_codes())
    if values.height == 0:
        first, last = 0, -1
    else:
        first, last = int(values["period"].min()), int(values["period"].max())  # type: ignore[arg-type]
        if last - first >= MAX_PERIODS:
            raise ValueError(f"periods run from {first} to {last}: expected consecutive periods")
    units = sorted({str(unit) for unit in values["unit"]})
    context = _Context(data, {}, {indicator.code for indicator in catalogue.indicators}, first)
    formulas = {
        indicator.code: tuple(
            None if text is None else parse(text)
            for text in (indicator.formula, indicator.numerator, indicator.denominator)
        )
        for indicator in catalogue.indicators
    }
    parts: dict[Key, tuple[float | None, float | None]] = {}
    for unit in units:
        for period in range(first, last + 1):
            for code in order:
                formula, numerator, denominator = formulas[code]
                assert formula is not None
                context.results[(unit, period, code)] = context.number(formula, unit, period)
                parts[(unit, period, code)] = (
                    None if numerator is None else context.number(numerator, unit, period)[0],
                    None if denominator is None else context.number(denominator, unit, period)[0],
                )
    rows = []
    for indicator in catalogue.indicators:
        for unit in units:
            for period in range(first, last + 1):
                key = (unit, period, indicator.code)
                value, div0 = context.results[key]
                flag = DIV0 if value is None and div0 else None
                rows.append((unit, period, indicator.code, value, flag, *parts[key]))
    schema: dict[str, pl.DataType] = {
        "unit": pl.String(),
        "period": values["period"].dtype,
        "indicator": pl.String(),
        "value": pl.Float64(),
        "flag": pl.String(),
        "numerator": pl.Float64(),
        "denominator": pl.Float64(),
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _read(values: pl.DataFrame, variables: set[str]) -> dict[Key, float | None]:
    missing = [column for column in VALUE_COLUMNS if column not in values.columns]
    if missing:
        raise ValueError(f"values lacks the column(s) {', '.join(missing)}")
    data: dict[Key, float | None] = {}
    for unit, period, variable, value in values.select(VALUE_COLUMNS).iter_rows():
        if variable not in variables:
            continue
        key = (str(unit), int(period), str(variable))
        if key in data:
            raise ValueError(f"2 values for unit {unit}, period {period}, variable {variable}")
        data[key] = _finite(None if value is None else float(value))
    return data


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


@dataclass
class _Context:
    data: dict[Key, float | None]
    results: dict[Key, Result]
    indicators: set[str]
    first: int

    def number(self, node: Node, unit: str, period: int) -> Result:
        match node:
            case Number(value=value):
                return value, False
            case Null():
                return None, False
            case Ref(code=code):
                if code in self.indicators:
                    return self.results[(unit, period, code)]
                return self.data.get((unit, period, code)), False
            case Negate(operand=operand):
                inner, div0 = self.number(operand, unit, period)
                return (None if inner is None else -inner), div0
            case Arithmetic(op=op, left=left, right=right):
                return self.arithmetic(
                    op, self.number(left, unit, period), self.number(right, unit, period)
                )
            case Call():
                return self.call(node, unit, period)
        raise AssertionError(node)  # pragma: no cover

    def arithmetic(self, op: str, left: Result, right: Result) -> Result:
        (a, a_div0), (b, b_div0) = left, right
        if op == "/" and b == 0:
            return None, True
        if a is None or b is None:
            return None, a_div0 or b_div0
        if op == "+":
            return _finite(a + b), False
        if op == "-":
            return _finite(a - b), False
        if op == "*":
            return _finite(a * b), False
        return _finite(a / b), False

    def truth(self, node: Node, unit: str, period: int) -> Truth:
        match node:
            case Comparison(op=op, left=left, right=right):
                (a, a_div0), (b, b_div0) = (
                    self.number(left, unit, period),
                    self.number(right, unit, period),
                )
                if a is None or b is None:
                    return None, a_div0 or b_div0
                return _COMPARE[op](a, b), False
            case Logical(op=op, left=left, right=right):
                (a, a_div0), (b, b_div0) = (
                    self.truth(left, unit, period),
                    self.truth(right, unit, period),
                )
                if a is None or b is None:
                    return None, a_div0 or b_div0
                return (a and b if op == "and" else a or b), False
            case Not(operand=operand):
                value, div0 = self.truth(operand, unit, period)
                return (None if value is None else not value), div0
        raise AssertionError(node)  # pragma: no cover

    def call(self, node: Call, unit: str, period: int) -> Result:
        args = node.args
        if node.function == "if":
            test, div0 = self.truth(args[0], unit, period)
            if test is None:
                return None, div0
            return self.number(args[1] if test else args[2], unit, period)
        if node.function == "prev":
            if period - 1 < self.first:
                return None, False
            return self.number(args[0], unit, period - 1)
        results = [self.number(arg, unit, period) for arg in args]
        values = [value for value, _ in results]
        div0 = any(flag for _, flag in results)
        match node.function:
            case "coalesce":
                present = [value for value in values if value is not None]
                return (present[0], False) if present else (None, div0)
            case "sum":
                total = results[0]
                for result in results[1:]:
                    total = self.arithmetic("+", total, result)
                return total
        if any(value is None for value in values):
            return None, div0
        numbers = [value for value in values if value is not None]
        match node.function:
            case "min":
                return min(numbers), False
            case "max":
                return max(numbers), False
            case "abs":
                return abs(numbers[0]), False
            case "round":
                return _round(numbers[0], round_digits(node)), False
        raise AssertionError(node.function)  # pragma: no cover


def _round(x: float, digits: int) -> float | None:
    """Half away from zero, with the same float steps as the vectorised evaluator."""
    scale = 10.0**digits
    scaled = abs(x) * scale + 0.5
    if not math.isfinite(scaled):
        return None
    sign = 1.0 if x > 0 else -1.0 if x < 0 else 0.0
    return _finite(math.floor(scaled) / scale * sign)
