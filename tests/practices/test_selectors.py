"""``practices_published_for``: the selector "who to learn from" reads practices by."""

from benchlearn.catalogue.models import Indicator
from benchlearn.practices.models import Audience
from benchlearn.practices.selectors import practices_published_for
from benchlearn.practices.services import IndicatorInput, practice_submit
from tests.practices.conftest import published


def test_published_practices_by_indicator_unit_and_audience(
    draft, unit_a, unit_b, participant_a, participant_b, moderator
):
    practice_submit(practice=draft, by=participant_a)  # in review: never offered
    cost = published(
        unit_b, participant_b, moderator, title="Koszt",
        indicators=[IndicatorInput("COST", 2023)],
    )  # fmt: skip
    staff = published(
        unit_a, participant_a, moderator, title="Kadra", audience=Audience.MEMBERS,
        indicators=[IndicatorInput("STAFF", 2023), IndicatorInput("COST", 2023)],
    )  # fmt: skip
    cost_id = Indicator.objects.get(code="COST").pk
    staff_id = Indicator.objects.get(code="STAFF").pk
    assert list(practices_published_for(indicator_ids=[cost_id])) == [staff, cost]
    assert list(practices_published_for(indicator_ids=[cost_id], audience=Audience.PUBLIC)) == [
        cost
    ]
    assert list(practices_published_for(indicator_ids=[staff_id], unit_ids=[unit_b.pk])) == []
    assert list(practices_published_for(unit_ids=[unit_a.pk])) == [staff]
