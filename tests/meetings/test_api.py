"""GET /api/v1/groups/{id}/meetings, and the moderator writing attendance and minutes
with a token."""

import json

from django.test import Client

from benchlearn.accounts.services import api_token_create
from benchlearn.meetings.models import Attendance, MinutesState
from tests.notifications.conftest import deliver, forget


def bearer(user, *, read_only=False):
    _token, key = api_token_create(user=user, name="skrypt", read_only=read_only)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def put(user, path, body, **kwargs):
    return Client().put(
        path, json.dumps(body), content_type="application/json", **bearer(user, **kwargs)
    )


def test_a_groups_meetings_with_hosts_and_attendance(planned, group, participant_b):
    response = Client().get(f"/api/v1/groups/{group.pk}/meetings", **bearer(participant_b))
    assert response.status_code == 200
    meetings = response.json()
    assert [m["number"] for m in meetings] == list(range(1, 9))
    first = meetings[0]
    assert first["date"] == planned[0].date.isoformat()
    assert first["host"] == "2461011" and meetings[1]["host"] == "2466011"
    assert first["state"] == "planned" and first["attendance"] == []
    assert first["minutes"] is None  # a draft: members do not read it


def test_strangers_do_not_see_the_meetings(planned, group, stranger):
    response = Client().get(f"/api/v1/groups/{group.pk}/meetings", **bearer(stranger))
    assert response.status_code == 404


def test_the_moderator_writes_attendance_and_minutes_with_a_token(
    planned, group, moderator, participant_a, participant_b
):
    base = f"/api/v1/groups/{group.pk}/meetings/1"
    response = put(
        moderator,
        f"{base}/attendance",
        {
            "attendance": [
                {
                    "teryt": "2461011",
                    "level": "strategic",
                    "person": "anna@example.org",
                    "present": True,
                },
                {"teryt": "2466011", "level": "operational", "present": False},
            ]
        },
    )
    assert response.status_code == 200, response.content
    attendance = response.json()["attendance"]
    assert {(a["teryt"], a["level"], a["person"], a["present"]) for a in attendance} == {
        ("2461011", "strategic", "Anna Uczestniczka", True),
        ("2466011", "operational", None, False),
    }
    assert put(moderator, f"{base}/minutes", {"text": "Protokół"}).status_code == 200
    headers = bearer(moderator)
    assert Client().post(f"{base}/minutes/approve", **headers).status_code == 200
    forget()
    published = Client().post(f"{base}/minutes/publish", **headers)
    assert published.json()["minutes_state"] == MinutesState.PUBLISHED
    assert len(deliver()) == 3
    read = Client().get(f"/api/v1/groups/{group.pk}/meetings", **bearer(participant_b))
    assert read.json()[0]["minutes"] == "Protokół"
    assert read.json()[0]["state"] == "held"


def test_bad_attendance_stores_nothing(planned, group, moderator):
    base = f"/api/v1/groups/{group.pk}/meetings/1/attendance"
    row = {"teryt": "2402022", "level": "strategic", "present": True}
    response = put(moderator, base, {"attendance": [row]})
    assert response.status_code == 400
    assert response.json()["detail"] == "2402022 is not a member unit of the group."
    row = {
        "teryt": "2461011",
        "level": "strategic",
        "person": "bartek@example.org",
        "present": True,
    }
    response = put(moderator, base, {"attendance": [row]})
    assert response.status_code == 400
    assert response.json()["detail"] == "Bartek Kolega does not act for Bielsko-Biała."
    assert not Attendance.objects.exists()


def test_participants_and_read_only_tokens_may_not_write(planned, group, moderator, participant_a):
    base = f"/api/v1/groups/{group.pk}/meetings/1/minutes"
    assert put(participant_a, base, {"text": "Moje"}).status_code == 403
    assert put(moderator, base, {"text": "Moje"}, read_only=True).status_code == 403
    planned[0].refresh_from_db()
    assert planned[0].minutes == ""
