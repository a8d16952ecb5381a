"""Formulas printed from their syntax tree, with the parentheses they need and no more:
what a page, a PDF or an export shows is what the engine computes, whatever spacing or
redundant parentheses the author typed. ``parse(formula_text(tree))`` gives ``tree``
back (columns aside)."""

from __future__ import annotations

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


def formula_text(node: Node) -> str:
    """``node`` as formula text: ``EDU_EXP_CUR / (EDU_PUPILS + EDU_PRESCHOOL)``."""
    return _text(node)


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


def _wrapped(node: Node, *, at_least: int) -> str:
    text = _text(node)
    return f"({text})" if _level(node) < at_least else text


def _text(node: Node) -> str:
    match node:
        case Number(value=value):
            return _number(value)
        case Null():
            return "null"
        case Ref(code=code):
            return code
        case Negate(operand=operand):
            return "-" + _wrapped(operand, at_least=_UNARY)
        case Not(operand=operand):
            return "not " + _wrapped(operand, at_least=_NOT)
        case Arithmetic(op=op, left=left, right=right) | Logical(op=op, left=left, right=right):
            level = _level(node)
            # Left-associative: the right side needs parentheses at the same level too
            # (A - (B - C), A / (B * C), and A + (B + C) to keep the tree as written).
            return f"{_wrapped(left, at_least=level)} {op} {_wrapped(right, at_least=level + 1)}"
        case Comparison(op=op, left=left, right=right):
            # Comparisons do not chain: each side is a sum or tighter.
            left_text = _wrapped(left, at_least=_SUM)
            return f"{left_text} {_COMPARE_TEXT[op]} {_wrapped(right, at_least=_SUM)}"
        case Call(function=function, args=args):
            return f"{function}({', '.join(_text(arg) for arg in args)})"
    raise AssertionError(f"unknown node {node!r}")  # pragma: no cover


def _number(value: float) -> str:
    """Plain decimal notation, never an exponent (1e+15 is no formula the language
    reads): 12, 0.5, 1000000000000000."""
    if value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")
