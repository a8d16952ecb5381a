"""The formula language: what parses to what, and every error a staff member can meet."""

import pytest

from benchlearn.engine.formula import (
    Arithmetic,
    Call,
    Comparison,
    FormulaError,
    Logical,
    Negate,
    Not,
    Null,
    Number,
    Ref,
    check_formula,
    parse,
    references,
    round_digits,
)

KNOWN = {"A": "variable", "B": "variable", "C": "variable", "EDU_EXP": "variable", "R": "indicator"}


def shape(node):
    """The tree without columns, as nested tuples, so that tests read like the formula."""
    match node:
        case Number(value=value):
            return value
        case Null():
            return None
        case Ref(code=code):
            return code
        case Negate(operand=operand):
            return ("neg", shape(operand))
        case Not(operand=operand):
            return ("not", shape(operand))
        case Arithmetic(op=op, left=left, right=right) | Comparison(op=op, left=left, right=right):
            return (op, shape(left), shape(right))
        case Logical(op=op, left=left, right=right):
            return (op, shape(left), shape(right))
        case Call(function=function, args=args):
            return (function, *(shape(arg) for arg in args))
    raise AssertionError(node)


def error(text, known=None):
    with pytest.raises(FormulaError) as caught:
        if known is None:
            parse(text)
        else:
            check_formula(text, known=known)
    return caught.value


# --- what parses to what ---------------------------------------------------------------


def test_the_brief_examples_parse():
    assert shape(parse("(EDU_EXP - EDU_SUBSIDY) / PUPILS")) == (
        "/",
        ("-", "EDU_EXP", "EDU_SUBSIDY"),
        "PUPILS",
    )
    assert shape(parse("100 * DEC_LATE / DEC_ALL")) == ("/", ("*", 100.0, "DEC_LATE"), "DEC_ALL")
    assert shape(parse("if(POP > 0, WASTE_T * 1000 / POP, null)")) == (
        "if",
        (">", "POP", 0.0),
        ("/", ("*", "WASTE_T", 1000.0), "POP"),
        None,
    )
    assert shape(parse("EXP / prev(EXP) - 1")) == ("-", ("/", "EXP", ("prev", "EXP")), 1.0)


def test_numbers_codes_and_null():
    assert parse("12") == Number(12.0, 1)
    assert parse(" 0.25") == Number(0.25, 2)
    assert parse("null") == Null(1)
    assert parse("Edu_2024_x") == Ref("Edu_2024_x", 1)
    assert parse("nullable") == Ref("nullable", 1)  # a keyword only as a whole word


def test_multiplication_binds_tighter_than_addition():
    assert shape(parse("A + B * C")) == ("+", "A", ("*", "B", "C"))
    assert shape(parse("A * B + C")) == ("+", ("*", "A", "B"), "C")
    assert shape(parse("A - B / C")) == ("-", "A", ("/", "B", "C"))


def test_operators_are_left_associative():
    assert shape(parse("A - B - C")) == ("-", ("-", "A", "B"), "C")
    assert shape(parse("A / B / C")) == ("/", ("/", "A", "B"), "C")
    assert shape(parse("A / B * C")) == ("*", ("/", "A", "B"), "C")


def test_parentheses_override_precedence():
    assert shape(parse("(A + B) * C")) == ("*", ("+", "A", "B"), "C")
    assert shape(parse("A - (B - C)")) == ("-", "A", ("-", "B", "C"))
    assert shape(parse("((A))")) == "A"


def test_unary_minus_binds_tighter_than_multiplication():
    assert shape(parse("-A * B")) == ("*", ("neg", "A"), "B")
    assert shape(parse("A * -B")) == ("*", "A", ("neg", "B"))
    assert shape(parse("- -A")) == ("neg", ("neg", "A"))
    assert shape(parse("-(A + B)")) == ("neg", ("+", "A", "B"))
    assert shape(parse("A - -1")) == ("-", "A", ("neg", 1.0))


def test_comparisons_inside_if_conditions():
    for op, meaning in [
        ("<", "<"),
        ("<=", "<="),
        (">", ">"),
        (">=", ">="),
        ("=", "=="),
        ("==", "=="),
        ("!=", "!="),
    ]:
        assert shape(parse(f"if(A {op} B, 1, 0)"))[1] == (meaning, "A", "B")


def test_comparison_binds_looser_than_arithmetic():
    assert shape(parse("if(A + 1 > B * 2, 1, 0)"))[1] == (">", ("+", "A", 1.0), ("*", "B", 2.0))


def test_not_binds_tighter_than_and_which_binds_tighter_than_or():
    condition = shape(parse("if(A > 1 or not B > 1 and C > 1, 1, 0)"))[1]
    assert condition == ("or", (">", "A", 1.0), ("and", ("not", (">", "B", 1.0)), (">", "C", 1.0)))
    grouped = shape(parse("if((A > 1 or B > 1) and not (C > 1), 1, 0)"))[1]
    assert grouped == ("and", ("or", (">", "A", 1.0), (">", "B", 1.0)), ("not", (">", "C", 1.0)))


def test_every_function():
    assert shape(parse("min(A, B, 3)")) == ("min", "A", "B", 3.0)
    assert shape(parse("max(A, B)")) == ("max", "A", "B")
    assert shape(parse("sum(A, B, C)")) == ("sum", "A", "B", "C")
    assert shape(parse("coalesce(A, 0)")) == ("coalesce", "A", 0.0)
    assert shape(parse("abs(A - B)")) == ("abs", ("-", "A", "B"))
    assert shape(parse("round(A, 2)")) == ("round", "A", 2.0)
    assert shape(parse("prev(A / B)")) == ("prev", ("/", "A", "B"))
    assert shape(parse("prev(prev(A))")) == ("prev", ("prev", "A"))
    assert shape(parse("if(A > 0, B, C)")) == ("if", (">", "A", 0.0), "B", "C")


def test_function_names_ignore_case_but_codes_do_not():
    assert shape(parse("IF(A > 0, Max(A, B), ROUND(a, 1))")) == (
        "if",
        (">", "A", 0.0),
        ("max", "A", "B"),
        ("round", "a", 1.0),
    )


def test_round_digits_may_be_negative():
    node = parse("round(A, -2)")
    assert isinstance(node, Call)
    assert round_digits(node) == -2
    node = parse("round(A, 0)")
    assert isinstance(node, Call)
    assert round_digits(node) == 0


def test_columns_point_at_codes_operators_and_calls():
    node = parse("A + max(B, 2)")
    assert isinstance(node, Arithmetic)
    assert node.column == 3
    assert node.left == Ref("A", 1)
    assert isinstance(node.right, Call)
    assert node.right.column == 5
    assert node.right.args == (Ref("B", 9), Number(2.0, 12))


def test_references_lists_every_code_once():
    assert references(parse("A / prev(A) + if(B > 0, R, coalesce(C, 1))")) == {"A", "B", "C", "R"}
    assert references(parse("1 + 2")) == set()


def test_check_formula_returns_the_tree_when_every_code_is_known():
    assert shape(check_formula("R * EDU_EXP", known=KNOWN)) == ("*", "R", "EDU_EXP")


# --- errors -----------------------------------------------------------------------------


def test_unknown_code_is_named_with_its_column():
    problem = error("(EDU_EXPP - A) / B", KNOWN)
    assert (problem.message, problem.column, problem.code) == (
        "unknown variable EDU_EXPP",
        2,
        "EDU_EXPP",
    )
    assert str(problem) == "unknown variable EDU_EXPP at column 2 (did you mean EDU_EXP?)"
    assert isinstance(problem, ValueError)


def test_the_leftmost_unknown_code_is_reported():
    problem = error("A + ZZ + YY", KNOWN)
    assert (problem.code, problem.column, problem.suggestion) == ("ZZ", 5, None)
    assert str(problem) == "unknown variable ZZ at column 5"


def test_missing_closing_parenthesis():
    problem = error("(EDU_EXP - EDU")
    assert str(problem) == "missing ')' at column 15"
    assert (problem.column, problem.code) == (15, None)
    assert str(error("max(A, B")) == "missing ')' at column 9"
    assert str(error("if(A > 0, B, C   ")) == "missing ')' at column 15"


def test_unmatched_closing_parenthesis():
    assert str(error("A + B)")) == "unmatched ')' at column 6"


def test_unexpected_token():
    assert str(error("A * * B")) == "unexpected '*' at column 5"
    assert str(error("A B")) == "unexpected 'B' at column 3"
    assert str(error("max(A,)")) == "unexpected ')' at column 7"
    assert str(error("A < B < C")) == "unexpected '<' at column 7"
    assert str(error("1,5")) == "unexpected ',' at column 2"


def test_unexpected_end():
    assert str(error("A +")) == "unexpected end of formula at column 4"


def test_unexpected_character():
    problem = error("A $ B")
    assert str(problem) == "unexpected character '$' at column 3"
    assert str(error("A + .5")) == "unexpected character '.' at column 5"


def test_empty_formula():
    problem = error("   ")
    assert (str(problem), problem.column) == ("empty formula", None)


def test_unknown_function():
    problem = error("foo(A)")
    assert str(problem) == "unknown function foo at column 1"
    assert str(error("A + bar()")) == "unknown function bar at column 5"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("if(A > 0, B)", "if() takes 3 arguments, got 2 at column 1"),
        ("if(A > 0, B, C, A)", "if() takes 3 arguments, got 4 at column 1"),
        ("min(A)", "min() takes at least 2 arguments, got 1 at column 1"),
        ("max()", "max() takes at least 2 arguments, got 0 at column 1"),
        ("sum(A)", "sum() takes at least 2 arguments, got 1 at column 1"),
        ("coalesce(A)", "coalesce() takes at least 2 arguments, got 1 at column 1"),
        ("1 + abs(A, B)", "abs() takes 1 argument, got 2 at column 5"),
        ("round(A)", "round() takes 2 arguments, got 1 at column 1"),
        ("prev()", "prev() takes 1 argument, got 0 at column 1"),
    ],
)
def test_argument_counts(text, message):
    assert str(error(text)) == message


def test_round_needs_a_whole_number_literal():
    expected = "round() needs a whole number from -15 to 15 as its second argument"
    assert str(error("round(A, B)")) == f"{expected} at column 10"
    assert str(error("round(A, 1.5)")) == f"{expected} at column 10"
    assert str(error("round(A, 16)")) == f"{expected} at column 10"


def test_conditions_only_in_if():
    assert str(error("A > 1")) == "a comparison outside an if() condition at column 3"
    assert str(error("1 + (A = 2)")) == "a comparison outside an if() condition at column 8"
    assert str(error("not A > 1")) == "'not' outside an if() condition at column 1"
    assert (
        str(error("if(A > 0, B > 0, 1)")) == "a comparison outside an if() condition at column 13"
    )


def test_if_conditions_must_be_conditions():
    assert str(error("if(A, 1, 2)")) == "the condition of if() must be a comparison at column 4"
    assert (
        str(error("if(A > 1 and B, 1, 2)"))
        == "the condition of if() must be a comparison at column 14"
    )
    assert str(error("if(not B, 1, 2)")) == "the condition of if() must be a comparison at column 8"


def test_keywords_are_lowercase_words():
    assert str(error("A and B")) == "'and' outside an if() condition at column 3"
    assert str(error("null(A)")) == "unexpected '(' at column 5"


def test_deep_nesting_is_an_error_not_a_crash():
    assert parse("(" * 2000 + "A" + ")" * 2000) == Ref("A", 2001)
    with pytest.raises(FormulaError, match="nested too deeply"):
        parse("-" * 5000 + "A")
