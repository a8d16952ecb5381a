"""A practice started from a completed plan action (prefilled from the action and its
progress reports) or from a meeting's host presentation (its title, summary, files)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from benchlearn.meetings.attachments import attachment_add
from benchlearn.meetings.models import Meeting
from benchlearn.plans.progress import progress_report_add
from benchlearn.practices.models import Practice
from benchlearn.practices.services import PracticeError
from benchlearn.practices.sources import practice_from_action
from tests.conftest import client_for


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _done(action, by):
    progress_report_add(
        action=action, by=by, status="in_progress", percent_done=50,
        done_text="Przetarg rozstrzygnięty.", evidence="Umowa nr 5/2025.",
    )  # fmt: skip
    progress_report_add(
        action=action, by=by, status="done", percent_done=None, done_text="Energia kupiona."
    )


def test_a_completed_action_prefills_the_draft(year_two_action, participant_a, middle_a):
    _done(year_two_action, middle_a)
    practice = practice_from_action(action=year_two_action, by=participant_a)
    assert practice.title == "Wspólne zakupy energii"
    assert practice.unit == year_two_action.plan.unit
    assert practice.group == year_two_action.plan.group
    assert "Przetarg rozstrzygnięty." in practice.solution
    assert "Energia kupiona." in practice.solution
    assert practice.results == "Umowa nr 5/2025."
    assert practice.cost == year_two_action.cost_estimate
    row = practice.indicators.get()
    assert (row.indicator.code, row.before_year) == ("COST", 2024)
    assert practice.source_action == year_two_action
    # Asked again: the same draft.
    assert practice_from_action(action=year_two_action, by=participant_a) == practice


def test_an_action_not_done_is_refused(year_two_action, participant_a):
    with pytest.raises(PracticeError, match="Only a completed action"):
        practice_from_action(action=year_two_action, by=participant_a)
    assert not Practice.objects.exists()


def test_another_unit_does_not_share_the_action(year_two_action, participant_b, middle_a):
    _done(year_two_action, middle_a)
    with pytest.raises(PermissionDenied):
        practice_from_action(action=year_two_action, by=participant_b)


def test_the_plan_page_offers_it_for_a_done_action_and_leads_to_the_form(
    year_two_action, participant_a, middle_a
):
    plan = year_two_action.plan
    client = client_for(participant_a)
    assert "Share as a good practice" not in client.get(f"/plans/{plan.pk}/").content.decode()
    _done(year_two_action, middle_a)
    assert "Share as a good practice" in client.get(f"/plans/{plan.pk}/").content.decode()
    response = client.post(f"/plans/{plan.pk}/actions/{year_two_action.pk}/share/")
    practice = Practice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/practices/{practice.pk}/edit/"


def test_a_meetings_host_presentation_prefills_the_draft(
    cycle_meetings, group, unit_a, participant_a, moderator
):
    meeting = next(m for m in cycle_meetings if m.host_id == unit_a.pk)
    Meeting.objects.filter(pk=meeting.pk).update(
        practice_title="Budżet obywatelski w szkołach", practice_summary="Uczniowie decydują."
    )
    meeting.refresh_from_db()
    attachment_add(
        meeting=meeting, by=moderator, kind="practice",
        upload=SimpleUploadedFile("prezentacja.pdf", b"%PDF-1.7\nslajdy"),
    )  # fmt: skip
    attachment_add(
        meeting=meeting, by=moderator, kind="material",
        upload=SimpleUploadedFile("agenda.pdf", b"%PDF-1.7\n"),
    )  # fmt: skip
    response = client_for(participant_a).post(
        f"/groups/{group.pk}/meetings/{meeting.number}/share/"
    )
    practice = Practice.objects.get()
    assert response["Location"] == f"/practices/{practice.pk}/edit/"
    assert practice.title == "Budżet obywatelski w szkołach"
    assert practice.solution == "Uczniowie decydują."
    assert (practice.unit, practice.group, practice.source_meeting) == (unit_a, group, meeting)
    copy = practice.attachments.get()
    assert copy.name == "prezentacja.pdf"
    with copy.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.7\nslajdy"


def test_only_the_hosts_team_writes_up_its_presentation(
    cycle_meetings, group, unit_a, participant_b
):
    meeting = next(m for m in cycle_meetings if m.host_id == unit_a.pk)
    response = client_for(participant_b).post(
        f"/groups/{group.pk}/meetings/{meeting.number}/share/"
    )
    assert response.status_code == 403
    assert not Practice.objects.exists()
