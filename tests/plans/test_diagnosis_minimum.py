"""The programme's minimum group size for published figures holds in a plan's
diagnosis too: a group with fewer members with data than the minimum gets a diagnosis
that names its weak indicators without the group median and the gap (with the unit's own
value they would tell the other member's figure), and the plan's page says why."""

import pytest
from django.urls import reverse

from benchlearn.groups.services import programme_create
from benchlearn.plans.models import DiagnosisReason
from benchlearn.plans.services import plan_start
from tests.conftest import client_for


def _programme(group, min_group_size):
    return programme_create(
        name="Benchmarking ZMP",
        first_year=2025,
        last_year=2026,
        min_group_size=min_group_size,
        groups=[group],
    )


@pytest.fixture
def small(results, group):
    """The group's two members are fewer than the programme's three."""
    _programme(group, 3)
    group.refresh_from_db()
    return group


def test_below_the_minimum_no_median_or_gap_is_stored(small, unit_a, participant_a):
    plan = plan_start(unit=unit_a, group=small, by=participant_a)
    items = {(d.indicator_code, d.reason): d for d in plan.diagnosis.all()}
    # The same indicators as ever, the unit's own value and year: only the group's
    # figures are left out.
    assert set(items) == {
        ("COST", DiagnosisReason.WEAKEST_QUARTILE),
        ("COST", DiagnosisReason.WORST_TREND),
    }
    for item in items.values():
        assert (item.value, item.year, item.group_median, item.gap) == (120.0, 2024, None, None)


@pytest.mark.parametrize("who", ["middle_a", "moderator", "operator"])
def test_the_plan_page_says_why_and_shows_no_median(small, unit_a, participant_a, request, who):
    plan = plan_start(unit=unit_a, group=small, by=participant_a)
    page = client_for(request.getfixturevalue(who)).get(reverse("plan-detail", args=[plan.pk]))
    assert page.status_code == 200
    text = page.text
    assert "GWD Oświata has data from 2 units" in text
    assert "shows them from 3 units" in text
    assert "without the group median and the gap to it" in text
    # Neither the median (105) nor the gap (15) that would tell B's 90.
    assert "<td>105</td>" not in text and "<td>15</td>" not in text


def test_at_the_minimum_the_median_and_gap_are_stored_and_nothing_is_said(
    results, group, unit_a, participant_a, middle_a
):
    _programme(group, 2)
    group.refresh_from_db()
    plan = plan_start(unit=unit_a, group=group, by=participant_a)
    weakest = plan.diagnosis.get(reason=DiagnosisReason.WEAKEST_QUARTILE)
    assert (weakest.group_median, weakest.gap) == (105.0, 15.0)
    text = client_for(middle_a).get(reverse("plan-detail", args=[plan.pk])).text
    assert "without the group median" not in text
