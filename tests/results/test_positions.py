"""Positions a mayor can read: neutral indicators placed against the median in words,
letters that run down the table, indicators and domains without any value folded."""

import re

import pytest

from benchlearn.results.models import Result
from benchlearn.results.selectors import IndicatorInfo, Stat, coverage_of
from benchlearn.results.services import computation_request, computation_run
from tests.conftest import client_for


@pytest.fixture
def computed(computed_programme, operator):
    computation_run(computation_request(user=operator).pk)
    return computed_programme


def _info(code: str, domain: str) -> IndicatorInfo:
    return IndicatorInfo(
        *(code, code.title(), "zł", 2, "neutral", "cost", "cost", domain, domain.title()),
        *("A / B", "A", "B", "", 1, 1),
    )


def _stat(n: int) -> Stat:
    import numpy as np

    return Stat(n, *([None] * 10), values=np.zeros(0))


def test_coverage_folds_indicators_and_domains_without_any_value():
    infos = [_info("COST", "EDU"), _info("SAT", "EDU"), _info("ROADS", "TRA"), _info("X", "CUL")]
    stats = {("COST", 2024): _stat(5), ("SAT", 2024): _stat(0), ("ROADS", 2023): _stat(4)}
    coverage = coverage_of(infos, stats, 2024)
    assert [i.code for i in coverage.shown] == ["COST"]
    assert [i.code for i in coverage.empty] == ["SAT", "ROADS", "X"]
    assert coverage.empty_domains == {"TRA", "CUL"}  # EDU has COST
    assert coverage.empty_names == "Sat, Roads, X"


@pytest.mark.django_db
def test_a_neutral_indicator_gets_a_position_in_words(computed, participant_a):
    unit_a = computed["unit_a"]
    html = (
        client_for(participant_a)
        .get(f"/units/{unit_a.teryt}/results/?group=all&year=2024&scope=all")
        .content.decode()
    )
    # Expenditure per pupil has no direction: a position, in words, but no rank.
    row = html[html.index(">Expenditure per pupil</a>") :]
    row = row[: row.index("</tr>")]
    match = re.search(r'<span class="position (below|around|above)">([^<]*)</span>', row)
    assert match is not None
    side, words = match.groups()
    assert re.fullmatch(
        rf"{side} the median, (lowest quarter of values|between Q1 and the median|"
        r"between the median and Q3|highest quarter of values), percentile \d+ from the lowest",
        words,
    )
    assert "best" not in words and "worst" not in words
    # The page's "weakest first" puts it after the ranked ones: it is neither.
    assert html.index(">Expenditure per pupil</a>") > html.index(">Net cost per pupil</a>")


@pytest.mark.django_db
def test_empty_domains_are_marked_not_drawn(computed, participant_a):
    unit_a = computed["unit_a"]
    assert not Result.objects.filter(indicator__code="WASTE_PER_CAPITA").exclude(value=None)
    client = client_for(participant_a)
    every = f"/units/{unit_a.teryt}/results/?group=all&year=2024&scope=all"
    html = client.get(every).content.decode()
    assert '<span class="empty-domain">Waste (no data)</span>' in html
    profile = client.get(f"/units/{unit_a.teryt}/results/domains/WASTE/?group=all&year=2024")
    page = profile.content.decode()
    assert profile.status_code == 200
    assert "No unit of all units has a value in 2024 of any indicator of this domain." in page
    assert "data-chart" not in page


@pytest.mark.django_db
def test_letters_run_down_the_indicator_table(computed, participant_a):
    unit_a = computed["unit_a"]
    html = (
        client_for(participant_a)
        .get(f"/units/{unit_a.teryt}/results/EDU_NET_COST/?group=all&year=2024")
        .content.decode()
    )
    table = html[html.index("<tbody>", html.index("Units of the group</caption>")) :]
    table = table[: table.index("</tbody>")]
    labels = [
        re.sub(r"<[^>]+>|\(your unit\)", "", cells).strip()
        for cells in re.findall(r"<tr[^>]*>\s*<td[^>]*>[^<]*</td>\s*<td>(.*?)</td>", table, re.S)
    ]
    assert unit_a.name in labels
    letters = [label for label in labels if label != unit_a.name]
    # The own unit keeps its letter's place: the others run A, B, … with one skipped.
    expected = [chr(ord("A") + i) for i in range(len(labels))]
    own_place = labels.index(unit_a.name)
    assert len(labels) > 3 and letters == expected[:own_place] + expected[own_place + 1 :]


@pytest.mark.django_db
def test_formulas_are_printed_with_the_parentheses_they_need(computed, participant_a):
    unit_a = computed["unit_a"]
    client = client_for(participant_a)
    page = client.get(f"/units/{unit_a.teryt}/results/TEACHERS_PER_100/?group=all&year=2024")
    html = page.content.decode()
    # Numerator and denominator read as one formula (not TEACHERS * 100 / PUPILS + …).
    assert "<code>TEACHERS * 100 / (PUPILS + NEW_PUPILS)</code>" in html
    catalogue = client.get("/catalogue/indicators/TEACHERS_PER_100/").content.decode()
    assert "<code>PUPILS + NEW_PUPILS</code>" in catalogue


@pytest.mark.django_db
def test_the_domain_profile_places_a_neutral_indicator_in_words(computed, participant_a):
    unit_a = computed["unit_a"]
    page = client_for(participant_a).get(
        f"/units/{unit_a.teryt}/results/domains/EDU/?group=all&year=2024"
    )
    html = page.content.decode()
    row = html[html.index(">Expenditure per pupil</a>") :]
    row = row[: row.index("</tr>")]
    assert re.search(r'class="position (below|around|above)">\w+ the median, ', row)
