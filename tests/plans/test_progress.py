"""Progress reports on the actions of an adopted plan (year two): who writes them, what
they change, and bad input refused with a clear message and nothing stored."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from benchlearn.plans.models import ActionStatus, PlanEvent, ProgressAttachment, ProgressReport
from benchlearn.plans.progress import progress_report_add
from benchlearn.plans.progress_selectors import action_is_late
from benchlearn.plans.services import PlanError, action_save, plan_start
from tests.plans.progress_fixtures import meeting_in
from tests.plans.test_actions import action_input

BEFORE_FIFTH = datetime.date(2026, 2, 1)


@pytest.fixture
def adopted(year_two_plan):
    return year_two_plan


@pytest.fixture
def action(year_two_action):
    return year_two_action


@pytest.fixture
def meetings(cycle_meetings):
    return cycle_meetings


def report(action, by, **changes):
    fields = {
        "status": ActionStatus.IN_PROGRESS,
        "percent_done": 40,
        "done_text": "Przetarg ogłoszony.",
        "evidence": "BIP, ogłoszenie 12/2026",
        "today": BEFORE_FIFTH,
    }
    return progress_report_add(action=action, by=by, **{**fields, **changes})


def test_a_report_counts_for_the_next_meeting_and_sets_the_status(action, middle_a, meetings):
    written = report(action, middle_a)
    assert written.meeting == meeting_in(meetings, 5)
    assert (written.percent_done, written.done_text, written.written_by) == (
        40,
        "Przetarg ogłoszony.",
        middle_a,
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    event = PlanEvent.objects.filter(kind="progress").get()
    assert event.by == middle_a and event.at is not None
    assert (event.details["old"], event.details["new"]) == ("planned", "in_progress")


def test_done_means_a_hundred_per_cent(action, participant_a):
    written = report(action, participant_a, status=ActionStatus.DONE, percent_done=30)
    assert written.percent_done == 100
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_dropping_through_a_report_keeps_its_text_as_the_reason(action, middle_a):
    report(action, middle_a, status=ActionStatus.DROPPED, done_text="Brak środków w budżecie.")
    action.refresh_from_db()
    assert (action.status, action.drop_reason) == ("dropped", "Brak środków w budżecie.")


def test_the_owner_writes_too(action, middle_a):
    # middle_a owns the action; the unit's strategic level wrote the plan with them.
    assert report(action, middle_a).written_by == middle_a


@pytest.mark.parametrize("who", ["participant_b", "moderator", "stranger", "nobody"])
def test_others_may_not_report(action, programme, who):
    with pytest.raises(PermissionDenied):
        report(action, programme[who])
    assert not ProgressReport.objects.exists()
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"percent_done": 120}, "Per cent done must be a whole number from 0 to 100."),
        ({"percent_done": -1}, "Per cent done must be a whole number from 0 to 100."),
        ({"percent_done": None}, "Per cent done must be a whole number from 0 to 100."),
        ({"done_text": "   "}, "Say what was done since the last report."),
        ({"status": "finished"}, "Choose the action's status"),
    ],
)
def test_bad_input_stores_nothing(action, middle_a, changes, message):
    with pytest.raises(PlanError, match=message):
        report(action, middle_a, **changes)
    assert not ProgressReport.objects.exists()
    assert not PlanEvent.objects.filter(kind="progress").exists()
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED


def test_no_report_on_a_dropped_action(action, adopted, middle_a):
    action_save(
        plan=adopted,
        action=action,
        data=action_input(status=ActionStatus.DROPPED, drop_reason="Zmiana przepisów."),
        reason="Zmiana przepisów.",
        by=middle_a,
    )
    with pytest.raises(PlanError, match="was dropped: no progress report is written on it"):
        report(action, middle_a)
    assert not ProgressReport.objects.exists()


def test_no_report_on_a_plan_not_adopted(results, group, unit_a, participant_a):
    plan = plan_start(unit=unit_a, group=group, by=participant_a)
    draft_action, _warnings = action_save(plan=plan, data=action_input(), by=participant_a)
    with pytest.raises(PlanError, match="Progress is reported on an adopted plan"):
        report(draft_action, participant_a)
    assert not ProgressReport.objects.exists()


def test_evidence_files_are_kept_and_a_wrong_file_refused(action, middle_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("protokół.pdf", b"%PDF-1.4 dowod", content_type="application/pdf")
    written = report(action, middle_a, files=[pdf])
    stored = written.attachments.get()
    assert (stored.name, stored.content_type) == ("protokół.pdf", "application/pdf")
    fake = SimpleUploadedFile("wirus.pdf", b"MZ\x90\x00", content_type="application/pdf")
    with pytest.raises(PlanError, match="is not the file its name says"):
        report(action, middle_a, files=[fake])
    assert ProgressReport.objects.count() == 1 and ProgressAttachment.objects.count() == 1


@pytest.mark.parametrize(
    ("status", "end", "late"),
    [
        (ActionStatus.PLANNED, datetime.date(2026, 6, 29), True),
        (ActionStatus.IN_PROGRESS, datetime.date(2026, 6, 29), True),
        (ActionStatus.IN_PROGRESS, datetime.date(2026, 6, 30), False),  # ends today
        (ActionStatus.DONE, datetime.date(2026, 1, 1), False),
        (ActionStatus.DROPPED, datetime.date(2026, 1, 1), False),
    ],
)
def test_late_is_past_the_end_date_and_not_done(action, status, end, late):
    action.status, action.end_date = status, end
    assert action_is_late(action, datetime.date(2026, 6, 30)) is late
