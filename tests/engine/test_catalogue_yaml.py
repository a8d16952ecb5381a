"""The portable YAML catalogue: reading, writing back, and every structural problem."""

import pytest

from benchlearn.engine.catalogue import Category, Polarity, Source
from benchlearn.engine.io import InputError
from benchlearn.engine.io.catalogue_yaml import catalogue_from_yaml, catalogue_to_yaml

EXAMPLE = """\
format: benchlearn-catalogue
version: 1
name: Oświata
variables:
  - code: EDU_EXP
    name: {pl: Wydatki bieżące na oświatę, en: Current expenditure on education}
    unit: PLN
    min: 0
  - code: PUPILS
    name: Uczniowie
    source: public_statistics
indicators:
  - code: EDU_COST
    name: {pl: Wydatki na ucznia, en: Expenditure per pupil}
    formula: EDU_EXP / PUPILS
    numerator: EDU_EXP
    denominator: PUPILS
    unit: PLN
    polarity: lower
    category: efficiency
    decimals: 0
    notes: {pl: Źródło SIO, en: Source SIO}
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        catalogue_from_yaml(text)
    return caught.value.problems


def test_reads_the_documented_example():
    catalogue = catalogue_from_yaml(EXAMPLE)
    assert catalogue.name == "Oświata"
    edu_exp, pupils = catalogue.variables
    assert (edu_exp.code, edu_exp.name_pl, edu_exp.name_en) == (
        "EDU_EXP",
        "Wydatki bieżące na oświatę",
        "Current expenditure on education",
    )
    assert edu_exp.minimum == 0.0 and edu_exp.maximum is None
    assert pupils.name_pl == pupils.name_en == "Uczniowie"
    assert pupils.source is Source.PUBLIC_STATISTICS
    (cost,) = catalogue.indicators
    assert cost.formula == "EDU_EXP / PUPILS"
    assert (cost.numerator, cost.denominator) == ("EDU_EXP", "PUPILS")
    assert cost.polarity is Polarity.LOWER_BETTER
    assert cost.category is Category.EFFICIENCY
    assert cost.decimals == 0
    assert cost.notes_en == "Source SIO"


def test_writing_and_reading_back_gives_the_same_catalogue():
    catalogue = catalogue_from_yaml(EXAMPLE)
    text = catalogue_to_yaml(catalogue)
    assert "Wydatki bieżące" in text  # Polish letters kept as they are
    assert catalogue_from_yaml(text) == catalogue


def test_yaml_syntax_error_names_line_and_column():
    problems = _problems("variables:\n  - code: A\n   name: [unclosed\n")
    assert len(problems) == 1
    assert problems[0].startswith("line ")
    assert "not valid YAML" in problems[0]


def test_every_structural_problem_is_reported_with_its_line():
    text = """\
format: something-else
variables:
  - code: A
    colour: blue
  - name: no code here
  - code: B
    min: lots
indicators:
  - code: X
    formula: A / B
    polarity: upwards
    category: fun
  - code: Y
"""
    problems = _problems(text)
    assert "line 1: format must be 'benchlearn-catalogue', not 'something-else'" in problems
    assert "line 4: variable A: unknown key 'colour'" in problems
    assert "line 5: variable without a code" in problems
    assert "line 7: variable B min must be a number, not 'lots'" in problems
    assert (
        "line 11: indicator X polarity must be one of higher, lower, neutral, not 'upwards'"
        in problems
    )
    assert any(p.startswith("line 12: indicator X category must be one of input") for p in problems)
    assert "line 13: indicator Y has no formula" in problems


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "the file is empty"),
        ("- just\n- a list\n", "line 1: the catalogue must be a mapping of keys to values"),
        ("variables: 3\n", "line 1: 'variables' must be a list"),
        ("version: 2\n", "line 1: this program reads version 1 files, not 2"),
        ("name: a\nname: b\n", "line 2: the catalogue: key 'name' appears twice"),
    ],
)
def test_malformed_files(text, message):
    assert message in _problems(text)
