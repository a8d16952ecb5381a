"""Reminders to the units of a round that have not submitted their data yet.

The messages are sent by a task (``mail_send``). The round has no field for when
reminders went out, so the page reports it through the messages framework only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from benchlearn.accounts.access import Perm, require
from benchlearn.accounts.models import User
from benchlearn.background.mail import Message, mail_send
from benchlearn.background.queue import enqueue
from benchlearn.collection.models import Round, RoundState, SubmissionState
from benchlearn.collection.pages import reminder_candidates
from benchlearn.units.models import UnitMembership


@dataclass
class Reminders:
    units: list[str] = field(default_factory=list)  # names of the units reminded
    recipients: list[str] = field(default_factory=list)  # e-mail addresses
    without_people: list[str] = field(default_factory=list)  # units nobody acts for


def round_remind(*, round_: Round, user: User, base_url: str) -> Reminders:
    """E-mail every participant of the round's units whose submission is a draft or
    returned: one message per person, in Polish, with a link to the unit's form (queued
    for a worker to send)."""
    require(user, Perm.COLLECTION_MANAGE)
    result = Reminders()
    if round_.state != RoundState.OPEN:
        return result
    messages: list[Message] = []
    with translation.override(settings.LANGUAGE_CODE):
        deadline = formats.date_format(round_.deadline, "SHORT_DATE_FORMAT")
        for submission in reminder_candidates(round_):
            people = UnitMembership.objects.filter(
                unit=submission.unit, user__is_active=True
            ).select_related("user")
            addresses = sorted({m.user.email for m in people})
            if not addresses:
                result.without_people.append(submission.unit.name)
                continue
            link = base_url + reverse("submission-form", args=[round_.pk, submission.unit.teryt])
            returned = submission.state == SubmissionState.RETURNED
            subject = _("Reminder: %(round)s — data of %(unit)s") % {
                "round": round_.name,
                "unit": submission.unit.name,
            }
            body = "\n\n".join(
                [
                    _(
                        "The data of %(unit)s for the collection round “%(round)s” are due "
                        "by %(deadline)s."
                    )
                    % {"unit": submission.unit.name, "round": round_.name, "deadline": deadline},
                    _("The submission was returned for correction: see the comments on the form.")
                    if returned
                    else _("They have not been submitted yet."),
                    _("Fill in and submit the form: %(link)s") % {"link": link},
                ]
            )
            messages += [(subject, body, None, [address]) for address in addresses]
            result.units.append(submission.unit.name)
            result.recipients += addresses
    if messages:
        enqueue(mail_send, messages)
    return result
