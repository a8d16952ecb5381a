"""Reminders to the units of a round that have not submitted their data yet, sent when
an operator asks (the automatic "deadline near" is in ``notices``): each person of each
waiting unit is told by the notifications task, as their preferences say.

The round has no field for when reminders went out, so the page reports it through the
messages framework only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from benchlearn.accounts.access import Perm, require, unit_signers, unit_teams
from benchlearn.accounts.models import User
from benchlearn.collection.models import Round, SubmissionState
from benchlearn.collection.notices import deadline_near_notify


@dataclass
class Reminders:
    units: list[str] = field(default_factory=list)  # names of the units reminded
    recipients: list[str] = field(default_factory=list)  # e-mail addresses
    without_people: list[str] = field(default_factory=list)  # units nobody acts for


def round_remind(*, round_: Round, user: User) -> Reminders:
    """Remind every participant of the round's units whose submission is a draft or
    returned, and the strategic level of those whose data await its sign-off, with a
    link to the unit's form (queued for a worker to send)."""
    require(user, Perm.COLLECTION_MANAGE)
    result = Reminders()
    for submission in deadline_near_notify(round_, key=False):
        people = (
            unit_signers(submission.unit_id)
            if submission.state == SubmissionState.SIGNOFF
            else unit_teams([submission.unit_id])
        )
        addresses = sorted(people.values_list("email", flat=True))
        if not addresses:
            result.without_people.append(submission.unit.name)
            continue
        result.units.append(submission.unit.name)
        result.recipients += addresses
    return result
