"""Validation rules and comparison bases in the engine: checking, evaluating, YAML."""

import pytest

from benchlearn.engine.catalogue import (
    Basis,
    Catalogue,
    Operator,
    Rule,
    Severity,
    Variable,
)
from benchlearn.engine.io import InputError
from benchlearn.engine.io.catalogue_yaml import catalogue_from_yaml, catalogue_to_yaml
from benchlearn.engine.rules import (
    Outcome,
    check_comparisons,
    check_rule,
    check_rules,
    compared_value,
    evaluate_rules,
    rule_failures,
    rule_trial,
    rules_reading,
)

PER_TEACHER = Rule(
    code="EDU_CHECK_PER_TEACHER",
    left="EDU_PUPILS / EDU_TEACHERS_FTE",
    operator=Operator.BETWEEN,
    right="5",
    upper="30",
    severity=Severity.ERROR,
    message_pl="Uczniów na etat nauczyciela powinno być od 5 do 30.",
    message_en="Pupils per teacher FTE should be between 5 and 30.",
    domain="EDU",
)


def _rule(left: str, operator: Operator, right: str, **kwargs: str) -> Rule:
    return Rule(code="R", left=left, operator=operator, right=right, message_pl="Błąd", **kwargs)


def _outcome(rule: Rule, values: dict[str, float | None], **kwargs: object) -> Outcome:
    (result,) = evaluate_rules([rule], values, **kwargs)  # type: ignore[arg-type]
    return result.outcome


@pytest.mark.parametrize(
    ("operator", "passing", "failing"),
    [
        (Operator.LT, 9, 10),
        (Operator.LE, 10, 11),
        (Operator.EQ, 10, 10.5),
        (Operator.GE, 10, 9),
        (Operator.GT, 11, 10),
    ],
)
def test_each_operator_compares_the_left_side_with_the_right(
    operator: Operator, passing: float, failing: float
) -> None:
    rule = _rule("A", operator, "B")
    assert _outcome(rule, {"A": passing, "B": 10}) is Outcome.PASSED
    assert _outcome(rule, {"A": failing, "B": 10}) is Outcome.FAILED


def test_equal_tolerates_float_noise_of_sums() -> None:
    rule = _rule("A + B", Operator.EQ, "C")
    assert _outcome(rule, {"A": 0.1, "B": 0.2, "C": 0.3}) is Outcome.PASSED


def test_between_includes_both_bounds_and_catches_one_teacher_for_14500_pupils() -> None:
    assert _outcome(PER_TEACHER, {"EDU_PUPILS": 50, "EDU_TEACHERS_FTE": 10}) is Outcome.PASSED
    assert _outcome(PER_TEACHER, {"EDU_PUPILS": 300, "EDU_TEACHERS_FTE": 10}) is Outcome.PASSED
    (failure,) = rule_failures([PER_TEACHER], {"EDU_PUPILS": 14_500, "EDU_TEACHERS_FTE": 1})
    assert failure.left == 14_500
    assert (failure.right, failure.upper) == (5, 30)
    assert failure.severity is Severity.ERROR
    assert failure.message("pl") == "Uczniów na etat nauczyciela powinno być od 5 do 30."
    assert failure.message("en") == "Pupils per teacher FTE should be between 5 and 30."
    assert failure.variables == ("EDU_PUPILS", "EDU_TEACHERS_FTE")


def test_a_missing_value_skips_the_rule_instead_of_failing_it() -> None:
    assert _outcome(PER_TEACHER, {"EDU_PUPILS": 14_500}) is Outcome.SKIPPED
    assert _outcome(PER_TEACHER, {"EDU_PUPILS": 14_500, "EDU_TEACHERS_FTE": None}) == (
        Outcome.SKIPPED
    )
    assert rule_failures([PER_TEACHER], {}) == []


def test_division_by_zero_skips_the_rule() -> None:
    result = evaluate_rules([PER_TEACHER], {"EDU_PUPILS": 100, "EDU_TEACHERS_FTE": 0})[0]
    assert result.outcome is Outcome.SKIPPED
    assert result.left is None


def test_prev_reads_the_last_known_value_and_catches_a_jump() -> None:
    jump = Rule(
        code="EDU_CHECK_JUMP",
        left="EDU_EXP_CUR / prev(EDU_EXP_CUR)",
        operator=Operator.BETWEEN,
        right="0.7",
        upper="1.5",
        message_pl="Wydatki zmieniły się o więcej niż połowę.",
    )
    assert _outcome(jump, {"EDU_EXP_CUR": 181}, previous={"EDU_EXP_CUR": 100}) is Outcome.FAILED
    assert _outcome(jump, {"EDU_EXP_CUR": 108}, previous={"EDU_EXP_CUR": 100}) is Outcome.PASSED
    assert _outcome(jump, {"EDU_EXP_CUR": 181}) is Outcome.SKIPPED


def test_errors_come_before_warnings_and_english_falls_back_to_polish() -> None:
    warning = _rule("A", Operator.LT, "0")
    failures = rule_failures(
        [warning, PER_TEACHER], {"A": 1, "EDU_PUPILS": 1, "EDU_TEACHERS_FTE": 1}
    )
    assert [f.severity for f in failures] == [Severity.ERROR, Severity.WARNING]
    assert failures[1].message("en") == "Błąd"


def test_functions_and_conditions_work_in_rules() -> None:
    rule = _rule(
        "if(B > 0, A / B, 0) + abs(-1) + max(A, B) - min(A, B)", Operator.EQ, "round(2.04, 1)"
    )
    assert _outcome(rule, {"A": 2, "B": 2}) is Outcome.PASSED


def test_check_rule_names_the_side_and_column_of_a_bad_formula() -> None:
    bad = _rule("EDU_PUPILS / / EDU_TEACHERS_FTE", Operator.LE, "EDU_PUPLS")
    problems = [
        str(p.message) for p in check_rule(bad, variables=["EDU_PUPILS", "EDU_TEACHERS_FTE"])
    ]
    assert problems == [
        "rule R, left side: unexpected '/' at column 14",
        "rule R, right side: unknown variable EDU_PUPLS at column 1 (did you mean EDU_PUPILS?)",
    ]


def test_check_rule_wants_both_bounds_of_between_and_a_polish_message() -> None:
    bad = Rule(code="R", left="A", operator=Operator.BETWEEN, right="1")
    problems = [str(p.message) for p in check_rule(bad, variables=["A"])]
    assert problems == [
        "rule R: 'between' needs an upper bound",
        "rule R has no message in Polish",
    ]


def test_check_rules_refuses_a_code_given_twice() -> None:
    catalogue = Catalogue(variables=(Variable("A"),), rules=(_rule("A", Operator.GT, "0"),) * 2)
    assert [str(p.message) for p in check_rules(catalogue)] == ["rule R appears twice"]


def test_rules_reading_picks_the_rules_of_the_given_variables() -> None:
    other = _rule("WST_COST", Operator.GE, "0")
    assert rules_reading([PER_TEACHER, other], ["EDU_TEACHERS_FTE"]) == [PER_TEACHER]


# --- comparison bases ------------------------------------------------------------------


def test_compared_value_divides_by_users_or_residents() -> None:
    values = {"EDU_EXP_CUR": 2_000_000.0, "EDU_PUPILS": 100.0, "POP": 1000.0}
    per_pupil = Variable("EDU_EXP_CUR", compare=Basis.PER_USER, compare_per="EDU_PUPILS")
    per_resident = Variable("EDU_EXP_CUR", compare=Basis.PER_RESIDENT)
    assert compared_value(per_pupil, values) == 20_000
    assert compared_value(per_resident, values) == 2_000
    assert compared_value(Variable("EDU_EXP_CUR"), values) == 2_000_000
    assert compared_value(per_pupil, {"EDU_EXP_CUR": 1.0, "EDU_PUPILS": 0.0}) is None


def test_check_comparisons_names_each_problem() -> None:
    catalogue = Catalogue(
        variables=(
            Variable("A", compare=Basis.PER_USER),
            Variable("B", compare=Basis.PER_USER, compare_per="B"),
            Variable("C", compare=Basis.PER_USER, compare_per="NOPE"),
            Variable("D", compare_per="A"),
            Variable("E", compare=Basis.PER_RESIDENT, plausible_min=2, plausible_max=1),
        )
    )
    assert [str(p.message) for p in check_comparisons(catalogue)] == [
        "variable A is compared per service user: name the variable counting them",
        "variable B cannot be compared per itself",
        "variable C is compared per NOPE, which is not a variable",
        "variable D names the users A but is not compared per service user",
        "variable E is compared per resident, but the catalogue has no population variable POP",
        "variable E: the plausible range starts above its end",
    ]


# --- YAML ------------------------------------------------------------------------------

YAML = """\
format: benchlearn-catalogue
version: 1
variables:
  - code: POP
  - code: EDU_PUPILS
    compare: per_resident
    plausible: [0.01, 0.15]
  - code: EDU_TEACHERS_FTE
    compare: per_user
    compare_per: EDU_PUPILS
    plausible: [0.04, null]
indicators: []
rules:
  - code: EDU_CHECK_PER_TEACHER
    domain: EDU
    left: EDU_PUPILS / EDU_TEACHERS_FTE
    between: [5, 30]
    severity: error
    message:
      pl: Uczniów na etat nauczyciela powinno być od 5 do 30.
      en: Pupils per teacher FTE should be between 5 and 30.
  - code: EDU_CHECK_TEACHERS
    left: EDU_TEACHERS_FTE
    operator: ≤
    right: EDU_PUPILS
    message: Etatów więcej niż uczniów.
"""


def test_yaml_reads_bases_and_rules_and_writes_them_back_the_same() -> None:
    catalogue = catalogue_from_yaml(YAML)
    teachers = catalogue.variables[2]
    assert (teachers.compare, teachers.compare_per) == (Basis.PER_USER, "EDU_PUPILS")
    assert (teachers.plausible_min, teachers.plausible_max) == (0.04, None)
    assert catalogue.variables[1].compare is Basis.PER_RESIDENT
    assert catalogue.rules[0] == PER_TEACHER
    second = catalogue.rules[1]
    assert (second.operator, second.right, second.severity) == (
        Operator.LE,
        "EDU_PUPILS",
        Severity.WARNING,
    )
    assert second.message_en == "Etatów więcej niż uczniów."
    written = catalogue_to_yaml(catalogue)
    assert (
        "between:\n  - 5\n  - 30" in written
        or "between: [5, 30]" in written
        or ("- 5\n" in written)
    )
    assert catalogue_from_yaml(written) == catalogue


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        (
            "  - code: R\n    left: A\n    operator: '<>'\n    right: 1\n    message: x\n",
            "line 8: rule R: operator must be one of <, <=, =, >=, >, not '<>'",
        ),
        (
            "  - code: R\n    left: A\n    message: x\n",
            "line 6: rule R needs 'operator' and 'right', or 'between'",
        ),
        (
            "  - code: R\n    left: A\n    between: [1]\n    message: x\n",
            "line 8: rule R between must be a list of two values [from, to]",
        ),
        (
            "  - code: R\n    left: A\n    between: [1, 2]\n    operator: <\n    message: x\n",
            "line 8: rule R: give either 'between' or 'operator' and 'right'",
        ),
        (
            "  - code: R\n    left: A\n    between: [1, 2]\n    severity: fatal\n    message: x\n",
            "line 9: rule R severity must be one of error, warning, not 'fatal'",
        ),
        (
            "  - left: A\n    between: [1, 2]\n",
            "line 6: rule without a code",
        ),
    ],
)
def test_yaml_refuses_a_malformed_rule_with_its_line(rule: str, problem: str) -> None:
    text = (
        "format: benchlearn-catalogue\nversion: 1\nvariables: [{code: A}]\nindicators: []\nrules:\n"
    )
    with pytest.raises(InputError) as caught:
        catalogue_from_yaml(text + rule)
    assert caught.value.problems == [problem]


def test_yaml_refuses_a_bad_basis_with_its_line() -> None:
    text = (
        "format: benchlearn-catalogue\nversion: 1\nindicators: []\nvariables:\n"
        "  - code: A\n    compare: per_pupil\n    plausible: 5\n"
    )
    with pytest.raises(InputError) as caught:
        catalogue_from_yaml(text)
    assert caught.value.problems == [
        "line 6: variable A compare must be one of as_is, per_user, per_resident, not 'per_pupil'",
        "line 7: variable A plausible must be a list of two values [from, to]",
    ]


def test_rule_trial_counts_checked_flagged_and_skipped_units() -> None:
    units = {
        "A": {"EDU_PUPILS": 100.0, "EDU_TEACHERS_FTE": 10.0},
        "B": {"EDU_PUPILS": 14_500.0, "EDU_TEACHERS_FTE": 1.0},
        "C": {"EDU_PUPILS": 100.0},
    }
    trial = rule_trial(PER_TEACHER, units)
    assert (trial.checked, trial.failed, trial.skipped) == (2, (("B", 14_500.0),), 1)
