"""Reminders of missing progress reports: to the action's owner (or the unit's team),
``PLAN_REPORT_REMINDER_DAYS`` before the group's next meeting, once."""

import datetime

import pytest
from django.core.management import call_command

from benchlearn.plans.models import ActionStatus
from benchlearn.plans.progress import progress_report_add
from benchlearn.plans.progress_selectors import reports_missing
from benchlearn.plans.reminders import progress_reports_remind
from tests.notifications.conftest import deliver, forget
from tests.plans.progress_fixtures import meeting_in


@pytest.fixture
def fifth(cycle_meetings, settings):
    settings.PLAN_REPORT_REMINDER_DAYS = 7
    return meeting_in(cycle_meetings, 5)


def test_the_owner_is_reminded_once_a_week_before(year_two_action, fifth, group):
    forget()
    assert progress_reports_remind(fifth.date - datetime.timedelta(days=10)) == 0
    assert deliver() == []
    assert progress_reports_remind(fifth.date - datetime.timedelta(days=7)) == 1
    sent = deliver()
    assert sent == [
        ("Progress report due before meeting 5: Wspólne zakupy energii", ["marta@example.org"])
    ]
    # A second run, the same day or the next: nobody is told again.
    progress_reports_remind(fifth.date - datetime.timedelta(days=7))
    progress_reports_remind(fifth.date - datetime.timedelta(days=6))
    assert deliver() == []


def test_no_reminder_once_the_report_is_written(year_two_action, fifth, middle_a, group):
    progress_report_add(
        action=year_two_action,
        by=middle_a,
        status=ActionStatus.IN_PROGRESS,
        percent_done=30,
        done_text="Przetarg ogłoszony.",
        today=fifth.date - datetime.timedelta(days=20),
    )
    assert reports_missing(group, fifth) == []
    forget()
    assert progress_reports_remind(fifth.date - datetime.timedelta(days=3)) == 0
    assert deliver() == []
    # The next meeting needs its own report.
    sixth = fifth.group.meetings.get(number=6)
    assert reports_missing(group, sixth) == [year_two_action]


def test_without_an_owner_every_team_member_is_told(year_two_action, fifth):
    year_two_action.owner = None
    year_two_action.save(update_fields=["owner"])
    forget()
    progress_reports_remind(fifth.date - datetime.timedelta(days=2))
    told = sorted(address for _subject, to in deliver() for address in to)
    assert told == ["anna@example.org", "marta@example.org"]


def test_done_and_dropped_actions_need_no_report(year_two_action, fifth, group):
    year_two_action.status = ActionStatus.DONE
    year_two_action.save(update_fields=["status"])
    assert reports_missing(group, fifth) == []
    forget()
    assert progress_reports_remind(fifth.date - datetime.timedelta(days=1)) == 0


def test_a_meeting_before_the_adoption_needs_no_report(year_two_action, cycle_meetings, group):
    assert reports_missing(group, meeting_in(cycle_meetings, 4)) == []


def test_the_daily_command_runs_the_reminders(year_two_action, fifth):
    forget()
    call_command("notify-plans")
    deliver()  # whatever is due today (the cycle's meetings are past): no failure
