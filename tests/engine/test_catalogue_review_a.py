"""The 2026 expert review's section 2 priority-A indicators in the existing domains of
the shipped catalogue (issue 20): EDU, WST, ROAD, WAT, SOC, CUL and ADM. Each new
indicator gives a hand-checked value for a rural gmina and a city with county rights
(and their group aggregate, a ratio of sums); each is in its domain's set; the new range
and part-of-whole rules fire on a wrong value and not on a right one; the education
coverage rule reads the subvention up to 2024 and the educational needs amount from 2025,
and a 2025 round neither asks for the subvention nor complains about it."""

import pytest
from django.utils import translation

from benchlearn.catalogue.services import catalogue_load_default, catalogue_publish
from benchlearn.collection.models import Submission
from benchlearn.collection.selectors import round_variables
from benchlearn.collection.validation import submission_check
from benchlearn.engine.catalogue import Catalogue, Operator, Severity
from benchlearn.engine.io.catalogue_yaml import read_default_catalogue
from benchlearn.engine.rules import rule_failures
from benchlearn.units.models import Unit
from tests.collection.conftest import make_round
from tests.collection.test_validation_peers import store_population
from tests.conftest import load_units
from tests.engine.catalogue_figures import computed as figures_computed

NEW_INDICATORS = {
    "EDU": ["EDU_OWN_TOPUP_PUPIL", "EDU_COST_WEIGHTED_PUPIL", "EDU_EXAM_LANG_GAP"],
    "WST": ["WST_FEE_MONTHLY", "WST_MIXED_KG_RESIDENT"],
    "ROAD": ["ROAD_CAPEX_KM", "ROAD_CAPEX_RESIDENT", "ROAD_CAPEX_EXT_SHARE", "ROAD_KSI_RATE"],
    "WAT": ["WAT_HH_WATER_PER_USER", "WAT_TREATMENT_ACCESS"],
    "SOC": ["SOC_RESIDENTS_PER_WORKER", "SOC_DPS_SHARE", "SOC_DPS_REFERRALS_RATE"],
    "CUL": ["CUL_ACQUISITIONS_RATE", "CUL_REGULAR_RATE"],
    "ADM": ["ADM_750_SHARE", "ADM_INACTION_RATE", "ADM_ANNULLED_SHARE"],
}

# A rural gmina of 10,000 residents and a city with county rights of 200,000; the
# education subvention (2024) and the educational needs amount (2025) differ by year.
GMINA = {
    "POP": 10_000,
    "POP_65PLUS": 2_000,
    # EDU: 30 mln zł current spending, 1.5 mln grants, 900 pupils + 300 pre-school
    "EDU_EXP_CUR": 30_000_000,
    "EDU_GRANTS": 1_500_000,
    "EDU_PUPILS": 900,
    "EDU_PRESCHOOL": 300,
    "EDU_PUPILS_OTHER": 0,
    "EDU_WEIGHTED_PUPILS": 1_500,
    "EDU_EXAM_TAKERS": 100,
    "EDU_EXAM_LANG": 60,
    "EDU_EXAM_LANG_PL": 66,
    # WST
    "WST_FEE_RATE": 32,
    "WST_DECLARED_RESIDENTS": 9_000,
    "WST_MIXED_T": 1_800,
    # ROAD: 4 mln zł capital spending on 150 km, half of it from outside; 4 casualties
    "ROAD_CAPEX": 4_000_000,
    "ROAD_LENGTH_KM": 150,
    "ROAD_CAPEX_EXT": 2_000_000,
    "ROAD_KSI": 4,
    # WAT
    "WAT_HH_WATER_M3": 300_000,
    "WAT_POP_WATER": 8_000,
    "WAT_POP_TREATMENT": 4_500,
    # SOC
    "SOC_WORKERS_FTE": 4,
    "SOC_EXP": 5_000_000,
    "SOC_DPS_EXP": 1_500_000,
    "SOC_DPS_REFERRED": 5,
    # CUL
    "CUL_LIB_ACQUIRED": 800,
    "CUL_REGULAR_MEMBERS": 250,
    # ADM
    "ADM_EXP_750": 6_000_000,
    "FIN_EXP_CURRENT": 50_000_000,
    "ADM_CASES": 8_000,
    "ADM_REMINDERS_UPHELD": 2,
    "ADM_INACTION_COURT": 1,
    "ADM_RESOLUTIONS": 120,
    "ADM_RESOLUTIONS_ANNULLED": 3,
}
CITY = {
    "POP": 200_000,
    "POP_65PLUS": 50_000,
    "EDU_EXP_CUR": 600_000_000,
    "EDU_GRANTS": 30_000_000,
    "EDU_PUPILS": 18_000,
    "EDU_PRESCHOOL": 6_000,
    "EDU_PUPILS_OTHER": 6_000,
    "EDU_WEIGHTED_PUPILS": 36_000,
    "EDU_EXAM_TAKERS": 2_000,
    "EDU_EXAM_LANG": 75,
    "EDU_EXAM_LANG_PL": 66,
    "WST_FEE_RATE": 38,
    "WST_DECLARED_RESIDENTS": 180_000,
    "WST_MIXED_T": 50_000,
    "ROAD_CAPEX": 120_000_000,
    "ROAD_LENGTH_KM": 600,
    "ROAD_CAPEX_EXT": 30_000_000,
    "ROAD_KSI": 50,
    "WAT_HH_WATER_M3": 7_000_000,
    "WAT_POP_WATER": 200_000,
    "WAT_POP_TREATMENT": 198_000,
    "SOC_WORKERS_FTE": 125,
    "SOC_EXP": 150_000_000,
    "SOC_DPS_EXP": 60_000_000,
    "SOC_DPS_REFERRED": 80,
    "CUL_LIB_ACQUIRED": 24_000,
    "CUL_REGULAR_MEMBERS": 3_000,
    "ADM_EXP_750": 90_000_000,
    "FIN_EXP_CURRENT": 1_500_000_000,
    "ADM_CASES": 400_000,
    "ADM_REMINDERS_UPHELD": 20,
    "ADM_INACTION_COURT": 4,
    "ADM_RESOLUTIONS": 900,
    "ADM_RESOLUTIONS_ANNULLED": 9,
}
SUBVENTION_2024 = {"gmina": {"EDU_SUBV": 15_000_000}, "city": {"EDU_SUBV": 360_000_000}}
NEEDS_2025 = {"gmina": {"EDU_NEEDS": 16_000_000}, "city": {"EDU_NEEDS": 380_000_000}}

# Worked by hand: (gmina, city, group aggregate = Σ numerators / Σ denominators), 2025.
EXPECTED = {
    # (30 − 16 − 1.5) mln / 1,200; (600 − 380 − 30) mln / 30,000; 202.5 mln / 31,200
    "EDU_OWN_TOPUP_PUPIL": (12_500_000 / 1_200, 190_000_000 / 30_000, 202_500_000 / 31_200),
    "EDU_COST_WEIGHTED_PUPIL": (20_000, 600_000_000 / 36_000, 630_000_000 / 37_500),
    # 60 − 66 = −6; 75 − 66 = +9; weighted by takers: (−600 + 18,000) / 2,100
    "EDU_EXAM_LANG_GAP": (-6, 9, 17_400 / 2_100),
    # weighted by declared residents: (32·9,000 + 38·180,000) / 189,000
    "WST_FEE_MONTHLY": (32, 38, 7_128_000 / 189_000),
    "WST_MIXED_KG_RESIDENT": (180, 250, 51_800_000 / 210_000),
    "ROAD_CAPEX_KM": (4_000_000 / 150, 200_000, 124_000_000 / 750),
    "ROAD_CAPEX_RESIDENT": (400, 600, 124_000_000 / 210_000),
    "ROAD_CAPEX_EXT_SHARE": (50, 25, 100 * 32 / 124),
    "ROAD_KSI_RATE": (40, 25, 100_000 * 54 / 210_000),
    "WAT_HH_WATER_PER_USER": (37.5, 35, 7_300_000 / 208_000),
    "WAT_TREATMENT_ACCESS": (45, 99, 100 * 202_500 / 210_000),
    "SOC_RESIDENTS_PER_WORKER": (2_500, 1_600, 210_000 / 129),
    "SOC_DPS_SHARE": (30, 40, 100 * 61.5 / 155),
    "SOC_DPS_REFERRALS_RATE": (25, 16, 10_000 * 85 / 52_000),
    "CUL_ACQUISITIONS_RATE": (8, 12, 100 * 24_800 / 210_000),
    "CUL_REGULAR_RATE": (25, 15, 1000 * 3_250 / 210_000),
    "ADM_750_SHARE": (12, 6, 100 * 96 / 1_550),
    # (2 + 1) / 8,000 ‰ = 0.375; 24 / 400,000 ‰ = 0.06; 27 / 408,000
    "ADM_INACTION_RATE": (0.375, 0.06, 1000 * 27 / 408_000),
    "ADM_ANNULLED_SHARE": (2.5, 1, 100 * 12 / 1_020),
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return read_default_catalogue()


def computed(catalogue: Catalogue, code: str, year: int) -> dict:
    """``code``'s value per unit and the group aggregate, for ``year``."""
    extra = SUBVENTION_2024 if year <= 2024 else NEEDS_2025
    units = {"gmina": GMINA | extra["gmina"], "city": CITY | extra["city"]}
    return figures_computed(catalogue, units, code, year=year)


# --- the indicators, their sets and descriptions ---------------------------------------


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_every_new_indicator_by_hand(catalogue, code):
    gmina, city, aggregate = EXPECTED[code]
    got = computed(catalogue, code, 2025)
    assert got["gmina"] == pytest.approx(gmina)
    assert got["city"] == pytest.approx(city)
    assert got["aggregate"] == pytest.approx(aggregate)


def test_the_top_up_subtracts_the_subvention_to_2024_and_the_needs_amount_from_2025(catalogue):
    # 2024: (30 − 15 − 1.5) mln / 1,200 = 11,250; (600 − 360 − 30) mln / 30,000 = 7,000
    got = computed(catalogue, "EDU_OWN_TOPUP_PUPIL", 2024)
    assert got["gmina"] == pytest.approx(11_250)
    assert got["city"] == pytest.approx(7_000)
    assert got["aggregate"] == pytest.approx(223_500_000 / 31_200)
    versions = [i for i in catalogue.indicators if i.code == "EDU_OWN_TOPUP_PUPIL"]
    assert [(i.valid_from, i.valid_to) for i in versions] == [(None, 2024), (2025, None)]
    assert "EDU_SUBV" in versions[0].formula and "EDU_NEEDS" in versions[1].formula
    assert "Przerwa w szeregu" in versions[1].notes_pl
    assert "Break in series" in versions[1].notes_en


def test_every_new_indicator_is_in_its_domains_set_and_fully_described(catalogue):
    for domain, codes in NEW_INDICATORS.items():
        (chosen,) = [s for s in catalogue.sets if s.code == f"SET_{domain}"]
        for code in codes:
            assert code in chosen.indicators, code
            for indicator in (i for i in catalogue.indicators if i.code == code):
                assert indicator.domain == domain
                assert indicator.numerator and indicator.denominator, code
                assert indicator.notes_pl and indicator.notes_en, code
    assert sorted(EXPECTED) == sorted(c for codes in NEW_INDICATORS.values() for c in codes)


def test_governance_indicators_guard_a_zero_denominator(catalogue):
    for code in ("ADM_INACTION_RATE", "ADM_ANNULLED_SHARE", "ROAD_CAPEX_EXT_SHARE"):
        assert catalogue.indicator(code).formula.startswith("if("), code


def test_sources_name_the_report_line_and_classification(catalogue):
    definitions = {v.code: v.definition_pl for v in catalogue.variables}
    for code, needles in {
        "EDU_GRANTS": ("Rb-27S", "§ 2030", "801"),
        "EDU_WEIGHTED_PUPILS": ("metryczk", "uczniów przeliczeniowych"),
        "WST_FEE_RATE": ("art. 6k", "uchwały rady"),
        "WST_MIXED_T": ("20 03 01", "art. 9q"),
        "ROAD_CAPEX": ("60016", "6xxx", "Rb-28S"),
        "ROAD_CAPEX_EXT": ("Rb-27S", "62xx", "Rządowy Fundusz Rozwoju Dróg"),
        "ROAD_KSI": ("SEWIK", "30 dni"),
        "WAT_HH_WATER_M3": ("BDL", "dam³"),
        "WAT_POP_TREATMENT": ("BDL", "oczyszczalni"),
        "SOC_DPS_EXP": ("85202", "Rb-28S"),
        "SOC_DPS_REFERRED": ("art. 59",),
        "CUL_LIB_ACQUIRED": ("K-03", "zakupu"),
        "CUL_REGULAR_MEMBERS": ("K-07",),
        "ADM_EXP_750": ("750", "Rb-28S"),
        "ADM_REMINDERS_UPHELD": ("art. 37 § 6",),
        "ADM_INACTION_COURT": ("art. 149",),
        "ADM_RESOLUTIONS_ANNULLED": ("art. 91",),
    }.items():
        for needle in needles:
            assert needle in definitions[code], (code, needle)


# --- range rules: a hard error, a typical warning, nothing inside ------------------------

# stem → (fixed values, the value varied, inside typical, between typical and hard, outside hard)
RANGES = {
    "EDU_OWN_TOPUP_PUPIL": (
        {"EDU_NEEDS": 15e6, "EDU_GRANTS": 1e6, "EDU_PUPILS": 900, "EDU_PRESCHOOL": 100},
        "EDU_EXP_CUR",
        26e6,  # 10,000 zł a pupil
        36e6,  # 20,000
        60e6,  # 44,000
    ),
    "EDU_GRANTS_SHARE": ({"EDU_EXP_CUR": 10e6}, "EDU_GRANTS", 0.5e6, 3e6, 6e6),
    "EDU_WEIGHTED_PER_PUPIL": ({"EDU_PUPILS": 1_000}, "EDU_WEIGHTED_PUPILS", 1_500, 3_000, 500),
    "EDU_COST_WEIGHTED_PUPIL": ({"EDU_WEIGHTED_PUPILS": 1_000}, "EDU_EXP_CUR", 15e6, 30e6, 50e6),
    "EDU_EXAM_LANG": ({}, "EDU_EXAM_LANG", 65, 40, 150),
    "EDU_EXAM_LANG_GAP": ({"EDU_EXAM_LANG_PL": 66}, "EDU_EXAM_LANG", 60, 40, 20),
    "WST_FEE_RATE": ({}, "WST_FEE_RATE", 30, 60, 360),
    "WST_MIXED_KG_RESIDENT": ({"POP": 10_000}, "WST_MIXED_T", 2_000, 4_000, 10_000),
    "ROAD_CAPEX_RESIDENT": ({"POP": 10_000}, "ROAD_CAPEX", 4e6, 12e6, 60e6),
    "ROAD_CAPEX_KM": ({"ROAD_LENGTH_KM": 100}, "ROAD_CAPEX", 2e6, 50e6, 300e6),
    "ROAD_CAPEX_EXT_SHARE": ({"ROAD_CAPEX": 1e6}, "ROAD_CAPEX_EXT", 0.5e6, 1.2e6, 2e6),
    "ROAD_KSI_RATE": ({"POP": 10_000}, "ROAD_KSI", 3, 12, 60),
    # 35 m³ a person; 70; 35 dam³ entered as m³
    "WAT_HH_WATER_PER_USER": ({"WAT_POP_WATER": 1_000}, "WAT_HH_WATER_M3", 35_000, 70_000, 35),
    "WAT_TREATMENT_ACCESS": ({"POP": 10_000}, "WAT_POP_TREATMENT", 6_000, 1_000, 12_000),
    "SOC_DPS_SHARE": ({"SOC_EXP": 1e6}, "SOC_DPS_EXP", 0.3e6, 0.6e6, 0.95e6),
    "SOC_DPS_REFERRALS_RATE": ({"POP_65PLUS": 2_000}, "SOC_DPS_REFERRED", 4, 20, 50),
    "CUL_ACQUISITIONS_RATE": ({"POP": 10_000}, "CUL_LIB_ACQUIRED", 1_000, 3_000, 20),
    "CUL_REGULAR_RATE": ({"POP": 10_000}, "CUL_REGULAR_MEMBERS", 200, 1_000, 4_000),
    "ADM_750_SHARE": ({"FIN_EXP_CURRENT": 100e6}, "ADM_EXP_750", 10e6, 25e6, 40e6),
    "ADM_INACTION_RATE": (
        {"ADM_CASES": 10_000, "ADM_INACTION_COURT": 0},
        "ADM_REMINDERS_UPHELD",
        5,
        50,
        300,
    ),
    "ADM_RESOLUTIONS": ({}, "ADM_RESOLUTIONS", 150, 1_500, 8_000),
    "ADM_ANNULLED_SHARE": ({"ADM_RESOLUTIONS": 100}, "ADM_RESOLUTIONS_ANNULLED", 2, 10, 50),
}
MONEY = {
    "EDU_OWN_TOPUP_PUPIL": 2024,
    "EDU_COST_WEIGHTED_PUPIL": 2024,
    "WST_FEE_RATE": 2024,
    "ROAD_CAPEX_RESIDENT": 2023,
    "ROAD_CAPEX_KM": 2023,
}


@pytest.fixture(scope="module")
def shipped(catalogue):
    return {rule.code: rule for rule in catalogue.rules}


@pytest.mark.parametrize("stem", sorted(RANGES))
def test_the_new_ranges_fire(shipped, stem):
    fixed, varied, inside, typical_only, outside = RANGES[stem]
    hard, typical = shipped[stem + "_HARD"], shipped[stem + "_TYPICAL"]
    assert hard.left == typical.left
    assert hard.operator is typical.operator is Operator.BETWEEN
    assert (hard.severity, typical.severity) == (Severity.ERROR, Severity.WARNING)
    assert float(hard.right) <= float(typical.right) <= float(typical.upper) <= float(hard.upper)
    for rule in (hard, typical):
        assert rule.message_pl and rule.message_en and "Skąd zakres" in rule.message_pl
        if stem in MONEY:
            assert f"w cenach {MONEY[stem]} r." in rule.message_pl
            assert f"at {MONEY[stem]} prices" in rule.message_en

    def severities(value):
        failures = rule_failures([hard, typical], {**fixed, varied: value})
        return [f.severity for f in failures]

    assert severities(inside) == []
    assert severities(typical_only) == [Severity.WARNING]
    assert severities(outside) == [Severity.ERROR, Severity.WARNING]


def test_the_top_up_below_zero_is_an_error(shipped):
    rules = [shipped["EDU_OWN_TOPUP_PUPIL_HARD"]]
    values = {"EDU_EXP_CUR": 10e6, "EDU_NEEDS": 15e6, "EDU_GRANTS": 1e6, "EDU_PUPILS": 1_000}
    values |= {"EDU_PRESCHOOL": 0}
    assert [f.rule.code for f in rule_failures(rules, values)] == ["EDU_OWN_TOPUP_PUPIL_HARD"]


def test_every_new_variable_with_a_plausible_range_is_read_by_a_hard_range(catalogue, shipped):
    new = {
        "EDU_GRANTS", "EDU_WEIGHTED_PUPILS", "WST_FEE_RATE", "WST_MIXED_T", "ROAD_CAPEX",
        "ROAD_CAPEX_EXT", "ROAD_KSI", "WAT_HH_WATER_M3", "WAT_POP_TREATMENT", "SOC_DPS_EXP",
        "SOC_DPS_REFERRED", "CUL_LIB_ACQUIRED", "CUL_REGULAR_MEMBERS", "ADM_EXP_750",
        "ADM_REMINDERS_UPHELD", "ADM_INACTION_COURT", "ADM_RESOLUTIONS",
        "ADM_RESOLUTIONS_ANNULLED",
    }  # fmt: skip
    with_range = {v.code for v in catalogue.variables if v.code in new and v.plausible_max}
    assert with_range == new
    read = set()
    for code, rule in shipped.items():
        if code.endswith("_HARD"):
            read |= {c for c in new if c in rule.left}
    assert read == new


# --- part-of-whole rules ------------------------------------------------------------------

CHECKS = {
    # rule → (values that hold, values that break it, severity)
    "WST_CHECK_MIXED_T": (
        {"WST_MIXED_T": 600, "WST_SEPARATE_T": 400, "WST_COLLECTED_T": 1_000},
        {"WST_MIXED_T": 700, "WST_SEPARATE_T": 400, "WST_COLLECTED_T": 1_000},
        Severity.ERROR,
    ),
    "WAT_CHECK_HH_WATER": (
        {"WAT_HH_WATER_M3": 300_000, "WAT_WATER_SOLD_M3": 400_000},
        {"WAT_HH_WATER_M3": 300_000_000, "WAT_WATER_SOLD_M3": 400_000},
        Severity.WARNING,
    ),
    "WAT_CHECK_POP_TREATMENT": (
        {"WAT_POP_TREATMENT": 4_500, "POP": 10_000},
        {"WAT_POP_TREATMENT": 45_000, "POP": 10_000},
        Severity.ERROR,
    ),
    "SOC_CHECK_DPS_EXP": (
        {"SOC_DPS_EXP": 1e6, "SOC_EXP": 5e6},
        {"SOC_DPS_EXP": 6e6, "SOC_EXP": 5e6},
        Severity.ERROR,
    ),
    "SOC_CHECK_DPS_REFERRED": (
        {"SOC_DPS_REFERRED": 5, "SOC_BENEFICIARIES": 300},
        {"SOC_DPS_REFERRED": 500, "SOC_BENEFICIARIES": 300},
        Severity.ERROR,
    ),
    "ADM_CHECK_EXP_750": (
        {"ADM_EXP_750": 6e6, "FIN_EXP_CURRENT": 50e6},
        {"ADM_EXP_750": 60e6, "FIN_EXP_CURRENT": 50e6},
        Severity.ERROR,
    ),
    "ADM_CHECK_EXP_IN_750": (
        {"ADM_EXP": 5e6, "ADM_EXP_750": 6e6},
        {"ADM_EXP": 7e6, "ADM_EXP_750": 6e6},
        Severity.ERROR,
    ),
    "ADM_CHECK_INACTION": (
        {"ADM_REMINDERS_UPHELD": 2, "ADM_INACTION_COURT": 1, "ADM_CASES": 8_000},
        {"ADM_REMINDERS_UPHELD": 2, "ADM_INACTION_COURT": 1, "ADM_CASES": 2},
        Severity.ERROR,
    ),
    "ADM_CHECK_RESOLUTIONS": (
        {"ADM_RESOLUTIONS_ANNULLED": 3, "ADM_RESOLUTIONS": 120},
        {"ADM_RESOLUTIONS_ANNULLED": 130, "ADM_RESOLUTIONS": 120},
        Severity.ERROR,
    ),
}


@pytest.mark.parametrize("code", sorted(CHECKS))
def test_a_part_larger_than_its_whole_fails(shipped, code):
    good, bad, severity = CHECKS[code]
    rule = shipped[code]
    assert rule.severity is severity
    assert rule_failures([rule], good) == []
    assert [f.rule.code for f in rule_failures([rule], bad)] == [code]


# --- the education coverage rule on 2024 and 2025 data ------------------------------------


def test_the_coverage_ranges_read_the_subvention_to_2024_and_the_needs_from_2025(shipped):
    rules = [shipped["EDU_SUBV_COVERAGE_HARD"], shipped["EDU_SUBV_COVERAGE_TYPICAL"]]

    def failed(values):
        return [f.rule.code for f in rule_failures(rules, {"EDU_EXP_CUR": 100e6, **values})]

    # 2024: only the subvention is asked for
    assert failed({"EDU_SUBV": 60e6}) == []
    assert failed({"EDU_SUBV": 30e6}) == ["EDU_SUBV_COVERAGE_TYPICAL"]
    assert failed({"EDU_SUBV": 120e6}) == ["EDU_SUBV_COVERAGE_HARD", "EDU_SUBV_COVERAGE_TYPICAL"]
    # 2025: only the educational needs amount is; the subvention is absent
    assert failed({"EDU_NEEDS": 60e6}) == []
    assert failed({"EDU_NEEDS": 120e6}) == ["EDU_SUBV_COVERAGE_HARD", "EDU_SUBV_COVERAGE_TYPICAL"]
    assert failed({"EDU_NEEDS": 10e6}) == ["EDU_SUBV_COVERAGE_HARD", "EDU_SUBV_COVERAGE_TYPICAL"]


BIELSKO = "2461011"
HARD_PL = "Pokrycie wydatków bieżących subwencją oświatową (do 2024 r.) albo kwotą potrzeb"


@pytest.fixture
def city(db, operator, programme):
    catalogue_load_default()
    catalogue_publish(user=operator)
    load_units(BIELSKO)
    unit = Unit.objects.get(teryt=BIELSKO)
    store_population({unit: 171_259})
    return unit


def test_a_2025_round_asks_for_the_needs_amount_not_the_subvention(city, operator):
    round_2025 = make_round(operator, [city], period=2025, sets=("SET_EDU",))
    asked = {v.code for v in round_variables(round_2025)}
    assert {"EDU_NEEDS", "EDU_GRANTS", "EDU_WEIGHTED_PUPILS"} <= asked
    assert "EDU_SUBV" not in asked
    submission = Submission.objects.get(round=round_2025, unit=city)
    with translation.override("pl"):
        # 1,200 mln zł needs against 1,000 mln zł spending: 120%, above the hard range
        check = submission_check(
            submission, {"EDU_EXP_CUR": "1 000 000 000", "EDU_NEEDS": "1 200 000 000"}
        )
    assert "EDU_SUBV" not in check.items
    for code in ("EDU_EXP_CUR", "EDU_NEEDS"):
        assert any(e.startswith(HARD_PL) for e in check.items[code].errors), code
    with translation.override("pl"):
        check = submission_check(
            submission, {"EDU_EXP_CUR": "1 000 000 000", "EDU_NEEDS": "600 000 000"}
        )
    assert not [e for e in check.items["EDU_NEEDS"].errors if e.startswith(HARD_PL)]
    assert not [w for w in check.items["EDU_NEEDS"].warnings if w.startswith(HARD_PL[:40])]


def test_a_2024_round_asks_for_the_subvention_not_the_needs_amount(city, operator):
    round_2024 = make_round(operator, [city], period=2024, sets=("SET_EDU",))
    asked = {v.code for v in round_variables(round_2024)}
    assert "EDU_SUBV" in asked and "EDU_NEEDS" not in asked
    submission = Submission.objects.get(round=round_2024, unit=city)
    with translation.override("pl"):
        check = submission_check(
            submission, {"EDU_EXP_CUR": "1 000 000 000", "EDU_SUBV": "1 200 000 000"}
        )
    assert "EDU_NEEDS" not in check.items
    assert any(e.startswith(HARD_PL) for e in check.items["EDU_SUBV"].errors)


def test_an_administration_round_asks_for_current_spending_and_checks_section_750(city, operator):
    """ADM_750_SHARE divides by the finance domain's FIN_EXP_CURRENT: the ADM round asks
    for it, and section 750 above all current spending is an error."""
    round_adm = make_round(operator, [city], period=2025, sets=("SET_ADM",))
    asked = {v.code for v in round_variables(round_adm)}
    assert {"ADM_EXP_750", "FIN_EXP_CURRENT", "ADM_RESOLUTIONS_ANNULLED"} <= asked
    submission = Submission.objects.get(round=round_adm, unit=city)
    with translation.override("pl"):
        check = submission_check(
            submission, {"ADM_EXP_750": "2 000 000 000", "FIN_EXP_CURRENT": "1 500 000 000"}
        )
    message = "Wydatki bieżące działu 750 są częścią wydatków bieżących ogółem"
    assert any(e.startswith(message) for e in check.items["ADM_EXP_750"].errors)
