"""Formulas printed from their syntax tree, with the parentheses they need and no more:
what a page, a PDF or an export shows is what the engine computes, whatever spacing or
redundant parentheses the author typed. ``parse(formula_text(tree))`` gives ``tree``
back (columns aside).

``formula_with_values`` prints a formula with each variable replaced by its value, to
show how a rule's side was computed (``14 500 / 1``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from benchlearn.engine.formula import (
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
    parse,
)

# How tightly each kind of node binds, as the grammar has it (higher binds tighter).
_OR, _AND, _NOT, _COMPARE, _SUM, _PRODUCT, _UNARY, _ATOM = range(1, 9)
_COMPARE_TEXT = {"==": "=", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


@dataclass(frozen=True)
class _Style:
    """How leaves are printed: numbers, and (with values) variables replaced by theirs."""

    number: Callable[[float], str]
    values: Mapping[str, float | None] | None = None
    previous: Mapping[str, float | None] | None = None
    separator: str = ", "
    missing: str = "—"

    def value(self, found: float | None) -> str:
        if found is None:
            return self.missing
        text = self.number(found)
        return f"({text})" if found < 0 else text  # 10 - (-5), never 10 - -5


def formula_text(node: Node) -> str:
    """``node`` as formula text: ``EDU_EXP_CUR / (EDU_PUPILS + EDU_PRESCHOOL)``."""
    return _text(node, _PLAIN)


def formula_with_values(
    node: Node,
    values: Mapping[str, float | None],
    previous: Mapping[str, float | None] | None = None,
    *,
    number: Callable[[float], str],
    separator: str = ", ",
) -> str:
    """``node`` with every variable replaced by its value in ``values`` (and ``prev(X)``
    by X in ``previous``), numbers printed by ``number`` (a locale's format) and
    function arguments separated by ``separator`` (``"; "`` where the decimal mark is a
    comma): ``(14 500 + coalesce(20; 0)) / 1``. A value that is missing is a dash."""
    style = _Style(number, values, previous or {}, separator)
    return _text(node, style)


def printed(text: str) -> str:
    """The formula ``text`` printed from its tree; ``text`` itself if it does not parse
    (an old version's formula the language no longer accepts is still shown)."""
    if not text.strip():
        return text
    try:
        return formula_text(parse(text))
    except FormulaError:
        return text


def ratio_text(numerator: str, denominator: str) -> str:
    """``numerator / denominator`` as one formula: each side in parentheses where it
    needs them (``TEACHERS * 100 / (PUPILS + NEW_PUPILS)``)."""
    try:
        top, bottom = parse(numerator), parse(denominator)
    except FormulaError:
        return f"({numerator}) / ({denominator})"
    return formula_text(Arithmetic("/", top, bottom, 0))


def _level(node: Node) -> int:
    match node:
        case Logical(op="or"):
            return _OR
        case Logical():
            return _AND
        case Not():
            return _NOT
        case Comparison():
            return _COMPARE
        case Arithmetic(op="+" | "-"):
            return _SUM
        case Arithmetic():
            return _PRODUCT
        case Negate():
            return _UNARY
        case Number(value=value) if value < 0:
            return _UNARY  # a negative literal reads as a minus sign
    return _ATOM


def _wrapped(node: Node, style: _Style, *, at_least: int) -> str:
    text = _text(node, style)
    return f"({text})" if _level(node) < at_least else text


def _text(node: Node, style: _Style) -> str:
    match node:
        case Number(value=value):
            return style.number(value)
        case Null():
            return "null"
        case Ref(code=code):
            return code if style.values is None else style.value(style.values.get(code))
        case Call(function="prev", args=(Ref(code=code),)) if style.previous is not None:
            return style.value(style.previous.get(code))
        case Negate(operand=operand):
            return "-" + _wrapped(operand, style, at_least=_UNARY)
        case Not(operand=operand):
            return "not " + _wrapped(operand, style, at_least=_NOT)
        case Arithmetic(op=op, left=left, right=right) | Logical(op=op, left=left, right=right):
            level = _level(node)
            # Left-associative: the right side needs parentheses at the same level too
            # (A - (B - C), A / (B * C), and A + (B + C) to keep the tree as written).
            left_text = _wrapped(left, style, at_least=level)
            return f"{left_text} {op} {_wrapped(right, style, at_least=level + 1)}"
        case Comparison(op=op, left=left, right=right):
            # Comparisons do not chain: each side is a sum or tighter.
            left_text = _wrapped(left, style, at_least=_SUM)
            return f"{left_text} {_COMPARE_TEXT[op]} {_wrapped(right, style, at_least=_SUM)}"
        case Call(function=function, args=args):
            inner = style.separator.join(_text(arg, style) for arg in args)
            return f"{function}({inner})"
    raise AssertionError(f"unknown node {node!r}")  # pragma: no cover


def _number(value: float) -> str:
    """Plain decimal notation, never an exponent (1e+15 is no formula the language
    reads): 12, 0.5, 1000000000000000."""
    if value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")


_PLAIN = _Style(_number)
