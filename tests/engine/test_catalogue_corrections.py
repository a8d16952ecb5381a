"""The shipped catalogue carries the corrections of the 2026 expert review
(../shared/CATALOGUE-REVIEW.md, defects D02–D38): what a clerk fills is the figure the
review asks for, and the indicators a programme compares are computed the way the
review says they must be. Read through the engine's catalogue reader, as a programme
loads it."""

import polars as pl
import pytest

from benchlearn.engine.catalogue import Catalogue, Severity, Variable
from benchlearn.engine.evaluate import evaluate
from benchlearn.engine.formula import parse, references
from benchlearn.engine.io.catalogue_yaml import read_default_catalogue
from benchlearn.engine.stats import group_stats


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return read_default_catalogue()


def variable(catalogue: Catalogue, code: str) -> Variable:
    return next(v for v in catalogue.variables if v.code == code)


def computed(catalogue: Catalogue, values: dict[str, dict[str, float]], code: str) -> dict:
    """``code``'s value per unit, and the group aggregate of all the units, for 2025."""
    rows = [
        (unit, 2025, variable, value)
        for unit, figures in values.items()
        for variable, value in figures.items()
    ]
    schema = {"unit": pl.String, "period": pl.Int64, "variable": pl.String, "value": pl.Float64}
    results = evaluate(pl.DataFrame(rows, schema=schema, orient="row"), catalogue)
    results = results.filter(pl.col("indicator") == code)
    groups = pl.DataFrame({"group": ["all"] * len(values), "unit": list(values)})
    stats = group_stats(results, groups, {code: catalogue.indicator(code).polarity})
    by_unit = dict(zip(results["unit"], results["value"], strict=True))
    return {**by_unit, "aggregate": stats["aggregate"].item()}


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
