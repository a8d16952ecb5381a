"""Did it work? A practice's indicators measured on the stored results: before, after,
the unit's change, and the group's where it is large enough to be shown."""

from benchlearn.practices.evidence import practice_evidence
from benchlearn.practices.models import PracticeIndicator
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
