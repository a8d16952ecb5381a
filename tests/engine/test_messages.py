"""The engine's messages: English by str(), a template and parameters for translation."""

import pytest

from benchlearn.engine.catalogue import Catalogue, Indicator, Variable
from benchlearn.engine.evaluate import CatalogueError, check_catalogue
from benchlearn.engine.formula import FormulaError, check_formula
from benchlearn.engine.io import InputError
from benchlearn.engine.io.catalogue_yaml import catalogue_from_yaml, item_lines
from benchlearn.engine.messages import Message, Problem, as_problems, gettext_noop


def test_a_message_reads_as_its_english_text_with_inner_messages_filled_in():
    inner = Message("indicator %(code)s", {"code": "X"})
    outer = Message("line %(line)d: %(problem)s", {"line": 3, "problem": inner})
    assert str(outer) == "line 3: indicator X"
    assert gettext_noop("anything") == "anything"


def test_plain_strings_stay_as_they_are():
    [problem] = as_problems(["50% of 3 rows"])
    assert str(problem.located()) == "50% of 3 rows"
    assert problem == Problem(Message.verbatim("50% of 3 rows"))


def test_a_formula_error_keeps_its_text_apart_from_column_and_suggestion():
    with pytest.raises(FormulaError) as caught:
        check_formula("A + PUPLS", known={"A": "variable", "PUPILS": "variable"})
    error = caught.value
    assert error.text == Message("unknown variable %(code)s", {"code": "PUPLS"})
    assert error.message == "unknown variable PUPLS"
    assert (
        str(error.full) == str(error) == "unknown variable PUPLS at column 5 (did you mean PUPILS?)"
    )


@pytest.mark.parametrize(
    ("formula", "template"),
    [
        ("abs(A, A)", "%(function)s() takes %(wanted)d argument, got %(got)d"),
        ("round(A)", "%(function)s() takes %(wanted)d arguments, got %(got)d"),
        ("sum(A)", "%(function)s() takes at least %(wanted)d arguments, got %(got)d"),
        ("A and A", "'%(operator)s' outside an if() condition"),
    ],
)
def test_argument_counts_are_whole_templates(formula, template):
    with pytest.raises(FormulaError) as caught:
        check_formula(formula, known={"A": "variable"})
    assert caught.value.text.template == template


def test_catalogue_problems_come_as_messages_too():
    catalogue = Catalogue(
        variables=(Variable(code="A"),),
        indicators=(
            Indicator(code="X", formula="Y + (A"),
            Indicator(code="Y", formula="A", numerator="A"),
        ),
    )
    with pytest.raises(CatalogueError) as caught:
        check_catalogue(catalogue)
    error = caught.value
    assert error.problems == [str(message) for message in error.messages]
    assert error.problems == [
        "indicator X: missing ')' at column 7",
        "indicator Y: declare both a numerator and a denominator, or neither",
    ]
    assert error.messages[0].params["problem"] == Message(
        "%(problem)s at column %(column)d", {"problem": Message("missing ')'"), "column": 7}
    )


def test_file_problems_come_as_messages_too():
    with pytest.raises(InputError) as caught:
        catalogue_from_yaml("variables:\n  - code: A\n    colour: blue\n")
    [message] = caught.value.messages
    assert caught.value.problems == [str(message)] == ["line 3: variable A: unknown key 'colour'"]
    assert message.template == "line %(line)d: %(problem)s"


def test_file_problems_are_structured_with_code_line_and_column():
    text = "variables:\n  - code: A\n    colour: blue\nindicators:\n  - code: X\n"
    with pytest.raises(InputError) as caught:
        catalogue_from_yaml(text)
    unknown_key, no_formula = caught.value.found
    assert (unknown_key.code, unknown_key.line, unknown_key.column) == ("A", 3, None)
    assert unknown_key.message.template == "%(what)s: unknown key '%(key)s'"
    assert unknown_key.message.params["key"] == "colour"
    assert (no_formula.code, no_formula.line) == ("X", 5)
    with pytest.raises(InputError) as caught:
        catalogue_from_yaml("variables:\n  - code: [A\n")
    [syntax] = caught.value.found
    assert (syntax.code, syntax.line) == (None, 3)
    assert syntax.column is not None
    assert str(syntax.located()).startswith(f"line 3, column {syntax.column}: not valid YAML")


def test_catalogue_problems_name_the_code_they_are_about():
    catalogue = Catalogue(
        variables=(Variable("A"), Variable("A")),
        indicators=(Indicator("X", "A +"), Indicator("Y", "Z"), Indicator("Z", "Y")),
    )
    with pytest.raises(CatalogueError) as caught:
        check_catalogue(catalogue)
    codes = {problem.message.template: problem.code for problem in caught.value.found}
    assert codes["duplicate code %(code)s"] == "A"
    assert codes["indicator %(code)s: %(problem)s"] == "X"
    assert codes["dependency cycle: %(cycle)s"] in {"Y", "Z"}
    assert all(problem.line is None for problem in caught.value.found)


def test_item_lines_find_every_declaration_of_a_code():
    text = "variables:\n  - code: A\n  - code: B\nindicators:\n  - code: A\n    formula: B\n"
    assert item_lines(text) == {"A": [2, 5], "B": [3]}
    assert item_lines("not: [yaml") == {}


def test_a_cycle_is_about_each_of_its_members():
    catalogue = Catalogue(
        variables=(Variable("A"),),
        indicators=(Indicator("X", "Y + A"), Indicator("Y", "Z"), Indicator("Z", "X")),
    )
    with pytest.raises(CatalogueError) as caught:
        check_catalogue(catalogue)
    [cycle] = caught.value.found
    assert all(cycle.is_about(code) for code in ("X", "Y", "Z"))
    assert not cycle.is_about("A")
