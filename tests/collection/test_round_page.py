"""The office's round page at scale: errors and warnings of every unit counted at once
agree with each unit's own check (the form's), the table comes a page at a time with
totals of all units, and the page's queries do not grow with the number of units."""

import random
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchlearn.collection.models import Submission
from benchlearn.collection.selectors import round_variables
from benchlearn.collection.validation import round_check_counts, submission_check
from benchlearn.collection.views import rounds as round_views
from benchlearn.units.models import Unit
from tests.collection.conftest import PERIOD, make_round, save
from tests.conftest import TERYT_A, client_for, load_units

pytestmark = pytest.mark.django_db

CODES = ("EDU_EXP", "SUBSIDY", "TEACHERS", "NEW_PUPILS")
# Eleven more gminas of the bundled register: fourteen units with A, B and C.
MORE_TERYTS = (
    "0201011",
    "0201022",
    "0216043",
    "0216053",
    "0216062",
    "0201032",
    "0201043",
    "0201052",
    "0202011",
    "0202021",
    "0202033",
)


@pytest.fixture
def many_units(published, units):
    load_units(*MORE_TERYTS)
    more = list(Unit.objects.filter(teryt__in=MORE_TERYTS).order_by("teryt"))
    assert len(more) == len(MORE_TERYTS)
    return [units["a"], units["b"], units["c"], *more]


def fill(round_, units, operator, numbers):
    """Save ``numbers[i]`` (code → text) for ``units[i]`` through the form's service."""
    for unit, entries in zip(units, numbers, strict=True):
        if entries:
            submission = Submission.objects.get(round=round_, unit=unit)
            assert save(submission, operator, entries).ok


def counted_one_by_one(round_):
    """Each unit's (filled, errors, warnings) as its form's check counts them."""
    found = {}
    for submission in Submission.objects.filter(round=round_).select_related("round", "unit"):
        check = submission_check(submission)
        filled = sum(1 for item in check.items.values() if item.value is not None)
        if filled:
            found[submission.unit_id] = (filled, len(check.errors), len(check.warnings))
    return found


def counted_at_once(round_):
    counts = round_check_counts(round_, round_variables(round_))
    return {unit: (c.filled, c.errors, c.warnings) for unit, c in counts.items()}


# Last year's value and this year's: changes exactly at the round's 30% (no warning:
# 30.000000000000004% in floats), just above, from zero, to zero; values at and beyond
# the bounds (TEACHERS 0–10 000, EDU_EXP 0–500 000 000); an outlier among its peers.
EDGES = [
    {"EDU_EXP": ("100", "130"), "TEACHERS": ("0", "5"), "SUBSIDY": ("0,1", "0,13")},
    {"EDU_EXP": ("100", "70"), "TEACHERS": ("10", "10 000"), "SUBSIDY": ("0,3", "0,39")},
    {"EDU_EXP": ("1000", "1301"), "TEACHERS": ("40", "10 001"), "SUBSIDY": ("3", "0")},
    {"EDU_EXP": ("500 000 000", "500 000 000"), "TEACHERS": ("40", "-1")},
    {"EDU_EXP": ("100", "500 000 000,01"), "NEW_PUPILS": ("", "7")},
    {"EDU_EXP": ("", "5"), "SUBSIDY": ("10", "13"), "NEW_PUPILS": ("0", "0")},
    {"SUBSIDY": ("12", "12"), "NEW_PUPILS": ("3", "9 999 999")},
    {"SUBSIDY": ("14", "14"), "TEACHERS": ("", "")},
]


def test_counts_of_every_unit_at_once_match_each_units_check(many_units, operator):
    last_year = make_round(operator, many_units, period=PERIOD - 1)
    this_year = make_round(operator, many_units)
    rng = random.Random(12)
    before, now = [], []
    for number, _unit in enumerate(many_units):
        edge = EDGES[number] if number < len(EDGES) else {}
        old, new = {}, {}
        for code in CODES:
            if code in edge:
                old[code], new[code] = edge[code]
            else:
                old[code] = str(rng.choice([0, 10, 12, 14, 15, 16, 18, 20, 100]))
                new[code] = str(rng.choice([0, 11, 13, 14, 16, 17, 19, 60, 100]))
        before.append({code: text for code, text in old.items() if text})
        now.append({code: text for code, text in new.items() if text})
    fill(last_year, many_units, operator, before)
    fill(this_year, many_units, operator, now)

    expected = counted_one_by_one(this_year)
    assert counted_at_once(this_year) == expected
    # The edges do what they should: otherwise the comparison proves little.
    a, b, c, d = (expected[u.pk] for u in many_units[:4])
    assert a[1] == 0 and a[2] >= 1  # 130 after 100 is not a warning; 5 after 0 is
    assert b[1] == 0  # 10 000 is the maximum itself
    assert c[1] == 1  # 10 001 is above it
    assert d[1] == 1  # −1 is below the minimum; 500 000 000 is the maximum itself
    assert expected[many_units[4].pk][1] == 1  # 500 000 000,01 is above it
    assert sum(warnings for _f, _e, warnings in expected.values()) >= 5


def test_random_rounds_agree_with_each_units_check(many_units, operator):
    """Peers' fences leave each unit out of its own peers: random values, ties included."""
    rng = random.Random(3)
    for period in (PERIOD - 1, PERIOD):
        round_ = make_round(operator, many_units, period=period)
        numbers = [
            {
                code: str(rng.choice([5, 10, 10, 11, 12, 13, 15, 20, 21, 40, 400]))
                for code in CODES
                if rng.random() < 0.85
            }
            for _unit in many_units
        ]
        fill(round_, many_units, operator, numbers)
    assert counted_at_once(round_) == counted_one_by_one(round_)


def rows_of(html):
    return re.findall(r'units/(\d{7})/">', html)


def test_the_table_comes_a_page_at_a_time_with_totals_of_all_units(
    many_units, operator, monkeypatch
):
    round_ = make_round(operator, many_units)
    fill(round_, many_units[:3], operator, [{"EDU_EXP": "100"}, {"TEACHERS": "20 000"}, {}])
    monkeypatch.setattr(round_views, "PROGRESS_PAGE_SIZE", 5)
    client = client_for(operator)
    first = client.get(f"/rounds/{round_.pk}/?sort=filled&dir=desc").text
    assert len(rows_of(first)) == 5
    assert set(rows_of(first)[:2]) == {TERYT_A, many_units[1].teryt}
    assert "14 units: 2 of 56 values filled." in first
    assert "1 error in 1 units" in first
    totals = first.split('class="progress-totals">')[1].split("</p>")[0]
    assert re.search(r'state-draft">[^<]+</span> 14', totals)
    assert "state-submitted" not in totals  # no unit has submitted: not listed
    assert "units 1–5 of 14" in first
    assert "?sort=filled&amp;dir=desc&amp;page=2" in first  # the order is kept
    last = client.get(f"/rounds/{round_.pk}/?sort=filled&dir=desc&page=3").text
    assert len(rows_of(last)) == 4 and "14 units: 2 of 56 values filled." in last
    seen = (
        rows_of(first)
        + rows_of(client.get(f"/rounds/{round_.pk}/?sort=filled&dir=desc&page=2").text)
        + rows_of(last)
    )
    assert sorted(seen) == sorted(u.teryt for u in many_units)
    # A page number beyond the end shows the last page; a word, the first.
    assert rows_of(client.get(f"/rounds/{round_.pk}/?page=99").text) == rows_of(
        client.get(f"/rounds/{round_.pk}/?page=3").text
    )
    assert len(rows_of(client.get(f"/rounds/{round_.pk}/?page=x").text)) == 5


def test_a_participant_sees_totals_of_their_own_unit_only(many_units, operator, participant_a):
    round_ = make_round(operator, many_units)
    fill(round_, many_units[:2], operator, [{"EDU_EXP": "100"}, {"TEACHERS": "20 000"}])
    html = client_for(participant_a).get(f"/rounds/{round_.pk}/").text
    assert rows_of(html) == [TERYT_A]
    assert "1 unit: 1 of 4 values filled." in html
    assert "0 errors in 0 units" in html


def page_queries(client, round_):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/rounds/{round_.pk}/").status_code == 200
    return len(queries)


def test_the_round_page_makes_the_same_queries_for_3_or_14_units(many_units, operator):
    small = make_round(operator, many_units[:3])
    large = make_round(operator, many_units)
    for round_, units in ((small, many_units[:3]), (large, many_units)):
        fill(round_, units, operator, [{"EDU_EXP": "100", "SUBSIDY": "5"} for _u in units])
    client = client_for(operator)
    client.get(f"/rounds/{small.pk}/")  # the session's first queries out of the way
    # 25: besides the values, the counts read the units' kinds, their populations and
    # public statistics, the validation rules, the peers' approved values and the
    # frozen checks of submitted units; the header counts unread notifications.
    assert page_queries(client, small) == page_queries(client, large) <= 25
