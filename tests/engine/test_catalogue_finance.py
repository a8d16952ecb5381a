"""The finance domain of the shipped catalogue (issue 20, section 3; review D34): the
Ministry of Finance's ratios of a unit's financial situation, for every kind of unit,
each variable naming the report it is copied from, each ratio computed as a ratio of
sums, and the figures a clerk enters checked by plausible ranges and rules. Read
through the engine's catalogue reader, as a programme loads it."""

import pytest

from benchlearn.engine.catalogue import Catalogue, Category, Polarity, Severity, Source
from benchlearn.engine.io.catalogue_yaml import read_default_catalogue
from benchlearn.engine.rules import Outcome, compared_value, evaluate_rules
from tests.engine.catalogue_figures import computed, variable

RATIOS = {
    "FIN_REV_RESIDENT": ("FIN_REV_TOTAL", "POP"),
    "FIN_REV_OWN_RESIDENT": ("FIN_REV_OWN", "POP"),
    "FIN_PIT_RESIDENT": ("FIN_REV_PIT", "POP"),
    "FIN_OPER_SURPLUS_SHARE": ("100 * (FIN_REV_CURRENT - FIN_EXP_CURRENT)", "FIN_REV_TOTAL"),
    "FIN_OPER_SURPLUS_RESIDENT": ("FIN_REV_CURRENT - FIN_EXP_CURRENT", "POP"),
    "FIN_SELF_FINANCING": (
        "100 * (FIN_REV_CURRENT - FIN_EXP_CURRENT + FIN_REV_CAPITAL)",
        "FIN_EXP_CAPITAL",
    ),
    "FIN_CAPEX_SHARE": ("100 * FIN_EXP_CAPITAL", "FIN_EXP_TOTAL"),
    "FIN_WAGES_SHARE": ("100 * FIN_EXP_WAGES", "FIN_EXP_CURRENT"),
    "FIN_DEBT_SHARE": ("100 * FIN_LIABILITIES", "FIN_REV_TOTAL"),
    "FIN_LIABILITIES_RESIDENT": ("FIN_LIABILITIES", "POP"),
    "FIN_DEBT_MARGIN": ("(FIN_DS_LIMIT - FIN_DS_PLANNED) * FIN_REV_TOTAL", "FIN_REV_TOTAL"),
}

# Where each variable is copied from: the report and the item or paragraphs a clerk reads.
SOURCES = {
    "FIN_REV_TOTAL": ("Rb-NDS", "pozycja A "),
    "FIN_REV_CURRENT": ("Rb-NDS", "A1"),
    "FIN_REV_CAPITAL": ("Rb-NDS", "A2"),
    "FIN_REV_OWN": ("Rb-27S", "§ 2920"),
    "FIN_REV_PIT": ("Rb-27S", "§ 0010"),
    "FIN_EXP_TOTAL": ("Rb-NDS", "pozycja B "),
    "FIN_EXP_CURRENT": ("Rb-NDS", "B1"),
    "FIN_EXP_CAPITAL": ("Rb-NDS", "B2"),
    "FIN_EXP_WAGES": ("Rb-28S", "401"),
    "FIN_LIABILITIES": ("Rb-Z", "31 grudnia"),
    "FIN_DS_PLANNED": ("WPF", "art. 243"),
    "FIN_DS_LIMIT": ("WPF", "art. 243"),
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return read_default_catalogue()


# A gmina of 10,000 residents: 80 mln zł revenue (70 current, 10 capital), 78 mln
# spending (62 current, 16 capital), own revenue 35 mln of which PIT 15 mln, wages
# 24.8 mln, debt 20 mln; the WPF allows 12.5% and plans 4.25%.
GMINA = {
    "POP": 10_000,
    "FIN_REV_TOTAL": 80_000_000,
    "FIN_REV_CURRENT": 70_000_000,
    "FIN_REV_CAPITAL": 10_000_000,
    "FIN_REV_OWN": 35_000_000,
    "FIN_REV_PIT": 15_000_000,
    "FIN_EXP_TOTAL": 78_000_000,
    "FIN_EXP_CURRENT": 62_000_000,
    "FIN_EXP_CAPITAL": 16_000_000,
    "FIN_EXP_WAGES": 24_800_000,
    "FIN_LIABILITIES": 20_000_000,
    "FIN_DS_PLANNED": 4.25,
    "FIN_DS_LIMIT": 12.5,
}
# A county of 50,000 residents: 100 mln zł revenue (95 current, 5 capital), 100 mln
# spending (90 current, 10 capital), own revenue 30 mln of which PIT 12 mln, wages
# 54 mln, debt 40 mln; the WPF allows 8% and plans 6%.
COUNTY = {
    "POP": 50_000,
    "FIN_REV_TOTAL": 100_000_000,
    "FIN_REV_CURRENT": 95_000_000,
    "FIN_REV_CAPITAL": 5_000_000,
    "FIN_REV_OWN": 30_000_000,
    "FIN_REV_PIT": 12_000_000,
    "FIN_EXP_TOTAL": 100_000_000,
    "FIN_EXP_CURRENT": 90_000_000,
    "FIN_EXP_CAPITAL": 10_000_000,
    "FIN_EXP_WAGES": 54_000_000,
    "FIN_LIABILITIES": 40_000_000,
    "FIN_DS_PLANNED": 6,
    "FIN_DS_LIMIT": 8,
}

# Worked by hand: (gmina, county, group aggregate = Σ numerators / Σ denominators).
EXPECTED = {
    "FIN_REV_RESIDENT": (8_000, 2_000, 180_000_000 / 60_000),
    "FIN_REV_OWN_RESIDENT": (3_500, 600, 65_000_000 / 60_000),
    "FIN_PIT_RESIDENT": (1_500, 240, 27_000_000 / 60_000),
    # (70 − 62) / 80 = 10%; (95 − 90) / 100 = 5%; 13 / 180
    "FIN_OPER_SURPLUS_SHARE": (10.0, 5.0, 100 * 13 / 180),
    "FIN_OPER_SURPLUS_RESIDENT": (800, 100, 13_000_000 / 60_000),
    # (8 + 10) / 16 = 112.5%; (5 + 5) / 10 = 100%; 28 / 26
    "FIN_SELF_FINANCING": (112.5, 100.0, 100 * 28 / 26),
    "FIN_CAPEX_SHARE": (100 * 16 / 78, 10.0, 100 * 26 / 178),
    "FIN_WAGES_SHARE": (40.0, 60.0, 100 * 78.8 / 152),
    "FIN_DEBT_SHARE": (25.0, 40.0, 100 * 60 / 180),
    "FIN_LIABILITIES_RESIDENT": (2_000, 800, 60_000_000 / 60_000),
    # 12.5 − 4.25 = 8.25 pp; 8 − 6 = 2 pp; weighted by revenue: (8.25·80 + 2·100) / 180
    "FIN_DEBT_MARGIN": (8.25, 2.0, (8.25 * 80 + 2 * 100) / 180),
}


# --- the domain and its set ----------------------------------------------------------


def test_the_finance_domain_has_one_set_for_every_kind_of_unit(catalogue):
    domain = next(d for d in catalogue.domains if d.code == "FIN")
    assert domain.name_pl == "Finanse jednostki"
    assert "Rb-NDS" in domain.description_pl and "Rb-NDS" in domain.description_en
    (finance,) = [s for s in catalogue.sets if s.domain == "FIN"]
    assert finance.code == "SET_FIN"
    # gminas of every type, cities with county rights and counties; not voivodeships
    assert set(finance.kinds) == {"gm", "gw", "gmw", "mnpp", "pow"}
    assert set(finance.indicators) == set(RATIOS)


def test_the_ministry_of_finance_ratios_are_all_there(catalogue):
    indicators = [i for i in catalogue.indicators if i.domain == "FIN"]
    assert {i.code for i in indicators} == set(RATIOS)
    for indicator in indicators:
        assert indicator.name_pl and indicator.name_en, indicator.code
        assert indicator.notes_pl and indicator.notes_en, indicator.code


@pytest.mark.parametrize(("code", "sides"), sorted(RATIOS.items()))
def test_each_ratio_has_its_numerator_and_denominator(catalogue, code, sides):
    indicator = catalogue.indicator(code)
    assert (indicator.numerator, indicator.denominator) == sides


def test_polarity_and_category_say_what_is_better(catalogue):
    polarity = {i.code: i.polarity for i in catalogue.indicators if i.domain == "FIN"}
    assert polarity["FIN_DEBT_SHARE"] is Polarity.LOWER_BETTER
    assert polarity["FIN_LIABILITIES_RESIDENT"] is Polarity.LOWER_BETTER
    assert polarity["FIN_OPER_SURPLUS_SHARE"] is Polarity.HIGHER_BETTER
    assert polarity["FIN_SELF_FINANCING"] is Polarity.HIGHER_BETTER
    assert polarity["FIN_CAPEX_SHARE"] is Polarity.HIGHER_BETTER
    assert polarity["FIN_DEBT_MARGIN"] is Polarity.HIGHER_BETTER
    # revenue capacity and the weight of wages are context, not merit; the notes say why
    for code in ("FIN_REV_RESIDENT", "FIN_REV_OWN_RESIDENT", "FIN_PIT_RESIDENT"):
        assert polarity[code] is Polarity.NEUTRAL, code
    wages = catalogue.indicator("FIN_WAGES_SHARE")
    assert wages.polarity is Polarity.NEUTRAL
    assert "Kartę Nauczyciela" in wages.notes_pl and "Teachers' Charter" in wages.notes_en
    categories = {i.category for i in catalogue.indicators if i.domain == "FIN"}
    assert categories <= {Category.INPUT, Category.OUTPUT, Category.EFFICIENCY, Category.QUALITY}


# --- the variables: what a clerk copies, from where ------------------------------------


@pytest.mark.parametrize(("code", "source"), sorted(SOURCES.items()))
def test_each_variable_names_its_report(catalogue, code, source):
    report, item = source
    found = variable(catalogue, code)
    assert found.domain == "FIN" and found.source is Source.FORM
    assert report in found.definition_pl and report in found.definition_en
    assert item in found.definition_pl
    assert found.plausible_min is not None and found.plausible_max is not None
    assert found.plausible_min < found.plausible_max


def test_the_wage_paragraphs_are_those_of_wages_and_contributions(catalogue):
    wages = variable(catalogue, "FIN_EXP_WAGES")
    for paragraph in ("401", "404", "411", "412", "417", "471", "479", "480"):
        assert paragraph in wages.definition_pl and paragraph in wages.definition_en


def test_both_sides_of_the_debt_service_rule_come_from_the_same_wpf(catalogue):
    planned, limit = variable(catalogue, "FIN_DS_PLANNED"), variable(catalogue, "FIN_DS_LIMIT")
    assert "lewej strony" in planned.definition_pl and "prawej strony" in limit.definition_pl
    assert "left side" in planned.definition_en and "right side" in limit.definition_en
    assert "po uwzględnieniu ustawowych wyłączeń" in planned.definition_pl
    assert "po uwzględnieniu" in limit.definition_pl
    assert "FIN_DS_PLANNED" in limit.definition_pl
    for found in (planned, limit):
        assert (found.unit, found.minimum, found.maximum) == ("%", 0, 100)


@pytest.mark.parametrize(
    ("code", "values", "compared", "plausible"),
    [
        # 80 mln for 10,000 residents: 8,000 zł each
        ("FIN_REV_TOTAL", GMINA, 8_000, True),
        # the same amount typed in thousands: 8 zł a resident
        ("FIN_REV_TOTAL", {**GMINA, "FIN_REV_TOTAL": 80_000}, 8, False),
        ("FIN_EXP_WAGES", GMINA, 0.4, True),
        ("FIN_LIABILITIES", GMINA, 0.25, True),
        ("FIN_LIABILITIES", {**GMINA, "FIN_LIABILITIES": 200_000_000}, 2.5, False),
        ("FIN_DS_LIMIT", GMINA, 12.5, True),
    ],
)
def test_plausible_ranges_catch_amounts_in_the_wrong_unit(
    catalogue, code, values, compared, plausible
):
    found = variable(catalogue, code)
    value = compared_value(found, values)
    assert value == pytest.approx(compared)
    assert (found.plausible_min <= value <= found.plausible_max) is plausible


# --- computing it ---------------------------------------------------------------------


@pytest.mark.parametrize(("code", "expected"), sorted(EXPECTED.items()))
def test_each_ratio_computes_the_hand_checked_example(catalogue, code, expected):
    gmina, county, aggregate = expected
    result = computed(catalogue, {"G": GMINA, "P": COUNTY}, code)
    assert result["G"] == pytest.approx(gmina)
    assert result["P"] == pytest.approx(county)
    assert result["aggregate"] == pytest.approx(aggregate)


def test_an_operating_deficit_is_negative_and_self_financing_needs_investment(catalogue):
    deficit = {**GMINA, "FIN_EXP_CURRENT": 74_000_000, "FIN_EXP_CAPITAL": 0}
    assert computed(catalogue, {"G": deficit}, "FIN_OPER_SURPLUS_SHARE")["G"] == pytest.approx(-5)
    assert computed(catalogue, {"G": deficit}, "FIN_SELF_FINANCING")["G"] is None


# --- the rules ------------------------------------------------------------------------


def finance_rules(catalogue: Catalogue) -> dict[str, object]:
    return {rule.code: rule for rule in catalogue.rules if rule.domain == "FIN"}


def outcomes(catalogue: Catalogue, values: dict[str, float]) -> dict[str, Outcome]:
    results = evaluate_rules(finance_rules(catalogue).values(), values)
    return {result.rule.code: result.outcome for result in results}


def test_consistent_figures_pass_every_finance_rule(catalogue):
    for values in (GMINA, COUNTY):
        assert set(outcomes(catalogue, values).values()) == {Outcome.PASSED}


@pytest.mark.parametrize(
    ("change", "failing", "severity"),
    [
        # Rb-NDS: A = A1 + A2 and B = B1 + B2
        ({"FIN_REV_CAPITAL": 12_000_000}, "FIN_CHECK_REV_PARTS", Severity.ERROR),
        ({"FIN_EXP_CURRENT": 60_000_000}, "FIN_CHECK_EXP_PARTS", Severity.ERROR),
        ({"FIN_REV_OWN": 90_000_000}, "FIN_CHECK_OWN_REV", Severity.ERROR),
        ({"FIN_REV_PIT": 40_000_000}, "FIN_CHECK_PIT", Severity.ERROR),
        ({"FIN_EXP_WAGES": 70_000_000}, "FIN_CHECK_WAGES", Severity.ERROR),
        ({"FIN_DS_PLANNED": 13}, "FIN_CHECK_DS_LIMIT", Severity.WARNING),
        ({"FIN_LIABILITIES": 90_000_000}, "FIN_CHECK_DEBT", Severity.WARNING),
    ],
)
def test_inconsistent_figures_break_their_rule(catalogue, change, failing, severity):
    found = outcomes(catalogue, {**GMINA, **change})
    assert found[failing] is Outcome.FAILED
    assert finance_rules(catalogue)[failing].severity is severity
