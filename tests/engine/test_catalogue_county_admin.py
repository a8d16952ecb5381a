"""Three county tasks of the shipped catalogue (issue 20, section 3): building
administration (BLD), vehicle registration and driving licences (VEH), surveying and
land records (GEO). Each is a set for counties and cities with county rights, with a cost
per case, outputs, quality against the statutory deadlines, satisfaction from a survey
and the governance pair naming its appeal body (the voivode, the SKO, the WINGiK); the
figures a clerk enters are checked by consistency rules and by hard and typical ranges.
Read through the engine's catalogue reader, as a programme loads it."""

import pytest

from benchlearn.engine.catalogue import (
    Catalogue,
    Category,
    Operator,
    Polarity,
    Severity,
    Source,
)
from benchlearn.engine.io.catalogue_yaml import read_default_catalogue
from benchlearn.engine.rules import Outcome, compared_value, evaluate_rules, rule_failures
from tests.engine.catalogue_figures import computed, variable

DOMAINS = ("BLD", "VEH", "GEO")
# The appeal body of each domain: how the overturned share is named and who is named.
APPEAL = {
    "BLD": ("BLD_WOJ_OVERTURNED_SHARE", "wojewod", "voivode"),
    "VEH": ("VEH_SKO_OVERTURNED_SHARE", "SKO", "SKO"),
    "GEO": ("GEO_WINGIK_OVERTURNED_SHARE", "WINGiK", "WINGiK"),
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return read_default_catalogue()


# --- invented figures: a county (powiat) of 100,000 and a city with county rights of
# 200,000 residents, every quantity inside its typical range -------------------------

COUNTY = {
    "POP": 100_000,
    # 10 FTEs costing 1.3 mln zł settle 2,000 cases, 500 filed electronically; 800 permit
    # decisions, 20 after 65 days; the voivode penalised 4 cases for 10,000 zł (20 days)
    "BLD_EXP": 1_300_000,
    "BLD_STAFF_FTE": 10,
    "BLD_CASES": 2_000,
    "BLD_CASES_ELECTRONIC": 500,
    "BLD_PERMITS": 800,
    "BLD_PERMITS_LATE": 20,
    "BLD_PENALTIES": 4,
    "BLD_PENALTY_ZL": 10_000,
    "BLD_SURVEY_RESP": 40,
    "BLD_SURVEY_SATISFIED": 28,
    "BLD_DEC_ALL": 1_000,
    "BLD_DEC_LATE": 30,
    "BLD_DEC_APPEALED": 20,
    "BLD_DEC_OVERTURNED": 5,
    # 25 FTEs costing 3 mln zł settle 40,000 cases, 4,000 started online; 15,000
    # certificates after 20 days on average, 3,000 licences after 10
    "VEH_EXP": 3_000_000,
    "VEH_STAFF_FTE": 25,
    "VEH_CASES": 40_000,
    "VEH_CASES_ONLINE": 4_000,
    "VEH_REG_CERTS": 15_000,
    "VEH_REG_DAYS": 20,
    "VEH_LICENCES": 3_000,
    "VEH_LIC_DAYS": 10,
    "VEH_SURVEY_RESP": 50,
    "VEH_SURVEY_SATISFIED": 40,
    "VEH_DEC_ALL": 20_000,
    "VEH_DEC_LATE": 200,
    "VEH_DEC_APPEALED": 10,
    "VEH_DEC_OVERTURNED": 2,
    # 3 mln zł for 3,000 notifications and 9,000 requests; 150 notifications and 270 of
    # 2,700 verifications late; 300 of 1,200 km² modernised
    "GEO_EXP": 3_000_000,
    "GEO_NOTIFICATIONS": 3_000,
    "GEO_NOTIF_DAYS": 4,
    "GEO_NOTIF_LATE": 150,
    "GEO_VERIFICATIONS": 2_700,
    "GEO_VERIF_DAYS": 8,
    "GEO_VERIF_LATE": 270,
    "GEO_REQUESTS": 9_000,
    "GEO_REQUESTS_ONLINE": 2_700,
    "GEO_AREA_KM2": 1_200,
    "GEO_MODERN_KM2": 300,
    "GEO_SURVEY_RESP": 60,
    "GEO_SURVEY_SATISFIED": 42,
    "GEO_DEC_ALL": 100,
    "GEO_DEC_LATE": 5,
    "GEO_DEC_APPEALED": 4,
    "GEO_DEC_OVERTURNED": 1,
}
CITY = {
    "POP": 200_000,
    "BLD_EXP": 3_000_000,
    "BLD_STAFF_FTE": 20,
    "BLD_CASES": 5_000,
    "BLD_CASES_ELECTRONIC": 2_000,
    "BLD_PERMITS": 1_500,
    "BLD_PERMITS_LATE": 150,
    "BLD_PENALTIES": 10,
    "BLD_PENALTY_ZL": 60_000,
    "BLD_SURVEY_RESP": 100,
    "BLD_SURVEY_SATISFIED": 60,
    "BLD_DEC_ALL": 2_000,
    "BLD_DEC_LATE": 100,
    "BLD_DEC_APPEALED": 50,
    "BLD_DEC_OVERTURNED": 20,
    "VEH_EXP": 5_000_000,
    "VEH_STAFF_FTE": 40,
    "VEH_CASES": 100_000,
    "VEH_CASES_ONLINE": 20_000,
    "VEH_REG_CERTS": 40_000,
    "VEH_REG_DAYS": 14,
    "VEH_LICENCES": 8_000,
    "VEH_LIC_DAYS": 7,
    "VEH_SURVEY_RESP": 200,
    "VEH_SURVEY_SATISFIED": 150,
    "VEH_DEC_ALL": 50_000,
    "VEH_DEC_LATE": 1_000,
    "VEH_DEC_APPEALED": 20,
    "VEH_DEC_OVERTURNED": 6,
    "GEO_EXP": 5_000_000,
    "GEO_NOTIFICATIONS": 5_000,
    "GEO_NOTIF_DAYS": 3,
    "GEO_NOTIF_LATE": 0,
    "GEO_VERIFICATIONS": 5_000,
    "GEO_VERIF_DAYS": 6,
    "GEO_VERIF_LATE": 500,
    "GEO_REQUESTS": 20_000,
    "GEO_REQUESTS_ONLINE": 15_000,
    "GEO_AREA_KM2": 150,
    "GEO_MODERN_KM2": 150,
    "GEO_SURVEY_RESP": 30,
    "GEO_SURVEY_SATISFIED": 24,
    "GEO_DEC_ALL": 200,
    "GEO_DEC_LATE": 4,
    "GEO_DEC_APPEALED": 5,
    "GEO_DEC_OVERTURNED": 1,
}

# Worked by hand: (county, city, group aggregate = Σ numerators / Σ denominators).
EXPECTED = {
    "BLD_COST_CASE": (650, 600, 4_300_000 / 7_000),
    "BLD_CASES_PER_FTE": (200, 250, 7_000 / 30),
    # (800 − 20) / 800; (1,500 − 150) / 1,500; 2,130 / 2,300
    "BLD_PERMITS_ON_TIME": (97.5, 90.0, 100 * 2_130 / 2_300),
    "BLD_PENALTY_SHARE": (0.5, 100 * 10 / 1_500, 100 * 14 / 2_300),
    # 10,000 zł / 4 = 2,500 zł (5 days of delay); 60,000 / 10 = 6,000 (12 days)
    "BLD_PENALTY_AVG": (2_500, 6_000, 70_000 / 14),
    "BLD_ELECTRONIC_SHARE": (25.0, 40.0, 100 * 2_500 / 7_000),
    "BLD_SATISFACTION": (70.0, 60.0, 100 * 88 / 140),
    "BLD_DEC_LATE_SHARE": (3.0, 5.0, 100 * 130 / 3_000),
    "BLD_WOJ_OVERTURNED_SHARE": (25.0, 40.0, 100 * 25 / 70),
    "VEH_COST_CASE": (75, 50, 8_000_000 / 140_000),
    "VEH_CASES_PER_FTE": (1_600, 2_500, 140_000 / 65),
    # weighted by certificates: (20·15,000 + 14·40,000) / 55,000
    "VEH_REG_WAIT": (20.0, 14.0, 860_000 / 55_000),
    "VEH_LIC_WAIT": (10.0, 7.0, 86_000 / 11_000),
    "VEH_ONLINE_SHARE": (10.0, 20.0, 100 * 24_000 / 140_000),
    "VEH_SATISFACTION": (80.0, 75.0, 100 * 190 / 250),
    "VEH_DEC_LATE_SHARE": (1.0, 2.0, 100 * 1_200 / 70_000),
    "VEH_SKO_OVERTURNED_SHARE": (20.0, 30.0, 100 * 8 / 30),
    # 3 mln / (3,000 + 9,000); 5 mln / (5,000 + 20,000)
    "GEO_COST_CASE": (250, 200, 8_000_000 / 37_000),
    "GEO_NOTIF_TIME": (4.0, 3.0, 27_000 / 8_000),
    "GEO_VERIF_TIME": (8.0, 6.0, 51_600 / 7_700),
    # (3,000 + 2,700 − 150 − 270) / 5,700; (10,000 − 500) / 10,000
    "GEO_ON_TIME_SHARE": (100 * 5_280 / 5_700, 95.0, 100 * 14_780 / 15_700),
    "GEO_EGIB_MODERN_SHARE": (25.0, 100.0, 100 * 450 / 1_350),
    "GEO_ONLINE_SHARE": (30.0, 75.0, 100 * 17_700 / 29_000),
    # the city has exactly 30 answers: shown
    "GEO_SATISFACTION": (70.0, 80.0, 100 * 66 / 90),
    "GEO_DEC_LATE_SHARE": (5.0, 2.0, 100 * 9 / 300),
    "GEO_WINGIK_OVERTURNED_SHARE": (25.0, 20.0, 100 * 2 / 9),
}


# --- the domains and their sets --------------------------------------------------------


@pytest.mark.parametrize("domain", DOMAINS)
def test_each_domain_is_one_set_for_counties_and_cities_with_county_rights(catalogue, domain):
    found = next(d for d in catalogue.domains if d.code == domain)
    assert found.name_pl and found.name_en and found.name_pl != found.name_en
    assert found.description_pl and found.description_en
    (the_set,) = [s for s in catalogue.sets if s.domain == domain]
    assert the_set.code == f"SET_{domain}"
    assert set(the_set.kinds) == {"pow", "mnpp"}
    indicators = {i.code for i in catalogue.indicators if i.domain == domain}
    assert set(the_set.indicators) == indicators
    assert indicators == {code for code in EXPECTED if code.startswith(domain + "_")}


@pytest.mark.parametrize("domain", DOMAINS)
def test_each_set_has_cost_outputs_quality_satisfaction_and_governance(catalogue, domain):
    indicators = [i for i in catalogue.indicators if i.domain == domain]
    cost = catalogue.indicator(f"{domain}_COST_CASE")
    assert cost.category is Category.INPUT and cost.unit == "zł/sprawę"
    assert cost.numerator and cost.denominator and cost.polarity is Polarity.LOWER_BETTER
    categories = {i.category for i in indicators}
    assert {Category.OUTPUT, Category.QUALITY, Category.SATISFACTION} <= categories
    survey = {v.code for v in catalogue.variables if v.source is Source.SURVEY}
    satisfaction = catalogue.indicator(f"{domain}_SATISFACTION")
    assert {f"{domain}_SURVEY_RESP", f"{domain}_SURVEY_SATISFIED"} <= survey
    assert satisfaction.formula.startswith(f"if({domain}_SURVEY_RESP >= 30,")
    for indicator in indicators:
        assert indicator.notes_pl and indicator.notes_en, indicator.code
        assert indicator.name_pl != indicator.name_en, indicator.code


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_governance_pair_names_the_domains_appeal_body(catalogue, domain):
    overturned_code, body_pl, body_en = APPEAL[domain]
    late = catalogue.indicator(f"{domain}_DEC_LATE_SHARE")
    overturned = catalogue.indicator(overturned_code)
    for indicator in (late, overturned):
        assert indicator.category is Category.GOVERNANCE
        assert indicator.polarity is Polarity.LOWER_BETTER
        assert indicator.unit == "%"
    assert (late.numerator, late.denominator) == (f"100 * {domain}_DEC_LATE", f"{domain}_DEC_ALL")
    assert (overturned.numerator, overturned.denominator) == (
        f"100 * {domain}_DEC_OVERTURNED",
        f"{domain}_DEC_APPEALED",
    )
    assert late.formula.startswith(f"if({domain}_DEC_ALL > 0,")
    assert overturned.formula.startswith(f"if({domain}_DEC_APPEALED > 0,")
    for code in (f"{domain}_DEC_ALL", f"{domain}_DEC_APPEALED", f"{domain}_DEC_OVERTURNED"):
        found = variable(catalogue, code)
        assert body_pl in found.definition_pl and body_en in found.definition_en, code
    assert body_pl in overturned.name_pl and body_en in overturned.name_en


def test_the_building_deadline_and_penalty_are_those_of_the_construction_law(catalogue):
    late = variable(catalogue, "BLD_PERMITS_LATE")
    assert "65 dni" in late.definition_pl and "art. 35 ust. 6" in late.definition_pl
    assert "65 days" in late.definition_en and "art. 35(6)" in late.definition_en
    penalties = variable(catalogue, "BLD_PENALTIES")
    assert "500 zł za każdy dzień zwłoki" in penalties.definition_pl
    assert "wojewoda" in penalties.definition_pl and "voivode" in penalties.definition_en
    assert "e-Budownictwo" in variable(catalogue, "BLD_CASES_ELECTRONIC").definition_pl
    # building control (the county inspector, 71015) is another authority, not counted
    assert "71015" in variable(catalogue, "BLD_EXP").definition_pl


def test_the_surveying_deadlines_are_those_of_the_geodetic_law(catalogue):
    notified = variable(catalogue, "GEO_NOTIF_LATE")
    assert "5 dni roboczych" in notified.definition_pl and "art. 12 " in notified.definition_pl
    verified = variable(catalogue, "GEO_VERIF_LATE")
    for text in ("art. 12b ust. 1a", "7 dni roboczych", "10 dni roboczych", "20 dni roboczych"):
        assert text in verified.definition_pl
    assert "art. 12b(1a)" in verified.definition_en and "20 working days" in verified.definition_en
    assert "71012" in variable(catalogue, "GEO_EXP").definition_pl
    # the county's area comes from its own land register, not the gmina context AREA_KM2
    modern = catalogue.indicator("GEO_EGIB_MODERN_SHARE")
    assert modern.denominator == "GEO_AREA_KM2"


def test_vehicle_waiting_times_come_from_the_register_and_are_weighted(catalogue):
    for days, weight in (("VEH_REG_DAYS", "VEH_REG_CERTS"), ("VEH_LIC_DAYS", "VEH_LICENCES")):
        found = variable(catalogue, days)
        assert found.unit == "dni" and "CEPiK" in found.definition_pl
        assert weight in found.definition_pl
    assert catalogue.indicator("VEH_REG_WAIT").denominator == "VEH_REG_CERTS"
    assert catalogue.indicator("VEH_LIC_WAIT").denominator == "VEH_LICENCES"
    assert "gov.pl" in variable(catalogue, "VEH_CASES_ONLINE").definition_pl


# --- computing it ---------------------------------------------------------------------


@pytest.mark.parametrize(("code", "expected"), sorted(EXPECTED.items()))
def test_each_indicator_computes_the_hand_checked_example(catalogue, code, expected):
    county, city, aggregate = expected
    result = computed(catalogue, {"P": COUNTY, "M": CITY}, code)
    assert result["P"] == pytest.approx(county)
    assert result["M"] == pytest.approx(city)
    assert result["aggregate"] == pytest.approx(aggregate)


@pytest.mark.parametrize(
    ("code", "change"),
    [
        # fewer than 30 answers: not shown
        ("BLD_SATISFACTION", {"BLD_SURVEY_RESP": 29, "BLD_SURVEY_SATISFIED": 20}),
        ("VEH_SATISFACTION", {"VEH_SURVEY_RESP": 12, "VEH_SURVEY_SATISFIED": 12}),
        ("GEO_SATISFACTION", {"GEO_SURVEY_RESP": 0, "GEO_SURVEY_SATISFIED": 0}),
        # no decision, no appeal, no penalty, no permit: nothing to share
        ("BLD_DEC_LATE_SHARE", {"BLD_DEC_ALL": 0, "BLD_DEC_LATE": 0}),
        ("BLD_WOJ_OVERTURNED_SHARE", {"BLD_DEC_APPEALED": 0, "BLD_DEC_OVERTURNED": 0}),
        ("BLD_PENALTY_AVG", {"BLD_PENALTIES": 0, "BLD_PENALTY_ZL": 0}),
        ("BLD_PERMITS_ON_TIME", {"BLD_PERMITS": 0, "BLD_PERMITS_LATE": 0}),
        ("VEH_SKO_OVERTURNED_SHARE", {"VEH_DEC_APPEALED": 0, "VEH_DEC_OVERTURNED": 0}),
        ("GEO_WINGIK_OVERTURNED_SHARE", {"GEO_DEC_APPEALED": 0, "GEO_DEC_OVERTURNED": 0}),
    ],
)
def test_too_few_answers_or_no_cases_give_no_value(catalogue, code, change):
    assert computed(catalogue, {"P": {**COUNTY, **change}}, code)["P"] is None


# --- the rules ------------------------------------------------------------------------


def domain_rules(catalogue: Catalogue, domain: str) -> dict[str, object]:
    return {rule.code: rule for rule in catalogue.rules if rule.domain == domain}


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_hand_checked_figures_pass_every_rule_of_the_domain(catalogue, domain):
    rules = domain_rules(catalogue, domain).values()
    for values in (COUNTY, CITY):
        outcomes = {r.rule.code: r.outcome for r in evaluate_rules(rules, values)}
        assert set(outcomes.values()) == {Outcome.PASSED}, outcomes


@pytest.mark.parametrize(
    ("change", "errors", "warnings"),
    [
        # the department's spending typed in thousands: 0.65 zł a case
        ({"BLD_EXP": 1_300}, {"BLD_COST_CASE_HARD"}, {"BLD_COST_CASE_TYPICAL"}),
        # penalties typed in thousands: less than 500 zł per penalised case
        (
            {"BLD_PENALTY_ZL": 10},
            {"BLD_CHECK_PENALTY_ZL", "BLD_PENALTY_AVG_HARD"},
            {"BLD_PENALTY_AVG_TYPICAL"},
        ),
        # more late permits than permits: a negative share on time
        (
            {"BLD_PERMITS_LATE": 900},
            {"BLD_CHECK_PERMITS_LATE", "BLD_PERMITS_ON_TIME_HARD"},
            {"BLD_PERMITS_ON_TIME_TYPICAL"},
        ),
        ({"BLD_PERMITS": 1_200}, {"BLD_CHECK_PERMITS"}, set()),
        # 10 FTEs per 10,000 residents: the hard range's edge, only unusual
        ({"BLD_STAFF_FTE": 100}, set(), {"BLD_STAFF_RATE_TYPICAL", "BLD_CASES_PER_FTE_TYPICAL"}),
        ({"VEH_REG_DAYS": 200}, {"VEH_REG_WAIT_HARD"}, {"VEH_REG_WAIT_TYPICAL"}),
        ({"VEH_REG_DAYS": 50}, set(), {"VEH_REG_WAIT_TYPICAL"}),
        (
            {"VEH_LICENCES": 40_000},
            {"VEH_CHECK_DOCUMENTS", "VEH_LICENCES_RATE_HARD"},
            {"VEH_LICENCES_RATE_TYPICAL"},
        ),
        (
            {"VEH_DEC_OVERTURNED": 11},
            {"VEH_CHECK_DEC_OVERTURNED", "VEH_SKO_OVERTURNED_SHARE_HARD"},
            {"VEH_SKO_OVERTURNED_SHARE_TYPICAL"},
        ),
        # the county's area typed in hectares: a hundred times too large
        (
            {"GEO_AREA_KM2": 120_000},
            {"GEO_AREA_HARD"},
            {"GEO_AREA_TYPICAL", "GEO_EGIB_MODERN_SHARE_TYPICAL"},
        ),
        (
            {"GEO_MODERN_KM2": 30_000},
            {"GEO_CHECK_MODERN_AREA", "GEO_EGIB_MODERN_SHARE_HARD"},
            {"GEO_EGIB_MODERN_SHARE_TYPICAL"},
        ),
        ({"GEO_NOTIF_DAYS": 10}, set(), {"GEO_NOTIF_TIME_TYPICAL"}),
        (
            {"GEO_SURVEY_SATISFIED": 70},
            {"GEO_CHECK_SURVEY", "GEO_SATISFACTION_HARD"},
            {"GEO_SATISFACTION_TYPICAL"},
        ),
    ],
)
def test_wrong_figures_break_their_rules(catalogue, change, errors, warnings):
    rules = [r for r in catalogue.rules if r.domain in DOMAINS]
    failures = rule_failures(rules, {**COUNTY, **change})
    assert {f.rule.code for f in failures if f.severity is Severity.ERROR} == errors
    assert {f.rule.code for f in failures if f.severity is Severity.WARNING} == warnings


# Each variable with a plausible range → the quantity whose _HARD/_TYPICAL rules read it.
RANGED = {
    "BLD_EXP": "BLD_COST_CASE",
    "BLD_STAFF_FTE": "BLD_STAFF_RATE",
    "BLD_CASES": "BLD_CASES_PER_FTE",
    "BLD_CASES_ELECTRONIC": "BLD_ELECTRONIC_SHARE",
    "BLD_PERMITS": "BLD_PERMITS_RATE",
    "BLD_PERMITS_LATE": "BLD_PERMITS_ON_TIME",
    "BLD_PENALTIES": "BLD_PENALTY_SHARE",
    "BLD_PENALTY_ZL": "BLD_PENALTY_AVG",
    "BLD_DEC_LATE": "BLD_DEC_LATE_SHARE",
    "BLD_DEC_APPEALED": "BLD_APPEALED_SHARE",
    "BLD_DEC_OVERTURNED": "BLD_WOJ_OVERTURNED_SHARE",
    "VEH_EXP": "VEH_COST_CASE",
    "VEH_STAFF_FTE": "VEH_STAFF_RATE",
    "VEH_CASES": "VEH_CASES_PER_FTE",
    "VEH_CASES_ONLINE": "VEH_ONLINE_SHARE",
    "VEH_REG_CERTS": "VEH_REG_CERTS_RATE",
    "VEH_REG_DAYS": "VEH_REG_WAIT",
    "VEH_LICENCES": "VEH_LICENCES_RATE",
    "VEH_LIC_DAYS": "VEH_LIC_WAIT",
    "VEH_DEC_LATE": "VEH_DEC_LATE_SHARE",
    "VEH_DEC_APPEALED": "VEH_APPEALED_SHARE",
    "VEH_DEC_OVERTURNED": "VEH_SKO_OVERTURNED_SHARE",
    "GEO_EXP": "GEO_EXP_RESIDENT",
    "GEO_NOTIFICATIONS": "GEO_NOTIF_RATE",
    "GEO_NOTIF_DAYS": "GEO_NOTIF_TIME",
    "GEO_NOTIF_LATE": "GEO_ON_TIME_SHARE",
    "GEO_VERIFICATIONS": "GEO_VERIF_TO_NOTIF",
    "GEO_VERIF_DAYS": "GEO_VERIF_TIME",
    "GEO_VERIF_LATE": "GEO_ON_TIME_SHARE",
    "GEO_REQUESTS": "GEO_REQUESTS_RATE",
    "GEO_REQUESTS_ONLINE": "GEO_ONLINE_SHARE",
    "GEO_AREA_KM2": "GEO_AREA",
    "GEO_MODERN_KM2": "GEO_EGIB_MODERN_SHARE",
    "GEO_DEC_LATE": "GEO_DEC_LATE_SHARE",
    "GEO_DEC_APPEALED": "GEO_APPEALED_SHARE",
    "GEO_DEC_OVERTURNED": "GEO_WINGIK_OVERTURNED_SHARE",
}
# Deliberately without a range: survey counts (filled by the survey, not typed) and the
# decision totals (a few to tens of thousands a year, no order of magnitude to expect).
UNRANGED = {f"{d}_{suffix}" for d in DOMAINS for suffix in ("SURVEY_RESP", "SURVEY_SATISFIED")}
UNRANGED |= {f"{d}_DEC_ALL" for d in DOMAINS}


def test_every_plausible_range_is_a_pair_of_rules_reading_the_variable(catalogue):
    ours = [v for v in catalogue.variables if v.domain in DOMAINS]
    assert {v.code for v in ours if v.plausible_min is not None} == set(RANGED)
    assert {v.code for v in ours if v.plausible_min is None} == UNRANGED
    rules = {r.code: r for r in catalogue.rules}
    for code, stem in RANGED.items():
        hard, typical = rules[stem + "_HARD"], rules[stem + "_TYPICAL"]
        assert hard.left == typical.left and code in hard.left, code
        assert hard.operator is typical.operator is Operator.BETWEEN
        assert (hard.severity, typical.severity) == (Severity.ERROR, Severity.WARNING)
        low, high = float(hard.right), float(hard.upper)
        assert low <= float(typical.right) <= float(typical.upper) <= high, stem


def test_range_messages_give_their_reasoning_and_money_its_price_year(catalogue):
    ranged = [r for r in catalogue.rules if r.domain in DOMAINS and r.code.endswith("_HARD")]
    # the variables' ranges, the satisfaction shares and the cost per case of GEO (whose
    # spending is ranged per resident)
    extra = {f"{domain}_SATISFACTION" for domain in DOMAINS} | {"GEO_COST_CASE"}
    assert {r.code.removesuffix("_HARD") for r in ranged} == set(RANGED.values()) | extra
    for rule in ranged:
        # the 2026 expert review did not cover county tasks: the ranges say whose they are
        assert "szacunek autorów katalogu" in rule.message_pl, rule.code
        assert "catalogue authors' estimate" in rule.message_en, rule.code
    for stem in ("BLD_COST_CASE", "VEH_COST_CASE", "GEO_COST_CASE", "GEO_EXP_RESIDENT"):
        for suffix in ("_HARD", "_TYPICAL"):
            rule = next(r for r in catalogue.rules if r.code == stem + suffix)
            assert "w cenach 2025 r." in rule.message_pl and "at 2025 prices" in rule.message_en


@pytest.mark.parametrize(
    ("code", "values", "compared", "plausible"),
    [
        ("BLD_EXP", COUNTY, 650, True),
        ("BLD_EXP", {**COUNTY, "BLD_EXP": 1_300}, 0.65, False),
        ("VEH_STAFF_FTE", COUNTY, 0.00025, True),
        ("VEH_REG_DAYS", {**COUNTY, "VEH_REG_DAYS": 200}, 200, False),
        ("GEO_AREA_KM2", {**COUNTY, "GEO_AREA_KM2": 120_000}, 120_000, False),
        ("GEO_MODERN_KM2", COUNTY, 0.25, True),
    ],
)
def test_plausible_ranges_catch_figures_in_the_wrong_unit(
    catalogue, code, values, compared, plausible
):
    found = variable(catalogue, code)
    value = compared_value(found, values)
    assert value == pytest.approx(compared)
    assert (found.plausible_min <= value <= found.plausible_max) is plausible
