"""The default catalogue (model indicator sets): it loads, the evaluator accepts it, it
keeps the promises an association starts a programme on, and it computes cleanly."""

from collections import Counter

import numpy as np
import polars as pl
import pytest
import yaml

from benchlearn.engine.catalogue import Catalogue, Category, Indicator, Polarity, Source
from benchlearn.engine.evaluate import (
    catalogue_in_year,
    check_by_year,
    check_catalogue,
    evaluate_by_year,
)
from benchlearn.engine.formula import parse, references
from benchlearn.engine.io.catalogue_yaml import (
    catalogue_from_yaml,
    catalogue_to_yaml,
    default_catalogue_text,
    read_default_catalogue,
)

# education, waste, roads, water and sewage, social assistance, culture, administration
REQUIRED_DOMAINS = {"EDU", "WST", "ROAD", "WAT", "SOC", "CUL", "ADM"}
CONTEXT = {"POP", "AREA_KM2", "POP_65PLUS"}  # public statistics shared by every domain


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return read_default_catalogue()


@pytest.fixture(scope="module")
def raw() -> dict:
    """The file as plain YAML, to see which keys are written (the reader fills defaults)."""
    return yaml.safe_load(default_catalogue_text())


def uses(indicator: Indicator) -> set[str]:
    """Codes an indicator's formula, numerator and denominator refer to."""
    parts = (indicator.formula, indicator.numerator, indicator.denominator)
    return set().union(*(references(parse(part)) for part in parts if part))


def in_domain(catalogue: Catalogue, domain: str) -> list[Indicator]:
    return [indicator for indicator in catalogue.indicators if indicator.domain == domain]


def test_the_evaluator_accepts_it(catalogue):
    # An indicator may have a definition per range of data years (EDU_SUBV_COVERAGE to
    # 2024 and from 2025): the catalogue of each year is checked.
    check_by_year(catalogue)
    codes = sorted({i.code for i in catalogue.indicators})
    for year in (2024, 2025):
        assert sorted(check_catalogue(catalogue_in_year(catalogue, year))) == codes


def test_writing_and_reading_back_gives_the_same_catalogue(catalogue):
    assert catalogue_from_yaml(catalogue_to_yaml(catalogue)) == catalogue


def test_size_and_domains(catalogue):
    codes = {domain.code for domain in catalogue.domains}
    assert len(codes) >= 6
    assert codes >= REQUIRED_DOMAINS
    assert len(catalogue.indicators) >= 60
    for domain in catalogue.domains:
        assert domain.name_pl and domain.name_en and domain.name_pl != domain.name_en
        assert domain.description_pl and domain.description_en
        # distinct codes (a code with a definition per range of data years counts once);
        # up to 15 since the review's section 2 priority-A indicators (ROAD has 15)
        codes_in_domain = {indicator.code for indicator in in_domain(catalogue, domain.code)}
        assert 8 <= len(codes_in_domain) <= 15, domain.code


def test_every_indicator_is_fully_described(catalogue, raw):
    domains = {domain.code for domain in catalogue.domains}
    for indicator, written in zip(catalogue.indicators, raw["indicators"], strict=True):
        code = indicator.code
        assert indicator.name_pl and indicator.name_en, code
        assert indicator.name_pl != indicator.name_en, code
        assert indicator.notes_pl and indicator.notes_en, code
        assert indicator.notes_pl != indicator.notes_en, code
        assert indicator.unit, code
        assert {"unit", "polarity", "category", "decimals"} <= written.keys(), code
        assert indicator.domain in domains, code
        assert code.startswith(indicator.domain + "_"), code


def test_every_variable_is_fully_described(catalogue):
    domains = {domain.code for domain in catalogue.domains}
    for variable in catalogue.variables:
        code = variable.code
        assert variable.name_pl and variable.name_en, code
        assert variable.definition_pl and variable.definition_en, code
        assert variable.unit, code
        assert variable.minimum == 0, code
        if variable.unit == "%":
            assert variable.maximum == 100, code
        if code in CONTEXT:
            assert variable.domain == "" and variable.source is Source.PUBLIC_STATISTICS
        else:
            assert variable.domain in domains and code.startswith(variable.domain + "_"), code


def test_every_variable_is_used_by_some_formula(catalogue):
    used = set().union(*(uses(indicator) for indicator in catalogue.indicators))
    assert catalogue.variable_codes() - used == set()


def test_every_indicator_is_in_a_set_of_its_domain(catalogue):
    membership = Counter(code for s in catalogue.sets for code in s.indicators)
    sets_of = Counter(s.domain for s in catalogue.sets)
    # Each code in a set, whatever its definitions by data year; once, unless its domain
    # has a gmina and a county set (health: SET_HLT, SET_HLT_POW) listing it in both.
    assert set(membership) == {indicator.code for indicator in catalogue.indicators}
    for code, times in membership.items():
        assert times <= sets_of[catalogue.indicator(code).domain], code
    assert {s.domain for s in catalogue.sets} == {d.code for d in catalogue.domains}
    codes = {s.code for s in catalogue.sets}
    assert {f"SET_{d.code}" for d in catalogue.domains} <= codes  # each domain's main set
    for s in catalogue.sets:
        assert s.code == f"SET_{s.domain}" or s.code.startswith(f"SET_{s.domain}_"), s.code
        assert s.name_pl and s.name_en
        assert {catalogue.indicator(code).domain for code in s.indicators} == {s.domain}


@pytest.mark.parametrize("domain", sorted(REQUIRED_DOMAINS))
def test_every_domain_has_a_money_per_user_input(catalogue, domain):
    cost = [
        i
        for i in in_domain(catalogue, domain)
        if i.unit.startswith("zł/")
        and i.category in (Category.INPUT, Category.EFFICIENCY)
        and i.numerator
        and i.denominator
    ]
    assert any(i.category is Category.INPUT for i in cost), domain


@pytest.mark.parametrize("domain", sorted(REQUIRED_DOMAINS))
def test_every_domain_has_outputs_and_quality(catalogue, domain):
    categories = {i.category for i in in_domain(catalogue, domain)}
    assert {Category.OUTPUT, Category.QUALITY} <= categories, domain


@pytest.mark.parametrize("domain", sorted(REQUIRED_DOMAINS))
def test_every_domain_has_satisfaction_fed_by_a_survey(catalogue, domain):
    survey = {v.code for v in catalogue.variables if v.source is Source.SURVEY}
    satisfaction = [i for i in in_domain(catalogue, domain) if i.category is Category.SATISFACTION]
    assert any(uses(i) & survey for i in satisfaction), domain
    assert all(i.polarity is Polarity.HIGHER_BETTER for i in satisfaction)


@pytest.mark.parametrize("domain", sorted(REQUIRED_DOMAINS))
def test_every_domain_has_the_governance_pair(catalogue, domain):
    variables = {v.code: v for v in catalogue.variables}
    late = catalogue.indicator(f"{domain}_DEC_LATE_SHARE")
    overturned = catalogue.indicator(f"{domain}_SKO_OVERTURNED_SHARE")
    for indicator, counted in ((late, "DEC_LATE"), (overturned, "DEC_OVERTURNED")):
        assert indicator.domain == domain
        assert indicator.category is Category.GOVERNANCE
        assert indicator.polarity is Polarity.LOWER_BETTER
        assert indicator.unit == "%"
        assert indicator.numerator == f"100 * {domain}_{counted}"
        # the domain's own decision counts, not shared ones
        assert {variables[code].domain for code in uses(indicator)} == {domain}
    assert late.denominator == f"{domain}_DEC_ALL"
    assert overturned.denominator == f"{domain}_DEC_APPEALED"


def test_change_indicators_use_prev(catalogue):
    with_prev = [i.code for i in catalogue.indicators if "prev(" in i.formula]
    assert len(with_prev) >= 2


# --- computing it ---------------------------------------------------------------------

PERIODS = (2023, 2024, 2025)  # across the change of EDU_SUBV_COVERAGE's definition


def sensible_values(catalogue: Catalogue, rng: np.random.Generator, unit: str) -> list[tuple]:
    """Positive values within each variable's range: every if() takes its computing branch."""
    rows = []
    for period in PERIODS:
        for variable in catalogue.variables:
            top = variable.maximum if variable.maximum is not None else 5000.0
            rows.append((unit, period, variable.code, float(rng.uniform(min(30.0, top), top))))
    return rows


def rough_values(catalogue: Catalogue, rng: np.random.Generator, unit: str) -> list[tuple]:
    """Zeros, missing values and extremes, as careless data entry produces them."""
    rows = []
    for period in PERIODS:
        for variable in catalogue.variables:
            draw = rng.random()
            if draw < 0.2:
                continue  # never entered
            value = None if draw < 0.3 else 0.0 if draw < 0.5 else float(rng.uniform(0, 1e12))
            rows.append((unit, period, variable.code, value))
    return rows


def frame(rows: list[tuple]) -> pl.DataFrame:
    schema = {"unit": pl.String, "period": pl.Int64, "variable": pl.String, "value": pl.Float64}
    return pl.DataFrame(rows, schema=schema, orient="row")


def test_it_computes_without_inf_or_nan(catalogue):
    rng = np.random.default_rng(20250101)
    rows = sensible_values(catalogue, rng, "0201011")
    for number in range(30):
        rows += rough_values(catalogue, rng, f"U{number:02}")
    result = evaluate_by_year(frame(rows), catalogue)
    per_year = sum(len(catalogue_in_year(catalogue, period).indicators) for period in PERIODS)
    assert result.height == 31 * per_year
    for column in ("value", "numerator", "denominator"):
        values = result[column].drop_nulls()
        assert not values.is_nan().any(), column
        assert not values.is_infinite().any(), column
    # the unit with sensible data gets every indicator, except prev() in the first year
    sensible = result.filter(pl.col("unit") == "0201011")
    missing = sensible.filter(pl.col("value").is_null())
    uses_prev = {i.code for i in catalogue.indicators if "prev(" in i.formula}
    assert set(missing["indicator"]) == uses_prev
    assert set(missing["period"]) == {PERIODS[0]}
