"""The formula language of indicators: parsing, checking and a small typed syntax tree.

An indicator's formula is written by association staff over variable and indicator
codes, e.g. ``(EDU_EXP - EDU_SUBSIDY) / PUPILS`` or ``if(POP > 0, WASTE_T * 1000 / POP,
null)``. It is parsed by a LALR grammar (lark), never evaluated as Python.

The language:

- numbers with a decimal point (``12``, ``0.5``; no exponent, no decimal comma), the
  literal ``null`` (a missing value), and codes: a letter, then letters, digits or
  ``_``. Codes are case-sensitive.
- ``+ - * /`` with the usual precedence, left-associative; unary minus binds tighter
  than ``*`` and ``/`` (``-A * B`` is ``(-A) * B``); parentheses.
- comparisons ``< <= > >= = == !=`` (``=`` and ``==`` both mean equal, so that Excel
  habits work) and the lowercase keywords ``and``, ``or``, ``not`` (``not`` binds
  tighter than ``and``, which binds tighter than ``or``). They make *conditions*, which
  are allowed only as the first argument of ``if`` (possibly combined with
  ``and``/``or``/``not``); a formula's result is always a number. Comparisons do not
  chain: ``A < B < C`` is an error.
- functions (names are case-insensitive): ``if(condition, a, b)``, ``min(a, b, ...)``,
  ``max(a, b, ...)``, ``sum(a, b, ...)``, ``coalesce(a, b, ...)``, ``abs(x)``,
  ``round(x, n)`` with ``n`` a whole-number literal (may be negative), and ``prev(x)``:
  ``x`` (any expression) in the previous period for the same unit. ``min``, ``max``,
  ``sum`` and ``coalesce`` need at least two arguments: ``sum(X)`` is not a sum over
  units, and refusing it says so.

What the values mean (missing values, division by zero) is defined where formulas are
computed, in :mod:`benchlearn.engine.evaluate`.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal, TypeAlias

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from benchlearn.engine.messages import Message, Param, gettext_noop

CODE_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
KEYWORDS = frozenset({"and", "or", "not", "null"})

# name -> (fewest arguments, most arguments or None for any number)
FUNCTIONS: Mapping[str, tuple[int, int | None]] = {
    "if": (3, 3),
    "min": (2, None),
    "max": (2, None),
    "sum": (2, None),
    "coalesce": (2, None),
    "abs": (1, 1),
    "round": (2, 2),
    "prev": (1, 1),
}
ROUND_LIMIT = 15  # round(x, n) with |n| above this is no rounding a float can do

_GRAMMAR = r"""
?start: or_expr
?or_expr: and_expr | or_expr OR and_expr
?and_expr: not_expr | and_expr AND not_expr
?not_expr: comparison | NOT not_expr
?comparison: sum | sum COMPARE sum
?sum: product | sum PLUS product | sum MINUS product
?product: unary | product STAR unary | product SLASH unary
?unary: atom | MINUS unary
?atom: NUMBER | NULL | NAME | call | "(" or_expr ")"
call: NAME "(" [arguments] ")"
arguments: or_expr ("," or_expr)*
AND: "and"
OR: "or"
NOT: "not"
NULL: "null"
NAME: /[A-Za-z][A-Za-z0-9_]*/
NUMBER: /[0-9]+(\.[0-9]+)?/
COMPARE: "<=" | ">=" | "==" | "!=" | "<" | ">" | "="
PLUS: "+"
MINUS: "-"
STAR: "*"
SLASH: "/"
%import common.WS
%ignore WS
"""

_PARSER = Lark(_GRAMMAR, parser="lalr", maybe_placeholders=True)


class FormulaError(ValueError):
    """A formula that cannot be parsed or refers to something that does not exist.

    ``text`` says what is wrong (``message`` is its English wording), ``column`` is
    1-based (or None when the whole formula is at fault), ``code`` the offending variable
    or indicator code (or None), ``suggestion`` a close known code. ``full`` is all of
    it, as ``str(error)`` says it in English.
    """

    def __init__(
        self,
        text: str | Message,
        *,
        column: int | None = None,
        code: str | None = None,
        suggestion: str | None = None,
    ) -> None:
        self.text = text if isinstance(text, Message) else Message.verbatim(text)
        self.message = str(self.text)
        self.column = column
        self.code = code
        self.suggestion = suggestion
        super().__init__(str(self))

    @property
    def full(self) -> Message:
        """The message with its column and suggestion, if any."""
        column, suggestion = self.column, self.suggestion
        if column is None and suggestion is None:
            return self.text
        if suggestion is None:
            template = gettext_noop("%(problem)s at column %(column)d")
        elif column is None:
            template = gettext_noop("%(problem)s (did you mean %(suggestion)s?)")
        else:
            template = gettext_noop(
                "%(problem)s at column %(column)d (did you mean %(suggestion)s?)"
            )
        params = {"problem": self.text, "column": column, "suggestion": suggestion}
        return Message(
            template, {name: value for name, value in params.items() if value is not None}
        )

    def __str__(self) -> str:
        return str(self.full)


# --- the syntax tree ------------------------------------------------------------------
# Every node keeps the 1-based column where it starts (for an operator: the operator's).


@dataclass(frozen=True)
class Number:
    value: float
    column: int


@dataclass(frozen=True)
class Null:
    column: int


@dataclass(frozen=True)
class Ref:
    code: str
    column: int


@dataclass(frozen=True)
class Negate:
    operand: Node
    column: int


@dataclass(frozen=True)
class Arithmetic:
    op: Literal["+", "-", "*", "/"]
    left: Node
    right: Node
    column: int


@dataclass(frozen=True)
class Comparison:
    op: Literal["<", "<=", ">", ">=", "==", "!="]
    left: Node
    right: Node
    column: int


@dataclass(frozen=True)
class Logical:
    op: Literal["and", "or"]
    left: Node
    right: Node
    column: int


@dataclass(frozen=True)
class Not:
    operand: Node
    column: int


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple[Node, ...]
    column: int


Node: TypeAlias = Number | Null | Ref | Negate | Arithmetic | Comparison | Logical | Not | Call
CONDITIONS = (Comparison, Logical, Not)


# --- public functions -----------------------------------------------------------------


def parse(text: str) -> Node:
    """The syntax tree of ``text``; raises FormulaError on a syntax error.

    Function names and argument counts, ``round``'s literal, and where conditions may
    stand are checked too; codes are not (see ``check_formula``).
    """
    if not text.strip():
        raise FormulaError(Message(gettext_noop("empty formula")))
    try:
        tree = _PARSER.parse(text)
        node = _build(tree)
        _check_kinds(node, want_condition=False)
    except UnexpectedInput as error:
        raise _syntax_error(text, error) from None
    except RecursionError:
        raise FormulaError(Message(gettext_noop("formula is nested too deeply"))) from None
    except LarkError as error:  # pragma: no cover - lark's other errors are internal
        raise FormulaError(Message(gettext_noop("formula cannot be read"))) from error
    return node


def check_formula(text: str, *, known: Mapping[str, str]) -> Node:
    """Parse ``text`` and check that every code in it is known.

    ``known`` maps each code to "variable" or "indicator". The first unknown code (from
    the left) raises FormulaError naming the code and its column.
    """
    node = parse(text)
    for ref in sorted(_refs(node), key=lambda ref: ref.column):
        if ref.code not in known:
            close = difflib.get_close_matches(ref.code, list(known), n=1)
            raise FormulaError(
                Message(gettext_noop("unknown variable %(code)s"), {"code": ref.code}),
                column=ref.column,
                code=ref.code,
                suggestion=close[0] if close else None,
            )
    return node


def references(node: Node) -> set[str]:
    """The codes a formula uses."""
    return {ref.code for ref in _refs(node)}


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-expressions of ``node``."""
    match node:
        case Negate(operand=operand) | Not(operand=operand):
            return (operand,)
        case Arithmetic(left=left, right=right) | Comparison(left=left, right=right):
            return (left, right)
        case Logical(left=left, right=right):
            return (left, right)
        case Call(args=args):
            return args
    return ()


def walk(node: Node) -> Iterator[Node]:
    """``node`` and all its sub-expressions, parents first."""
    yield node
    for child in children(node):
        yield from walk(child)


def round_digits(node: Call) -> int:
    """The number of decimal places of a checked ``round(x, n)`` call."""
    digits = node.args[1]
    if isinstance(digits, Negate):
        assert isinstance(digits.operand, Number)
        return -int(digits.operand.value)
    assert isinstance(digits, Number)
    return int(digits.value)


# --- from lark's tree to ours ---------------------------------------------------------


def _column(token: Token) -> int:
    # start_pos counts from the start of the text, so a formula written over several
    # lines still gets one unambiguous position.
    return (token.start_pos or 0) + 1


def _build(tree: Tree[Token] | Token) -> Node:
    if isinstance(tree, Token):
        return _build_token(tree)
    items = tree.children
    match tree.data:
        case "or_expr" | "and_expr":
            left, op, right = items
            assert isinstance(op, Token)
            return Logical(
                "and" if op.type == "AND" else "or", _build(left), _build(right), _column(op)
            )
        case "not_expr":
            op, operand = items
            assert isinstance(op, Token)
            return Not(_build(operand), _column(op))
        case "comparison":
            left, op, right = items
            assert isinstance(op, Token)
            return Comparison(_COMPARE[str(op)], _build(left), _build(right), _column(op))
        case "sum" | "product":
            left, op, right = items
            assert isinstance(op, Token)
            return Arithmetic(_ARITHMETIC[op.type], _build(left), _build(right), _column(op))
        case "unary":
            op, operand = items
            assert isinstance(op, Token)
            return Negate(_build(operand), _column(op))
        case "call":
            name, arguments = items
            assert isinstance(name, Token)
            args = () if arguments is None else tuple(_build(arg) for arg in _items(arguments))
            return Call(str(name).lower(), args, _column(name))
    raise AssertionError(f"unknown rule {tree.data}")  # pragma: no cover


def _items(arguments: Tree[Token] | Token) -> list[Tree[Token] | Token]:
    assert isinstance(arguments, Tree)
    return arguments.children


def _build_token(token: Token) -> Node:
    match token.type:
        case "NUMBER":
            if not math.isfinite(float(token)):
                raise FormulaError(Message(gettext_noop("number too large")), column=_column(token))
            return Number(float(token), _column(token))
        case "NULL":
            return Null(_column(token))
        case "NAME":
            return Ref(str(token), _column(token))
    raise AssertionError(f"unexpected token {token.type}")  # pragma: no cover


_COMPARE: Mapping[str, Literal["<", "<=", ">", ">=", "==", "!="]] = {
    "<": "<",
    "<=": "<=",
    ">": ">",
    ">=": ">=",
    "=": "==",
    "==": "==",
    "!=": "!=",
}
_ARITHMETIC: Mapping[str, Literal["+", "-", "*", "/"]] = {
    "PLUS": "+",
    "MINUS": "-",
    "STAR": "*",
    "SLASH": "/",
}


# --- checks that the grammar leaves open ----------------------------------------------


def _check_kinds(node: Node, *, want_condition: bool) -> None:
    """Conditions only where ``if`` expects one, numbers everywhere else; known calls."""
    is_condition = isinstance(node, CONDITIONS)
    if is_condition and not want_condition:
        raise FormulaError(_outside_if(node), column=node.column)
    if want_condition and not is_condition:
        raise FormulaError(
            Message(gettext_noop("the condition of if() must be a comparison")), column=node.column
        )
    match node:
        case Logical(left=left, right=right):
            _check_kinds(left, want_condition=True)
            _check_kinds(right, want_condition=True)
        case Not(operand=operand):
            _check_kinds(operand, want_condition=True)
        case Call():
            _check_call(node)
        case _:
            for child in children(node):
                _check_kinds(child, want_condition=False)


def _outside_if(node: Node) -> Message:
    if isinstance(node, Logical | Not):
        operator = node.op if isinstance(node, Logical) else "not"
        return Message(
            gettext_noop("'%(operator)s' outside an if() condition"), {"operator": operator}
        )
    return Message(gettext_noop("a comparison outside an if() condition"))


def _check_call(node: Call) -> None:
    if node.function not in FUNCTIONS:
        raise FormulaError(
            Message(gettext_noop("unknown function %(function)s"), {"function": node.function}),
            column=node.column,
        )
    fewest, most = FUNCTIONS[node.function]
    got = len(node.args)
    if got < fewest or (most is not None and got > most):
        if most != fewest:
            template = gettext_noop(
                "%(function)s() takes at least %(wanted)d arguments, got %(got)d"
            )
        elif fewest == 1:
            template = gettext_noop("%(function)s() takes %(wanted)d argument, got %(got)d")
        else:
            template = gettext_noop("%(function)s() takes %(wanted)d arguments, got %(got)d")
        params: dict[str, Param] = {"function": node.function, "wanted": fewest, "got": got}
        raise FormulaError(Message(template, params), column=node.column)
    for position, arg in enumerate(node.args):
        _check_kinds(arg, want_condition=node.function == "if" and position == 0)
    if node.function == "round":
        _check_round_digits(node.args[1])


def _check_round_digits(digits: Node) -> None:
    literal = digits.operand if isinstance(digits, Negate) else digits
    if (
        not isinstance(literal, Number)
        or not literal.value.is_integer()
        or literal.value > ROUND_LIMIT
    ):
        raise FormulaError(
            Message(
                gettext_noop(
                    "round() needs a whole number from -%(limit)d to %(limit)d "
                    "as its second argument"
                ),
                {"limit": ROUND_LIMIT},
            ),
            column=digits.column,
        )


def _refs(node: Node) -> Iterator[Ref]:
    return (sub for sub in walk(node) if isinstance(sub, Ref))


# --- lark's errors in our words -------------------------------------------------------


def _syntax_error(text: str, error: UnexpectedInput) -> FormulaError:
    if isinstance(error, UnexpectedCharacters):
        position = error.pos_in_stream or 0
        return FormulaError(
            Message(
                gettext_noop("unexpected character '%(character)s'"), {"character": text[position]}
            ),
            column=position + 1,
        )
    if isinstance(error, UnexpectedToken) and error.token.type != "$END":
        token = error.token
        position = token.start_pos or 0
        depth = text.count("(", 0, position) - text.count(")", 0, position)
        if token.type == "RPAR" and depth <= 0:
            return FormulaError(Message(gettext_noop("unmatched ')'")), column=position + 1)
        return FormulaError(
            Message(gettext_noop("unexpected '%(token)s'"), {"token": str(token)}),
            column=position + 1,
        )
    # The formula ended too early: say what is missing where it ended.
    end = len(text.rstrip()) + 1
    expected = getattr(error, "expected", None) or set()
    if "RPAR" in expected:
        return FormulaError(Message(gettext_noop("missing ')'")), column=end)
    return FormulaError(Message(gettext_noop("unexpected end of formula")), column=end)
