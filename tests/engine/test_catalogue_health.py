"""The health domain of the shipped catalogue (issue 20, section 3): a gmina set (addiction
prevention financed from the alcohol-permit fees, health policy programmes, HPV
vaccination, primary-care access) and a county set (the hospitals the unit founded, its
programmes), sharing the programme variables, the satisfaction survey and the governance
pair. Each ratio is computed as a ratio of sums from hand-checked invented figures of a
gmina, a county and a city with county rights; the ranges and checks catch wrong
entries. Read through the engine's catalogue reader, as a programme loads it."""

import re

import pytest

from benchlearn.catalogue import models
from benchlearn.catalogue.selectors import rules_for_set
from benchlearn.catalogue.services import catalogue_export, catalogue_import, catalogue_load_default
from benchlearn.engine.catalogue import Catalogue, Category, Polarity, Severity, Source
from benchlearn.engine.io.catalogue_yaml import read_default_catalogue
from benchlearn.engine.rules import Outcome, compared_value, evaluate_rules
from benchlearn.surveys.questionnaires import read_questionnaires
from tests.engine.catalogue_figures import computed, variable

GMINA_SET = [
    "HLT_ADDICTION_EXP_RESIDENT",
    "HLT_ALCOHOL_FEE_USE",
    "HLT_PROG_COST_PARTICIPANT",
    "HLT_PROG_REACH",
    "HLT_HPV_COVERAGE",
    "HLT_POZ_PLACES_RATE",
    "HLT_SATISFACTION",
    "HLT_DEC_LATE_SHARE",
    "HLT_SKO_OVERTURNED_SHARE",
]
COUNTY_SET = [
    "HLT_HOSP_RESULT_SHARE",
    "HLT_HOSP_OVERDUE_SHARE",
    "HLT_HOSP_LOSS_COVER_RESIDENT",
    "HLT_PROG_COST_PARTICIPANT",
    "HLT_PROG_REACH",
    "HLT_SATISFACTION",
    "HLT_DEC_LATE_SHARE",
    "HLT_SKO_OVERTURNED_SHARE",
]

RATIOS = {
    "HLT_ADDICTION_EXP_RESIDENT": ("HLT_ADDICTION_EXP", "POP"),
    "HLT_ALCOHOL_FEE_USE": ("100 * HLT_ADDICTION_EXP", "HLT_ALCOHOL_FEES"),
    "HLT_PROG_COST_PARTICIPANT": ("HLT_PROG_EXP", "HLT_PROG_PARTICIPANTS"),
    "HLT_PROG_REACH": ("100 * HLT_PROG_PARTICIPANTS", "HLT_PROG_TARGET"),
    "HLT_HPV_COVERAGE": ("100 * HLT_HPV_VACCINATED", "HLT_POP_12_13"),
    "HLT_POZ_PLACES_RATE": ("10000 * HLT_POZ_PLACES", "POP"),
    "HLT_HOSP_RESULT_SHARE": ("100 * (HLT_HOSP_PROFIT - HLT_HOSP_LOSS)", "HLT_HOSP_REVENUE"),
    "HLT_HOSP_OVERDUE_SHARE": ("100 * HLT_HOSP_OVERDUE", "HLT_HOSP_REVENUE"),
    "HLT_HOSP_LOSS_COVER_RESIDENT": ("HLT_HOSP_LOSS_COVERED", "POP"),
    "HLT_SATISFACTION": ("100 * HLT_SURVEY_SATISFIED", "HLT_SURVEY_RESP"),
    "HLT_DEC_LATE_SHARE": ("100 * HLT_DEC_LATE", "HLT_DEC_ALL"),
    "HLT_SKO_OVERTURNED_SHARE": ("100 * HLT_DEC_OVERTURNED", "HLT_DEC_APPEALED"),
}

# Where a clerk copies each entered amount from: the report and the classification.
SOURCES = {
    "HLT_ADDICTION_EXP": ("Rb-28S", ["85153", "85154"]),
    "HLT_ALCOHOL_FEES": ("Rb-27S", ["§ 0480", "75618", "art. 11¹", "art. 18²"]),
    "HLT_PROG_EXP": ("Rb-28S", ["85149", "art. 48"]),
    "HLT_PROG_PARTICIPANTS": ("AOTMiT", ["art. 48d"]),
    "HLT_PROG_TARGET": ("art. 48a", []),
    "HLT_HPV_VACCINATED": ("NFZ", ["Elektronicznego Rejestru Szczepień"]),
    "HLT_POZ_PLACES": ("NFZ", ["Informatora o umowach"]),
    "HLT_HOSP_REVENUE": ("rachunku zysków i strat", ["art. 6 ust. 2"]),
    "HLT_HOSP_PROFIT": ("rachunku zysków i strat", ["Zysk (strata)"]),
    "HLT_HOSP_LOSS": ("rachunku zysków i strat", ["Zysk (strata)", "liczba dodatnia"]),
    "HLT_HOSP_OVERDUE": ("Rb-Z", ["wymagalne"]),
    "HLT_HOSP_LOSS_COVERED": ("art. 59 ust. 2", ["85111", "K 4/17"]),
}

# A gmina of 10,000 residents: 250,000 zł spent on its alcohol and drug programme from
# 200,000 zł of permit fees; 60,000 zł on health programmes for 300 of a target 1,000;
# 80 of its 200 children aged 12–13 vaccinated against HPV; 3 primary-care places; 50
# survey answers, 30 satisfied; 100 decisions, 5 late, 4 appealed, 1 overturned.
GMINA = {
    "POP": 10_000,
    "HLT_ADDICTION_EXP": 250_000,
    "HLT_ALCOHOL_FEES": 200_000,
    "HLT_PROG_EXP": 60_000,
    "HLT_PROG_PARTICIPANTS": 300,
    "HLT_PROG_TARGET": 1_000,
    "HLT_HPV_VACCINATED": 80,
    "HLT_POP_12_13": 200,
    "HLT_POZ_PLACES": 3,
    "HLT_SURVEY_RESP": 50,
    "HLT_SURVEY_SATISFIED": 30,
    "HLT_DEC_ALL": 100,
    "HLT_DEC_LATE": 5,
    "HLT_DEC_APPEALED": 4,
    "HLT_DEC_OVERTURNED": 1,
}
# A city with county rights of 200,000 residents fills both sets: 6 mln zł on addiction
# prevention from 6 mln of fees; 2 mln on programmes for 8,000 of 20,000; 2,000 of 4,000
# children vaccinated; 50 primary-care places; its two hospitals: 400 mln zł revenue, one
# 1 mln profit and one 9 mln loss, 4 mln overdue, 2 mln of loss covered; 400 answers, 260
# satisfied; 300 decisions, 30 late, 10 appealed, 3 overturned.
CITY = {
    "POP": 200_000,
    "HLT_ADDICTION_EXP": 6_000_000,
    "HLT_ALCOHOL_FEES": 6_000_000,
    "HLT_PROG_EXP": 2_000_000,
    "HLT_PROG_PARTICIPANTS": 8_000,
    "HLT_PROG_TARGET": 20_000,
    "HLT_HPV_VACCINATED": 2_000,
    "HLT_POP_12_13": 4_000,
    "HLT_POZ_PLACES": 50,
    "HLT_HOSP_REVENUE": 400_000_000,
    "HLT_HOSP_PROFIT": 1_000_000,
    "HLT_HOSP_LOSS": 9_000_000,
    "HLT_HOSP_OVERDUE": 4_000_000,
    "HLT_HOSP_LOSS_COVERED": 2_000_000,
    "HLT_SURVEY_RESP": 400,
    "HLT_SURVEY_SATISFIED": 260,
    "HLT_DEC_ALL": 300,
    "HLT_DEC_LATE": 30,
    "HLT_DEC_APPEALED": 10,
    "HLT_DEC_OVERTURNED": 3,
}
# A county of 80,000 residents: 400,000 zł on programmes for 1,000 of 5,000; its hospital:
# 160 mln zł revenue, a 4.8 mln loss, 12 mln overdue, 3.2 mln of loss covered; only 20
# survey answers (12 satisfied); 4 decisions (grant returns), none late, none appealed.
COUNTY = {
    "POP": 80_000,
    "HLT_PROG_EXP": 400_000,
    "HLT_PROG_PARTICIPANTS": 1_000,
    "HLT_PROG_TARGET": 5_000,
    "HLT_HOSP_REVENUE": 160_000_000,
    "HLT_HOSP_PROFIT": 0,
    "HLT_HOSP_LOSS": 4_800_000,
    "HLT_HOSP_OVERDUE": 12_000_000,
    "HLT_HOSP_LOSS_COVERED": 3_200_000,
    "HLT_SURVEY_RESP": 20,
    "HLT_SURVEY_SATISFIED": 12,
    "HLT_DEC_ALL": 4,
    "HLT_DEC_LATE": 0,
    "HLT_DEC_APPEALED": 0,
    "HLT_DEC_OVERTURNED": 0,
}

# Worked by hand: {unit: value} and the group aggregate = Σ numerators / Σ denominators
# over the units with a value.
EXPECTED = {
    # 250,000 / 10,000 = 25; 6 mln / 200,000 = 30; 6.25 mln / 210,000
    "HLT_ADDICTION_EXP_RESIDENT": ({"G": 25.0, "M": 30.0}, 6_250_000 / 210_000),
    # 250 / 200 = 125%; 6 / 6 = 100%; 6.25 / 6.2
    "HLT_ALCOHOL_FEE_USE": ({"G": 125.0, "M": 100.0}, 100 * 6_250_000 / 6_200_000),
    # 60,000 / 300 = 200; 2 mln / 8,000 = 250; 400,000 / 1,000 = 400; 2.46 mln / 9,300
    "HLT_PROG_COST_PARTICIPANT": ({"G": 200.0, "M": 250.0, "P": 400.0}, 2_460_000 / 9_300),
    # 300 / 1,000 = 30%; 8,000 / 20,000 = 40%; 1,000 / 5,000 = 20%; 9,300 / 26,000
    "HLT_PROG_REACH": ({"G": 30.0, "M": 40.0, "P": 20.0}, 100 * 9_300 / 26_000),
    # 80 / 200 = 40%; 2,000 / 4,000 = 50%; 2,080 / 4,200
    "HLT_HPV_COVERAGE": ({"G": 40.0, "M": 50.0}, 100 * 2_080 / 4_200),
    # 3 per 10,000; 50 per 200,000 = 2.5 per 10,000; 53 per 210,000
    "HLT_POZ_PLACES_RATE": ({"G": 3.0, "M": 2.5}, 10_000 * 53 / 210_000),
    # (1 − 9) / 400 = −2%; −4.8 / 160 = −3%; −12.8 / 560
    "HLT_HOSP_RESULT_SHARE": ({"M": -2.0, "P": -3.0}, 100 * -12_800_000 / 560_000_000),
    # 4 / 400 = 1%; 12 / 160 = 7.5%; 16 / 560
    "HLT_HOSP_OVERDUE_SHARE": ({"M": 1.0, "P": 7.5}, 100 * 16_000_000 / 560_000_000),
    # 2 mln / 200,000 = 10 zł; 3.2 mln / 80,000 = 40 zł; 5.2 mln / 280,000
    "HLT_HOSP_LOSS_COVER_RESIDENT": ({"M": 10.0, "P": 40.0}, 5_200_000 / 280_000),
    # 30 / 50 = 60%; 260 / 400 = 65%; the county's 20 answers are too few to show
    "HLT_SATISFACTION": ({"G": 60.0, "M": 65.0, "P": None}, 100 * 290 / 450),
    # 5 / 100 = 5%; 30 / 300 = 10%; 0 / 4 = 0%; 35 / 404
    "HLT_DEC_LATE_SHARE": ({"G": 5.0, "M": 10.0, "P": 0.0}, 100 * 35 / 404),
    # 1 / 4 = 25%; 3 / 10 = 30%; the county had no appeal; 4 / 14
    "HLT_SKO_OVERTURNED_SHARE": ({"G": 25.0, "M": 30.0, "P": None}, 100 * 4 / 14),
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return read_default_catalogue()


# --- the domain and its sets -----------------------------------------------------------


def test_the_health_domain_has_a_gmina_set_and_a_county_set(catalogue):
    domain = next(d for d in catalogue.domains if d.code == "HLT")
    assert (domain.name_pl, domain.name_en) == ("Ochrona zdrowia", "Health")
    assert "szpital" in domain.description_pl and "hospital" in domain.description_en
    sets = {s.code: s for s in catalogue.sets if s.domain == "HLT"}
    assert set(sets) == {"SET_HLT", "SET_HLT_POW"}
    assert sets["SET_HLT"].kinds == ("gm", "gw", "gmw", "mnpp")
    assert set(sets["SET_HLT_POW"].kinds) == {"pow", "mnpp"}
    assert list(sets["SET_HLT"].indicators) == GMINA_SET
    assert list(sets["SET_HLT_POW"].indicators) == COUNTY_SET


def test_each_set_has_cost_per_user_satisfaction_and_the_governance_pair(catalogue):
    for code in ("SET_HLT", "SET_HLT_POW"):
        (found,) = [s for s in catalogue.sets if s.code == code]
        indicators = [catalogue.indicator(i) for i in found.indicators]
        categories = {i.category for i in indicators}
        assert {Category.INPUT, Category.OUTPUT, Category.SATISFACTION} <= categories, code
        assert [i.code for i in indicators if i.category is Category.GOVERNANCE] == [
            "HLT_DEC_LATE_SHARE",
            "HLT_SKO_OVERTURNED_SHARE",
        ]
        assert "HLT_PROG_COST_PARTICIPANT" in {i.code for i in indicators}


def test_every_indicator_of_the_domain_is_in_a_set_and_explained(catalogue):
    indicators = [i for i in catalogue.indicators if i.domain == "HLT"]
    assert {i.code for i in indicators} == set(GMINA_SET) | set(COUNTY_SET) == set(RATIOS)
    for indicator in indicators:
        assert indicator.name_pl and indicator.name_en, indicator.code
        assert indicator.notes_pl and indicator.notes_en, indicator.code


@pytest.mark.parametrize(("code", "sides"), sorted(RATIOS.items()))
def test_each_ratio_has_its_numerator_and_denominator(catalogue, code, sides):
    indicator = catalogue.indicator(code)
    assert (indicator.numerator, indicator.denominator) == sides


def test_polarity_says_what_is_better_and_the_notes_say_why(catalogue):
    polarity = {i.code: i.polarity for i in catalogue.indicators if i.domain == "HLT"}
    for code in ("HLT_ALCOHOL_FEE_USE", "HLT_PROG_REACH", "HLT_HPV_COVERAGE",
                 "HLT_POZ_PLACES_RATE", "HLT_HOSP_RESULT_SHARE", "HLT_SATISFACTION"):  # fmt: skip
        assert polarity[code] is Polarity.HIGHER_BETTER, code
    for code in ("HLT_HOSP_OVERDUE_SHARE", "HLT_HOSP_LOSS_COVER_RESIDENT",
                 "HLT_DEC_LATE_SHARE", "HLT_SKO_OVERTURNED_SHARE"):  # fmt: skip
        assert polarity[code] is Polarity.LOWER_BETTER, code
    # Spending follows the fee revenue; cost per participant follows the programme mix.
    for code in ("HLT_ADDICTION_EXP_RESIDENT", "HLT_PROG_COST_PARTICIPANT"):
        indicator = catalogue.indicator(code)
        assert indicator.polarity is Polarity.NEUTRAL
        assert "neutralny" in indicator.notes_pl and "Neutral" in indicator.notes_en
    fee_use = catalogue.indicator("HLT_ALCOHOL_FEE_USE")
    assert "art. 18²" in fee_use.notes_pl and "100%" in fee_use.notes_en


# --- the variables: what a clerk fills, from where -------------------------------------


@pytest.mark.parametrize(("code", "source"), sorted(SOURCES.items()))
def test_each_entered_variable_names_its_source(catalogue, code, source):
    report, items = source
    found = variable(catalogue, code)
    assert found.domain == "HLT" and found.source is Source.FORM
    assert report in found.definition_pl and found.definition_en
    for item in items:
        assert item in found.definition_pl, item
    assert found.plausible_min is not None and found.plausible_min < found.plausible_max


def test_the_decisions_name_the_appeal_body_and_leave_alcohol_permits_to_adm(catalogue):
    decisions = variable(catalogue, "HLT_DEC_ALL")
    assert "art. 54" in decisions.definition_pl and "art. 252" in decisions.definition_pl
    assert "ADM_DEC_ALL" in decisions.definition_pl and "ADM_DEC_ALL" in decisions.definition_en
    assert "SOC_DEC_ALL" in decisions.definition_pl  # not counted twice with the OPS
    for code in ("HLT_DEC_APPEALED", "HLT_DEC_OVERTURNED"):
        found = variable(catalogue, code)
        assert "SKO" in found.name_pl and "SKO" in found.definition_en
    appealed = variable(catalogue, "HLT_DEC_APPEALED")
    assert "samorządowe kolegium odwoławcze" in appealed.definition_pl


def test_profit_and_loss_are_entered_apart_and_the_child_cohort_comes_from_gus(catalogue):
    # A loss is entered as a positive number: no sign to lose when typing.
    for code in ("HLT_HOSP_PROFIT", "HLT_HOSP_LOSS"):
        assert variable(catalogue, code).minimum == 0
    cohort = variable(catalogue, "HLT_POP_12_13")
    assert cohort.source is Source.PUBLIC_STATISTICS and "GUS BDL" in cohort.definition_pl


@pytest.mark.parametrize(
    ("code", "values", "compared", "plausible"),
    [
        # 250,000 zł for 10,000 residents: 25 zł each
        ("HLT_ADDICTION_EXP", GMINA, 25, True),
        # the same amount typed in thousands: 0.025 zł a resident
        ("HLT_ADDICTION_EXP", {**GMINA, "HLT_ADDICTION_EXP": 250}, 0.025, False),
        ("HLT_HOSP_LOSS", CITY, 0.0225, True),
        # a loss typed in zł against revenue typed in thousands
        ("HLT_HOSP_LOSS", {**CITY, "HLT_HOSP_REVENUE": 400_000}, 22.5, False),
        ("HLT_POZ_PLACES", GMINA, 0.0003, True),
        ("HLT_HPV_VACCINATED", {**GMINA, "HLT_HPV_VACCINATED": 800}, 4, False),
    ],
)
def test_plausible_ranges_catch_amounts_in_the_wrong_unit(
    catalogue, code, values, compared, plausible
):
    found = variable(catalogue, code)
    value = compared_value(found, values)
    assert value == pytest.approx(compared)
    assert (found.plausible_min <= value <= found.plausible_max) is plausible


# --- computing it ----------------------------------------------------------------------


@pytest.mark.parametrize(("code", "expected"), sorted(EXPECTED.items()))
def test_each_indicator_computes_the_hand_checked_example(catalogue, code, expected):
    by_unit, aggregate = expected
    result = computed(catalogue, {"G": GMINA, "M": CITY, "P": COUNTY}, code)
    for unit, value in by_unit.items():
        assert result[unit] == (pytest.approx(value) if value is not None else None), unit
    assert result["aggregate"] == pytest.approx(aggregate)


def test_a_unit_without_a_hospital_or_a_programme_gets_no_value_not_zero(catalogue):
    none = {**COUNTY, "HLT_HOSP_REVENUE": 0, "HLT_HOSP_LOSS": 0, "HLT_HOSP_OVERDUE": 0}
    none |= {"HLT_PROG_EXP": 0, "HLT_PROG_PARTICIPANTS": 0, "HLT_PROG_TARGET": 0}
    for code in ("HLT_HOSP_RESULT_SHARE", "HLT_HOSP_OVERDUE_SHARE",
                 "HLT_PROG_COST_PARTICIPANT", "HLT_PROG_REACH"):  # fmt: skip
        assert computed(catalogue, {"P": none}, code)["P"] is None, code
    no_fees = {**GMINA, "HLT_ALCOHOL_FEES": 0}
    assert computed(catalogue, {"G": no_fees}, "HLT_ALCOHOL_FEE_USE")["G"] is None


# --- the rules -------------------------------------------------------------------------


def health_rules(catalogue: Catalogue) -> dict:
    return {rule.code: rule for rule in catalogue.rules if rule.domain == "HLT"}


def outcomes(catalogue: Catalogue, values: dict[str, float]) -> dict[str, Outcome]:
    results = evaluate_rules(health_rules(catalogue).values(), values)
    return {result.rule.code: result.outcome for result in results}


def test_the_hand_checked_units_break_no_health_rule(catalogue):
    for values in (GMINA, CITY, COUNTY):
        assert Outcome.FAILED not in set(outcomes(catalogue, values).values())


PROFIT_NOT_LOSS = {"HLT_HOSP_PROFIT": 6_400_000, "HLT_HOSP_LOSS": 0}
HOSPITAL_IN_THOUSANDS = {
    "HLT_HOSP_REVENUE": 400_000,
    "HLT_HOSP_PROFIT": 1_000,
    "HLT_HOSP_LOSS": 9_000,
    "HLT_HOSP_OVERDUE": 4_000,
}


@pytest.mark.parametrize(
    ("unit", "change", "failing", "severity"),
    [
        (GMINA, {"HLT_PROG_PARTICIPANTS": 1_200}, "HLT_CHECK_PROG_PARTICIPANTS", Severity.ERROR),
        (GMINA, {"HLT_PROG_EXP": 0}, "HLT_CHECK_PROG_EXP", Severity.WARNING),
        (GMINA, {"HLT_HPV_VACCINATED": 201}, "HLT_CHECK_HPV", Severity.WARNING),
        (GMINA, {"HLT_DEC_LATE": 101}, "HLT_CHECK_DEC_LATE", Severity.ERROR),
        (GMINA, {"HLT_DEC_OVERTURNED": 5}, "HLT_CHECK_DEC_OVERTURNED", Severity.ERROR),
        (GMINA, {"HLT_SURVEY_SATISFIED": 51}, "HLT_CHECK_SURVEY", Severity.ERROR),
        # overdue liabilities of a hospital with no revenue entered
        (COUNTY, {"HLT_HOSP_REVENUE": 0}, "HLT_CHECK_HOSP_REVENUE", Severity.ERROR),
        # revenue typed in thousands against a loss in zł
        (COUNTY, {"HLT_HOSP_REVENUE": 160_000}, "HLT_HOSP_RESULT_SHARE_HARD", Severity.ERROR),
        # a loss of 6.4 mln entered as a profit: +4%, above the typical range
        (COUNTY, PROFIT_NOT_LOSS, "HLT_HOSP_RESULT_SHARE_TYPICAL", Severity.WARNING),
        (
            COUNTY,
            {"HLT_HOSP_OVERDUE": 40_000_000},
            "HLT_HOSP_OVERDUE_SHARE_TYPICAL",
            Severity.WARNING,
        ),
        # programme spending typed in thousands: 0.2 zł a participant
        (GMINA, {"HLT_PROG_EXP": 60}, "HLT_PROG_COST_PARTICIPANT_HARD", Severity.ERROR),
        # the fees typed in thousands: spending 1,250 times the revenue
        (GMINA, {"HLT_ALCOHOL_FEES": 200}, "HLT_ALCOHOL_FEE_USE_HARD", Severity.ERROR),
        (GMINA, {"HLT_ADDICTION_EXP": 120_000}, "HLT_ALCOHOL_FEE_USE_TYPICAL", Severity.WARNING),
        # every hospital amount typed in thousands: 2 zł of revenue a resident
        (CITY, HOSPITAL_IN_THOUSANDS, "HLT_HOSP_REVENUE_RESIDENT_HARD", Severity.ERROR),
        (CITY, {"HLT_POP_12_13": 40_000}, "HLT_POP_12_13_SHARE_HARD", Severity.ERROR),
        (GMINA, {"HLT_POZ_PLACES": 30}, "HLT_POZ_PLACES_RATE_HARD", Severity.ERROR),
    ],
)
def test_a_wrong_entry_breaks_its_rule(catalogue, unit, change, failing, severity):
    found = outcomes(catalogue, {**unit, **change})
    assert found[failing] is Outcome.FAILED
    assert health_rules(catalogue)[failing].severity is severity


def test_a_unit_running_no_hospital_enters_zeros_and_passes(catalogue):
    none = {**COUNTY, "HLT_HOSP_REVENUE": 0, "HLT_HOSP_LOSS": 0, "HLT_HOSP_OVERDUE": 0}
    none["HLT_HOSP_LOSS_COVERED"] = 0
    found = outcomes(catalogue, none)
    assert found["HLT_CHECK_HOSP_REVENUE"] is Outcome.PASSED
    assert found["HLT_HOSP_REVENUE_RESIDENT_HARD"] is Outcome.PASSED
    assert Outcome.FAILED not in set(found.values())


# --- the ranges: a hard and a typical rule per quantity ---------------------------------

# stem → (typical, hard), in the unit of the indicator (% as 0–100)
RANGES = {
    "HLT_ADDICTION_EXP_RESIDENT": ((10, 50), (1, 250)),
    "HLT_ALCOHOL_FEES_RESIDENT": ((10, 50), (1, 250)),
    "HLT_ALCOHOL_FEE_USE": ((70, 130), (10, 400)),
    "HLT_PROG_COST_PARTICIPANT": ((30, 1_000), (5, 5_000)),
    "HLT_PROG_REACH": ((10, 80), (0, 100)),
    "HLT_PROG_TARGET_SHARE": ((1, 40), (0, 200)),
    "HLT_HPV_COVERAGE": ((15, 70), (0, 100)),
    "HLT_POP_12_13_SHARE": ((1.7, 2.7), (0.8, 4)),
    "HLT_POZ_PLACES_RATE": ((1, 6), (0, 15)),
    "HLT_HOSP_REVENUE_RESIDENT": ((300, 5_000), (50, 20_000)),
    "HLT_HOSP_RESULT_SHARE": ((-12, 3), (-50, 20)),
    "HLT_HOSP_OVERDUE_SHARE": ((0, 10), (0, 80)),
    "HLT_HOSP_LOSS_COVER_RESIDENT": ((0, 60), (0, 500)),
    # the review's section 3h rows for every domain's governance shares
    "HLT_DEC_LATE_SHARE": ((0, 10), (0, 100)),
    "HLT_SKO_OVERTURNED_SHARE": ((10, 40), (0, 100)),
    "HLT_APPEALED_SHARE": ((0, 5), (0, 50)),
    "HLT_SATISFACTION": ((40, 85), (0, 100)),
}
MONEY = {
    "HLT_ADDICTION_EXP_RESIDENT",
    "HLT_ALCOHOL_FEES_RESIDENT",
    "HLT_PROG_COST_PARTICIPANT",
    "HLT_HOSP_REVENUE_RESIDENT",
    "HLT_HOSP_LOSS_COVER_RESIDENT",
}


@pytest.mark.parametrize("stem", sorted(RANGES))
def test_every_range_is_a_hard_and_a_typical_rule(catalogue, stem):
    rules = health_rules(catalogue)
    typical, hard = RANGES[stem]
    for suffix, severity, bounds in (
        ("_HARD", Severity.ERROR, hard),
        ("_TYPICAL", Severity.WARNING, typical),
    ):
        rule = rules[stem + suffix]
        assert rule.severity is severity
        assert (float(rule.right), float(rule.upper)) == bounds
        assert "Skąd zakres" in rule.message_pl and "Why this range" in rule.message_en
        if stem in MONEY:
            assert "w cenach 2024 r." in rule.message_pl
            assert "at 2024 prices" in rule.message_en
    assert rules[stem + "_HARD"].left == rules[stem + "_TYPICAL"].left
    assert hard[0] <= typical[0] <= typical[1] <= hard[1]


def test_every_range_rule_of_the_domain_is_listed():
    rules = health_rules(read_default_catalogue())
    stems = {c.removesuffix("_HARD") for c in rules if c.endswith("_HARD")}
    assert stems == set(RANGES)
    assert {c.removesuffix("_TYPICAL") for c in rules if c.endswith("_TYPICAL")} == stems


def test_every_variable_with_a_plausible_range_is_read_by_a_hard_rule(catalogue):
    hard_lefts = [r.left for code, r in health_rules(catalogue).items() if code.endswith("_HARD")]
    ranged = [v for v in catalogue.variables if v.domain == "HLT" and v.plausible_min is not None]
    assert len(ranged) == 16
    for found in ranged:
        assert any(re.search(rf"\b{found.code}\b", left) for left in hard_lefts), found.code


# --- the questionnaire -----------------------------------------------------------------


def test_the_satisfaction_questionnaire_feeds_the_survey_variables():
    (spec,) = [s for s in read_questionnaires() if s.domain == "HLT"]
    assert spec.code == "HLT_SATISFACTION"
    roles = [q["role"] for q in spec.questions]
    assert roles.count("overall") == 1 and roles.count("item") == 6
    overall = next(q for q in spec.questions if q["role"] == "overall")
    assert "gminie lub powiecie" in overall["text_pl"]  # one questionnaire for both sets


# --- loaded into a programme -------------------------------------------------------------


@pytest.mark.parametrize("set_code", ["SET_HLT", "SET_HLT_POW"])
def test_each_set_loads_exports_its_rules_and_imports_alone(db, set_code):
    catalogue_load_default()
    indicator_set = models.IndicatorSet.objects.get(code=set_code)
    expected = GMINA_SET if set_code == "SET_HLT" else COUNTY_SET
    assert sorted(indicator_set.kinds) == sorted(
        ["gm", "gw", "gmw", "mnpp"] if set_code == "SET_HLT" else ["pow", "mnpp"]
    )
    rules = rules_for_set(set_code)
    assert rules and all(rule.domain in ("", "HLT") for rule in rules)
    exported = catalogue_export(set_code=set_code)
    for model in (models.ValidationRule, models.CatalogueChange, models.IndicatorSetVersion,
                  models.IndicatorSet, models.IndicatorVersion, models.Indicator,
                  models.Variable, models.Domain):  # fmt: skip
        model.objects.all().delete()
    summary = catalogue_import(text=exported, user=None)
    assert summary.rules_created == len(rules)
    assert catalogue_export(set_code=set_code) == exported
    assert set(expected) <= set(models.Indicator.objects.values_list("code", flat=True))
