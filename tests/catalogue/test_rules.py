"""Validation rules and comparison bases in the stored catalogue: services, YAML
import/export (all or nothing) and the selector the collection's checks use."""

import csv
import functools

import pytest
from django.core import serializers

from benchlearn.catalogue.models import (
    CatalogueChange,
    Domain,
    Indicator,
    IndicatorSet,
    IndicatorSetVersion,
    IndicatorVersion,
    ValidationRule,
    Variable,
)
from benchlearn.catalogue.selectors import rules_for_set, rules_for_variables, validation_rules
from benchlearn.catalogue.services import (
    CatalogueProblems,
    StaleEdit,
    catalogue_export,
    catalogue_import,
    catalogue_load_default,
    edit_token,
    rule_create,
    rule_delete,
    rule_update,
    variable_create,
    variable_update,
)
from benchlearn.demo import history
from benchlearn.demo.build import demo_units
from benchlearn.demo.county import PLANTED
from benchlearn.engine.catalogue import Operator, Severity
from benchlearn.engine.io.catalogue_yaml import read_default_catalogue
from benchlearn.engine.rules import compared_value, rule_failures
from benchlearn.units.services.register import BUNDLED_GMINY
from tests.catalogue.conftest import SMALL_YAML

RULES_YAML = """\
  - code: PUPILS
    compare: per_resident
    plausible: [0.01, 0.15]
  - code: EDU_EXP
    compare: per_user
    compare_per: PUPILS
    plausible: [8000, 50000]
"""

WITH_RULES = (
    SMALL_YAML.replace(
        "  - code: EDU_EXP\n", "  - code: EDU_EXP\n    compare: per_user\n    compare_per: PUPILS\n"
    )
    + """\
rules:
  - code: EDU_CHECK_COST
    domain: EDU
    left: EDU_EXP / PUPILS
    between: [8000, 50000]
    severity: error
    message:
      pl: Wydatki na ucznia poza zakresem 8–50 tys. zł.
      en: Expenditure per pupil outside 8–50 thousand zł.
  - code: WASTE_CHECK
    left: WASTE_T
    operator: <=
    right: POP * 2
    message: Więcej niż 2 tony odpadów na mieszkańca.
"""
)


def dump() -> str:
    models = (Variable, ValidationRule)
    return "".join(serializers.serialize("json", m.objects.order_by("pk")) for m in models)


@pytest.fixture
def with_rules(db, operator):
    catalogue_import(text=WITH_RULES, user=operator)


def test_import_stores_rules_and_bases_and_export_gives_them_back(with_rules):
    variable = Variable.objects.get(code="EDU_EXP")
    assert (variable.compare, variable.compare_per) == ("per_user", "PUPILS")
    rule = ValidationRule.objects.get(code="EDU_CHECK_COST")
    assert (rule.operator, rule.right, rule.upper, rule.severity) == (
        "between",
        "8000",
        "50000",
        "error",
    )
    assert rule.domain.code == "EDU"
    exported = catalogue_export()
    assert "compare_per: PUPILS" in exported
    assert "between:\n  - 8000\n  - 50000" in exported
    ValidationRule.objects.all().delete()
    summary = catalogue_import(text=exported, user=None)
    assert summary.rules_created == 2
    assert catalogue_export() == exported


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        (
            ("right: POP * 2", "right: POP * * 2"),
            "rule WASTE_CHECK, right side: unexpected '*' at column 7",
        ),
        (
            ("left: EDU_EXP / PUPILS", "left: EDU_EXP / PUPIL"),
            "rule EDU_CHECK_COST, left side: unknown variable PUPIL at column 11 "
            "(did you mean PUPILS?)",
        ),
        (("between: [8000, 50000]", "between: [8000]"), "rule EDU_CHECK_COST between"),
        (("compare_per: PUPILS", "compare_per: NOPE"), "variable EDU_EXP is compared per NOPE"),
    ],
)
def test_a_bad_rule_or_basis_refuses_the_whole_import(with_rules, operator, bad, expected):
    before = dump()
    changes = CatalogueChange.objects.count()
    text = WITH_RULES.replace(*bad).replace("Więcej niż 2 tony", "Ponad 2 tony")
    with pytest.raises(CatalogueProblems) as refused:
        catalogue_import(text=text, user=operator)
    (problem,) = refused.value.problems
    assert expected in problem
    assert problem.startswith("line ")
    assert dump() == before
    assert CatalogueChange.objects.count() == changes


def test_rule_create_edit_delete_are_recorded(with_rules, operator):
    rule = rule_create(
        user=operator,
        code="EDU_CHECK_PUPILS",
        domain="EDU",
        left="PUPILS",
        operator="≤",
        right="POP",
        severity="error",
        message_pl="Uczniów więcej niż mieszkańców.",
        message_en="",
    )
    assert rule.operator == "<="
    rule = rule_update(
        rule=rule,
        user=operator,
        base_token=edit_token(rule.updated_at),
        domain="EDU",
        left="PUPILS",
        operator="<",
        right="POP / 2",
        severity="warning",
        message_pl="Uczniów więcej niż połowa mieszkańców.",
        message_en="",
    )
    assert (rule.right, rule.severity) == ("POP / 2", "warning")
    rule_delete(rule=rule, user=operator, base_token=edit_token(rule.updated_at))
    assert not ValidationRule.objects.filter(code="EDU_CHECK_PUPILS").exists()
    kinds = list(
        CatalogueChange.objects.filter(object_type="rule", code="EDU_CHECK_PUPILS")
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["created", "edited", "deleted"]
    deleted = CatalogueChange.objects.filter(kind="deleted").get()
    assert deleted.changes["right"] == ["POP / 2", ""]


def test_a_bad_expression_is_refused_in_polish_and_nothing_is_stored(with_rules, operator):
    from django.utils import translation

    with translation.override("pl"), pytest.raises(CatalogueProblems) as refused:
        rule_create(
            user=operator,
            code="EDU_BAD",
            left="PUPILS / (POP",
            operator="<",
            right="1",
            message_pl="x",
        )
    assert refused.value.problems == ["reguła EDU_BAD, lewa strona: brak nawiasu ')' w kolumnie 14"]
    assert not ValidationRule.objects.filter(code="EDU_BAD").exists()


def test_an_edit_over_someone_elses_is_refused(with_rules, operator):
    rule = ValidationRule.objects.get(code="WASTE_CHECK")
    token = edit_token(rule.updated_at)
    fields = {"left": "WASTE_T", "operator": "<", "right": "POP", "message_pl": "a"}
    rule_update(rule=rule, user=operator, base_token=token, **fields)
    with pytest.raises(StaleEdit):
        rule_update(rule=rule, user=operator, base_token=token, **fields | {"message_pl": "b"})


def test_variable_basis_naming_a_missing_variable_is_refused(with_rules, operator):
    variable = Variable.objects.get(code="WASTE_T")
    with pytest.raises(CatalogueProblems):
        variable_update(
            variable=variable,
            user=operator,
            base_token=None,
            compare="per_user",
            compare_per="NOPE",
        )
    variable.refresh_from_db()
    assert variable.compare == "as_is"


def test_rules_for_variables_loads_the_rules_reading_a_rounds_variables(with_rules):
    rules = rules_for_variables(["EDU_EXP"])
    assert [rule.code for rule in rules] == ["EDU_CHECK_COST"]
    assert rules[0].operator is Operator.BETWEEN
    assert rules[0].severity is Severity.ERROR
    assert [r.code for r in validation_rules()] == ["EDU_CHECK_COST", "WASTE_CHECK"]


def test_default_catalogue_rules_load_and_catch_one_teacher_for_14500_pupils(db):
    catalogue_load_default()
    rules = rules_for_variables(["EDU_TEACHERS_FTE"])
    values = {"EDU_PUPILS": 14_500.0, "EDU_TEACHERS_FTE": 1.0, "EDU_PRESCHOOL": 3000.0}
    failed = rule_failures(rules, values)
    assert failed and failed[0].severity is Severity.ERROR


def _demo_units() -> list[tuple[history.Domain, str, float]]:
    """Each demo domain with its units and a population a unit of its kind has: cities
    with county rights for education and rural gminas for waste, of sizes from the
    smallest to the largest of their kind; the other domains' units (finance, county
    tasks, health) with their own population of 2018."""
    units = []
    for domain, teryts in demo_units().items():
        if domain in (history.EDUCATION, history.WASTE):
            city = domain is history.EDUCATION
            more = history.EDUCATION_MORE_CITIES if city else history.WASTE_MORE_GMINAS
            for n, teryt in enumerate(more):
                size = (40_000, 120_000, 800_000) if city else (4_000, 9_000, 22_000)
                units.append((domain, teryt, float(size[n % 3])))
        else:
            units += [(domain, teryt, _residents_2018()[teryt]) for teryt in teryts]
    return units


@functools.cache
def _residents_2018() -> dict[str, float]:
    """Each gmina's population of the bundled register, and each county's (its sum)."""
    residents: dict[str, float] = {}
    with BUNDLED_GMINY.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            people = float(row["population_2018_12_31"])
            residents[row["teryt7"]] = people
            county = row["powiat_teryt4"]
            residents[county] = residents.get(county, 0.0) + people
    return residents


def demo_values(domain: history.Domain, teryt: str, pop: float, year: int) -> dict[str, float]:
    """A demo unit's values of a year as the demo stores them (the planted mistakes
    included), with its population and public statistics."""
    return {"POP": pop, **domain.entered(teryt, pop, year), **domain.context(teryt, pop, year)}


def honest(teryt: str, year: int, values: dict[str, float]) -> dict[str, float]:
    """The values with the demo's planted mistakes corrected."""
    if year != history.OPEN_YEAR:
        return values
    fixed = {
        code: values[code] / factor
        for (unit, code), factor in PLANTED.items()
        if unit == teryt and code in values
    }
    return values | fixed


def test_default_rules_and_ranges_all_pass_on_the_demos_honest_data():
    # Only the errors and the variables' plausible ranges: since the 2026 ranges the
    # catalogue also warns outside each quantity's typical range (about the 5th–95th
    # percentile of gminas), which some honest demo units are, as some real ones are.
    catalogue = read_default_catalogue()
    failures = []
    for domain, teryt, residents in _demo_units():
        previous: dict[str, float | None] = {}
        open_year = getattr(history, "OPEN_YEAR", None)  # the demo's open round, if any
        for year in (*history.HISTORY_YEARS, *([open_year] if open_year else [])):
            pop = history.population(teryt, residents, year)
            values = honest(teryt, year, demo_values(domain, teryt, pop, year))
            for failure in rule_failures(catalogue.rules, values, previous=previous):
                if failure.severity is Severity.ERROR:
                    failures.append((teryt, year, failure.rule.code, failure.left))
            for variable in catalogue.variables:
                compared = compared_value(variable, values)
                low, high = variable.plausible_min, variable.plausible_max
                if compared is not None and not (
                    (low is None or compared >= low) and (high is None or compared <= high)
                ):
                    failures.append((teryt, year, variable.code, compared))
            previous = dict(values)
    assert failures == []


def test_default_rules_catch_entry_mistakes_in_demo_data():
    catalogue = read_default_catalogue()
    domain, teryt, residents = _demo_units()[0]
    year = history.HISTORY_YEARS[-1]
    honest = {"POP": residents, **domain.entered(teryt, residents, year)}
    before = {"POP": residents, **domain.entered(teryt, residents, year - 1)}
    one_teacher = honest | {"EDU_PUPILS": 14_500.0, "EDU_TEACHERS_FTE": 1.0}
    jump = honest | {"EDU_EXP_CUR": before["EDU_EXP_CUR"] * 1.81}
    in_thousands = honest | {"EDU_EXP_CUR": honest["EDU_EXP_CUR"] / 1000}
    codes = {
        name: [f.rule.code for f in rule_failures(catalogue.rules, values, previous=before)]
        for name, values in {
            "one_teacher": one_teacher,
            "jump": jump,
            "in_thousands": in_thousands,
        }.items()
    }
    # The 2026 ranges replaced EDU_CHECK_PUPILS_PER_TEACHER and EDU_CHECK_COST_PER_PUPIL
    # by the review's hard (error) and typical (warning) ranges of the same quantities.
    assert codes["one_teacher"][0] == "EDU_CHECK_PUPILS_PER_TEACHER_MAX"
    assert "EDU_PUPILS_PER_TEACHER_HARD" in codes["one_teacher"]
    assert "EDU_CHECK_EXP_CHANGE" in codes["jump"]
    assert "EDU_COST_PUPIL_HARD" in codes["in_thousands"]


@pytest.mark.parametrize("set_code", ["SET_EDU", "SET_WAT", "SET_SOC"])
def test_a_sets_export_carries_its_rules_and_bases_and_imports_alone(db, set_code):
    catalogue_load_default()
    rules = rules_for_set(set_code)
    # the context variables' ranges (POP, AREA_KM2, POP_65PLUS) have no domain
    assert rules and all(rule.domain in ("", set_code.removeprefix("SET_")) for rule in rules)
    exported = catalogue_export(set_code=set_code)
    for model in (ValidationRule, CatalogueChange):
        model.objects.all().delete()
    for model in (IndicatorSetVersion, IndicatorSet, IndicatorVersion, Indicator, Variable, Domain):
        model.objects.all().delete()
    summary = catalogue_import(text=exported, user=None)
    assert summary.rules_created == len(rules)
    assert catalogue_export(set_code=set_code) == exported


def test_a_variable_created_without_a_basis_is_compared_as_is_with_no_range(db, operator):
    # As the demo and the register's context variables create theirs: no basis given.
    variable = variable_create(user=operator, code="DENSITY", name_pl="Gęstość zaludnienia")
    variable.refresh_from_db()
    assert (variable.compare, variable.compare_per) == ("as_is", "")
    assert (variable.plausible_min, variable.plausible_max) == (None, None)
