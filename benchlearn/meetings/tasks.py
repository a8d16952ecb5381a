"""The meetings' background work: invitations e-mailed with their calendar event."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django_tasks import task

from benchlearn.meetings.calendar import event_summary, meeting_ics
from benchlearn.meetings.models import Meeting
from benchlearn.meetings.notices import group_people


def _invitation(meeting: Meeting) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Invitation: %(summary)s, %(date)s") % {
            "summary": event_summary(meeting),
            "date": formats.date_format(meeting.date, "SHORT_DATE_FORMAT"),
        }
        agenda = "\n".join(
            f"{i}. {item.title}" for i, item in enumerate(meeting.agenda.all(), start=1)
        )
        body = "\n\n".join(
            [
                _(
                    "You are invited to meeting %(number)s of %(group)s on %(date)s, "
                    "%(start)s–%(end)s, hosted by %(host)s: %(place)s."
                )
                % {
                    "number": meeting.number,
                    "group": meeting.group.name,
                    "date": formats.date_format(meeting.date, "DATE_FORMAT"),
                    "start": meeting.start_time.strftime("%H:%M"),
                    "end": meeting.end_time.strftime("%H:%M"),
                    "host": meeting.host.name,
                    "place": meeting.place,
                },
                _("Agenda:") + "\n" + agenda,
                _("The attached file adds the meeting to your calendar."),
                f"{settings.SITE_URL}/groups/{meeting.group_id}/meetings/{meeting.number}/",
            ]
        )
    return subject, body


@task()
def meeting_invitations_task(meeting_id: int) -> int:
    """One e-mail per person (their address alone in To:), with the .ics attached; how
    many were sent. Not run again when its worker dies: twice is worse than once."""
    meetings = Meeting.objects.select_related("group", "group__moderator", "host")
    meeting = meetings.filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    people = group_people(meeting.group).order_by("pk")
    subject, body = _invitation(meeting)
    messages = []
    for person in people:
        message = EmailMessage(subject, body, to=[person.email])
        ics = meeting_ics(meeting, invitee=person)
        message.attach("meeting.ics", ics, "text/calendar; method=REQUEST; charset=utf-8")
        messages.append(message)
    with get_connection() as connection:
        return connection.send_messages(messages) or 0
