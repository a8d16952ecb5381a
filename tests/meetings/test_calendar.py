"""Invitations with their .ics, the personal calendar feed and the reminders, read back
with ``icalendar`` and checked through the outbox."""

import datetime
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.management import call_command
from django.utils import formats
from django_tasks import task_backends
from icalendar import Calendar

from benchlearn.meetings.models import CalendarFeed
from benchlearn.meetings.notices import meetings_remind
from benchlearn.meetings.services import action_add
from tests.conftest import client_for
from tests.notifications.conftest import deliver, forget

WARSAW = ZoneInfo("Europe/Warsaw")


def short(day):
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def run_queued(name):
    queued = [r for r in task_backends["default"].results if r.task.name == name]
    for result in queued:
        result.task.call(*result.args, **result.kwargs)
    return len(queued)


def events(ics: bytes):
    return [c for c in Calendar.from_ical(ics).walk("VEVENT")]


def test_the_invitation_is_mailed_with_its_event_by_a_task(first, moderator):
    forget()
    url = f"/groups/{first.group_id}/meetings/1/invite/"
    assert client_for(moderator).post(url).status_code == 302
    assert mail.outbox == []  # queued, not sent inside the request
    assert run_queued("meeting_invitations_task") == 1
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["anna@example.org", "bartek@example.org", "moderator@example.org"]
    message = mail.outbox[0]
    assert message.subject == f"Invitation: GWD Oświata: meeting 1, {short(first.date)}"
    assert "Opening" in message.body
    ((name, content, mimetype),) = message.attachments
    assert name == "meeting.ics" and mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(content)
    assert str(calendar["method"]) == "REQUEST"
    (event,) = events(content)
    start = datetime.datetime.combine(first.date, datetime.time(10), tzinfo=WARSAW)
    assert event.decoded("dtstart") == start
    assert event.decoded("dtend") == start + datetime.timedelta(hours=4)
    assert str(event["summary"]) == "GWD Oświata: meeting 1"
    assert str(event["location"]) == "Bielsko-Biała, the office of the unit"
    # Each person's own invitation; answers go to the moderator.
    assert str(event["organizer"]) == "mailto:moderator@example.org"
    assert str(event["attendee"]) == f"mailto:{message.to[0]}"
    assert event["attendee"].params["RSVP"] == "TRUE"


def test_a_participant_may_not_send_invitations(first, participant_a):
    forget()
    assert (
        client_for(participant_a).post(f"/groups/{first.group_id}/meetings/1/invite/").status_code
        == 403
    )
    assert run_queued("meeting_invitations_task") == 0


def test_the_meetings_ics_download(first, participant_b):
    response = client_for(participant_b).get(f"/groups/{first.group_id}/meetings/1/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    assert str(Calendar.from_ical(response.content)["method"]) == "PUBLISH"
    (event,) = events(response.content)
    assert str(event["summary"]) == "GWD Oświata: meeting 1"
    assert "attendee" not in event


def test_the_personal_feed_lists_the_groups_meetings_under_a_secret_address(
    planned, participant_a, stranger
):
    client = client_for(participant_a)
    assert client.post("/meetings/feed/").status_code == 302
    token = CalendarFeed.objects.get(user=participant_a).token
    assert token in client.get("/meetings/feed/").content.decode()
    feed = client_for(None).get(f"/meetings/feed/{token}.ics")  # calendars do not log in
    assert feed.status_code == 200
    got = events(feed.content)
    assert len(got) == 8
    assert [e.decoded("dtstart").astimezone(WARSAW).date() for e in got] == [
        m.date for m in planned
    ]
    assert {str(e["location"]) for e in got} == {
        "Bielsko-Biała, the office of the unit",
        "Gliwice, the office of the unit",
    }
    # A stranger's feed has none of the group's meetings; a new address ends the old one.
    client_for(stranger).post("/meetings/feed/")
    theirs = CalendarFeed.objects.get(user=stranger).token
    assert events(client_for(None).get(f"/meetings/feed/{theirs}.ics").content) == []
    client.post("/meetings/feed/")
    assert client_for(None).get(f"/meetings/feed/{token}.ics").status_code == 404
    assert client_for(None).get("/meetings/feed/wrong.ics").status_code == 404


def test_reminders_go_14_and_2_days_before_once_each(first):
    forget()
    assert meetings_remind(first.date - datetime.timedelta(days=20)) == (0, 0)
    assert meetings_remind(first.date - datetime.timedelta(days=14)) == (1, 0)
    sent = deliver()
    assert len(sent) == 3
    assert sent[0][0] == f"Meeting 1 of GWD Oświata on {short(first.date)}"
    meetings_remind(first.date - datetime.timedelta(days=13))  # told already
    assert deliver() == []
    meetings_remind(first.date - datetime.timedelta(days=2))
    assert len(deliver()) == 3
    meetings_remind(first.date - datetime.timedelta(days=1))
    assert deliver() == []


def test_action_items_due_remind_their_owners(first, moderator, participant_a):
    due = datetime.date(2025, 4, 30)
    action_add(
        meeting=first, by=moderator, kind="action", text="Ankieta", owner=participant_a, due=due
    )
    forget()
    meetings_remind(due - datetime.timedelta(days=10))
    assert deliver() == []
    meetings_remind(due - datetime.timedelta(days=3))
    assert deliver() == [(f"Due {short(due)}: Ankieta", ["anna@example.org"])]
    meetings_remind(due - datetime.timedelta(days=1))
    assert deliver() == []


def test_the_daily_command_runs_the_reminders(planned):
    forget()
    call_command("notify-meetings")
    deliver()  # whatever is due today (nothing in 2025, long past): no failure
