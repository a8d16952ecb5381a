"""POST /api/v1/groups/{id}/meetings and PATCH …/meetings/{number}: the moderator and
the office plan and change meetings with a write token, checked as on the pages."""

import datetime

from django.test import Client

from benchlearn.meetings.models import Meeting, MeetingChange
from tests.meetings.test_api import bearer

NEW = {
    "number": 1,
    "date": "2025-03-12",
    "start_time": "10:00",
    "end_time": "14:00",
    "host": "2461011",
    "place": "Urząd Miasta, sala 12",
    "agenda": ["Powitanie", "Praktyka gospodarza"],
}


def post(user, group, body, **kwargs):
    path = f"/api/v1/groups/{group.pk}/meetings"
    return Client().post(path, body, content_type="application/json", **bearer(user, **kwargs))


def patch(user, group, number, body, **kwargs):
    path = f"/api/v1/groups/{group.pk}/meetings/{number}"
    return Client().patch(path, body, content_type="application/json", **bearer(user, **kwargs))


def test_the_moderator_plans_a_meeting_and_changes_it(group, moderator):
    response = post(moderator, group, NEW)
    assert response.status_code == 201, response.content
    assert response.json()["host"] == "2461011" and response.json()["state"] == "planned"
    meeting = Meeting.objects.get(group=group, number=1)
    assert meeting.date == datetime.date(2025, 3, 12)
    assert meeting.place == "Urząd Miasta, sala 12"
    assert [a.title for a in meeting.agenda.all()] == ["Powitanie", "Praktyka gospodarza"]
    response = patch(moderator, group, 1, {"date": "2025-03-19", "host": "2466011"})
    assert response.status_code == 200, response.content
    assert response.json()["date"] == "2025-03-19" and response.json()["host"] == "2466011"
    meeting.refresh_from_db()
    assert meeting.sequence == 1  # calendars replace the event
    assert meeting.place == "Urząd Miasta, sala 12"  # fields left out keep their value
    assert [a.title for a in meeting.agenda.all()] == ["Powitanie", "Praktyka gospodarza"]
    changes = MeetingChange.objects.filter(meeting=meeting).values_list("what", "via")
    assert list(changes.order_by("pk")) == [("planned", "api"), ("updated", "api")]


def test_the_office_plans_a_meeting_with_the_usual_agenda(group, operator):
    response = post(operator, group, {**NEW, "agenda": [], "place": ""})
    assert response.status_code == 201, response.content
    meeting = Meeting.objects.get(group=group, number=1)
    assert meeting.agenda.count() > 0 and meeting.place


def test_bad_meetings_are_refused_and_nothing_is_stored(group, moderator, unit_c):
    assert post(moderator, group, NEW).status_code == 201
    cases = [
        ({"number": 2, "date": "2024-05-06"}, "2024-05-06 is outside the group's cycle"),
        ({"number": 2}, "Meeting 1 of the group is on 2025-03-12 already."),
        ({"number": 2, "date": "2025-06-11", "host": "2402022"}, "is not a member of the group"),
        ({"date": "2025-06-11"}, "Meeting 1 of the group exists already."),
        ({"number": 9, "date": "2025-06-11"}, "A meeting's number is from 1 to 8."),
        (
            {"number": 2, "date": "2025-06-11", "host": "9999999"},
            "There is no unit with TERYT code 9999999.",
        ),
        (
            {"number": 2, "date": "2025-06-11", "end_time": "09:00"},
            "must end after it starts",
        ),
    ]
    for changes, message in cases:
        response = post(moderator, group, {**NEW, **changes})
        assert response.status_code == 400, changes
        assert message in response.json()["detail"]
    assert Meeting.objects.filter(group=group).count() == 1
    assert post(moderator, group, {**NEW, "number": 2, "date": "2025-06-11"}).status_code == 201
    for changes, message in [
        ({"date": "2027-01-13"}, "outside the group's cycle"),
        ({"date": "2025-03-12"}, "Meeting 1 of the group is on 2025-03-12 already."),
        ({"host": "2402022"}, "is not a member of the group"),
        ({"state": "cancelled"}, "Unknown state of a meeting: cancelled."),
        ({"agenda": [" "]}, "The agenda needs at least one item."),
    ]:
        response = patch(moderator, group, 2, changes)
        assert response.status_code == 400, changes
        assert message in response.json()["detail"]
    second = Meeting.objects.get(group=group, number=2)
    assert (second.date, second.host.teryt, second.sequence) == (
        datetime.date(2025, 6, 11),
        "2461011",
        0,
    )
    assert second.agenda.count() == 2


def test_participants_and_read_only_tokens_may_not_plan(group, moderator, participant_a, stranger):
    assert post(participant_a, group, NEW).status_code == 403
    assert post(moderator, group, NEW, read_only=True).status_code == 403
    assert post(stranger, group, NEW).status_code == 404
    assert not Meeting.objects.filter(group=group).exists()
    assert post(moderator, group, NEW).status_code == 201
    assert patch(participant_a, group, 1, {"place": "U mnie"}).status_code == 403
    assert patch(moderator, group, 1, {"place": "U mnie"}, read_only=True).status_code == 403
    assert patch(moderator, group, 2, {"place": "U mnie"}).status_code == 404
    assert Meeting.objects.get(group=group, number=1).place == "Urząd Miasta, sala 12"
