"""Formulas printed from their tree: the parentheses they need, and what is printed
parses back to the same tree."""

import dataclasses
import random

import pytest

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
)
from benchlearn.engine.formula_text import formula_text, formula_with_values, printed, ratio_text


def shape(node: Node) -> object:
    """The tree without the columns the parser records."""
    if not dataclasses.is_dataclass(node):
        return node
    fields = {f.name: getattr(node, f.name) for f in dataclasses.fields(node) if f.name != "column"}
    out = []
    for name, value in fields.items():
        if isinstance(value, tuple):
            value = tuple(shape(v) for v in value)
        elif dataclasses.is_dataclass(value):
            value = shape(value)
        out.append((name, value))
    return (type(node).__name__, tuple(out))


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        # The catalogue's "current expenditure per pupil": the denominator is a sum.
        (
            "EDU_EXP_CUR/(EDU_PUPILS+EDU_PRESCHOOL+EDU_SPECIAL)",
            "EDU_EXP_CUR / (EDU_PUPILS + EDU_PRESCHOOL + EDU_SPECIAL)",
        ),
        ("((A - B)) - (C - D)", "A - B - (C - D)"),
        ("A / (B * C)", "A / (B * C)"),
        ("(A / B) * C", "A / B * C"),
        ("A + (B + C)", "A + (B + C)"),  # as written: another tree than A + B + C
        ("-(A * B)", "-(A * B)"),
        ("-A * B", "-A * B"),
        (
            "if(POP>0 and not(X=1 or Y<2),WASTE_T*1000/POP,null)",
            "if(POP > 0 and not (X = 1 or Y < 2), WASTE_T * 1000 / POP, null)",
        ),
        ("if((A > 1 or B > 1) and C > 1, 1, 0)", "if((A > 1 or B > 1) and C > 1, 1, 0)"),
        ("round(A/B,-2)", "round(A / B, -2)"),
        ("MAX(A, B) * 2", "max(A, B) * 2"),
        ("0.000001 * A", "0.000001 * A"),
        ("1000000000000000000000 * A", "1000000000000000000000 * A"),  # never 1e+21
    ],
)
def test_printed_with_the_parentheses_it_needs(written, shown):
    assert printed(written) == shown
    assert shape(parse(shown)) == shape(parse(written))


def test_numerator_and_denominator_read_as_one_formula():
    assert ratio_text("TEACHERS * 100", "PUPILS + NEW_PUPILS") == (
        "TEACHERS * 100 / (PUPILS + NEW_PUPILS)"
    )
    assert ratio_text("A - B", "C") == "(A - B) / C"
    assert ratio_text("A", "B / C") == "A / (B / C)"


def test_a_formula_that_does_not_parse_is_shown_as_written():
    assert printed("A +") == "A +"
    assert printed("") == ""


# Random trees of the language: printing and parsing again gives each one back.
_NUMBERS = (0.0, 1.0, 2.5, 100.0, 0.125, 1e21)


def _number(rng: random.Random) -> Node:
    return Number(rng.choice(_NUMBERS), 0)


def _expression(rng: random.Random, depth: int) -> Node:
    if depth == 0 or rng.random() < 0.2:
        return rng.choice([Ref(rng.choice("ABCD"), 0), _number(rng), Null(0)])
    kind = rng.randrange(5)
    if kind <= 1:
        op = rng.choice(["+", "-", "*", "/"])
        return Arithmetic(op, _expression(rng, depth - 1), _expression(rng, depth - 1), 0)
    if kind == 2:
        return Negate(_expression(rng, depth - 1), 0)
    if kind == 3:
        function = rng.choice(["min", "max", "sum", "coalesce"])
        args = tuple(_expression(rng, depth - 1) for _ in range(rng.randint(2, 3)))
        return Call(function, args, 0)
    return Call(
        "if", (_condition(rng, depth - 1), _expression(rng, depth - 1), _expression(rng, 1)), 0
    )


def _condition(rng: random.Random, depth: int) -> Node:
    if depth <= 0 or rng.random() < 0.4:
        op = rng.choice(["<", "<=", ">", ">=", "==", "!="])
        return Comparison(op, _expression(rng, 1), _expression(rng, 1), 0)
    if rng.random() < 0.3:
        return Not(_condition(rng, depth - 1), 0)
    op = rng.choice(["and", "or"])
    return Logical(op, _condition(rng, depth - 1), _condition(rng, depth - 1), 0)


def test_every_printed_formula_parses_to_the_same_tree():
    rng = random.Random(13)
    for _ in range(1_000):
        tree = _expression(rng, 4)
        text = formula_text(tree)
        assert shape(parse(text)) == shape(tree), text
        assert "e+" not in text and "e-" not in text


def test_a_formula_with_values_shows_each_operand_where_its_variable_stands():
    tree = parse("(A + coalesce(B, 0)) / prev(A) - C")
    shown = formula_with_values(
        tree, {"A": 16.5, "B": None, "C": -2}, {"A": 8}, number=lambda v: f"{v:g}", separator="; "
    )
    # A missing value is a dash; a negative one in parentheses (10 - (-2), not 10 - -2).
    assert shown == "(16.5 + coalesce(—; 0)) / 8 - (-2)"
    assert formula_text(tree) == "(A + coalesce(B, 0)) / prev(A) - C"
