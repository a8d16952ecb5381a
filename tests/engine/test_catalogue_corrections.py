"""The shipped catalogue carries the corrections of the 2026 expert review
(../shared/CATALOGUE-REVIEW.md, defects D02–D38): what a clerk fills is the figure the
review asks for, and the indicators a programme compares are computed the way the
review says they must be. Read through the engine's catalogue reader, as a programme
loads it."""

import pytest

from benchlearn.engine.catalogue import Catalogue, Category, Polarity, Severity
from benchlearn.engine.formula import parse, references
from benchlearn.engine.io.catalogue_yaml import read_default_catalogue
from tests.engine.catalogue_figures import computed, variable


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return read_default_catalogue()


def test_it_is_version_2026_1(catalogue):
    assert catalogue.version == "2026.1"


# --- D03 (high): social assistance cost per beneficiary has a core scope -------------


def test_cost_per_beneficiary_leaves_out_housing_allowances_and_one_off_benefits(catalogue):
    indicator = catalogue.indicator("SOC_EXP_BENEFICIARY")
    excluded = variable(catalogue, "SOC_EXP_EXCLUDED")
    assert indicator.numerator == "SOC_EXP - SOC_EXP_EXCLUDED"
    assert indicator.denominator == "SOC_BENEFICIARIES"
    assert "SOC_EXP_EXCLUDED" in references(parse(indicator.formula))
    # what the clerk subtracts: the whole of chapter 85215 and the one-off allowances
    for text in (excluded.definition_pl, excluded.definition_en):
        assert "85215" in text
        assert "85295" in text
    assert "dodatek węglowy" in excluded.definition_pl
    assert "coal allowance" in excluded.definition_en
    assert "85215" in indicator.notes_pl and "85215" in indicator.notes_en
    assert excluded.domain == "SOC" and excluded.unit == "zł"


def test_the_per_resident_cost_keeps_the_whole_section_and_says_so(catalogue):
    indicator = catalogue.indicator("SOC_EXP_RESIDENT")
    assert indicator.numerator == "SOC_EXP"
    assert "całego działu 852" in indicator.notes_pl
    assert "whole section 852" in indicator.notes_en


def test_the_core_cost_is_what_is_left_of_section_852(catalogue):
    values = {
        # 2 mln in section 852, of which 0.5 mln housing and coal allowances; 100 people
        "A": {"SOC_EXP": 2_000_000, "SOC_EXP_EXCLUDED": 500_000, "SOC_BENEFICIARIES": 100},
        "B": {"SOC_EXP": 1_000_000, "SOC_EXP_EXCLUDED": 0, "SOC_BENEFICIARIES": 100},
    }
    result = computed(catalogue, values, "SOC_EXP_BENEFICIARY")
    assert result["A"] == pytest.approx(15_000)
    assert result["B"] == pytest.approx(10_000)
    assert result["aggregate"] == pytest.approx(2_500_000 / 200)


def test_the_excluded_part_cannot_exceed_section_852(catalogue):
    rule = next(r for r in catalogue.rules if r.left == "SOC_EXP_EXCLUDED")
    assert rule.right == "SOC_EXP" and rule.severity is Severity.ERROR


# --- D04 (high): waste masses name their waste codes --------------------------------


def test_the_collected_mass_names_group_20_and_15_01_and_leaves_out_group_17(catalogue):
    collected = variable(catalogue, "WST_COLLECTED_T")
    assert "grupy 20 i podgrupy 15 01" in collected.definition_pl
    assert "bez grupy 17" in collected.definition_pl
    assert "group 20 and subgroup 15 01" in collected.definition_en
    assert "without group 17" in collected.definition_en.replace("\n", " ")
    assert "PSZOK" in collected.definition_pl and "art. 9q" in collected.definition_pl


def test_separately_collected_is_everything_but_mixed_waste_bulky_waste_included(catalogue):
    separate = variable(catalogue, "WST_SEPARATE_T")
    for text in (separate.definition_pl, separate.definition_en):
        assert "20 03 01" in text and "20 03 99" in text
        assert "20 03 07" in text
    assert "wielkogabarytowe (20 03 07) liczy się jako zebrane selektywnie" in (
        separate.definition_pl.replace("\n", " ")
    )


@pytest.mark.parametrize("code", ["WST_KG_RESIDENT", "WST_SEPARATE_SHARE", "WST_COST_TONNE"])
def test_the_waste_mass_indicators_say_which_codes_they_count(catalogue, code):
    indicator = catalogue.indicator(code)
    assert "bez grupy 17" in indicator.notes_pl
    assert "without group 17" in indicator.notes_en.replace("\n", " ")


# --- D05: the recycling rate is a ratio of masses -----------------------------------


def test_the_recycling_rate_is_computed_from_the_two_masses_of_the_report(catalogue):
    indicator = catalogue.indicator("WST_RECYCLING")
    assert indicator.formula == "100 * WST_PREP_RECYCLED_T / WST_GENERATED_T"
    assert indicator.numerator == "100 * WST_PREP_RECYCLED_T"
    assert indicator.denominator == "WST_GENERATED_T"
    for code in ("WST_PREP_RECYCLED_T", "WST_GENERATED_T"):
        mass = variable(catalogue, code)
        assert mass.unit == "t" and mass.domain == "WST"
        assert "art. 9q" in mass.definition_pl


def test_the_groups_recycling_rate_is_the_ratio_of_summed_masses(catalogue):
    values = {
        "big": {"WST_PREP_RECYCLED_T": 6_000, "WST_GENERATED_T": 10_000},  # 60 %
        "small": {"WST_PREP_RECYCLED_T": 200, "WST_GENERATED_T": 1_000},  # 20 %
    }
    result = computed(catalogue, values, "WST_RECYCLING")
    assert result["big"] == pytest.approx(60)
    assert result["small"] == pytest.approx(20)
    # the group as one big gmina: 6 200 t of 11 000 t, not the mean of 60 and 20
    assert result["aggregate"] == pytest.approx(100 * 6_200 / 11_000)


# --- medium and low defects --------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "polarity"),
    [
        ("SOC_OPS_COST_BENEFICIARY", Polarity.NEUTRAL),  # D09: the OPS's cost is its service
        ("ROAD_MAINT_COST_KM", Polarity.NEUTRAL),  # D24: cheapest upkeep is not best
        ("WAT_PRICE_TOTAL", Polarity.NEUTRAL),  # D26: a subsidised price is no better service
        ("EDU_COST_PUPIL", Polarity.NEUTRAL),  # D20: kept neutral
    ],
)
def test_polarity_follows_the_review(catalogue, code, polarity):
    assert catalogue.indicator(code).polarity is polarity


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("WAT_WATER_COST_M3", Category.INPUT),  # D25: the two unit costs alike
        ("WAT_SEWAGE_COST_M3", Category.INPUT),
        ("WAT_PRICE_TOTAL", Category.INPUT),  # D26: a price is the residents' cost
        ("WST_FEE_ARREARS_SHARE", Category.GOVERNANCE),  # D27: fee collection
        ("WST_DECLARED_SHARE", Category.GOVERNANCE),
    ],
)
def test_category_follows_the_review(catalogue, code, category):
    assert catalogue.indicator(code).category is category


def test_grant_returns_cite_art_252_not_169(catalogue):  # D02
    for code in ("CUL_DEC_ALL", "EDU_DEC_ALL"):
        found = variable(catalogue, code)
        assert "art. 252 ustawy o finansach publicznych" in found.definition_pl, code
        assert "art. 252 of the Public Finance Act" in found.definition_en, code
        assert "art. 169" not in found.definition_pl + found.definition_en, code


def test_waste_system_cost_counts_its_administration_wherever_booked(catalogue):  # D06
    cost = variable(catalogue, "WST_COST")
    assert "jeśli gmina je wyodrębnia" not in cost.definition_pl
    assert "Obowiązkowo" in cost.definition_pl
    for chapter in ("90002", "75023", "75085", "art. 9tb"):
        assert chapter in cost.definition_pl


def test_road_upkeep_adds_winter_maintenance_and_leaves_out_lighting(catalogue):  # D07
    spending = variable(catalogue, "ROAD_MAINT_EXP")
    assert "90003" in spending.definition_pl and "90015" in spending.definition_pl
    assert "bez oświetlenia ulic (rozdział 90015" in spending.definition_pl
    assert "jeśli ujęte w tym rozdziale" not in spending.definition_pl


def test_road_condition_uses_the_four_classes_and_reports_class_d(catalogue):  # D08
    good = variable(catalogue, "ROAD_GOOD_KM")
    assert "klasie A (stan dobry) lub B (stan zadowalający)" in good.definition_pl
    assert "niezadowalający" in good.definition_pl and "art. 20" in good.definition_pl
    bad = catalogue.indicator("ROAD_BAD_SHARE")
    assert bad.numerator == "100 * ROAD_BAD_KM" and bad.denominator == "ROAD_HARD_KM"
    assert bad.polarity is Polarity.LOWER_BETTER
    assert "ROAD_BAD_SHARE" in next(s for s in catalogue.sets if s.code == "SET_ROAD").indicators


def test_water_costs_are_the_years_actual_costs_without_exported_water(catalogue):  # D10, D11
    cost = variable(catalogue, "WAT_WATER_COST")
    assert "Koszty rzeczywiste" in cost.definition_pl
    assert "nie koszty planowane z wniosku taryfowego" in cost.definition_pl
    assert "wodę przekazaną hurtowo" in cost.definition_pl
    produced = variable(catalogue, "WAT_WATER_PRODUCED_M3")
    assert "minus woda przekazana" in produced.definition_pl
    assert catalogue.indicator("WAT_WATER_LOSS_SHARE").name_pl.startswith("Woda niedochodowa")


def test_office_cost_and_staff_have_one_scope(catalogue):  # D14
    spending, staff = variable(catalogue, "ADM_EXP"), variable(catalogue, "ADM_STAFF_FTE")
    for text in (spending.definition_pl, staff.definition_pl):
        assert "75023" in text and "75011" in text


def test_overturned_decisions_leave_out_nullity_declared_outside_the_appeal(catalogue):  # D17
    for code in ("EDU_DEC_OVERTURNED", "ADM_DEC_OVERTURNED"):
        found = variable(catalogue, code)
        assert "liczy się tak samo" not in found.definition_pl
        assert "nie są tu liczone" in found.definition_pl


def test_late_decisions_cite_the_tax_ordinance_deadlines_too(catalogue):  # D16
    late = variable(catalogue, "WST_DEC_LATE")
    assert "art. 139 Ordynacji podatkowej" in late.definition_pl
    assert "art. 139 § 4" in late.definition_pl


def test_pupils_leave_out_pre_school_classes(catalogue):  # D19
    pupils = variable(catalogue, "EDU_PUPILS")
    assert "bez dzieci w oddziałach przedszkolnych" in pupils.definition_pl


def test_the_groups_waiting_time_is_weighted_by_tickets(catalogue):  # D35
    values = {
        "A": {"ADM_WAIT_MINUTES": 10, "ADM_TICKETS": 30_000},
        "B": {"ADM_WAIT_MINUTES": 40, "ADM_TICKETS": 10_000},
    }
    result = computed(catalogue, values, "ADM_WAIT_TIME")
    assert result["aggregate"] == pytest.approx((10 * 30_000 + 40 * 10_000) / 40_000)


def test_no_definition_names_jrwa_as_a_register(catalogue):  # D15
    for found in catalogue.variables:
        assert "rejestr spraw (JRWA)" not in found.definition_pl, found.code


# --- the change log answers every defect --------------------------------------------


def test_the_change_log_answers_every_defect_d02_to_d38(catalogue):
    release = next(r for r in catalogue.changelog if r.version == "2026.1")
    answered = {e.ref: e for e in release.entries if e.action.value in ("fixed", "kept")}
    assert {f"D{n:02}" for n in range(2, 39)} <= set(answered)
    for ref, entry in answered.items():
        assert entry.codes and entry.text_pl and entry.text_en, ref
        assert entry.text_pl != entry.text_en, ref
    retired = [e for e in release.entries if e.action.value == "retired"]
    assert [e.codes for e in retired if e.ref == "D05"] == [("WST_RECYCLING_RATE",)]
    added = {code for e in release.entries if e.action.value == "added" for code in e.codes}
    assert {"SOC_EXP_EXCLUDED", "WST_PREP_RECYCLED_T", "WST_GENERATED_T"} <= added
    known = catalogue.variable_codes() | {i.code for i in catalogue.indicators}
    known |= {s.code for s in catalogue.sets} | {d.code for d in catalogue.domains}
    assert added <= known  # a new domain names itself and its sets too
