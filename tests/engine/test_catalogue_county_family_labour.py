"""Two county domains of the shipped catalogue (issue 20, section 3): family support and
foster care with the county's care homes (FAM) and the county labour office (LAB), each a
set for counties and cities with county rights. Every indicator is checked on invented
figures worked by hand for a county and a city with county rights, each variable names
the report or budget chapter a clerk copies it from, and the consistency and range rules
fire on wrong figures and stay silent on right ones. Read through the engine's catalogue
reader, as a programme loads it."""

import pytest

from benchlearn.engine.catalogue import Catalogue, Category, Operator, Polarity, Severity, Source
from benchlearn.engine.formula import parse, references
from benchlearn.engine.io.catalogue_yaml import read_default_catalogue
from benchlearn.engine.rules import Outcome, compared_value, evaluate_rules, rule_failures
from benchlearn.surveys.questionnaires import read_questionnaires
from tests.engine.catalogue_figures import computed

DOMAINS = ("FAM", "LAB")

# indicator → (numerator, denominator): each a ratio of sums, so a group's result is too
RATIOS = {
    "FAM_COST_CHILD": (
        "FAM_EXP_FAMILY + FAM_EXP_INST",
        "FAM_CHILDREN_FAMILY + FAM_CHILDREN_INST",
    ),
    "FAM_COST_FAMILY_CHILD": ("FAM_EXP_FAMILY", "FAM_CHILDREN_FAMILY"),
    "FAM_COST_INST_CHILD": ("FAM_EXP_INST", "FAM_CHILDREN_INST"),
    "FAM_FAMILY_CARE_SHARE": (
        "100 * FAM_CHILDREN_FAMILY",
        "FAM_CHILDREN_FAMILY + FAM_CHILDREN_INST",
    ),
    "FAM_CARE_RATE": ("1000 * (FAM_CHILDREN_FAMILY + FAM_CHILDREN_INST)", "FAM_POP_0_17"),
    "FAM_RETURN_SHARE": ("100 * FAM_LEFT_RETURNED", "FAM_LEFT_ALL"),
    "FAM_DPS_WAITING_RATE": ("100 * FAM_DPS_WAITING", "FAM_DPS_PLACES"),
    "FAM_DPS_WAIT_TIME": ("FAM_DPS_WAIT_DAYS", "FAM_DPS_ADMITTED"),
    "FAM_SATISFACTION": ("100 * FAM_SURVEY_SATISFIED", "FAM_SURVEY_RESP"),
    "FAM_DEC_LATE_SHARE": ("100 * FAM_DEC_LATE", "FAM_DEC_ALL"),
    "FAM_SKO_OVERTURNED_SHARE": ("100 * FAM_DEC_OVERTURNED", "FAM_DEC_APPEALED"),
    "LAB_PUP_COST_UNEMPLOYED": ("LAB_PUP_EXP", "LAB_UNEMPLOYED"),
    "LAB_ACT_COST_EMPLOYED": ("LAB_ACT_EXP", "LAB_ACT_EMPLOYED"),
    "LAB_ACT_EFFECTIVENESS": ("100 * LAB_ACT_EMPLOYED", "LAB_ACT_ENDED"),
    "LAB_ACT_REACH": ("100 * LAB_ACT_ENDED", "LAB_UNEMPLOYED"),
    "LAB_UNEMPLOYED_PER_STAFF": ("LAB_UNEMPLOYED", "LAB_STAFF_FTE"),
    "LAB_IPD_SHARE": ("100 * LAB_IPD", "LAB_UNEMPLOYED"),
    "LAB_FIRST_OFFER_TIME": ("LAB_OFFER_DAYS", "LAB_OFFERED"),
    "LAB_SATISFACTION": ("100 * LAB_SURVEY_SATISFIED", "LAB_SURVEY_RESP"),
    "LAB_DEC_LATE_SHARE": ("100 * LAB_DEC_LATE", "LAB_DEC_ALL"),
    "LAB_WOJ_OVERTURNED_SHARE": ("100 * LAB_DEC_OVERTURNED", "LAB_DEC_APPEALED"),
}

# A county of 60,000 residents (11,000 aged 0–17): 90 children in family foster care
# costing 2.7 mln zł (85508), 20 in institutions costing 2.2 mln (85510); 20 left care,
# 6 of them home; 120 care-home places, 18 waiting, 24 admitted after 150 days each.
# Its labour office: 2,400 unemployed, 48 FTEs costing 7.2 mln zł (85333), 2,160 with an
# action plan; 480 completed activation, 384 then worked, 9.6 mln zł from the Labour
# Fund; 1,200 first offers after 30 days each.
COUNTY = {
    "POP": 60_000,
    "FAM_POP_0_17": 11_000,
    "FAM_EXP_FAMILY": 2_700_000,
    "FAM_EXP_INST": 2_200_000,
    "FAM_CHILDREN_FAMILY": 90,
    "FAM_CHILDREN_INST": 20,
    "FAM_LEFT_ALL": 20,
    "FAM_LEFT_RETURNED": 6,
    "FAM_DPS_PLACES": 120,
    "FAM_DPS_WAITING": 18,
    "FAM_DPS_ADMITTED": 24,
    "FAM_DPS_WAIT_DAYS": 24 * 150,
    "FAM_SURVEY_RESP": 40,
    "FAM_SURVEY_SATISFIED": 30,
    "FAM_DEC_ALL": 1_000,
    "FAM_DEC_LATE": 30,
    "FAM_DEC_APPEALED": 20,
    "FAM_DEC_OVERTURNED": 5,
    "LAB_PUP_EXP": 7_200_000,
    "LAB_UNEMPLOYED": 2_400,
    "LAB_STAFF_FTE": 48,
    "LAB_IPD": 2_160,
    "LAB_ACT_EXP": 9_600_000,
    "LAB_ACT_ENDED": 480,
    "LAB_ACT_EMPLOYED": 384,
    "LAB_OFFERED": 1_200,
    "LAB_OFFER_DAYS": 1_200 * 30,
    "LAB_SURVEY_RESP": 50,
    "LAB_SURVEY_SATISFIED": 35,
    "LAB_DEC_ALL": 3_000,
    "LAB_DEC_LATE": 60,
    "LAB_DEC_APPEALED": 30,
    "LAB_DEC_OVERTURNED": 6,
}
# A city with county rights of 200,000 (34,000 aged 0–17): 240 children in family care
# (9.6 mln zł), 60 in institutions (7.8 mln); 50 left, 10 home; 300 places, 60 waiting,
# 45 admitted after 200 days each. Labour office: 3,000 unemployed, 100 FTEs, 12 mln zł,
# 2,400 plans; 900 completed, 630 worked, 18.9 mln zł; 2,700 first offers after 45 days.
CITY = {
    "POP": 200_000,
    "FAM_POP_0_17": 34_000,
    "FAM_EXP_FAMILY": 9_600_000,
    "FAM_EXP_INST": 7_800_000,
    "FAM_CHILDREN_FAMILY": 240,
    "FAM_CHILDREN_INST": 60,
    "FAM_LEFT_ALL": 50,
    "FAM_LEFT_RETURNED": 10,
    "FAM_DPS_PLACES": 300,
    "FAM_DPS_WAITING": 60,
    "FAM_DPS_ADMITTED": 45,
    "FAM_DPS_WAIT_DAYS": 45 * 200,
    "FAM_SURVEY_RESP": 100,
    "FAM_SURVEY_SATISFIED": 60,
    "FAM_DEC_ALL": 3_000,
    "FAM_DEC_LATE": 60,
    "FAM_DEC_APPEALED": 40,
    "FAM_DEC_OVERTURNED": 8,
    "LAB_PUP_EXP": 12_000_000,
    "LAB_UNEMPLOYED": 3_000,
    "LAB_STAFF_FTE": 100,
    "LAB_IPD": 2_400,
    "LAB_ACT_EXP": 18_900_000,
    "LAB_ACT_ENDED": 900,
    "LAB_ACT_EMPLOYED": 630,
    "LAB_OFFERED": 2_700,
    "LAB_OFFER_DAYS": 2_700 * 45,
    "LAB_SURVEY_RESP": 120,
    "LAB_SURVEY_SATISFIED": 90,
    "LAB_DEC_ALL": 5_000,
    "LAB_DEC_LATE": 100,
    "LAB_DEC_APPEALED": 50,
    "LAB_DEC_OVERTURNED": 15,
}

# Worked by hand: (county, city, group aggregate = Σ numerators / Σ denominators).
EXPECTED = {
    # 4.9 mln / 110; 17.4 mln / 300; 22.3 mln / 410
    "FAM_COST_CHILD": (4_900_000 / 110, 58_000, 22_300_000 / 410),
    "FAM_COST_FAMILY_CHILD": (30_000, 40_000, 12_300_000 / 330),
    "FAM_COST_INST_CHILD": (110_000, 130_000, 125_000),
    "FAM_FAMILY_CARE_SHARE": (100 * 90 / 110, 80.0, 100 * 330 / 410),
    "FAM_CARE_RATE": (10.0, 1000 * 300 / 34_000, 1000 * 410 / 45_000),
    "FAM_RETURN_SHARE": (30.0, 20.0, 100 * 16 / 70),
    "FAM_DPS_WAITING_RATE": (15.0, 20.0, 100 * 78 / 420),
    "FAM_DPS_WAIT_TIME": (150, 200, 12_600 / 69),
    "FAM_SATISFACTION": (75.0, 60.0, 100 * 90 / 140),
    "FAM_DEC_LATE_SHARE": (3.0, 2.0, 100 * 90 / 4_000),
    "FAM_SKO_OVERTURNED_SHARE": (25.0, 20.0, 100 * 13 / 60),
    "LAB_PUP_COST_UNEMPLOYED": (3_000, 4_000, 19_200_000 / 5_400),
    "LAB_ACT_COST_EMPLOYED": (25_000, 30_000, 28_500_000 / 1_014),
    "LAB_ACT_EFFECTIVENESS": (80.0, 70.0, 100 * 1_014 / 1_380),
    "LAB_ACT_REACH": (20.0, 30.0, 100 * 1_380 / 5_400),
    "LAB_UNEMPLOYED_PER_STAFF": (50.0, 30.0, 5_400 / 148),
    "LAB_IPD_SHARE": (90.0, 80.0, 100 * 4_560 / 5_400),
    "LAB_FIRST_OFFER_TIME": (30, 45, 157_500 / 3_900),
    "LAB_SATISFACTION": (70.0, 75.0, 100 * 125 / 170),
    "LAB_DEC_LATE_SHARE": (2.0, 2.0, 100 * 160 / 8_000),
    "LAB_WOJ_OVERTURNED_SHARE": (20.0, 30.0, 100 * 21 / 80),
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return read_default_catalogue()


def variable(catalogue: Catalogue, code: str):
    return next(v for v in catalogue.variables if v.code == code)


def domain_rules(catalogue: Catalogue, domain: str) -> dict:
    return {rule.code: rule for rule in catalogue.rules if rule.domain == domain}


def outcomes(catalogue: Catalogue, values: dict[str, float]) -> dict[str, Outcome]:
    rules = [rule for rule in catalogue.rules if rule.domain in DOMAINS]
    return {result.rule.code: result.outcome for result in evaluate_rules(rules, values)}


# --- the domains and their sets -------------------------------------------------------


@pytest.mark.parametrize(
    ("domain", "name_pl", "name_en"),
    [
        ("FAM", "Wspieranie rodziny i piecza zastępcza", "Family support and foster care"),
        ("LAB", "Powiatowy urząd pracy", "County labour office"),
    ],
)
def test_each_domain_is_a_county_task_with_one_set(catalogue, domain, name_pl, name_en):
    found = next(d for d in catalogue.domains if d.code == domain)
    assert (found.name_pl, found.name_en) == (name_pl, name_en)
    assert found.description_pl and found.description_en
    (indicator_set,) = [s for s in catalogue.sets if s.domain == domain]
    assert indicator_set.code == f"SET_{domain}"
    # counties and cities with county rights, not gminas
    assert set(indicator_set.kinds) == {"pow", "mnpp"}
    in_domain = {i.code for i in catalogue.indicators if i.domain == domain}
    assert set(indicator_set.indicators) == in_domain == {c for c in RATIOS if c[:3] == domain}


@pytest.mark.parametrize(("code", "sides"), sorted(RATIOS.items()))
def test_each_indicator_has_its_numerator_and_denominator(catalogue, code, sides):
    indicator = catalogue.indicator(code)
    assert (indicator.numerator, indicator.denominator) == sides
    assert indicator.name_pl and indicator.name_en and indicator.notes_pl and indicator.notes_en


@pytest.mark.parametrize("domain", DOMAINS)
def test_each_domain_has_the_standards_of_the_gmina_domains(catalogue, domain):
    indicators = [i for i in catalogue.indicators if i.domain == domain]
    categories = {i.category for i in indicators}
    assert {Category.INPUT, Category.OUTPUT, Category.QUALITY} <= categories
    assert {Category.SATISFACTION, Category.GOVERNANCE} <= categories
    money = [i for i in indicators if i.category is Category.INPUT and i.unit == "zł/os."]
    assert money and all(i.numerator and i.denominator for i in money)
    survey = {v.code for v in catalogue.variables if v.source is Source.SURVEY}
    assert survey >= {f"{domain}_SURVEY_RESP", f"{domain}_SURVEY_SATISFIED"}
    for indicator in indicators:
        if indicator.category is Category.GOVERNANCE:
            assert indicator.polarity is Polarity.LOWER_BETTER and indicator.unit == "%"


def test_the_governance_pair_names_its_appeal_body(catalogue):
    # foster care and care homes: the SKO; the labour office's status and benefits: the voivode
    assert "SKO" in variable(catalogue, "FAM_DEC_APPEALED").definition_pl
    lab = variable(catalogue, "LAB_DEC_APPEALED")
    assert "wojewoda" in lab.definition_pl and "voivode" in lab.definition_en
    overturned = catalogue.indicator("LAB_WOJ_OVERTURNED_SHARE")
    assert "wojewodę" in overturned.name_pl and "voivode" in overturned.name_en
    assert overturned.formula == (
        "if(LAB_DEC_APPEALED > 0, 100 * LAB_DEC_OVERTURNED / LAB_DEC_APPEALED, null)"
    )


# --- the variables: what a clerk copies, from where ------------------------------------

SOURCES = {
    "FAM_EXP_FAMILY": ("Rb-28S", "85508"),
    "FAM_EXP_INST": ("Rb-28S", "85510"),
    "FAM_CHILDREN_FAMILY": ("sprawozdania rzeczowo-finansowego", "31 grudnia"),
    "FAM_CHILDREN_INST": ("sprawozdania rzeczowo-finansowego", "31 grudnia"),
    "FAM_LEFT_RETURNED": ("sprawozdań", "powrót do rodziny"),
    "FAM_DPS_PLACES": ("OZPS", "85202"),
    "FAM_DPS_WAITING": ("PCPR", "art. 59 ustawy o pomocy społecznej"),
    "FAM_POP_0_17": ("GUS", "0–17"),
    "LAB_PUP_EXP": ("Rb-28S", "85333"),
    "LAB_UNEMPLOYED": ("MRPiPS-01", "31 grudnia"),
    "LAB_ACT_EXP": ("MRPiPS-02", "efektywności"),
    "LAB_ACT_ENDED": ("sprawozdania o efektywności", "mianownik"),
    "LAB_ACT_EMPLOYED": ("sprawozdanie o efektywności", "licznik"),
    "LAB_IPD": ("Syriusz", "indywidualny plan działania"),
    "LAB_DEC_ALL": ("ustawa z 20 marca 2025 r.", "o rynku pracy i służbach zatrudnienia"),
}


@pytest.mark.parametrize(("code", "source"), sorted(SOURCES.items()))
def test_each_variable_names_its_source(catalogue, code, source):
    report, item = source
    found = variable(catalogue, code)
    assert found.domain == code[:3]
    assert report in found.definition_pl and item in found.definition_pl
    assert found.definition_en


def test_foster_care_costs_are_gross_of_the_gminas_co_financing(catalogue):
    """The gminas' share (art. 191(1)) is revenue, not a lower cost: in a city with county
    rights it does not exist, so a net figure would not compare the two kinds of unit."""
    for code in ("FAM_EXP_FAMILY", "FAM_EXP_INST"):
        found = variable(catalogue, code)
        assert "art. 191 ust. 1" in found.definition_pl and "art. 191(1)" in found.definition_en
        assert "nie pomniejsza się" in found.definition_pl.lower()
        assert "§ 2320" in found.definition_pl  # children placed in other counties
    note = catalogue.indicator("FAM_COST_CHILD").notes_pl
    assert "brutto" in note and "mieście na prawach powiatu" in note


@pytest.mark.parametrize(
    ("code", "values", "compared", "plausible"),
    [
        ("FAM_EXP_FAMILY", COUNTY, 30_000, True),
        # the same amount typed in thousands: 30 zł a child
        ("FAM_EXP_FAMILY", {**COUNTY, "FAM_EXP_FAMILY": 2_700}, 30, False),
        ("FAM_EXP_INST", CITY, 130_000, True),
        ("LAB_PUP_EXP", CITY, 4_000, True),
        ("LAB_PUP_EXP", {**CITY, "LAB_PUP_EXP": 12_000}, 4, False),
        ("LAB_UNEMPLOYED", COUNTY, 0.04, True),
        # the whole starostwo's staff typed for the labour office's: 8 FTEs per 1,000 residents
        ("LAB_STAFF_FTE", {**COUNTY, "LAB_STAFF_FTE": 480}, 0.008, False),
    ],
)
def test_plausible_ranges_catch_figures_in_the_wrong_unit(
    catalogue, code, values, compared, plausible
):
    found = variable(catalogue, code)
    value = compared_value(found, values)
    assert value == pytest.approx(compared)
    assert (found.plausible_min <= value <= found.plausible_max) is plausible


# --- computing it ---------------------------------------------------------------------


@pytest.mark.parametrize(("code", "expected"), sorted(EXPECTED.items()))
def test_each_indicator_computes_the_hand_checked_example(catalogue, code, expected):
    county, city, aggregate = expected
    result = computed(catalogue, {"P": COUNTY, "M": CITY}, code)
    assert result["P"] == pytest.approx(county)
    assert result["M"] == pytest.approx(city)
    assert result["aggregate"] == pytest.approx(aggregate)


def test_shares_need_answers_decisions_and_children(catalogue):
    few = {**COUNTY, "FAM_SURVEY_RESP": 29, "FAM_SURVEY_SATISFIED": 20, "LAB_DEC_APPEALED": 0}
    assert computed(catalogue, {"P": few}, "FAM_SATISFACTION")["P"] is None
    assert computed(catalogue, {"P": few}, "LAB_WOJ_OVERTURNED_SHARE")["P"] is None
    # a county without institutions: all its children are in family care
    family_only = {**COUNTY, "FAM_CHILDREN_INST": 0, "FAM_EXP_INST": 0}
    assert computed(catalogue, {"P": family_only}, "FAM_FAMILY_CARE_SHARE")["P"] == 100
    assert computed(catalogue, {"P": family_only}, "FAM_COST_INST_CHILD")["P"] is None


# --- the rules ------------------------------------------------------------------------


@pytest.mark.parametrize("values", [COUNTY, CITY], ids=["county", "city"])
def test_right_figures_pass_every_rule(catalogue, values):
    found = outcomes(catalogue, values)
    assert len(found) == len([r for r in catalogue.rules if r.domain in DOMAINS])
    assert set(found.values()) == {Outcome.PASSED}


@pytest.mark.parametrize(
    ("change", "failing", "severity"),
    [
        ({"FAM_LEFT_RETURNED": 21}, "FAM_CHECK_LEFT_RETURNED", Severity.ERROR),
        ({"FAM_POP_0_17": 61_000}, "FAM_CHECK_POP_0_17", Severity.ERROR),
        ({"FAM_DPS_ADMITTED": 0}, "FAM_CHECK_DPS_WAIT", Severity.ERROR),
        ({"FAM_CHILDREN_INST": 0}, "FAM_CHECK_INST_EXP", Severity.WARNING),
        ({"FAM_DEC_LATE": 1_001}, "FAM_CHECK_DEC_LATE", Severity.ERROR),
        ({"FAM_DEC_OVERTURNED": 21}, "FAM_CHECK_DEC_OVERTURNED", Severity.ERROR),
        ({"FAM_SURVEY_SATISFIED": 41}, "FAM_CHECK_SURVEY", Severity.ERROR),
        ({"LAB_UNEMPLOYED": 70_000}, "LAB_CHECK_UNEMPLOYED", Severity.ERROR),
        ({"LAB_IPD": 2_401}, "LAB_CHECK_IPD", Severity.ERROR),
        ({"LAB_ACT_EMPLOYED": 481}, "LAB_CHECK_ACT_EMPLOYED", Severity.ERROR),
        ({"LAB_OFFERED": 0}, "LAB_CHECK_OFFER_DAYS", Severity.ERROR),
        ({"LAB_DEC_LATE": 3_001}, "LAB_CHECK_DEC_LATE", Severity.ERROR),
        ({"LAB_DEC_OVERTURNED": 31}, "LAB_CHECK_DEC_OVERTURNED", Severity.ERROR),
        ({"LAB_SURVEY_SATISFIED": 51}, "LAB_CHECK_SURVEY", Severity.ERROR),
    ],
)
def test_a_part_larger_than_its_whole_breaks_its_rule(catalogue, change, failing, severity):
    found = outcomes(catalogue, {**COUNTY, **change})
    assert found[failing] is Outcome.FAILED
    assert domain_rules(catalogue, failing[:3])[failing].severity is severity


@pytest.mark.parametrize(
    ("change", "stem", "severities"),
    [
        # family care spending typed in thousands: 30 zł a child
        ({"FAM_EXP_FAMILY": 2_700}, "FAM_COST_FAMILY_CHILD", [Severity.ERROR, Severity.WARNING]),
        # institution spending with a zero too many: 1.1 mln zł a child
        ({"FAM_EXP_INST": 22_000_000}, "FAM_COST_INST_CHILD", [Severity.ERROR, Severity.WARNING]),
        # 400 days' wait: unusual, not impossible
        ({"FAM_DPS_WAIT_DAYS": 24 * 400}, "FAM_DPS_WAIT_TIME", [Severity.WARNING]),
        # a gmina's children typed for the county's: 5% of the county's population
        ({"FAM_POP_0_17": 3_000}, "FAM_POP_0_17_SHARE", [Severity.ERROR, Severity.WARNING]),
        # the office's running costs typed in thousands: 3 zł an unemployed person
        ({"LAB_PUP_EXP": 7_200}, "LAB_PUP_COST_UNEMPLOYED", [Severity.ERROR, Severity.WARNING]),
        # Labour Fund spending of 200 zł per person employed
        ({"LAB_ACT_EXP": 76_800}, "LAB_ACT_COST_EMPLOYED", [Severity.ERROR, Severity.WARNING]),
        # 6 FTEs for 2,400 unemployed: 400 each – possible in a tiny office, unusual
        ({"LAB_STAFF_FTE": 6}, "LAB_UNEMPLOYED_PER_STAFF", [Severity.WARNING]),
        # first offers after 2 years on average: impossible for an offer made in the year
        (
            {"LAB_OFFER_DAYS": 1_200 * 800},
            "LAB_FIRST_OFFER_TIME",
            [Severity.ERROR, Severity.WARNING],
        ),
        ({"LAB_ACT_EMPLOYED": 100}, "LAB_ACT_EFFECTIVENESS", [Severity.WARNING]),
    ],
)
def test_ranges_fire_on_a_wrong_order_of_magnitude(catalogue, change, stem, severities):
    rules = [domain_rules(catalogue, stem[:3])[stem + s] for s in ("_HARD", "_TYPICAL")]
    assert [f.severity for f in rule_failures(rules, COUNTY)] == []
    assert [f.severity for f in rule_failures(rules, {**COUNTY, **change})] == severities


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_plausible_variable_has_its_hard_and_typical_range(catalogue, domain):
    rules = domain_rules(catalogue, domain)
    hard = {code: rule for code, rule in rules.items() if code.endswith("_HARD")}
    assert hard
    read = set()
    for code, rule in hard.items():
        typical = rules[code.removesuffix("_HARD") + "_TYPICAL"]
        assert rule.operator is typical.operator is Operator.BETWEEN
        assert (rule.severity, typical.severity) == (Severity.ERROR, Severity.WARNING)
        assert rule.left == typical.left
        low, high = float(rule.right), float(rule.upper)
        assert low <= float(typical.right) <= float(typical.upper) <= high
        for message in (rule.message_pl, typical.message_pl):
            assert "zakresem" in message and "Skąd zakres" in message
        assert "Why this range" in rule.message_en and "Why this range" in typical.message_en
        if "zł/" in rule.message_pl:  # money: the price year
            assert "w cenach 2024 r." in rule.message_pl and "at 2024 prices" in rule.message_en
        read |= references(parse(rule.left))
    plausible = {
        v.code for v in catalogue.variables if v.domain == domain and v.plausible_min is not None
    }
    assert plausible - read == set()  # no deliberate exceptions
    assert f"{domain}_DEC_LATE_SHARE_HARD" in hard and f"{domain}_SATISFACTION_HARD" in hard


# --- the questionnaires ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "users"),
    [
        ("FAM_SATISFACTION", ("rodzina zastępcza", "domu pomocy społecznej")),
        ("LAB_SATISFACTION", ("urzędzie pracy", "bezrobotny")),
    ],
)
def test_the_questionnaire_asks_the_service_users(code, users):
    (spec,) = [s for s in read_questionnaires() if s.code == code]
    assert spec.domain == code[:3]
    questions = {q["code"]: q for q in spec.questions}
    for word in users:
        assert word in questions["USE"]["text_pl"]
    assert "gmin" not in questions["AREA"]["text_pl"]  # a county's clients, not a gmina's
    roles = {q["role"] for q in spec.questions}
    assert roles >= {"filter", "item", "overall", "recommend", "open", "sex", "age", "area"}
    items = [q for q in spec.questions if q["role"] == "item"]
    assert len(items) >= 5
    assert all(q["show_if"] == {"question": "USE", "in": ["1"]} for q in items)
