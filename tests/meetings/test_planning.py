"""Planning a cycle's eight meetings in one step: proposed, editable, all or nothing."""

import datetime

from benchlearn.meetings.models import Meeting, MeetingChange
from benchlearn.meetings.services import invitations_send, plan_proposal
from tests.conftest import client_for
from tests.meetings.conftest import plan_data


def plan_url(group):
    return f"/groups/{group.pk}/meetings/plan/"


def test_the_proposal_is_a_meeting_a_quarter_with_hosts_in_turn(group, unit_a, unit_b):
    rows = plan_proposal(group)
    assert [row.number for row in rows] == list(range(1, 9))
    assert [(row.date.year, row.date.month) for row in rows] == [
        (2025, 2), (2025, 5), (2025, 8), (2025, 11), (2026, 2), (2026, 5), (2026, 8), (2026, 11)
    ]  # fmt: skip
    assert all(row.date.weekday() < 5 for row in rows)  # no weekends
    # Every member once before anyone twice: Bielsko-Biała, Gliwice, Bielsko-Biała, ...
    assert [row.host for row in rows] == [unit_a, unit_b] * 4


def test_the_moderator_plans_the_cycle_in_one_step(programme, group, moderator, unit_b):
    page = client_for(moderator).get(plan_url(group))
    assert page.status_code == 200
    assert page.content.decode().count('type="date"') == 8
    data = plan_data(group, {0: {"host": str(unit_b.pk), "place": "Ratusz, sala sesyjna"}})
    response = client_for(moderator).post(plan_url(group), data)
    assert response.status_code == 302
    meetings = list(Meeting.objects.filter(group=group).order_by("number"))
    assert len(meetings) == 8
    assert meetings[0].host == unit_b and meetings[0].place == "Ratusz, sala sesyjna"
    assert meetings[1].place == "Gliwice, the office of the unit"  # the host's office
    assert [item.title for item in meetings[0].agenda.all()] == [
        "Opening",
        "The group's results",
        "The host's practice",
        "Improvement plans",
        "Other business",
    ]
    assert MeetingChange.objects.filter(what="planned", by=moderator).count() == 8
    # Planned once: the page leads to the meetings from now on.
    again = client_for(moderator).get(plan_url(group))
    assert again.status_code == 302


def _refused(client, group, data, message):
    response = client.post(plan_url(group), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Meeting.objects.filter(group=group).exists()


def test_a_meeting_outside_the_cycle_stores_nothing(programme, group, moderator):
    data = plan_data(group, {7: {"date": "2027-02-15"}})
    _refused(
        client_for(moderator),
        group,
        data,
        "Meeting 8: 2027-02-15 is outside the group&#x27;s cycle (2025–2026).",
    )


def test_two_meetings_on_one_day_store_nothing(programme, group, moderator):
    day = plan_proposal(group)[0].date.isoformat()
    _refused(
        client_for(moderator),
        group,
        plan_data(group, {1: {"date": day}}),
        f"Meetings 1 and 2 fall on the same day, {day}.",
    )


def test_a_host_that_is_not_a_member_stores_nothing(programme, group, moderator, unit_c):
    _refused(
        client_for(moderator),
        group,
        plan_data(group, {2: {"host": str(unit_c.pk)}}),
        "Meeting 3: Bestwina is not a member of the group and cannot host it.",
    )


def test_only_the_moderator_and_the_office_plan(programme, group, operator):
    data = plan_data(group)
    assert client_for(programme["participant_a"]).post(plan_url(group), data).status_code == 403
    assert client_for(programme["stranger"]).post(plan_url(group), data).status_code == 404
    assert not Meeting.objects.exists()
    assert client_for(operator).post(plan_url(group), data).status_code == 302
    assert Meeting.objects.filter(group=group).count() == 8


def test_moving_a_meeting_onto_another_ones_day_is_refused(planned, group, moderator):
    first, second = planned[0], planned[1]
    url = f"/groups/{group.pk}/meetings/1/edit/"
    data = {
        "date": second.date.isoformat(),
        "start_time": "09:00",
        "end_time": "13:00",
        "host": str(first.host_id),
        "place": "",
        "state": "planned",
        "agenda": "Otwarcie\nWyniki",
    }
    response = client_for(moderator).post(url, data)
    assert response.status_code == 400
    assert f"Meeting 2 of the group is on {second.date.isoformat()} already." in (
        response.content.decode()
    )
    first.refresh_from_db()
    assert first.start_time == datetime.time(10) and first.agenda.count() == 5
    # A free day is taken, the agenda replaced in its order, and calendars told.
    data["date"] = "2025-03-03"
    assert client_for(moderator).post(url, data).status_code == 302
    first.refresh_from_db()
    assert first.date == datetime.date(2025, 3, 3) and first.sequence == 1
    assert [item.title for item in first.agenda.all()] == ["Otwarcie", "Wyniki"]


def test_moving_an_invited_meeting_asks_to_invite_again(planned, group, moderator):
    first = planned[0]
    invitations_send(meeting=first, by=moderator)
    data = {
        "date": "2025-03-04",
        "start_time": "10:00",
        "end_time": "14:00",
        "host": str(first.host_id),
        "place": first.place,
        "state": "planned",
        "agenda": "Otwarcie",
    }
    client = client_for(moderator)
    response = client.post(f"/groups/{group.pk}/meetings/1/edit/", data, follow=True)
    assert "The meeting has moved: e-mail the invitation again" in response.content.decode()
