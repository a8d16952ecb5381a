"""The office's trainings of a programme: planned from the largest gaps (title, date,
place, the competencies and seats it is for, the people invited), and attendance
recorded after the day, each mark with who recorded it and when.

Invitees are people holding a seat in one of the programme's groups. Proposing them
reads no one's own results: a training is proposed to everyone in the seats it is for,
or, where no seat is chosen, in the seats whose aggregated gap in its competencies is
above zero (figures of at least five people)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.competencies.aggregates import seats_with_gaps
from benchlearn.competencies.models import Competency, Invitee, Training
from benchlearn.competencies.notices import training_invited_notify
from benchlearn.groups.models import ExchangeGroup, Programme, SeatHolding
from benchlearn.units.models import Level, Unit

TITLE_MAX = 300


class TrainingError(ValueError):
    """The training cannot be saved as asked: ``problems`` says every reason; nothing
    was stored."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Eligible:
    """A person who may be invited: their seat in one of the programme's groups."""

    person: User
    group: ExchangeGroup
    unit: Unit
    seat: str


def eligible_people(programme: Programme) -> list[Eligible]:
    """Everyone holding an open seat in the programme's groups, by group, unit, seat."""
    holdings = (
        SeatHolding.objects.filter(group__programme=programme, ended_at__isnull=True)
        .select_related("user", "group", "unit")
        .order_by("group__name", "group_id", "unit__name", "unit__teryt", "level")
    )
    seat_order = {seat: n for n, seat in enumerate(Level.values)}
    found = [
        Eligible(person=holding.user, group=holding.group, unit=holding.unit, seat=holding.level)
        for holding in holdings
    ]
    return sorted(found, key=lambda e: (e.group.name, e.group.pk, e.unit.name, seat_order[e.seat]))


def former_invitees(training: Training | None, eligible: list[Eligible]) -> list[User]:
    """People invited to ``training`` who no longer hold a seat in the programme."""
    if training is None:
        return []
    holders = {entry.person.pk for entry in eligible}
    return [
        invitee.person
        for invitee in training.invitees.select_related("person")
        if invitee.person_id not in holders
    ]


def known_codes() -> set[str]:
    """The competency codes of every scheme (a code stays across versions)."""
    return set(Competency.objects.values_list("code", flat=True))


def invitees_proposed(programme: Programme, *, seats: list[str], codes: list[str]) -> list[int]:
    """Whom to invite: the holders of ``seats``; with no seat chosen, of the seats whose
    aggregated gap in ``codes`` is above zero. No person's own result is read."""
    wanted = [seat for seat in seats if seat in Level.values] or seats_with_gaps(programme, codes)
    ids: list[int] = []
    for entry in eligible_people(programme):
        if entry.seat in wanted and entry.person.pk not in ids:
            ids.append(entry.person.pk)
    return ids


def _checked(
    programme: Programme,
    *,
    title: str,
    date: datetime.date | None,
    competency_codes: list[str],
    seats: list[str],
    invitee_ids: list[int],
    invited: set[int] = frozenset(),  # type: ignore[assignment]
) -> tuple[str, datetime.date, list[str], list[str], list[int]]:
    problems: list[str] = []
    title = title.strip()
    if not title:
        problems.append(_("Give the training a title."))
    elif len(title) > TITLE_MAX:
        problems.append(
            _("The title is too long (%(max)s characters at most).") % {"max": TITLE_MAX}
        )
    if date is None:
        problems.append(_("Give the training's date."))
    codes = list(dict.fromkeys(code.strip() for code in competency_codes if code.strip()))
    unknown = [code for code in codes if code not in known_codes()]
    if unknown:
        problems.append(
            _("No competency of the scheme has the code %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    chosen_seats = list(dict.fromkeys(seats))
    wrong = [seat for seat in chosen_seats if seat not in Level.values]
    if wrong:
        problems.append(_("There is no seat %(seats)s.") % {"seats": ", ".join(wrong)})
    people = list(dict.fromkeys(invitee_ids))
    # Those invited already stay invitable after leaving their seat (attendance kept).
    holders = {entry.person.pk for entry in eligible_people(programme)} | invited
    outside = [pk for pk in people if pk not in holders]
    if outside:
        problems.append(
            _(
                "Only people holding a seat in the programme's groups may be invited "
                "(%(count)s of those chosen do not)."
            )
            % {"count": len(outside)}
        )
    if problems:
        raise TrainingError(problems)
    assert date is not None
    return title, date, codes, chosen_seats, people


@transaction.atomic
def training_create(
    *,
    programme: Programme,
    by: User,
    title: str,
    date: datetime.date | None,
    place: str = "",
    description: str = "",
    competency_codes: list[str],
    seats: list[str],
    invitee_ids: list[int],
) -> Training:
    """A new training of ``programme`` with its invitees; ``TrainingError`` where any
    field is wrong (nothing stored)."""
    title, day, codes, chosen, people = _checked(
        programme,
        title=title,
        date=date,
        competency_codes=competency_codes,
        seats=seats,
        invitee_ids=invitee_ids,
    )
    now = timezone.now()
    training = Training.objects.create(
        programme=programme,
        title=title,
        date=day,
        place=place.strip(),
        description=description.strip(),
        competency_codes=codes,
        seats=chosen,
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    Invitee.objects.bulk_create(Invitee(training=training, person_id=pk) for pk in people)
    training_invited_notify(training, people, by_id=by.pk)
    return training


@transaction.atomic
def training_update(
    *,
    training: Training,
    by: User,
    revision: int,
    title: str,
    date: datetime.date | None,
    place: str = "",
    description: str = "",
    competency_codes: list[str],
    seats: list[str],
    invitee_ids: list[int],
) -> Training:
    """The training changed, unless someone saved it since ``revision`` was read (then
    ``TrainingError``, nothing stored). People no longer invited lose their invitation
    (and any attendance recorded for them); those still invited keep theirs."""
    current = Training.objects.select_for_update().get(pk=training.pk)
    if current.revision != revision:
        raise TrainingError(
            [
                _(
                    "Someone else changed this training while you were editing it. "
                    "Reload the page to see their changes, then make yours again."
                )
            ]
        )
    title, day, codes, chosen, people = _checked(
        current.programme,
        title=title,
        date=date,
        competency_codes=competency_codes,
        seats=seats,
        invitee_ids=invitee_ids,
        invited=set(current.invitees.values_list("person_id", flat=True)),
    )
    current.title = title
    current.date = day
    current.place = place.strip()
    current.description = description.strip()
    current.competency_codes = codes
    current.seats = chosen
    current.updated_at = timezone.now()
    current.revision += 1
    current.save(
        update_fields=[
            "title",
            "date",
            "place",
            "description",
            "competency_codes",
            "seats",
            "updated_at",
            "revision",
        ]
    )
    current.invitees.exclude(person_id__in=people).delete()
    already = set(current.invitees.values_list("person_id", flat=True))
    Invitee.objects.bulk_create(
        Invitee(training=current, person_id=pk) for pk in people if pk not in already
    )
    training_invited_notify(current, [pk for pk in people if pk not in already], by_id=by.pk)
    return current


@transaction.atomic
def attendance_record(
    *,
    training: Training,
    by: User,
    marks: dict[int, bool | None],
    today: datetime.date | None = None,
) -> int:
    """Who attended (True), who did not (False), not known (None), by person id; each
    changed mark with who recorded it and when. Refused (``TrainingError``, nothing
    stored) before the training's day and for people not invited. The number changed."""
    today = today or timezone.localdate()
    if today < training.date:
        raise TrainingError(
            [
                _("Attendance is recorded on or after the training's day (%(date)s).")
                % {"date": formats.date_format(training.date, "DATE_FORMAT")}
            ]
        )
    invited = {invitee.person_id: invitee for invitee in training.invitees.select_for_update()}
    strangers = [pk for pk in marks if pk not in invited]
    if strangers:
        raise TrainingError(
            [
                _("Attendance is recorded only for people invited (%(count)s are not).")
                % {"count": len(strangers)}
            ]
        )
    now = timezone.now()
    changed = 0
    for pk, attended in marks.items():
        invitee = invited[pk]
        if invitee.attended is attended:
            continue
        invitee.attended = attended
        invitee.recorded_by = by
        invitee.recorded_at = now
        invitee.save(update_fields=["attended", "recorded_by", "recorded_at"])
        changed += 1
    return changed


def trainings_of(programme: Programme) -> list[Training]:
    """The programme's trainings, newest first, with ``invited`` and ``present`` counted."""
    return list(
        programme.trainings.annotate(
            invited=Count("invitees"), present=Count("invitees", filter=Q(invitees__attended=True))
        ).order_by("-date", "title", "pk")
    )
