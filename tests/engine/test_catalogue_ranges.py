"""The 2026 expert review's plausible ranges (section 3) as the shipped catalogue's
validation rules: per quantity a hard range (``<STEM>_HARD``, an error the clerk corrects
or explains and the office's reviewer accepts) and a typical range (``<STEM>_TYPICAL``,
a warning); bad ranges in a catalogue file are refused; the demo breaks no hard range
but where it planted two mistakes for the checks to catch."""

import pytest
from django.core import serializers
from django.urls import reverse
from django.utils import translation

from benchlearn.catalogue.models import CatalogueChange, ValidationRule, Variable
from benchlearn.catalogue.services import (
    CatalogueProblems,
    catalogue_import,
    catalogue_load_default,
    catalogue_publish,
    edit_token,
    rule_update,
)
from benchlearn.collection.models import FrozenCheck, Submission, SubmissionState, Value
from benchlearn.collection.services import (
    SubmissionBlocked,
    submission_approve,
    submission_submit,
)
from benchlearn.collection.validation import submission_check
from benchlearn.demo import history
from benchlearn.demo.county import PLANTED
from benchlearn.engine.catalogue import Operator, Severity
from benchlearn.engine.formula import parse, references
from benchlearn.engine.io.catalogue_yaml import read_default_catalogue
from benchlearn.engine.rules import rule_failures
from benchlearn.units.models import Unit
from benchlearn.units.services.context import context_values_store
from tests.catalogue.conftest import SMALL_YAML
from tests.catalogue.test_rules import _demo_units, demo_values, honest
from tests.collection.conftest import make_round, save
from tests.collection.test_validation_peers import store_population
from tests.conftest import client_for, load_units

# Review section 3, every row with a typical and a hard range: the quantity's rule stem
# → (typical, hard), in the unit of the catalogue's indicator (% as 0–100). Where the
# review gives a range per kind of gmina (rural, towns, mnpp), the typical range is their
# union (one rule for every kind). Governance rows (*_DEC_LATE_SHARE, ...) are per domain.
REVIEW_RANGES = {
    # 3a context
    "POP": ((2_000, 1_900_000), (1_000, 2_000_000)),
    "AREA_KM2": ((40, 300), (1, 700)),
    "POP_DENSITY": ((25, 3_500), (3, 6_000)),  # POP / AREA_KM2
    "POP_65PLUS_SHARE": ((15, 25), (7, 35)),  # 100·POP_65PLUS / POP
    # 3b education
    "EDU_EXP_RESIDENT": ((1_500, 3_000), (600, 6_000)),  # EDU_EXP_CUR / POP
    "EDU_COST_PUPIL": ((17_000, 34_000), (8_000, 50_000)),  # the review's 2024 typical
    "EDU_SUBV_COVERAGE": ((40, 75), (20, 105)),
    "EDU_PUPILS_SHARE": ((5, 10), (1, 15)),  # EDU_PUPILS / POP
    "EDU_PRESCHOOL_SHARE": ((2, 5), (0.5, 8)),  # EDU_PRESCHOOL / POP
    "EDU_PUPILS_OTHER_SHARE": ((0, 35), (0, 95)),
    "EDU_PUPILS_PER_TEACHER": ((7, 13), (4, 20)),
    "EDU_CLASS_SIZE": ((12, 24), (4, 30)),
    "EDU_PRESCHOOL_RATE": ((75, 105), (20, 150)),
    "EDU_EXAM_TAKERS_SHARE": ((0.7, 1.3), (0.3, 2)),  # EDU_EXAM_TAKERS / POP
    "EDU_EXAM_POL": ((50, 72), (0, 100)),
    "EDU_EXAM_MATH": ((40, 68), (0, 100)),
    "EDU_EXAM_POL_GAP": ((-12, 10), (-35, 35)),
    "EDU_EXAM_MATH_GAP": ((-12, 10), (-35, 35)),
    "EDU_COST_PUPIL_CHANGE": ((5, 35), (-30, 60)),  # union of 2023 and 2024
    # 3c waste
    "WST_KG_RESIDENT": ((180, 480), (60, 1_200)),
    "WST_SEPARATE_SHARE": ((25, 65), (3, 95)),
    "WST_RECYCLING": ((25, 65), (0, 100)),
    "WST_COST_RESIDENT": ((300, 650), (80, 2_000)),
    "WST_COST_TONNE": ((800, 2_000), (250, 4_000)),
    "WST_FEE_COVERAGE": ((80, 110), (30, 180)),
    "WST_FEE_ARREARS_SHARE": ((1, 15), (0, 60)),
    "WST_DECLARED_SHARE": ((78, 98), (40, 130)),
    # 3d roads
    "ROAD_LENGTH_RESIDENT": ((1.5, 25), (0.5, 60)),  # ROAD_LENGTH_KM per 1,000 residents
    "ROAD_HARD_SHARE": ((30, 100), (5, 100)),
    "ROAD_HARD_DENSITY": ((20, 600), (3, 1_500)),
    "ROAD_GOOD_SHARE": ((30, 85), (0, 100)),
    "ROAD_REBUILT_SHARE": ((0.5, 6), (0, 25)),
    "ROAD_MAINT_COST_KM": ((4_000, 400_000), (300, 1_000_000)),
    "ROAD_ACCIDENTS_RATE": ((0, 40), (0, 200)),
    # 3e water and sewage
    "WAT_WATER_ACCESS": ((80, 100), (10, 100)),
    "WAT_SEWER_ACCESS": ((15, 99), (0, 100)),
    "WAT_SOLD_PER_USER": ((30, 60), (15, 200)),  # WAT_WATER_SOLD_M3 / WAT_POP_WATER
    "WAT_WATER_LOSS_SHARE": ((8, 25), (-2, 60)),
    "WAT_NETWORK_PER_USER": ((1.5, 30), (0.5, 60)),  # WAT_NETWORK_KM per 1,000 served
    "WAT_FAILURES_RATE": ((5, 60), (0, 400)),
    "WAT_WATER_COST_M3": ((3, 8), (1, 20)),
    "WAT_SEWAGE_COST_M3": ((6, 16), (2, 40)),
    "WAT_PRICE_TOTAL": ((12, 25), (4, 60)),
    "WAT_SAMPLES_OK_SHARE": ((90, 100), (30, 100)),
    "WAT_SEWAGE_TO_SOLD": ((0.5, 1.0), (0, 1.3)),  # WAT_SEWAGE_M3 / WAT_WATER_SOLD_M3
    # 3f social assistance
    "SOC_REACH": ((1.5, 9), (0.2, 25)),
    "SOC_BENEFICIARIES_SHARE": ((1, 6), (0.1, 20)),  # SOC_BENEFICIARIES / POP
    "SOC_EXP_RESIDENT": ((250, 800), (50, 2_500)),
    "SOC_EXP_BENEFICIARY": ((8_000, 30_000), (2_000, 80_000)),
    "SOC_OPS_COST_BENEFICIARY": ((3_000, 12_000), (500, 40_000)),
    "SOC_FAMILIES_PER_WORKER": ((20, 60), (0, 200)),
    "SOC_RESIDENTS_PER_WORKER": ((1_200, 3_000), (300, 10_000)),  # POP / SOC_WORKERS_FTE
    "SOC_CARE_COST_HOUR": ((30, 100), (15, 200)),
    "SOC_CARE_COVERAGE": ((3, 25), (0, 100)),
    "SOC_CARE_HOURS_PER_RECIPIENT": ((150, 700), (5, 3_000)),
    "SOC_LONG_TERM_SHARE": ((30, 65), (0, 100)),
    # 3g culture
    "CUL_EXP_RESIDENT": ((100, 700), (10, 2_500)),
    "CUL_LIB_EXP_RESIDENT": ((25, 90), (3, 300)),  # CUL_LIB_EXP / POP
    "CUL_LIB_COST_READER": ((250, 1_000), (30, 5_000)),
    "CUL_READERS_RATE": ((70, 250), (5, 600)),
    "CUL_LOANS_PER_READER": ((10, 30), (2, 80)),
    "CUL_LIB_HOURS_AVG": ((15, 45), (1, 84)),
    "CUL_EVENT_PARTICIPATION": ((300, 5_000), (0, 60_000)),
    "CUL_SELF_FINANCING": ((3, 30), (0, 90)),
    # 3h administration and governance
    "ADM_COST_RESIDENT": ((250, 1_400), (100, 3_000)),
    "ADM_STAFF_RATE": ((1.5, 12), (0.5, 25)),
    "ADM_COST_FTE": ((100_000, 170_000), (50_000, 350_000)),  # ADM_EXP / ADM_STAFF_FTE
    "ADM_CASES_PER_FTE": ((100, 1_500), (10, 10_000)),
    "ADM_ELECTRONIC_SHARE": ((5, 45), (0, 100)),
    "ADM_WAIT_TIME": ((2, 20), (0, 180)),  # ADM_WAIT_MINUTES
    "ADM_COMPLAINTS_RATE": ((0, 1), (0, 20)),
    "ADM_SATISFACTION_SCORE": ((6.5, 9.2), (0, 10)),  # ADM_SAT_SCORE
}
DOMAINS = ("EDU", "WST", "ROAD", "WAT", "SOC", "CUL", "ADM")
for _domain in DOMAINS:
    REVIEW_RANGES[f"{_domain}_DEC_LATE_SHARE"] = ((0, 10), (0, 100))
    REVIEW_RANGES[f"{_domain}_SKO_OVERTURNED_SHARE"] = ((10, 40), (0, 100))
    REVIEW_RANGES[f"{_domain}_APPEALED_SHARE"] = ((0, 5), (0, 50))  # *_DEC_APPEALED / *_DEC_ALL
    if _domain != "ADM":  # the office's satisfaction is a 0–10 score (above)
        REVIEW_RANGES[f"{_domain}_SATISFACTION"] = ((50, 85), (0, 100))

# Money quantities: their rules state the price year.
MONEY = {
    "EDU_EXP_RESIDENT": 2023,
    "EDU_COST_PUPIL": 2024,
    "WST_COST_RESIDENT": 2023,
    "WST_COST_TONNE": 2023,
    "ROAD_MAINT_COST_KM": 2023,
    "WAT_WATER_COST_M3": 2023,
    "WAT_SEWAGE_COST_M3": 2023,
    "WAT_PRICE_TOTAL": 2023,
    "SOC_EXP_RESIDENT": 2023,
    "SOC_EXP_BENEFICIARY": 2023,
    "SOC_OPS_COST_BENEFICIARY": 2023,
    "SOC_CARE_COST_HOUR": 2023,
    "CUL_EXP_RESIDENT": 2023,
    "CUL_LIB_EXP_RESIDENT": 2023,
    "CUL_LIB_COST_READER": 2023,
    "ADM_COST_RESIDENT": 2023,
    "ADM_COST_FTE": 2023,
}


@pytest.fixture(scope="module")
def shipped():
    return {rule.code: rule for rule in read_default_catalogue().rules}


@pytest.mark.parametrize("stem", sorted(REVIEW_RANGES))
def test_every_reviewed_range_is_a_hard_and_a_typical_rule(shipped, stem):
    typical, hard = REVIEW_RANGES[stem]
    for suffix, severity, bounds in (
        ("_HARD", Severity.ERROR, hard),
        ("_TYPICAL", Severity.WARNING, typical),
    ):
        rule = shipped[stem + suffix]
        assert rule.operator is Operator.BETWEEN
        assert rule.severity is severity
        assert (float(rule.right), float(rule.upper)) == bounds
        assert rule.message_pl and rule.message_en
        assert "przegląd ekspercki 2026" in rule.message_pl
        assert "2026 expert review" in rule.message_en
        if stem in MONEY:
            assert f"w cenach {MONEY[stem]} r." in rule.message_pl
            assert f"at {MONEY[stem]} prices" in rule.message_en
    assert shipped[stem + "_HARD"].left == shipped[stem + "_TYPICAL"].left


def test_every_context_and_domain_variable_of_a_reviewed_ratio_is_read_by_a_range(shipped):
    """The variables the review's ratios divide (the ones a clerk or GUS gives) each
    appear in a hard range: e.g. EDU_TEACHERS_FTE, WST_FEE_DUE, WAT_NETWORK_KM."""
    catalogue = read_default_catalogue()
    read = set()
    for code, rule in shipped.items():
        if code.endswith("_HARD"):
            read |= {v.code for v in catalogue.variables if v.code in rule.left}
    for code in ("POP", "AREA_KM2", "POP_65PLUS", "EDU_TEACHERS_FTE", "EDU_CLASSES",
                 "WST_FEE_DUE", "ROAD_HARD_KM", "WAT_NETWORK_KM", "WAT_FAILURES",
                 "SOC_CARE_HOURS", "CUL_LIB_LOANS", "ADM_CASES"):  # fmt: skip
        assert code in read


def test_a_value_outside_hard_is_an_error_outside_typical_a_warning_inside_nothing(shipped):
    rules = [shipped["EDU_CLASS_SIZE_HARD"], shipped["EDU_CLASS_SIZE_TYPICAL"]]

    def severities(pupils):
        return [f.severity for f in rule_failures(rules, {"EDU_PUPILS": pupils, "EDU_CLASSES": 10})]

    assert severities(180) == []
    assert severities(260) == [Severity.WARNING]
    assert severities(350) == [Severity.ERROR, Severity.WARNING]
    assert severities(30) == [Severity.ERROR, Severity.WARNING]


def test_the_demo_breaks_no_hard_range_but_its_two_planted_mistakes():
    """The demo's data (every domain, every year) break no hard range, except the two
    mistakes planted in last year's county round, which break only ranges of the wrong
    value: a county's road length in metres, a city's secondary-school spending in
    thousands of złoty. A few units are outside a typical range, as some real ones are."""
    rules = [r for r in read_default_catalogue().rules if r.code.endswith("_HARD")]
    broken = []
    for domain, teryt, residents in _demo_units():
        previous: dict[str, float | None] = {}
        for year in (*history.HISTORY_YEARS, history.OPEN_YEAR):
            pop = history.population(teryt, residents, year)
            values = demo_values(domain, teryt, pop, year)
            broken += [
                (teryt, year, f.rule.code) for f in rule_failures(rules, values, previous=previous)
            ]
            assert not rule_failures(rules, honest(teryt, year, values), previous=previous)
            previous = dict(values)
    assert {(teryt, year) for teryt, year, _ in broken} == {
        (teryt, history.OPEN_YEAR) for teryt, _ in PLANTED
    }
    assert {"CRD_LENGTH_RESIDENT_HARD", "SEC_COST_PUPIL_HARD"} <= {code for *_, code in broken}
    left = {r.code: r.left for r in rules}
    for teryt, _year, code in broken:
        (wrong,) = [variable for unit, variable in PLANTED if unit == teryt]
        assert wrong in references(parse(left[code])), code


# --- through the collection: a real submission of the shipped catalogue ------------

BIELSKO = "2461011"


@pytest.fixture
def city_submission(db, operator, programme):
    catalogue_load_default()
    catalogue_publish(user=operator)
    load_units(BIELSKO)
    city = Unit.objects.get(teryt=BIELSKO)
    store_population({city: 171_259})
    round_ = make_round(operator, [city], sets=("SET_EDU",))
    return Submission.objects.get(round=round_, unit=city)


HARD_PL = "Średnia liczba uczniów w oddziale poza zakresem twardym od 4 do 30"
TYPICAL_PL = "Średnia liczba uczniów w oddziale poza zakresem typowym od 12 do 24"


@pytest.mark.parametrize(
    ("classes", "errors", "warnings"),
    [("700", [], []), ("500", [], [TYPICAL_PL]), ("400", [HARD_PL], [TYPICAL_PL])],
)
def test_the_collections_checks_of_the_shipped_ranges(city_submission, classes, errors, warnings):
    """14,000 pupils in 700 classes (20 a class), 500 (28), 400 (35)."""
    with translation.override("pl"):
        check = submission_check(city_submission, {"EDU_PUPILS": "14 000", "EDU_CLASSES": classes})
    item = check.items["EDU_CLASSES"]
    assert [e[: len(HARD_PL)] for e in item.errors] == errors
    assert [w[: len(TYPICAL_PL)] for w in item.warnings if w.startswith("Średnia")] == warnings
    assert bool(item.explainable) is bool(errors)


# --- the error blocks submission until explained; the reviewer accepts --------------

RANGES_YAML = (
    SMALL_YAML
    + """\
rules:
  - code: EDU_COST_PUPIL_HARD
    domain: EDU
    left: EDU_EXP / PUPILS
    between: [8000, 50000]
    severity: error
    message:
      pl: Wydatki na ucznia poza zakresem twardym 8–50 tys. zł (zł, ceny 2024).
      en: Spending per pupil outside the hard range 8–50 thousand zł (zł, 2024 prices).
  - code: EDU_COST_PUPIL_TYPICAL
    domain: EDU
    left: EDU_EXP / PUPILS
    between: [17000, 34000]
    severity: warning
    message:
      pl: Wydatki na ucznia poza zakresem typowym 17–34 tys. zł (zł, ceny 2024).
      en: Spending per pupil outside the typical range 17–34 thousand zł (zł, 2024 prices).
  - code: EDU_CHECK_PART
    domain: EDU
    left: EDU_EXP
    operator: "<="
    right: 1000 * PUPILS * 100
    severity: error
    message:
      pl: Część nie może być większa od całości.
      en: A part cannot be larger than its whole.
"""
)


@pytest.fixture
def small_submission(db, operator, programme):
    catalogue_import(text=RANGES_YAML, user=operator)
    catalogue_publish(user=operator)
    load_units(BIELSKO)
    city = Unit.objects.get(teryt=BIELSKO)
    store_population({city: 171_259})
    round_ = make_round(operator, [city], sets=("SET_EDU",))
    submission = Submission.objects.get(round=round_, unit=city)
    return submission


def _submit(submission, user):
    submission.refresh_from_db()
    return submission_submit(submission=submission, user=user, base_revision=submission.revision)


def _pupils(submission, number):
    """PUPILS comes from public statistics: stored as the unit's context value."""
    context_values_store(
        variable=Variable.objects.get(code="PUPILS"),
        values=[(submission.unit, submission.round.period, float(number))],
        source="GUS",
        origin="test",
    )


def test_an_error_outside_the_hard_range_blocks_until_explained_and_the_reviewer_accepts(
    small_submission, operator
):
    sub = small_submission
    _pupils(sub, 1000)
    # 60,000 zł per pupil: above the hard range
    assert save(sub, operator, {"EDU_EXP": "60 000 000"}).ok
    with pytest.raises(SubmissionBlocked) as blocked, translation.override("pl"):
        _submit(sub, operator)
    messages = blocked.value.by_variable["EDU_EXP"]
    assert "Wydatki na ucznia poza zakresem twardym 8–50 tys. zł (zł, ceny 2024)." in messages
    assert any("wyjaśnij ją w komentarzu: recenzent urzędu zdecyduje" in m for m in messages)
    assert save(sub, operator, {"EDU_EXP": ("60 000 000", "Szkoła specjalna dla powiatu")}).ok
    sent = _submit(sub, operator)
    assert sent.state == SubmissionState.SUBMITTED
    frozen = FrozenCheck.objects.get(submission=sub, variable__code="EDU_EXP")
    assert (
        "Wydatki na ucznia poza zakresem twardym 8–50 tys. zł (zł, ceny 2024)."
        in (frozen.warnings["pl"])
    )
    assert any("outside the hard range" in w for w in frozen.warnings["en"])
    approved = submission_approve(submission=sub, operator=operator)
    assert approved.state == SubmissionState.APPROVED


def test_a_part_larger_than_its_whole_blocks_even_when_explained(small_submission, operator):
    sub = small_submission
    _pupils(sub, 1)
    # 200,000 zł for one pupil: the part-of-whole rule (an error that is no range) and
    # the hard range; the explanation lifts only the range
    assert save(sub, operator, {"EDU_EXP": ("200 000", "Tak było")}).ok
    with pytest.raises(SubmissionBlocked) as blocked, translation.override("pl"):
        _submit(sub, operator)
    assert blocked.value.by_variable["EDU_EXP"] == ["Część nie może być większa od całości."]


def test_inside_both_ranges_nothing_is_said(small_submission, operator):
    _pupils(small_submission, 1000)
    with translation.override("pl"):
        check = submission_check(small_submission, {"EDU_EXP": "20 000 000"})
    assert not check.items["EDU_EXP"].errors
    assert not [w for w in check.items["EDU_EXP"].warnings if "zakresem" in w]


# --- bad ranges in a catalogue file ---------------------------------------------------


def _dump() -> str:
    return "".join(
        serializers.serialize("json", m.objects.order_by("pk")) for m in (Variable, ValidationRule)
    )


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        (
            ("between: [17000, 34000]", "between: [17000, 60000]"),
            "rule EDU_COST_PUPIL_TYPICAL: the typical range 17000–60000 reaches outside the "
            "hard range 8000–50000 of EDU_COST_PUPIL_HARD",
        ),
        (
            ("between: [8000, 50000]", "between: [50000, 8000]"),
            "rule EDU_COST_PUPIL_HARD: the range goes from 50000 to 8000; the lower bound "
            "must not be above the upper one",
        ),
    ],
)
def test_bad_ranges_refuse_the_whole_file_naming_the_rule(db, operator, bad, expected):
    catalogue_import(text=SMALL_YAML, user=operator)
    before, changes = _dump(), CatalogueChange.objects.count()
    with pytest.raises(CatalogueProblems) as refused:
        catalogue_import(text=RANGES_YAML.replace(*bad), user=operator)
    assert any(expected in problem for problem in refused.value.problems)
    assert _dump() == before
    assert CatalogueChange.objects.count() == changes


def test_the_form_page_asks_for_an_explanation_and_submits_the_explained_value(
    small_submission, operator
):
    sub = small_submission
    _pupils(sub, 1000)
    assert save(sub, operator, {"EDU_EXP": "60 000 000"}).ok
    client = client_for(operator)
    client.cookies["django_language"] = "pl"
    args = [sub.round_id, sub.unit.teryt]
    page = client.get(reverse("submission-form", args=args)).content.decode()
    assert "Wydatki na ucznia poza zakresem twardym 8–50 tys. zł (zł, ceny 2024)." in page
    assert '<details class="comment" id="cd-EDU_EXP" open>' in page
    sub.refresh_from_db()
    value = Value.objects.get(unit=sub.unit, period=sub.round.period, variable__code="EDU_EXP")
    form = {
        "revision": str(sub.revision),
        "action": "submit",
        "v-EDU_EXP": "60 000 000",
        "r-EDU_EXP": str(value.revision),
        "c-EDU_EXP": "Szkoła specjalna dla całego powiatu",
    }
    response = client.post(reverse("submission-submit", args=args), form)
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.state == SubmissionState.SUBMITTED


def test_the_rule_editor_refuses_a_typical_range_outside_the_hard_one(db, operator):
    catalogue_import(text=RANGES_YAML, user=operator)
    with pytest.raises(CatalogueProblems) as refused:
        rule_update(
            rule=ValidationRule.objects.get(code="EDU_COST_PUPIL_TYPICAL"),
            user=operator,
            base_token=edit_token(
                ValidationRule.objects.get(code="EDU_COST_PUPIL_TYPICAL").updated_at
            ),
            left="EDU_EXP / PUPILS",
            operator="between",
            right="5000",
            upper="34000",
            severity="warning",
            message_pl="Poza zakresem typowym.",
            message_en="",
        )
    assert "EDU_COST_PUPIL_TYPICAL" in refused.value.problems[0]
    assert ValidationRule.objects.get(code="EDU_COST_PUPIL_TYPICAL").right == "17000"
