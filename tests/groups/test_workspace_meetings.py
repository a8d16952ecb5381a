"""The workspace's meeting half: the next meeting and what it still lacks, attendance
over the cycle per unit and seat level (checked against a hand count), the open action
items with the late ones marked."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from benchlearn.groups.services import group_create
from benchlearn.groups.workspace import workspace_for
from benchlearn.meetings.attachments import attachment_add
from benchlearn.meetings.services import (
    action_add,
    action_status_set,
    invitations_send,
    meeting_update,
)
from benchlearn.units.models import Level
from tests.conftest import client_for
from tests.groups.cycle import hold, plan

S, M, OP = Level.STRATEGIC, Level.MIDDLE, Level.OPERATIONAL


@pytest.fixture(autouse=True)
def _files_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def next_year_group(programme, units, moderator):
    """A/B's group whose cycle starts next year: every planned meeting lies ahead."""
    return group_create(
        name="GWD Przyszłość",
        service="Oświata",
        cycle_start=timezone.localdate().year + 1,
        moderator=moderator,
        units=[units["a"], units["b"]],
    )


@pytest.fixture
def cycle(next_year_group, moderator, unit_a, unit_b):
    meetings = plan(next_year_group, moderator)
    # By hand: meeting 1 — A strategic, A middle, B operational (B middle recorded
    # absent); meeting 2 — A strategic, B strategic. Two held meetings, two units:
    # A 3 of 6 seats, B 2 of 6; strategic 3 of 4, middle 1 of 4, operational 1 of 4;
    # all 5 of 12.
    hold(meetings[0], moderator, [(unit_a, S), (unit_a, M), (unit_b, OP)], absent=[(unit_b, M)])
    hold(meetings[1], moderator, [(unit_a, S), (unit_b, S)])
    return meetings


def test_attendance_over_the_cycle_matches_a_hand_count(
    programme, next_year_group, cycle, unit_a, unit_b
):
    ws = workspace_for(programme["moderator"], next_year_group)
    attendance = ws.attendance
    assert (attendance.held, attendance.planned) == (2, 8)
    a, b = attendance.units
    assert a.unit == unit_a and b.unit == unit_b
    assert [(r.present, r.expected) for r in a.levels] == [(2, 2), (1, 2), (0, 2)]
    assert [(r.present, r.expected) for r in b.levels] == [(1, 2), (0, 2), (1, 2)]
    assert (a.total.present, a.total.expected, a.total.percent) == (3, 6, 50.0)
    assert (b.total.present, b.total.expected) == (2, 6)
    assert [(r.present, r.expected) for _label, r in attendance.levels] == [(3, 4), (1, 4), (1, 4)]
    assert (attendance.total.present, attendance.total.expected) == (5, 12)

    html = (
        client_for(programme["moderator"])
        .get(f"/groups/{next_year_group.pk}/workspace/")
        .content.decode()
    )
    assert "2 of 8 planned meetings held." in html
    assert "Attendance: 42 % (5 of 12 seats)." in html
    start = html.index(f'data-attendance="{unit_a.teryt}"')
    assert "<td data-rate>50 %</td>" in html[start : html.index("</tr>", start)]
    assert html.count("<td data-level-rate>") == 3
    assert "<td data-level-rate>75 %</td>" in html


def test_the_next_meeting_says_what_it_still_lacks_until_nothing_does(
    programme, next_year_group, cycle, moderator
):
    client = client_for(moderator)
    url = f"/groups/{next_year_group.pk}/workspace/"
    html = client.get(url).content.decode()
    third = cycle[2]
    assert f"/groups/{next_year_group.pk}/meetings/3/" in html
    assert "Still missing:" in html
    for lack in (
        "the host&#x27;s practice presentation",
        "the meeting materials",
        "the invitations (not sent yet)",
    ):
        assert lack in html
    assert "the agenda (it is empty)" not in html  # planned with the template agenda

    meeting_update(
        meeting=third,
        by=moderator,
        date=third.date,
        start_time=third.start_time,
        end_time=third.end_time,
        host=third.host,
        place=third.place,
        state=third.state,
        practice_title="Elektroniczny dziennik w każdej szkole",
        agenda=["Otwarcie", "Wyniki grupy"],
    )
    third.refresh_from_db()
    pdf = SimpleUploadedFile("materialy.pdf", b"%PDF-1.7\n", content_type="application/pdf")
    attachment_add(meeting=third, by=moderator, kind="material", upload=pdf)
    invitations_send(meeting=third, by=moderator)
    html = client.get(url).content.decode()
    assert "Still missing:" not in html
    assert "Nothing is missing" in html


def test_a_cycle_not_yet_planned_is_offered_planning(programme, next_year_group):
    html = (
        client_for(programme["moderator"])
        .get(f"/groups/{next_year_group.pk}/workspace/")
        .content.decode()
    )
    assert "The cycle's meetings are not planned yet." in html
    assert f"/groups/{next_year_group.pk}/meetings/plan/" in html
    assert "No meeting has been held yet." in html


def test_open_action_items_with_owner_and_due_date_late_ones_marked(
    programme, next_year_group, cycle, moderator
):
    first = cycle[0]
    anna, bartek = programme["participant_a"], programme["participant_b"]
    late = action_add(
        meeting=first,
        by=moderator,
        kind="action",
        text="Zebrać dane o dowozach",
        owner=anna,
        due=datetime.date(2020, 1, 31),
    )
    ahead = action_add(
        meeting=first,
        by=moderator,
        kind="action",
        text="Przygotować prezentację",
        owner=bartek,
        due=datetime.date(2099, 1, 31),
    )
    done = action_add(
        meeting=first,
        by=moderator,
        kind="action",
        text="Rozesłać ankietę",
        owner=anna,
        due=datetime.date(2020, 1, 1),
    )
    action_status_set(item=done, by=moderator, status="done")
    action_add(meeting=first, by=moderator, kind="decision", text="Spotykamy się kwartalnie")

    ws = workspace_for(moderator, next_year_group)
    assert [(a.item.pk, a.late) for a in ws.actions] == [(late.pk, True), (ahead.pk, False)]
    html = client_for(moderator).get(f"/groups/{next_year_group.pk}/workspace/").content.decode()
    assert "1 action item is late." in html
    start = html.index(f'data-action="{late.pk}"')
    row = html[start : html.index("</tr>", start)]
    assert 'class="late"' in row and "Anna Uczestniczka" in row and ">late<" in row
    assert "Rozesłać ankietę" not in html and "Spotykamy się kwartalnie" not in html
