"""Formulas compiled to Polars expressions over the grid, each with a flag saying where
a division by zero made the value missing."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import reduce

import polars as pl

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
    round_digits,
)

FIRST = "__first__"  # true in each unit's first period; codes start with a letter
ONE = "__one__"  # 1.0 everywhere: see _divide


_NULL = pl.lit(None, dtype=pl.Float64)
_NO = pl.lit(False)


@dataclass(frozen=True)
class _Expr:
    """A compiled (sub)formula: its value and whether it is missing by a zero division.

    ``div0`` is None where no division by zero can reach the value; otherwise it is a
    non-null Boolean that is true only where ``value`` is null.
    """

    value: pl.Expr
    div0: pl.Expr | None = None


def _either(*flags: pl.Expr | None) -> pl.Expr | None:
    present = [flag for flag in flags if flag is not None]
    return reduce(lambda left, right: left | right, present) if present else None


def _finite(value: pl.Expr) -> pl.Expr:
    return pl.when(value.is_finite()).then(value)


def compile_formula(node: Node, flags: Mapping[str, str]) -> _Expr:
    match node:
        case Number(value=number):
            return _Expr(pl.lit(number, dtype=pl.Float64))
        case Null():
            return _Expr(_NULL)
        case Ref(code=code):
            flag = flags.get(code)
            return _Expr(pl.col(code), None if flag is None else pl.col(flag))
        case Negate(operand=operand):
            inner = compile_formula(operand, flags)
            return _Expr(-inner.value, inner.div0)
        case Arithmetic(op=op, left=left, right=right):
            return _arithmetic(op, compile_formula(left, flags), compile_formula(right, flags))
        case Comparison(op=op, left=left, right=right):
            a, b = compile_formula(left, flags), compile_formula(right, flags)
            return _Expr(_COMPARE[op](a.value, b.value), _either(a.div0, b.div0))
        case Logical(op=op, left=left, right=right):
            a, b = compile_formula(left, flags), compile_formula(right, flags)
            both = a.value & b.value if op == "and" else a.value | b.value
            missing = a.value.is_null() | b.value.is_null()  # strict, not Kleene logic
            return _Expr(pl.when(~missing).then(both), _either(a.div0, b.div0))
        case Not(operand=operand):
            inner = compile_formula(operand, flags)
            return _Expr(inner.value.not_(), inner.div0)
        case Call():
            return _call(node, [compile_formula(arg, flags) for arg in node.args])
    raise AssertionError(node)  # pragma: no cover


_COMPARE: Mapping[str, Callable[[pl.Expr, pl.Expr], pl.Expr]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def _divide(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    # Polars divides a column by a constant as a multiplication by its reciprocal, which
    # is off by one unit in the last place now and then (3 / 10 gives 0.30000000000000004).
    # Making the denominator a column (times 1.0, exact) keeps true IEEE division.
    return numerator / (denominator * pl.col(ONE))


def _arithmetic(op: str, a: _Expr, b: _Expr) -> _Expr:
    if op == "/":
        zero = (b.value == 0).fill_null(False)
        return _Expr(_finite(_divide(a.value, b.value)), _either(zero, a.div0, b.div0))
    result = (
        a.value + b.value if op == "+" else a.value - b.value if op == "-" else a.value * b.value
    )
    return _Expr(_finite(result), _either(a.div0, b.div0))


def _call(node: Call, args: list[_Expr]) -> _Expr:
    values = [arg.value for arg in args]
    div0 = _either(*(arg.div0 for arg in args))
    match node.function:
        case "if":
            condition, then, otherwise = args
            return _if(condition, then, otherwise)
        case "min" | "max":
            extreme = (
                pl.min_horizontal(values) if node.function == "min" else pl.max_horizontal(values)
            )
            missing = pl.any_horizontal([value.is_null() for value in values])
            return _Expr(pl.when(~missing).then(extreme), div0)
        case "sum":
            return reduce(lambda a, b: _arithmetic("+", a, b), args)
        case "coalesce":
            first = pl.coalesce(values)
            return _Expr(first, None if div0 is None else first.is_null() & div0)
        case "abs":
            return _Expr(values[0].abs(), div0)
        case "round":
            scale = 10.0 ** round_digits(node)
            x = values[0]
            rounded = _divide((x.abs() * scale + 0.5).floor(), pl.lit(scale)) * x.sign()
            return _Expr(_finite(rounded), div0)
        case "prev":
            # A constant would shift as a scalar (to null): make it a column first.
            first, everywhere = pl.col(FIRST), pl.col(ONE) == 1.0
            previous = (values[0] * pl.col(ONE)).shift(1)
            flag = args[0].div0
            return _Expr(
                pl.when(first).then(_NULL).otherwise(previous),
                None
                if flag is None
                else pl.when(first).then(_NO).otherwise((everywhere & flag).shift(1)),
            )
    raise AssertionError(node.function)  # pragma: no cover


def _if(condition: _Expr, then: _Expr, otherwise: _Expr) -> _Expr:
    test = condition.value
    value = (
        pl.when(test.is_null()).then(_NULL).when(test).then(then.value).otherwise(otherwise.value)
    )
    if condition.div0 is None and then.div0 is None and otherwise.div0 is None:
        return _Expr(value)
    div0 = (
        pl.when(test)
        .then(then.div0 if then.div0 is not None else _NO)
        .when(test.not_())
        .then(otherwise.div0 if otherwise.div0 is not None else _NO)
        .otherwise(condition.div0 if condition.div0 is not None else _NO)
    )
    return _Expr(value, div0)
