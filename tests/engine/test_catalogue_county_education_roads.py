"""Two county tasks of the shipped catalogue (issue 20, section 3): secondary and
vocational schools (SEC) and county roads (CRD), each with its set for counties and
cities with county rights. Every indicator computed from invented figures of a county and
a city with county rights, checked by hand; the consistency rules and the plausible
ranges fire on a wrong value and stay quiet on a right one. Read through the engine's
catalogue reader, as a programme loads it."""

import pytest

from benchlearn.engine.catalogue import Catalogue, Category, Polarity, Severity, Source
from benchlearn.engine.formula import parse, references
from benchlearn.engine.io.catalogue_yaml import read_default_catalogue
from benchlearn.engine.rule_ranges import numeric_bounds
from benchlearn.engine.rules import Outcome, evaluate_rules, rule_failures
from tests.engine.catalogue_figures import computed


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return read_default_catalogue()


def domain_rules(catalogue: Catalogue, domain: str) -> list:
    return [rule for rule in catalogue.rules if rule.domain == domain]


# --- invented figures -----------------------------------------------------------------

# A county (powiat ziemski) of 100,000 residents: 4,000 pupils in 160 classes, 400
# teacher FTEs, 80 mln zł current spending; 700 matura candidates, 560 passed (80%,
# the country 83%); 800 vocational exam candidates, 640 certified (80%, the country 75%).
COUNTY_SEC = {
    "POP": 100_000,
    "SEC_EXP_CUR": 80_000_000,
    "SEC_PUPILS": 4_000,
    "SEC_TEACHERS_FTE": 400,
    "SEC_CLASSES": 160,
    "SEC_MATURA_TAKERS": 700,
    "SEC_MATURA_PASSED": 560,
    "SEC_MATURA_PASS_PL": 83,
    "SEC_VOC_TAKERS": 800,
    "SEC_VOC_PASSED": 640,
    "SEC_VOC_PASS_PL": 75,
    "SEC_SURVEY_RESP": 200,
    "SEC_SURVEY_SATISFIED": 140,
    "SEC_DEC_ALL": 100,
    "SEC_DEC_LATE": 5,
    "SEC_DEC_APPEALED": 4,
    "SEC_DEC_OVERTURNED": 1,
}
# A city with county rights of 300,000: 15,000 pupils in 600 classes, 1,250 FTEs, 330
# mln zł; 3,000 matura candidates, 2,610 passed (87%); 3,000 vocational candidates,
# 2,100 certified (70%).
CITY_SEC = {
    "POP": 300_000,
    "SEC_EXP_CUR": 330_000_000,
    "SEC_PUPILS": 15_000,
    "SEC_TEACHERS_FTE": 1_250,
    "SEC_CLASSES": 600,
    "SEC_MATURA_TAKERS": 3_000,
    "SEC_MATURA_PASSED": 2_610,
    "SEC_MATURA_PASS_PL": 83,
    "SEC_VOC_TAKERS": 3_000,
    "SEC_VOC_PASSED": 2_100,
    "SEC_VOC_PASS_PL": 75,
    "SEC_SURVEY_RESP": 50,
    "SEC_SURVEY_SATISFIED": 40,
    "SEC_DEC_ALL": 120,
    "SEC_DEC_LATE": 6,
    "SEC_DEC_APPEALED": 5,
    "SEC_DEC_OVERTURNED": 1,
}
# Worked by hand: (county, city, group aggregate = Σ numerators / Σ denominators).
SEC_EXPECTED = {
    "SEC_COST_PUPIL": (20_000, 22_000, 410_000_000 / 19_000),
    "SEC_PUPILS_PER_TEACHER": (10.0, 12.0, 19_000 / 1_650),
    "SEC_CLASS_SIZE": (25.0, 25.0, 25.0),
    "SEC_VOC_SHARE": (20.0, 20.0, 20.0),
    # 80 − 83 = −3; 87 − 83 = +4; weighted by candidates: (−3·700 + 4·3000) / 3700
    "SEC_MATURA_PASS_GAP": (-3.0, 4.0, 9_900 / 3_700),
    # 80 − 75 = +5; 70 − 75 = −5; (5·800 − 5·3000) / 3800
    "SEC_VOC_PASS_GAP": (5.0, -5.0, -11_000 / 3_800),
    "SEC_SATISFACTION": (70.0, 80.0, 100 * 180 / 250),
    "SEC_DEC_LATE_SHARE": (5.0, 5.0, 100 * 11 / 220),
    "SEC_SKO_OVERTURNED_SHARE": (25.0, 20.0, 100 * 2 / 9),
}

# The county's 500 km of county roads (480 paved: 240 in classes A–B, 72 in D), 20 km
# rebuilt, 10 mln zł upkeep, 15 accidents; the city's 150 km of county-category streets
# (all paved: 90 in A–B, 15 in D), 6 km rebuilt, 30 mln zł (its part of 60015), 60
# accidents.
COUNTY_CRD = {
    "POP": 100_000,
    "CRD_LENGTH_KM": 500,
    "CRD_HARD_KM": 480,
    "CRD_GOOD_KM": 240,
    "CRD_BAD_KM": 72,
    "CRD_REBUILT_KM": 20,
    "CRD_MAINT_EXP": 10_000_000,
    "CRD_ACCIDENTS": 15,
    "CRD_SURVEY_RESP": 100,
    "CRD_SURVEY_SATISFIED": 55,
    "CRD_DEC_ALL": 400,
    "CRD_DEC_LATE": 8,
    "CRD_DEC_APPEALED": 10,
    "CRD_DEC_OVERTURNED": 3,
}
CITY_CRD = {
    "POP": 300_000,
    "CRD_LENGTH_KM": 150,
    "CRD_HARD_KM": 150,
    "CRD_GOOD_KM": 90,
    "CRD_BAD_KM": 15,
    "CRD_REBUILT_KM": 6,
    "CRD_MAINT_EXP": 30_000_000,
    "CRD_ACCIDENTS": 60,
    "CRD_SURVEY_RESP": 300,
    "CRD_SURVEY_SATISFIED": 180,
    "CRD_DEC_ALL": 1_200,
    "CRD_DEC_LATE": 24,
    "CRD_DEC_APPEALED": 20,
    "CRD_DEC_OVERTURNED": 5,
}
CRD_EXPECTED = {
    "CRD_MAINT_COST_KM": (20_000, 200_000, 40_000_000 / 650),
    "CRD_HARD_SHARE": (96.0, 100.0, 100 * 630 / 650),
    "CRD_GOOD_SHARE": (50.0, 60.0, 100 * 330 / 630),
    "CRD_BAD_SHARE": (15.0, 10.0, 100 * 87 / 630),
    "CRD_REBUILT_SHARE": (4.0, 4.0, 4.0),
    "CRD_ACCIDENTS_RATE": (3.0, 40.0, 100 * 75 / 650),
    "CRD_SATISFACTION": (55.0, 60.0, 100 * 235 / 400),
    "CRD_DEC_LATE_SHARE": (2.0, 2.0, 2.0),
    "CRD_SKO_OVERTURNED_SHARE": (30.0, 25.0, 100 * 8 / 30),
}

FIGURES = {"SEC": (COUNTY_SEC, CITY_SEC), "CRD": (COUNTY_CRD, CITY_CRD)}


# --- the domains and their sets -------------------------------------------------------


@pytest.mark.parametrize(
    ("domain", "name_pl", "expected"),
    [("SEC", "Szkoły ponadpodstawowe", SEC_EXPECTED), ("CRD", "Drogi powiatowe", CRD_EXPECTED)],
)
def test_each_county_domain_has_one_set_for_counties_and_cities_with_county_rights(
    catalogue, domain, name_pl, expected
):
    found = next(d for d in catalogue.domains if d.code == domain)
    assert found.name_pl == name_pl and found.name_en and found.description_en
    (county_set,) = [s for s in catalogue.sets if s.domain == domain]
    assert county_set.code == f"SET_{domain}"
    # a county task: counties and cities with county rights, not gminas
    assert county_set.kinds == ("mnpp", "pow")
    assert set(county_set.indicators) == set(expected)
    assert {i.code for i in catalogue.indicators if i.domain == domain} == set(expected)


@pytest.mark.parametrize("domain", ["SEC", "CRD"])
def test_each_county_domain_has_the_standard_shape(catalogue, domain):
    indicators = [i for i in catalogue.indicators if i.domain == domain]
    categories = {i.category for i in indicators}
    assert {Category.INPUT, Category.OUTPUT, Category.QUALITY} <= categories
    assert {Category.SATISFACTION, Category.GOVERNANCE} <= categories
    cost = [i for i in indicators if i.category is Category.INPUT]
    assert all(i.unit.startswith("zł/") and i.numerator and i.denominator for i in cost)
    for indicator in indicators:
        assert indicator.numerator and indicator.denominator, indicator.code
        assert indicator.notes_pl and indicator.notes_en, indicator.code
    survey = {v.code for v in catalogue.variables if v.source is Source.SURVEY}
    assert survey == survey | {f"{domain}_SURVEY_RESP", f"{domain}_SURVEY_SATISFIED"}
    satisfaction = catalogue.indicator(f"{domain}_SATISFACTION")
    assert satisfaction.polarity is Polarity.HIGHER_BETTER
    for code, counted, whole in (
        (f"{domain}_DEC_LATE_SHARE", "DEC_LATE", "DEC_ALL"),
        (f"{domain}_SKO_OVERTURNED_SHARE", "DEC_OVERTURNED", "DEC_APPEALED"),
    ):
        indicator = catalogue.indicator(code)
        assert indicator.category is Category.GOVERNANCE
        assert indicator.polarity is Polarity.LOWER_BETTER
        assert indicator.numerator == f"100 * {domain}_{counted}"
        assert indicator.denominator == f"{domain}_{whole}"
        assert indicator.formula.startswith(f"if({domain}_{whole} > 0,")


def variable(catalogue: Catalogue, code: str):
    return next(v for v in catalogue.variables if v.code == code)


def test_the_secondary_cost_names_its_chapters_and_what_it_leaves_out(catalogue):
    spending = variable(catalogue, "SEC_EXP_CUR")
    for text in (spending.definition_pl, spending.definition_en):
        assert "Rb-28S" in text
        for chapter in ("80115", "80116", "80117", "80120", "80152"):
            assert chapter in text
        # left out, and said so: boarding houses, the shared service centre, adult centres
        for chapter in ("85410", "80114", "80140", "80151"):
            assert chapter in text
        # subsidies to schools run by others: their pupils are not counted
        assert "§ 2540" in text and "§ 2590" in text
    pupils = variable(catalogue, "SEC_PUPILS")
    assert "SIO" in pupils.definition_pl and "30 września" in pupils.definition_pl


def test_the_exam_results_are_compared_with_the_countrys(catalogue):
    for code in ("SEC_MATURA_PASS_PL", "SEC_VOC_PASS_PL"):
        national = variable(catalogue, code)
        assert national.source is Source.PUBLIC_STATISTICS
        assert "CKE" in national.definition_pl and "CKE" in national.definition_en
        assert (national.unit, national.minimum, national.maximum) == ("%", 0, 100)
    assert "OKE" in variable(catalogue, "SEC_MATURA_TAKERS").definition_pl
    assert "sesji głównej" in variable(catalogue, "SEC_MATURA_PASSED").definition_pl


def test_the_decisions_name_the_appeal_body(catalogue):
    education = variable(catalogue, "SEC_DEC_ALL").definition_pl
    assert "SKO" in education and "art. 88" in education and "art. 168" in education
    # head teachers' decisions go to the kurator and admissions to the court: not counted
    assert "kuratora" in education and "art. 158" in education
    roads = variable(catalogue, "CRD_DEC_ALL").definition_pl
    assert "SKO" in roads and "art. 40" in roads and "art. 29" in roads


def test_county_roads_say_how_a_city_with_county_rights_separates_them(catalogue):
    spending = variable(catalogue, "CRD_MAINT_EXP")
    assert "60014" in spending.definition_pl and "Rb-28S" in spending.definition_pl
    # a city books all its roads in 60015: only the county-category part counts
    assert "60015" in spending.definition_pl and "kategorii powiatowej" in spending.definition_pl
    assert "60015" in spending.definition_en and "county category" in spending.definition_en
    length = variable(catalogue, "CRD_LENGTH_KM")
    assert "art. 19 ust. 5" in length.definition_pl and "art. 19(5)" in length.definition_en


# --- computing it ---------------------------------------------------------------------


@pytest.mark.parametrize(("code", "expected"), sorted({**SEC_EXPECTED, **CRD_EXPECTED}.items()))
def test_each_indicator_computes_the_hand_checked_example(catalogue, code, expected):
    county, city = FIGURES[code.split("_")[0]]
    at_county, at_city, aggregate = expected
    result = computed(catalogue, {"P": county, "M": city}, code)
    assert result["P"] == pytest.approx(at_county)
    assert result["M"] == pytest.approx(at_city)
    assert result["aggregate"] == pytest.approx(aggregate)


def test_satisfaction_needs_30_answers_and_governance_a_decision(catalogue):
    few = {**CITY_SEC, "SEC_SURVEY_RESP": 29, "SEC_SURVEY_SATISFIED": 20}
    assert computed(catalogue, {"M": few}, "SEC_SATISFACTION")["M"] is None
    none = {**COUNTY_CRD, "CRD_DEC_ALL": 0, "CRD_DEC_LATE": 0, "CRD_DEC_APPEALED": 0}
    assert computed(catalogue, {"P": none}, "CRD_DEC_LATE_SHARE")["P"] is None
    assert computed(catalogue, {"P": none}, "CRD_SKO_OVERTURNED_SHARE")["P"] is None
    # a county with only licea: no vocational candidates, no pass rate to compare
    licea = {**COUNTY_SEC, "SEC_VOC_TAKERS": 0, "SEC_VOC_PASSED": 0}
    assert computed(catalogue, {"P": licea}, "SEC_VOC_PASS_GAP")["P"] is None


# --- the rules ------------------------------------------------------------------------


@pytest.mark.parametrize("domain", ["SEC", "CRD"])
def test_the_example_figures_break_no_rule(catalogue, domain):
    for values in FIGURES[domain]:
        outcomes = {
            r.rule.code: r.outcome for r in evaluate_rules(domain_rules(catalogue, domain), values)
        }
        assert Outcome.FAILED not in outcomes.values(), outcomes
        # only the year-on-year checks wait for a previous year
        skipped = {code for code, outcome in outcomes.items() if outcome is Outcome.SKIPPED}
        assert skipped <= {"SEC_CHECK_EXP_CHANGE", "CRD_CHECK_LENGTH_CHANGE"}


@pytest.mark.parametrize(
    ("values", "failing"),
    [
        # spending typed in thousands of złoty: 20 zł a pupil
        ({**COUNTY_SEC, "SEC_EXP_CUR": 80_000}, ["SEC_COST_PUPIL_HARD", "SEC_COST_PUPIL_TYPICAL"]),
        # 35,000 zł a pupil: possible, but above the typical range
        ({**COUNTY_SEC, "SEC_EXP_CUR": 140_000_000}, ["SEC_COST_PUPIL_TYPICAL"]),
        # FTEs typed a tenth too small: 100 pupils per teacher
        (
            {**COUNTY_SEC, "SEC_TEACHERS_FTE": 40},
            ["SEC_PUPILS_PER_TEACHER_HARD", "SEC_PUPILS_PER_TEACHER_TYPICAL"],
        ),
        # the national pass rate typed as a fraction (0.83): a gap of 79 points
        (
            {**COUNTY_SEC, "SEC_MATURA_PASS_PL": 0.83},
            ["SEC_MATURA_PASS_GAP_HARD", "SEC_MATURA_PASS_GAP_TYPICAL"],
        ),
        # more passed than took the exam
        (
            {**COUNTY_SEC, "SEC_MATURA_PASSED": 750},
            [
                "SEC_CHECK_MATURA",
                "SEC_MATURA_PASS_HARD",
                "SEC_MATURA_PASS_TYPICAL",
                "SEC_MATURA_PASS_GAP_HARD",
                "SEC_MATURA_PASS_GAP_TYPICAL",
            ],
        ),
        # more certificates than candidates: 112.5%, 37.5 points above the country
        (
            {**COUNTY_SEC, "SEC_VOC_PASSED": 900},
            [
                "SEC_CHECK_VOC",
                "SEC_VOC_PASS_HARD",
                "SEC_VOC_PASS_TYPICAL",
                "SEC_VOC_PASS_GAP_TYPICAL",
            ],
        ),
        # more late decisions than decisions
        (
            {**CITY_SEC, "SEC_DEC_LATE": 130},
            ["SEC_CHECK_DEC_LATE", "SEC_DEC_LATE_SHARE_HARD", "SEC_DEC_LATE_SHARE_TYPICAL"],
        ),
        # maintenance typed in thousands: 20 zł a km
        (
            {**COUNTY_CRD, "CRD_MAINT_EXP": 10_000},
            ["CRD_MAINT_COST_KM_HARD", "CRD_MAINT_COST_KM_TYPICAL"],
        ),
        # road length typed in metres: 5,000 km per 1,000 residents
        (
            {**COUNTY_CRD, "CRD_LENGTH_KM": 500_000},
            [
                "CRD_LENGTH_RESIDENT_HARD",
                "CRD_LENGTH_RESIDENT_TYPICAL",
                "CRD_HARD_SHARE_HARD",
                "CRD_HARD_SHARE_TYPICAL",
                "CRD_REBUILT_SHARE_TYPICAL",
                "CRD_MAINT_COST_KM_HARD",
                "CRD_MAINT_COST_KM_TYPICAL",
            ],
        ),
        # classes A–B and D together longer than the paved roads
        ({**COUNTY_CRD, "CRD_BAD_KM": 300}, ["CRD_CHECK_BAD", "CRD_BAD_SHARE_TYPICAL"]),
        # a city street network with many accidents: above typical, not impossible
        ({**CITY_CRD, "CRD_ACCIDENTS": 400}, ["CRD_ACCIDENTS_RATE_TYPICAL"]),
    ],
)
def test_wrong_figures_break_their_rules_and_only_those(catalogue, values, failing):
    rules = domain_rules(catalogue, "SEC" if "SEC_PUPILS" in values else "CRD")
    found = {r.rule.code: r.severity for r in rule_failures(rules, values)}
    assert sorted(found) == sorted(failing)
    for code, severity in found.items():
        # a range's typical side warns; its hard side and a part above its whole block
        assert severity is (Severity.WARNING if code.endswith("_TYPICAL") else Severity.ERROR)


def test_a_jump_in_road_length_or_school_spending_asks_for_an_explanation(catalogue):
    rules = domain_rules(catalogue, "CRD") + domain_rules(catalogue, "SEC")
    values = {**COUNTY_CRD, **COUNTY_SEC}
    previous = {"CRD_LENGTH_KM": 480, "SEC_EXP_CUR": 76_000_000}
    assert rule_failures(rules, values, previous=previous) == []
    # 650 km after 480 (+35%: a change of road categories, or a typing error)
    jumped = {**values, "CRD_LENGTH_KM": 650, "CRD_HARD_KM": 630}
    found = {r.rule.code: r.severity for r in rule_failures(rules, jumped, previous=previous)}
    assert found == {"CRD_CHECK_LENGTH_CHANGE": Severity.WARNING}
    # spending doubled from the last known year
    found = {r.rule.code for r in rule_failures(rules, values, previous={"SEC_EXP_CUR": 40e6})}
    assert found == {"SEC_CHECK_EXP_CHANGE"}


# --- the plausible ranges as rules ----------------------------------------------------


@pytest.mark.parametrize("domain", ["SEC", "CRD"])
def test_every_range_is_a_hard_and_a_typical_rule_over_the_same_quantity(catalogue, domain):
    rules = {r.code: r for r in domain_rules(catalogue, domain)}
    stems = {code.removesuffix("_HARD") for code in rules if code.endswith("_HARD")}
    assert stems == {code.removesuffix("_TYPICAL") for code in rules if code.endswith("_TYPICAL")}
    for stem in stems:
        hard, typical = rules[stem + "_HARD"], rules[stem + "_TYPICAL"]
        assert hard.left == typical.left, stem
        assert (hard.severity, typical.severity) == (Severity.ERROR, Severity.WARNING)
        (hard_low, hard_high), (low, high) = numeric_bounds(hard), numeric_bounds(typical)
        assert hard_low <= low <= high <= hard_high, stem
        for rule in (hard, typical):
            # the county ranges are the catalogue's estimate, not the expert review's
            assert "przegląd ekspercki 2026 nie obejmował zadań powiatu" in rule.message_pl
            assert "did not cover county tasks" in rule.message_en
    # governance and satisfaction as in every domain
    for stem in ("DEC_LATE_SHARE", "SKO_OVERTURNED_SHARE", "APPEALED_SHARE", "SATISFACTION"):
        assert f"{domain}_{stem}" in stems


@pytest.mark.parametrize(("stem", "year"), [("SEC_COST_PUPIL", 2024), ("CRD_MAINT_COST_KM", 2024)])
def test_money_ranges_state_their_price_year(catalogue, stem, year):
    rules = {r.code: r for r in catalogue.rules}
    for suffix in ("_HARD", "_TYPICAL"):
        assert f"w cenach {year} r." in rules[stem + suffix].message_pl
        assert f"at {year} prices" in rules[stem + suffix].message_en


@pytest.mark.parametrize("domain", ["SEC", "CRD"])
def test_every_variable_with_a_plausible_range_is_read_by_a_hard_range(catalogue, domain):
    read: set[str] = set()
    for rule in domain_rules(catalogue, domain):
        if rule.code.endswith("_HARD"):
            read |= references(parse(rule.left))
    bounded = {
        v.code for v in catalogue.variables if v.domain == domain and v.plausible_min is not None
    }
    # no deliberate exceptions: the national pass rates (CKE) and the survey counts have
    # no plausible range, as EDU's national means and survey counts have none
    assert bounded <= read
    assert bounded >= {f"{domain}_DEC_LATE", f"{domain}_DEC_APPEALED", f"{domain}_DEC_OVERTURNED"}
