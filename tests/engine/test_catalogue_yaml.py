"""The portable YAML catalogue: reading, writing back, and every structural problem."""

import pytest

from benchlearn.engine.catalogue import Category, Domain, IndicatorSet, Polarity, Source
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
        (
            "version: 4\n",
            "line 1: format version 4 is newer than this Benchlearn reads (1..3); "
            "upgrade Benchlearn",
        ),
        ("version: x\n", "line 1: format version must be a whole number from 1 to 3, not 'x'"),
        ("name: a\nname: b\n", "line 2: the catalogue: key 'name' appears twice"),
    ],
)
def test_malformed_files(text, message):
    assert message in _problems(text)


# --- domains and indicator sets ---------------------------------------------------------

WITH_SETS = """\
format: benchlearn-catalogue
version: 1
domains:
  - code: EDU
    name: {pl: Oświata, en: Education}
    description: {pl: Szkoły i przedszkola, en: Schools and pre-schools}
  - code: WST
    name: Gospodarka odpadami
variables:
  - code: POP
    source: public_statistics
  - code: EDU_EXP
    domain: EDU
  - code: PUPILS
    domain: EDU
  - code: WST_COST
    domain: WST
indicators:
  - code: EDU_COST
    formula: EDU_EXP / PUPILS
    domain: EDU
  - code: WST_COST_RES
    formula: WST_COST / POP
    domain: WST
sets:
  - code: SET_EDU
    name: {pl: Zestaw – oświata, en: Set – education}
    domain: EDU
    description: {pl: Modelowy zestaw, en: Model set}
    indicators: [EDU_COST]
  - code: SET_ALL
    indicators:
      - WST_COST_RES
      - EDU_COST
"""


def test_reads_domains_sets_and_variable_domains():
    catalogue = catalogue_from_yaml(WITH_SETS)
    assert catalogue.domains == (
        Domain("EDU", "Oświata", "Education", "Szkoły i przedszkola", "Schools and pre-schools"),
        Domain("WST", "Gospodarka odpadami", "Gospodarka odpadami"),
    )
    assert [v.domain for v in catalogue.variables] == ["", "EDU", "EDU", "WST"]
    assert [i.domain for i in catalogue.indicators] == ["EDU", "WST"]
    assert catalogue.sets == (
        IndicatorSet(
            "SET_EDU",
            "Zestaw – oświata",
            "Set – education",
            "EDU",
            ("EDU_COST",),
            "Modelowy zestaw",
            "Model set",
        ),
        IndicatorSet("SET_ALL", indicators=("WST_COST_RES", "EDU_COST")),  # order is kept
    )


def test_domains_and_sets_survive_writing_and_reading_back():
    catalogue = catalogue_from_yaml(WITH_SETS)
    text = catalogue_to_yaml(catalogue)
    assert "Zestaw – oświata" in text
    assert catalogue_from_yaml(text) == catalogue


def test_a_catalogue_without_domains_is_written_without_them():
    text = catalogue_to_yaml(catalogue_from_yaml(EXAMPLE))
    assert "domains" not in text and "sets" not in text and "domain" not in text


def test_indicator_domains_are_free_text_when_the_file_declares_no_domains():
    text = (
        "variables:\n  - code: A\n    domain: X\n"
        "indicators:\n  - {code: I, formula: A, domain: Y}\n"
    )
    catalogue = catalogue_from_yaml(text)
    assert (catalogue.variables[0].domain, catalogue.indicators[0].domain) == ("X", "Y")


def test_every_domain_and_set_problem_is_reported_with_its_line():
    text = """\
domains:
  - code: EDU
  - code: WST
  - code: EDU
    colour: red
variables:
  - code: A
    domain: EDUC
indicators:
  - code: EDU_COST
    formula: A
    domain: ROADS
  - code: WST_COST
    formula: A
    domain: WST
sets:
  - code: SET_EDU
    domain: EDUC
    indicators: [EDU_COST, EDU_CST, EDU_COST]
  - code: SET_EDU
    indicators: WST_COST
  - code: SET_WST
    domain: WST
    indicators:
      - WST_COST
      - WST_COST
curves: []
"""
    problems = _problems(text)
    assert sorted(problems) == sorted(
        [
            "line 4: domain EDU appears twice (first on line 2)",
            "line 5: domain EDU: unknown key 'colour'",
            "line 8: variable A: unknown domain 'EDUC' (did you mean EDU?)",
            "line 12: indicator EDU_COST: unknown domain 'ROADS'",
            "line 18: set SET_EDU: unknown domain 'EDUC' (did you mean EDU?)",
            "line 19: set SET_EDU: unknown indicator 'EDU_CST' (did you mean EDU_COST?)",
            "line 19: set SET_EDU lists indicator EDU_COST twice",
            "line 20: set SET_EDU appears twice (first on line 17)",
            "line 21: set SET_EDU indicators must be a list of codes",
            "line 26: set SET_WST lists indicator WST_COST twice (first on line 25)",
            "line 27: the catalogue: unknown key 'curves'",
        ]
    )


def test_a_set_may_not_name_a_domain_the_file_does_not_declare():
    text = (
        "indicators:\n  - {code: I, formula: '1'}\n"
        "sets:\n  - {code: S, domain: EDU, indicators: [I]}\n"
    )
    assert _problems(text) == ["line 4: set S: unknown domain 'EDU'"]
