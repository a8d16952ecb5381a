"""Did it work? A unit's change against its group's, and the group's most improved
units, read from stored results (values set by hand after a computation), and the
"Most improved" section of a group's indicator page."""

import re

import pytest
from django.http import Http404

from benchlearn.results.effects import action_effect, most_improved
from benchlearn.results.models import ComparisonGroup, ComparisonKind, Result
from benchlearn.results.services import computation_request, computation_run
from tests.conftest import client_for

# TEACHERS_PER_100 (higher is better) in 2023 → 2024 by TERYT, set by hand; None: no
# stored result. Unit C (2402022) has no 2024 result (its form is a draft), unit B
# (2466011) loses its 2023 one.
VALUES = {
    "0201011": (10.0, 14.0),  # +4
    "0201022": (20.0, 21.0),  # +1
    "0216043": (5.0, 3.0),  # −2
    "0216053": (0.0, 2.0),  # +2, from 0: no %
    "0216062": (40.0, 46.0),  # +6
    "2402022": (7.0, None),  # unit C
    "2461011": (12.0, 13.0),  # unit A, +1
    "2466011": (None, 8.0),  # unit B
}
# The changes of the six with both years: −2, 1, 1, 2, 4, 6 (n = 6), QUARTILE.INC
# positions h = 5·p: median h = 2.5 → 1 + 0.5·(2 − 1) = 1.5; Q1 h = 1.25 → 1 +
# 0.25·(1 − 1) = 1; Q3 h = 3.75 → 2 + 0.75·(4 − 2) = 3.5.


def set_values(computation, code, values):
    rows = Result.objects.filter(computation=computation, indicator__code=code)
    for teryt, pair in values.items():
        for period, value in zip((2023, 2024), pair, strict=True):
            row = rows.filter(unit__teryt=teryt, period=period)
            if value is None:
                row.delete()
            else:
                assert row.update(value=value) == 1, (teryt, period)


@pytest.fixture
def computed(computed_programme, operator):
    computation = computation_run(computation_request(user=operator).pk)
    computation.refresh_from_db()
    set_values(computation, "TEACHERS_PER_100", VALUES)
    set_values(computation, "EDU_NET_COST", VALUES)  # lower is better
    every = ComparisonGroup.objects.get(computation=computation, kind=ComparisonKind.ALL)
    return {**computed_programme, "all": every, "computation": computation}


@pytest.mark.django_db
def test_action_effect_against_the_group(computed):
    found = action_effect(computed["unit_a"], computed["all"], "TEACHERS_PER_100", 2023)
    assert (found.baseline_year, found.latest_year) == (2023, 2024)
    assert (found.baseline, found.latest, found.change) == (12.0, 13.0, 1.0)
    assert found.change_pct == pytest.approx(100 / 12)  # 1 / 12 · 100 = 8.3 %
    assert found.members == 6  # not C (no 2024), not B (no 2023)
    assert found.group_median_change == pytest.approx(1.5)
    assert (found.group_q1_change, found.group_q3_change) == pytest.approx((1.0, 3.5))
    assert found.difference == pytest.approx(-0.5)  # 1 − 1.5
    assert found.verdict == "worse"
    assert found.within_normal is True  # 1 ≤ 1 ≤ 3.5
    assert found.target_met is None
    assert action_effect(
        computed["unit_a"], computed["all"], "TEACHERS_PER_100", 2023, target=13
    ).target_met
    assert not action_effect(
        computed["unit_a"], computed["all"], "TEACHERS_PER_100", 2023, target=14
    ).target_met


@pytest.mark.django_db
def test_action_effect_by_polarity_and_missing_years(computed, units):
    group = computed["all"]
    cost = action_effect(units["a"], group, "EDU_NET_COST", 2023, target=12.5)
    assert cost.difference == pytest.approx(-0.5)  # the same numbers…
    assert cost.verdict == "better"  # …but a cost rose less than the group's
    assert cost.target_met is False  # 13 > 12.5
    no_later = action_effect(units["c"], group, "TEACHERS_PER_100", 2023)
    assert no_later.reason == "latest_not_after_baseline"  # nothing after 2023 yet
    assert no_later.difference is None
    no_baseline = action_effect(units["b"], group, "TEACHERS_PER_100", 2023)
    assert no_baseline.reason == "no_baseline"
    with pytest.raises(Http404, match="NOPE"):
        action_effect(units["a"], group, "NOPE", 2023)


@pytest.mark.django_db
def test_most_improved_in_a_group(computed):
    teryt = dict(Result.objects.values_list("unit_id", "unit__teryt").distinct())
    ranking = most_improved(computed["all"], "TEACHERS_PER_100", 2023, 2024)
    ranked = [(teryt[int(i.key)], i.rank, i.change) for i in ranking.ranked]
    assert ranked[:3] == [("0216062", 1, 6.0), ("0201011", 2, 4.0), ("0216053", 3, 2.0)]
    # A tie: unit A and 0201022 both +1 share rank 4 (listed by key); the next is 6th.
    assert sorted(ranked[3:5]) == [("0201022", 4, 1.0), ("2461011", 4, 1.0)]
    assert ranked[5:] == [("0216043", 6, -2.0)]
    assert {teryt[int(k)]: year for k, year in ranking.missing.items()} == {
        "2402022": 2024,
        "2466011": 2023,
    }
    cost = most_improved(computed["all"], "EDU_NET_COST", 2023, 2024)
    assert [teryt[int(i.key)] for i in cost.top()] == ["0216043"]  # the only one that fell


def _section(html):
    match = re.search(r'id="most-improved">.*?</table>', html, re.S)
    assert match, "no Most improved section"
    return match.group(0)


@pytest.mark.django_db
def test_the_indicator_page_lists_the_most_improved_as_letters(computed, participant_a, unit_a):
    client = client_for(participant_a)
    html = client.get(f"/units/{unit_a.teryt}/results/TEACHERS_PER_100/?group=all&year=2024")
    section = _section(html.content.decode())
    # Letters run down the 2024 table, best first: 46 A, 21 B, 14 C, 13 (unit A, by
    # name), 8 E, 3 F, 2 G; the most improved are 0216062 (+6), 0201011 (+4), 0216053 (+2).
    labels = re.findall(r"<tr>\s*<td class=\"num\">(\d)</td>\s*<td>([^<]+)</td>", section)
    assert labels == [("1", "A"), ("2", "C"), ("3", "G")]
    assert "Radwanice" not in section and "Bolesławiec" not in section
    assert "+6" in section and "+4" in section and "+2" in section


@pytest.mark.django_db
def test_the_indicator_page_names_them_where_names_are_shown(computed, operator, unit_a):
    client = client_for(operator)
    page = client.get(f"/units/{unit_a.teryt}/results/TEACHERS_PER_100/?group=all&year=2024")
    section = _section(page.content.decode())
    names = re.findall(r"<tr>\s*<td class=\"num\">\d</td>\s*<td>([^<]+)</td>", section)
    assert names == ["Radwanice", "Bolesławiec", "Przemków"]
    # The lower-better indicator: only the unit whose cost fell.
    cost = client.get(f"/units/{unit_a.teryt}/results/EDU_NET_COST/?group=all&year=2024")
    names = re.findall(
        r"<tr>\s*<td class=\"num\">\d</td>\s*<td>([^<]+)</td>", _section(cost.content.decode())
    )
    assert names == ["Polkowice"]


@pytest.mark.django_db
def test_no_most_improved_in_the_first_year_or_for_neighbours(computed, operator, unit_a):
    client = client_for(operator)
    first = client.get(f"/units/{unit_a.teryt}/results/TEACHERS_PER_100/?group=all&year=2023")
    assert first.status_code == 200
    assert 'id="most-improved"' not in first.content.decode()
    peers = client.get(f"/units/{unit_a.teryt}/results/TEACHERS_PER_100/?group=neighbours")
    assert 'id="most-improved"' not in peers.content.decode()
