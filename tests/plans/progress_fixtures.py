"""Fixtures (imported by tests/plans/conftest.py): year two of Gmina A's plan in "GWD
Oświata" (cycle 2025–2026), adopted on 10 December 2025 with one action (COST, March
2025 – June 2026, owned by the middle level), and the group's eight meetings (the
fifth on 16 February 2026, the sixth on 15 May 2026)."""

import datetime

import pytest
from django.utils import timezone

from benchlearn.meetings.services import meetings_plan, plan_proposal
from benchlearn.plans.models import Plan
from benchlearn.plans.services import (
    action_save,
    plan_adopt,
    plan_confirm,
    plan_start,
    plan_submit,
)
from tests.plans.test_actions import action_input

ADOPTED_ON = datetime.datetime(2025, 12, 10, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def cycle_meetings(group, moderator):
    return meetings_plan(group=group, by=moderator, rows=plan_proposal(group))


@pytest.fixture
def year_two_plan(results, group, unit_a, participant_a, middle_a, moderator, cycle_meetings):
    plan = plan_start(unit=unit_a, group=group, by=participant_a)
    action_save(plan=plan, data=action_input(owner=middle_a), by=middle_a)
    plan_submit(plan=plan, by=middle_a)
    plan_confirm(plan=plan, by=participant_a)
    plan_adopt(plan=plan, by=moderator)
    # Adopted at the end of year one (set back: the services stamp today).
    Plan.objects.filter(pk=plan.pk).update(adopted_at=ADOPTED_ON)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def year_two_action(year_two_plan):
    return year_two_plan.actions.get()


def meeting_in(meetings, number):
    return next(m for m in meetings if m.number == number)


def move_meetings_around_today(meetings, *, next_in_days=5):
    """The fifth meeting a month ago and the sixth ``next_in_days`` from today (the
    pages count the reports due before the group's next meeting from today)."""
    today = timezone.localdate()
    moved = {
        5: today - datetime.timedelta(days=30),
        6: today + datetime.timedelta(days=next_in_days),
        7: today + datetime.timedelta(days=100),
        8: today + datetime.timedelta(days=200),
    }
    for meeting in meetings:
        if meeting.number in moved:
            type(meeting).objects.filter(pk=meeting.pk).update(date=moved[meeting.number])
            meeting.refresh_from_db()
    return meeting_in(meetings, 6)
