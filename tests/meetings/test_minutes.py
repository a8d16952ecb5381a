"""Attendance, minutes (written, approved, published to the members) and action items."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from benchlearn.accounts.models import User
from benchlearn.groups.services import seat_fill
from benchlearn.meetings.models import ActionItem, Attendance, MeetingChange, MinutesState
from benchlearn.meetings.services import action_add, minutes_save
from benchlearn.units.models import Level
from tests.conftest import client_for, make_user
from tests.notifications.conftest import deliver, forget

# The detail page asks once more whether the reader may write the host's practice up.
LIST_QUERIES, DETAIL_QUERIES = 11, 17


def url(meeting, tail=""):
    return f"/groups/{meeting.group_id}/meetings/{meeting.number}/{tail}"


def test_the_moderator_records_attendance_per_unit_and_level(
    first, moderator, participant_a, participant_b
):
    client = client_for(moderator)
    page = client.get(url(first, "attendance/"))
    assert page.status_code == 200
    # Each unit at each of the three levels, its person proposed where known.
    assert page.content.decode().count('type="checkbox"') == 6
    response = client.post(
        url(first, "attendance/"),
        {
            "2461011-strategic-person": str(participant_a.pk),
            "2461011-strategic-present": "on",
            "2466011-operational-person": str(participant_b.pk),
        },
    )
    assert response.status_code == 302
    rows = {(a.unit.teryt, a.level): (a.person, a.present) for a in Attendance.objects.all()}
    assert len(rows) == 6
    assert rows[("2461011", "strategic")] == (participant_a, True)
    assert rows[("2466011", "operational")] == (participant_b, False)
    assert rows[("2461011", "middle")] == (None, False)
    detail = client_for(participant_b).get(url(first)).content.decode()
    assert "Anna Uczestniczka" in detail


def test_attendance_of_someone_not_of_the_unit_stores_nothing(first, moderator, participant_b):
    response = client_for(moderator).post(
        url(first, "attendance/"), {"2461011-strategic-person": str(participant_b.pk)}
    )
    assert response.status_code == 400
    assert "Bartek Kolega does not act for Bielsko-Biała." in response.content.decode()
    assert not Attendance.objects.exists()


def test_minutes_are_written_approved_and_published_then_members_read_them(
    first, moderator, participant_a, participant_b
):
    moderator_client, anna = client_for(moderator), client_for(participant_a)
    text = "Grupa omówiła wyniki oświaty."
    response = moderator_client.post(url(first, "minutes/"), {"text": text, "step": "save"})
    assert response.status_code == 302
    assert text not in anna.get(url(first)).content.decode()  # a draft: members do not see it
    moderator_client.post(url(first, "minutes/"), {"text": text, "step": "approve"})
    first.refresh_from_db()
    assert first.minutes_state == MinutesState.APPROVED
    assert text not in anna.get(url(first)).content.decode()
    forget()
    moderator_client.post(url(first, "minutes/"), {"step": "publish"})
    first.refresh_from_db()
    assert first.minutes_state == MinutesState.PUBLISHED and first.state == "held"
    assert mail.outbox == []  # told by a task, not inside the request
    sent = deliver()
    assert sorted(to[0] for _s, to in sent) == [
        "anna@example.org",
        "bartek@example.org",
        "moderator@example.org",
    ]
    assert sent[0][0] == "Minutes of meeting 1 of GWD Oświata"
    assert text in anna.get(url(first)).content.decode()
    # Approved minutes are final.
    late = moderator_client.post(url(first, "minutes/"), {"text": "zmiana", "step": "save"})
    assert late.status_code == 400
    assert "The minutes are approved already" in late.content.decode()
    first.refresh_from_db()
    assert first.minutes == text


def test_minutes_edited_by_a_non_moderator_are_refused(first, programme, participant_a):
    for role, status in (("participant_a", 403), ("stranger", 404), ("nobody", 404)):
        response = client_for(programme[role]).post(
            url(first, "minutes/"), {"text": "Moje protokoły", "step": "save"}
        )
        assert response.status_code == status, role
    first.refresh_from_db()
    assert first.minutes == ""
    with pytest.raises(PermissionDenied):
        minutes_save(meeting=first, by=participant_a, text="Moje protokoły")
    first.refresh_from_db()
    assert first.minutes == "" and not MeetingChange.objects.filter(what="minutes").exists()


def test_action_items_need_an_owner_and_a_due_date(first, moderator, participant_a):
    client = client_for(moderator)
    response = client.post(url(first, "actions/"), {"kind": "action", "text": "Ankieta"})
    assert response.status_code == 302
    assert not ActionItem.objects.exists()
    page = client.get(url(first)).content.decode()
    assert "An action item needs an owner and a due date." in page
    client.post(
        url(first, "actions/"),
        {
            "kind": "action",
            "text": "Przygotować ankietę",
            "owner": str(participant_a.pk),
            "due": "2025-04-30",
        },
    )
    client.post(url(first, "actions/"), {"kind": "decision", "text": "Spotkanie w Gliwicach"})
    item = ActionItem.objects.get(kind="action")
    assert (item.owner, item.due, item.status) == (
        participant_a,
        datetime.date(2025, 4, 30),
        "open",
    )
    client.post(url(first, f"actions/{item.pk}/"), {"status": "done"})
    item.refresh_from_db()
    assert item.status == "done"


def test_participants_see_their_own_action_items_before_the_minutes(
    first, moderator, participant_a, participant_b
):
    action_add(
        meeting=first,
        by=moderator,
        kind="action",
        text="Przygotować ankietę",
        owner=participant_a,
        due=datetime.date(2025, 4, 30),
    )
    assert "Przygotować ankietę" in client_for(participant_a).get(url(first)).content.decode()
    assert "Przygotować ankietę" not in client_for(participant_b).get(url(first)).content.decode()
    listing = client_for(participant_a).get(f"/groups/{first.group_id}/meetings/")
    assert "Przygotować ankietę" in listing.content.decode()


def test_an_action_item_for_someone_outside_the_group_is_refused(first, moderator, stranger):
    client_for(moderator).post(
        url(first, "actions/"),
        {"kind": "action", "text": "X", "owner": str(stranger.pk), "due": "2025-04-30"},
    )
    assert not ActionItem.objects.exists()


def test_attendance_proposes_who_holds_the_seat(first, moderator, operator, unit_a, participant_a):
    seated = make_user("celina@example.org", "Celina Koleżanka")
    seat_fill(group=first.group, unit=unit_a, level=Level.STRATEGIC, user=seated, by=operator)
    page = client_for(moderator).get(url(first, "attendance/")).content.decode()
    # Anna acts for the unit at the same level, but Celina holds the group's seat.
    assert f'<option value="{seated.pk}" selected>' in page
    assert f'<option value="{participant_a.pk}" selected>' not in page


def test_the_meeting_pages_make_a_fixed_number_of_queries(
    first, moderator, participant_a, django_assert_num_queries
):
    action_add(meeting=first, by=moderator, kind="decision", text="Ankieta")
    for user, path, queries in (
        (moderator, f"/groups/{first.group_id}/meetings/", LIST_QUERIES),
        (participant_a, url(first), DETAIL_QUERIES),
    ):
        client = client_for(user)
        client.get(path)  # the session's first request stores more
        with django_assert_num_queries(queries):
            assert client.get(path).status_code == 200


def test_the_owner_marks_their_action_item_done(first, moderator, participant_a, participant_b):
    item = action_add(
        meeting=first,
        by=moderator,
        kind="action",
        text="Przygotować ankietę",
        owner=participant_a,
        due=datetime.date(2025, 4, 30),
    )
    path = url(first, f"actions/{item.pk}/")
    assert client_for(participant_b).post(path, {"status": "done"}).status_code == 404
    assert client_for(participant_a).post(path, {"status": "dropped"}).status_code == 403
    item.refresh_from_db()
    assert item.status == "open"
    page = client_for(participant_a).get(url(first)).content.decode()
    assert "Mark done" in page
    assert client_for(participant_a).post(path, {"status": "done"}).status_code == 302
    item.refresh_from_db()
    assert item.status == "done"
    assert MeetingChange.objects.filter(what="action status", by=participant_a).exists()


def test_attendance_records_a_person_whose_id_passes_a_thousand(first, moderator, operator, unit_a):
    # The site groups thousands in numbers for people; an id must still reach the form
    # digit for digit (see tests/test_ids_in_pages.py).
    big = 987654
    person = User.objects.create(pk=big, email="celina@example.org", full_name="Celina Koleżanka")
    seat_fill(group=first.group, unit=unit_a, level=Level.STRATEGIC, user=person, by=operator)
    client = client_for(moderator)
    client.cookies["django_language"] = "pl"
    assert (
        f'<option value="{big}" selected>' in client.get(url(first, "attendance/")).content.decode()
    )
    response = client.post(
        url(first, "attendance/"),
        {f"{unit_a.teryt}-strategic-person": str(big), f"{unit_a.teryt}-strategic-present": "on"},
    )
    assert response.status_code == 302
    assert Attendance.objects.get(unit=unit_a, level=Level.STRATEGIC).person_id == big
