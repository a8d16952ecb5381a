"""Year two's pages: a unit's team writes a progress report from the plan's page, late
actions are marked in words, and the moderator's overview of the group's plans (its
moderator and the office only)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from benchlearn.plans.models import ActionStatus, Plan, ProgressReport
from benchlearn.plans.progress import progress_report_add
from benchlearn.plans.services import action_save
from tests.conftest import client_for
from tests.plans.progress_fixtures import move_meetings_around_today
from tests.plans.test_actions import action_input


@pytest.fixture
def next_meeting(cycle_meetings):
    return move_meetings_around_today(cycle_meetings)


def _post(**changes):
    return {
        "status": "in_progress",
        "percent_done": "50",
        "done_text": "Umowa z dostawcą podpisana.",
        "evidence": "Umowa nr 12/2026",
        **changes,
    }


def test_the_team_writes_a_report_from_the_plan_page(
    year_two_plan, year_two_action, middle_a, next_meeting
):
    team = client_for(middle_a)
    page = team.get(reverse("plan-detail", args=[year_two_plan.pk])).content.decode()
    assert "Write a progress report" in page
    url = reverse("plan-progress", args=[year_two_plan.pk, year_two_action.pk])
    assert f'action="{url}"' in page
    response = team.post(url, _post())
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert (report.meeting, report.percent_done, report.written_by) == (next_meeting, 50, middle_a)
    page = team.get(reverse("plan-detail", args=[year_two_plan.pk])).content.decode()
    assert "Umowa z dostawcą podpisana." in page and "in progress, 50&nbsp;%" in page
    assert "Umowa nr 12/2026" in team.get(url).content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"percent_done": "120"}, "Per cent done must be a whole number from 0 to 100."),
        ({"done_text": ""}, "Say what was done since the last report."),
    ],
)
def test_bad_input_on_the_page_says_why_and_stores_nothing(
    year_two_plan, year_two_action, middle_a, next_meeting, changes, message
):
    url = reverse("plan-progress", args=[year_two_plan.pk, year_two_action.pk])
    response = client_for(middle_a).post(url, _post(**changes))
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text and "Nothing was saved." in text
    assert not ProgressReport.objects.exists()


def test_a_dropped_action_takes_no_report_on_the_page(
    year_two_plan, year_two_action, middle_a, next_meeting
):
    year_two_action.status, year_two_action.drop_reason = ActionStatus.DROPPED, "Brak środków."
    year_two_action.save(update_fields=["status", "drop_reason"])
    url = reverse("plan-progress", args=[year_two_plan.pk, year_two_action.pk])
    team = client_for(middle_a)
    assert "Write a progress report" not in team.get(url).content.decode()
    response = team.post(url, _post())
    assert response.status_code == 400
    assert "was dropped: no progress report is written on it" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_other_people_read_but_do_not_write(
    year_two_plan, year_two_action, participant_b, stranger, moderator, next_meeting
):
    url = reverse("plan-progress", args=[year_two_plan.pk, year_two_action.pk])
    # The adopted plan is the group's to read: another unit's person reads, never writes.
    other = client_for(participant_b)
    assert other.get(url).status_code == 200
    assert "Write a progress report" not in other.get(url).content.decode()
    assert other.post(url, _post()).status_code == 403
    assert client_for(moderator).post(url, _post()).status_code == 403
    assert client_for(stranger).get(url).status_code == 404
    assert client_for(stranger).post(url, _post()).status_code == 404
    assert not ProgressReport.objects.exists()
    page = client_for(participant_b).get(reverse("plan-detail", args=[year_two_plan.pk]))
    assert "Write a progress report" not in page.content.decode()


def test_a_late_action_is_marked_in_words(year_two_plan, year_two_action, middle_a):
    # It was to end on 30 June 2026 and is still planned (today is later).
    page = client_for(middle_a).get(reverse("plan-detail", args=[year_two_plan.pk]))
    assert "Late" in page.content.decode()
    progress_report_add(
        action=year_two_action,
        by=middle_a,
        status=ActionStatus.DONE,
        percent_done=None,
        done_text="Zakończone.",
    )
    page = client_for(middle_a).get(reverse("plan-detail", args=[year_two_plan.pk]))
    assert "Late" not in page.content.decode()


def test_the_overview_counts_late_and_missing_reports(
    year_two_plan, year_two_action, group, moderator, middle_a, next_meeting
):
    url = reverse("plan-overview", args=[group.pk])
    page = client_for(moderator).get(url).content.decode()
    assert "Bielsko-Biała" in page and "Gliwice: not started" in page
    assert "Meeting 6 on" in page and "1 progress reports missing" in page
    assert "Late actions: 1." in page
    progress_url = reverse("plan-progress", args=[year_two_plan.pk, year_two_action.pk])
    assert page.count(f'href="{progress_url}"') == 2  # late, and missing its report
    progress_report_add(
        action=year_two_action,
        by=middle_a,
        status=ActionStatus.IN_PROGRESS,
        percent_done=80,
        done_text="Prawie gotowe.",
    )
    page = client_for(moderator).get(url).content.decode()
    assert "0 progress reports missing" in page and "Late actions: 1." in page


def test_the_overview_of_an_earlier_meeting(year_two_plan, group, operator, cycle_meetings):
    # Meeting 5 (16 February 2026) came after the adoption: the action's report is missing.
    page = client_for(operator).get(reverse("plan-overview", args=[group.pk]), {"meeting": "5"})
    assert "Meeting 5 on" in page.content.decode()
    assert "1 progress reports missing" in page.content.decode()
    # Meeting 2 (May 2025) was before it: nothing was due.
    page = client_for(operator).get(reverse("plan-overview", args=[group.pk]), {"meeting": "2"})
    assert "0 progress reports missing" in page.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("moderator", 200),
        ("operator", 200),
        ("participant_a", 403),
        ("participant_b", 403),
        ("stranger", 404),
        ("nobody", 404),
    ],
)
def test_who_opens_the_overview(year_two_plan, group, programme, who, status):
    response = client_for(programme[who]).get(reverse("plan-overview", args=[group.pk]))
    assert response.status_code == status


def test_the_overview_is_linked_for_those_who_open_it(
    year_two_plan, group, moderator, participant_a
):
    link = f'href="{reverse("plan-overview", args=[group.pk])}"'
    plans = reverse("plan-list", args=[group.pk])
    assert link in client_for(moderator).get(plans).content.decode()
    assert link not in client_for(participant_a).get(plans).content.decode()
    workspace = reverse("group-workspace", args=[group.pk])
    assert link in client_for(moderator).get(workspace).content.decode()


def test_a_file_of_evidence_is_downloaded_by_readers_only(
    year_two_plan, year_two_action, middle_a, participant_b, stranger, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    Plan.objects.filter(pk=year_two_plan.pk).update(private=True)
    upload = SimpleUploadedFile("zdjecie.png", b"\x89PNG\r\n\x1a\n0000", content_type="image/png")
    report = progress_report_add(
        action=year_two_action,
        by=middle_a,
        status=ActionStatus.IN_PROGRESS,
        percent_done=10,
        done_text="Start.",
        files=[upload],
    )
    url = reverse("plan-progress-file", args=[year_two_plan.pk, report.attachments.get().pk])
    response = client_for(middle_a).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    # The plan is private: the rest of the group does not read it, nor its files.
    assert client_for(participant_b).get(url).status_code == 404
    assert client_for(stranger).get(url).status_code == 404


def test_the_plan_page_takes_as_many_queries_however_many_reports(
    year_two_plan, year_two_action, middle_a, next_meeting, django_assert_max_num_queries
):
    team = client_for(middle_a)
    url = reverse("plan-detail", args=[year_two_plan.pk])

    def report(action):
        progress_report_add(
            action=action, by=middle_a, status="in_progress", percent_done=10, done_text="Start."
        )

    report(year_two_action)
    team.get(url)  # the session and caches settle
    with django_assert_max_num_queries(40) as one:
        assert team.get(url).status_code == 200
    for title in ("Drugie", "Trzecie"):
        action, _warnings = action_save(
            plan=year_two_plan, data=action_input(title=title), by=middle_a, reason="Nowe."
        )
        report(action)
        report(action)
    with django_assert_max_num_queries(40) as three:
        assert team.get(url).status_code == 200
    assert len(three.captured_queries) == len(one.captured_queries)
