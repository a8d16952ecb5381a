"""Did it work? A practice's indicators measured on the stored results: before, after,
the unit's change, and the group's where it is large enough to be shown."""

import pytest

from benchlearn.catalogue.models import Indicator
from benchlearn.groups.services import programme_create
from benchlearn.practices.evidence import practice_evidence
from benchlearn.practices.models import PracticeIndicator
from benchlearn.results.models import ComparisonGroup, Result
from benchlearn.results.publication import computation_publish
from tests.conftest import client_for


def test_before_and_after_from_the_stored_results(draft, participant_a):
    [row] = practice_evidence(participant_a, draft).indicators
    facts = dict(row.facts)
    assert facts["Before"] == "100.00 (2023)"
    assert facts["After"] == "120.00 (2024)"
    assert facts["Own change"].startswith("+20") and "worse" in facts["Own change"]
    # Two members: too few for the group's change to mean anything.
    assert row.effect.members == 2 and row.effect.group_median_change is None
    assert row.chart is not None


def test_without_a_later_result_it_says_so(draft, participant_a):
    PracticeIndicator.objects.filter(practice=draft).update(before_year=2024, after_year=None)
    [row] = practice_evidence(participant_a, draft).indicators
    assert row.facts == [] and row.note == "No result after 2024 yet."


def test_the_page_shows_the_evidence(draft, participant_a):
    page = client_for(participant_a).get(f"/practices/{draft.pk}/").content.decode()
    assert "Did it work? The indicators" in page and "120.00 (2024)" in page


@pytest.fixture
def three_members(results, group, unit_c):
    """Gmina C's COST results stored as a third member of the group (100 → 95)."""
    comparison = ComparisonGroup.objects.get(computation=results, exchange_group=group)
    comparison.members.add(unit_c)
    cost = Indicator.objects.get(code="COST")
    for period, value in ((2023, 100.0), (2024, 95.0)):
        Result.objects.create(
            computation=results, unit=unit_c, indicator=cost, period=period, value=value
        )
    return comparison


def _programme(group, minimum):
    group.programme = programme_create(
        name="Program", first_year=2025, last_year=2026, min_group_size=1,
        public_min_units=minimum,
    )  # fmt: skip
    group.save(update_fields=["programme"])


def test_the_public_sees_only_published_results(draft, results, operator):
    [row] = practice_evidence(None, draft, public=True).indicators
    assert row.facts == [] and row.effect is None
    assert practice_evidence(None, draft, public=True).no_results == (
        "There are no published results to measure the practice by yet."
    )
    computation_publish(computation=results, by=operator)
    [row] = practice_evidence(None, draft, public=True).indicators
    assert dict(row.facts)["After"] == "120.00 (2024)"


def test_the_public_sees_the_groups_change_only_above_the_public_minimum(
    draft, three_members, group, participant_a, results, operator
):
    computation_publish(computation=results, by=operator)
    _programme(group, 5)
    [members] = practice_evidence(participant_a, draft).indicators
    assert members.effect.group_median_change == -5.0  # changes +20, −10, −5: the median
    [public] = practice_evidence(None, draft, public=True).indicators
    assert public.effect.group_median_change is None and public.effect.difference is None
    assert "a public figure rests on at least 5" in public.note
    assert not any("group" in label for label, _value in public.facts)
    _programme(group, 3)
    [public] = practice_evidence(None, draft, public=True).indicators
    assert public.effect.group_median_change == -5.0 and public.note == ""
