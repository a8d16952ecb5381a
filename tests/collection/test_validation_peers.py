"""Plausibility checks that catch mistakes and spare honest data: the last known value
of any earlier year, peers of the same kind and size from approved data only, and
warnings frozen at submission."""

from decimal import Decimal

import pytest
from django.utils import translation

from benchlearn.catalogue.models import Variable
from benchlearn.collection.models import FrozenCheck, Submission, SubmissionState
from benchlearn.collection.selectors import round_variables
from benchlearn.collection.services import (
    submission_approve,
    submission_return,
    submission_submit,
)
from benchlearn.collection.validation import round_check_counts, submission_check
from benchlearn.units.models import Unit
from benchlearn.units.services.context import context_values_store
from tests.collection.conftest import COMPLETE, PERIOD, approve_all, make_round, save
from tests.conftest import load_units

pytestmark = pytest.mark.django_db


def test_an_81_percent_jump_from_two_years_ago_is_flagged(
    published, programme, units, operator, participant_a
):
    """The year before was left empty: the value of two years ago still counts."""
    approve_all(operator, [units["a"]], PERIOD - 2, [{"EDU_EXP": "1 000 000"}])
    make_round(operator, [units["a"]], period=PERIOD - 1)  # nothing typed in that year
    round_ = make_round(operator, [units["a"]])
    submission = Submission.objects.get(round=round_, unit=units["a"])
    item = submission_check(submission, {"EDU_EXP": "1 810 000"}).items["EDU_EXP"]
    assert item.previous == Decimal(1_000_000) and item.previous_period == PERIOD - 2
    assert item.warnings == [
        f"The value changed by 81% from 1,000,000 in {PERIOD - 2}, the last known value "
        "(more than 30%)."
    ]
    # The round's table counts it the same way.
    counts = round_check_counts(round_, round_variables(round_))
    assert save(submission, participant_a, {"EDU_EXP": "1 810 000"}).ok
    counts = round_check_counts(round_, round_variables(round_))
    assert counts[units["a"].pk].warnings == 1


def test_a_big_citys_honest_figures_are_not_flagged_against_small_gminas(
    published, programme, units, rural_peers, operator
):
    """Five small rural gminas spend about 14 on SUBSIDY; the city spends 2 000. They
    are not its peers: a city with county rights is compared with cities only."""
    approve_all(
        operator, rural_peers, PERIOD - 1, [{"SUBSIDY": n} for n in ["10", "12", "14", "16", "18"]]
    )
    round_ = make_round(operator, [units["a"], units["c"], *rural_peers])
    city = Submission.objects.get(round=round_, unit=units["a"])
    item = submission_check(city, {"SUBSIDY": "2 000"}).items["SUBSIDY"]
    assert item.peers is None and not item.warnings
    # A rural gmina with the same figure is flagged: its peers are those five.
    gmina = Submission.objects.get(round=round_, unit=units["c"])
    assert submission_check(gmina, {"SUBSIDY": "2 000"}).warnings["SUBSIDY"]


def test_peers_are_of_the_same_size_band(published, programme, units, operator):
    """With populations known, a rural gmina of 11,800 (10–20 k) is compared with rural
    gminas of 10–20 k only: five of 4,800–7,400 residents do not count."""
    small = ("0201032", "0201052", "0216062", "0203022", "0203032")
    load_units(*small)
    small_units = list(Unit.objects.filter(teryt__in=small).order_by("teryt"))
    store_population({units["c"]: 11_787, **dict.fromkeys(small_units, 6_000)})
    approve_all(operator, small_units, PERIOD - 1, [{"SUBSIDY": "10"}] * len(small_units))
    round_ = make_round(operator, [units["c"]])
    submission = Submission.objects.get(round=round_, unit=units["c"])
    assert submission_check(submission, {"SUBSIDY": "1000"}).items["SUBSIDY"].peers is None


def store_population(population):
    context_values_store(
        variable=Variable.objects.get(code="POP"),
        values=[(unit, 2018, float(number)) for unit, number in population.items()],
        source="GUS",
        origin="test",
    )


def test_unapproved_values_of_the_round_are_not_peers(
    published, programme, units, rural_peers, operator
):
    round_ = make_round(operator, [units["c"], *rural_peers])
    for unit in rural_peers:
        submission = Submission.objects.get(round=round_, unit=unit)
        assert save(submission, operator, {"SUBSIDY": "10"}).ok
    mine = Submission.objects.get(round=round_, unit=units["c"])
    item = submission_check(mine, {"SUBSIDY": "1000"}).items["SUBSIDY"]
    assert item.peers is None and not item.warnings


def submit(submission, user):
    submission.refresh_from_db()
    submission_submit(submission=submission, user=user, base_revision=submission.revision)
    submission.refresh_from_db()


def test_warnings_are_frozen_at_submission(
    published, programme, units, rural_peers, operator, participant_a
):
    """Unit C is submitted with one explained warning and approved; later the peers'
    approved data, last year's value and the variable's allowed range all change: the
    approved submission shows the same warnings, in both languages."""
    approve_all(operator, rural_peers[:5], PERIOD - 1, [{"SUBSIDY": "10"}] * 5)
    round_ = make_round(operator, [units["c"]])
    gmina = Submission.objects.get(round=round_, unit=units["c"])
    values = {**COMPLETE, "SUBSIDY": ("25", "Nowa szkoła w gminie")}
    assert save(gmina, operator, values).ok
    submit(gmina, operator)
    before = submission_check(gmina)
    assert before.frozen and list(before.warnings) == ["SUBSIDY"]
    with translation.override("pl"):
        polish = submission_check(gmina).warnings
    submission_approve(submission=gmina, operator=operator)
    gmina.refresh_from_db()
    assert gmina.state == SubmissionState.APPROVED

    # Later: more approved peers (fences wider), a value of last year for unit C that
    # makes EDU_EXP jump, a stricter allowed maximum of TEACHERS.
    more = ("0203042", "0204022", "0204032", "0205032", "0205042")
    load_units(*more)
    approve_all(
        operator,
        list(Unit.objects.filter(teryt__in=more)),
        PERIOD - 1,
        [{"SUBSIDY": "100"}] * 5,
    )
    Variable.objects.filter(code="TEACHERS").update(maximum=1)
    after = submission_check(gmina)
    assert after.warnings == before.warnings
    assert not after.errors
    with translation.override("pl"):
        assert submission_check(gmina).warnings == polish
    # The live check would differ: it is what the frozen one protects against.
    live = submission_check(gmina, live=True)
    assert live.errors and live.warnings != before.warnings
    counts = round_check_counts(round_, round_variables(round_))
    assert (counts[units["c"].pk].errors, counts[units["c"].pk].warnings) == (0, 1)


def test_a_returned_submission_is_checked_again_and_refrozen(
    published, programme, units, rural_peers, operator
):
    approve_all(operator, rural_peers, PERIOD - 1, [{"SUBSIDY": "10"}] * 5)
    round_ = make_round(operator, [units["c"]])
    gmina = Submission.objects.get(round=round_, unit=units["c"])
    assert save(gmina, operator, {**COMPLETE, "SUBSIDY": ("10", "")}).ok
    submit(gmina, operator)
    assert not submission_check(gmina).warnings
    submission_return(submission=gmina, operator=operator, comments={"SUBSIDY": "Sprawdźcie"})
    gmina.refresh_from_db()
    assert save(gmina, operator, {"SUBSIDY": ("30", "Dotacja celowa")}).ok
    assert submission_check(gmina).warnings  # live again while returned
    submit(gmina, operator)
    frozen = FrozenCheck.objects.get(submission=gmina, variable__code="SUBSIDY")
    assert frozen.warned and frozen.peers["median"] == 10
    assert frozen.warnings["pl"] and frozen.warnings["en"]
    assert frozen.warnings["pl"] != frozen.warnings["en"]


PER_YAML = """\
format: benchlearn-catalogue
version: 1
domains:
  - code: EDU
    name: {pl: Oświata, en: Education}
variables:
  - code: POP
    name: {pl: Liczba mieszkańców, en: Population}
    source: public_statistics
  - code: EDU_PUPILS
    name: {pl: Uczniowie, en: Pupils}
    min: 0
    compare: per_resident
    domain: EDU
  - code: EDU_TEACHERS_FTE
    name: {pl: Etaty nauczycieli, en: Teacher FTEs}
    min: 0
    compare: per_user
    compare_per: EDU_PUPILS
    domain: EDU
  - code: EDU_EXP
    name: {pl: Wydatki na oświatę, en: Expenditure on education}
    min: 0
    compare: per_resident
    plausible: [600, 6000]
    domain: EDU
indicators:
  - code: EDU_PER_TEACHER
    name: {pl: Uczniowie na etat, en: Pupils per FTE}
    formula: EDU_PUPILS / EDU_TEACHERS_FTE
    domain: EDU
  - code: EDU_EXP_RESIDENT
    name: {pl: Wydatki na mieszkańca, en: Expenditure per resident}
    formula: EDU_EXP / POP
    domain: EDU
sets:
  - code: SET_PER
    name: {pl: Oświata, en: Education}
    domain: EDU
    indicators: [EDU_PER_TEACHER, EDU_EXP_RESIDENT]
rules:
  - code: EDU_PUPILS_PER_TEACHER
    domain: EDU
    left: EDU_PUPILS / EDU_TEACHERS_FTE
    between: [4, 20]
    severity: warning
    message:
      pl: Uczniów na etat nauczyciela jest zwykle od 4 do 20.
      en: There are usually 4 to 20 pupils per teacher FTE.
"""

# Cities with county rights of over 100,000 residents (one population band).
CITIES = {"2461011": 171_259, "2466011": 179_806, "2464011": 222_292, "2462011": 166_795,
          "2469011": 294_510, "0463011": 202_074, "1863011": 191_564}  # fmt: skip


@pytest.fixture
def per_catalogue(db, operator):
    from benchlearn.catalogue.services import catalogue_import, catalogue_publish

    catalogue_import(text=PER_YAML, user=operator)
    catalogue_publish(user=operator)


@pytest.fixture
def cities(per_catalogue, programme, units):
    load_units(*CITIES)
    found = {u.teryt: u for u in Unit.objects.filter(teryt__in=CITIES)}
    store_population({found[t]: n for t, n in CITIES.items()})
    return [found[t] for t in CITIES]


def city_figures(population):
    """An honest city: 9 % of residents are pupils, 11 pupils per teacher FTE, 1,900 zł
    per resident on education."""
    pupils = round(population * 0.09)
    return {
        "EDU_PUPILS": str(pupils),
        "EDU_TEACHERS_FTE": str(round(pupils / 11)),
        "EDU_EXP": str(population * 1_900),
    }


def test_one_teacher_fte_for_14500_pupils_is_flagged_per_pupil(cities, operator):
    peers, city = cities[1:], cities[0]
    approve_all(
        operator, peers, PERIOD - 1, [city_figures(CITIES[u.teryt]) for u in peers],
        sets=("SET_PER",),
    )  # fmt: skip
    round_ = make_round(operator, [city], sets=("SET_PER",))
    submission = Submission.objects.get(round=round_, unit=city)
    honest = city_figures(CITIES[city.teryt])
    assert not submission_check(submission, honest).warnings
    typo = {**honest, "EDU_PUPILS": "14 500", "EDU_TEACHERS_FTE": "1"}
    warnings = submission_check(submission, typo).warnings["EDU_TEACHERS_FTE"]
    assert any("Divided by Pupils (EDU_PUPILS) the value is 0.000069," in w for w in warnings)
    assert "There are usually 4 to 20 pupils per teacher FTE." in warnings


def test_a_big_city_is_compared_per_resident_with_cities_of_its_size(cities, operator):
    """Katowice spends 1.7 times Bielsko-Biała's amount: per resident it is as usual."""
    peers = [u for u in cities if u.teryt != "2469011"]
    approve_all(
        operator, peers, PERIOD - 1, [city_figures(CITIES[u.teryt]) for u in peers],
        sets=("SET_PER",),
    )  # fmt: skip
    katowice = next(u for u in cities if u.teryt == "2469011")
    round_ = make_round(operator, [katowice], sets=("SET_PER",))
    submission = Submission.objects.get(round=round_, unit=katowice)
    check = submission_check(submission, city_figures(CITIES["2469011"]))
    item = check.items["EDU_EXP"]
    assert item.ratio == pytest.approx(1_900) and item.peers.median == pytest.approx(1_900)
    assert not check.warnings
    # 19 zł per resident (a figure typed in hundreds) is flagged per resident.
    low = {**city_figures(CITIES["2469011"]), "EDU_EXP": str(CITIES["2469011"] * 19)}
    warned = submission_check(submission, low).warnings["EDU_EXP"]
    assert any("outside the plausible range from 600 to 6,000" in w for w in warned)
    assert any("Population (POP)" in w and "median 1,900" in w for w in warned)


def test_the_round_table_counts_per_basis_and_rules_as_the_form_does(cities, operator):
    peers = cities[2:]
    approve_all(
        operator, peers, PERIOD - 1, [city_figures(CITIES[u.teryt]) for u in peers],
        sets=("SET_PER",),
    )  # fmt: skip
    round_ = make_round(operator, cities[:2], sets=("SET_PER",))
    typo = {**city_figures(CITIES[cities[0].teryt]), "EDU_PUPILS": "14 500"}
    typo["EDU_TEACHERS_FTE"] = "1"
    honest = city_figures(CITIES[cities[1].teryt])
    for unit, entries in zip(cities[:2], (typo, honest), strict=True):
        assert save(Submission.objects.get(round=round_, unit=unit), operator, entries).ok
    counts = round_check_counts(round_, round_variables(round_))
    for unit in cities[:2]:
        check = submission_check(Submission.objects.get(round=round_, unit=unit))
        assert (counts[unit.pk].errors, counts[unit.pk].warnings) == (
            len(check.errors),
            len(check.warnings),
        )
    assert counts[cities[0].pk].warnings >= 2 and counts[cities[1].pk].warnings == 0
