"""Meetings as iCalendar (.ics): one event for an invitation, a person's feed of them.

Times are written in UTC, which every calendar reads without a time-zone definition;
each event keeps its UID for ever and raises its SEQUENCE with every move, so that a
calendar replaces the event it holds instead of showing two.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress

from benchlearn.accounts.models import User
from benchlearn.meetings.models import Meeting


def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    local = timezone.make_aware(datetime.datetime.combine(day, time))
    return local.astimezone(datetime.UTC)


def event_uid(meeting: Meeting) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "benchlearn"
    return f"meeting-{meeting.pk}@{host}"


def event_summary(meeting: Meeting) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("%(group)s: meeting %(number)s") % {
            "group": meeting.group.name,
            "number": meeting.number,
        }


def meeting_event(meeting: Meeting) -> Event:
    event = Event()
    event.add("uid", event_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", _at(meeting.date, meeting.start_time))
    event.add("dtend", _at(meeting.date, meeting.end_time))
    event.add("summary", event_summary(meeting))
    event.add("location", meeting.place)
    lines = [item.title for item in meeting.agenda.all()]
    if meeting.practice_title:
        lines.append(meeting.practice_title)
    event.add("description", "\n".join(lines))
    path = f"/groups/{meeting.group_id}/meetings/{meeting.number}/"
    event.add("url", settings.SITE_URL + path)
    return event


def _calendar(method: str = "") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Benchlearn//Meetings//PL")
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    return calendar


def _address(email: str, name: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = name
    return address


def meeting_ics(meeting: Meeting, *, invitee: User | None = None) -> bytes:
    """The meeting as a calendar file: to add to one's calendar (PUBLISH), or as the
    invitation of ``invitee`` (REQUEST, with the moderator as its organiser, to whom
    calendars send the answer)."""
    event = meeting_event(meeting)
    if invitee is None:
        calendar = _calendar("PUBLISH")
    else:
        calendar = _calendar("REQUEST")
        moderator = meeting.group.moderator
        if moderator is not None:
            event.add("organizer", _address(moderator.email, moderator.get_full_name()))
        else:
            event.add("organizer", _address(parseaddr(settings.DEFAULT_FROM_EMAIL)[1], ""))
        attendee = _address(invitee.email, invitee.get_full_name())
        attendee.params["role"] = "REQ-PARTICIPANT"
        attendee.params["partstat"] = "NEEDS-ACTION"
        attendee.params["rsvp"] = "TRUE"
        event.add("attendee", attendee)
    calendar.add_component(event)
    return bytes(calendar.to_ical())


def feed_ics(meetings: Iterable[Meeting], *, name: str) -> bytes:
    calendar = _calendar()
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting))
    return bytes(calendar.to_ical())
