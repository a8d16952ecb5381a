"""Writes to exchange groups. Who belongs to a group, who moderates it and whether its
members are anonymised decide who sees what: every change of them is recorded."""

from collections.abc import Iterable
from enum import Enum

from django.db import transaction
from django.utils.translation import gettext as _

from benchlearn.accounts.models import AccessChangeKind, User
from benchlearn.accounts.services import NO, YES, access_change_record
from benchlearn.groups.models import ExchangeGroup, Programme
from benchlearn.units.models import Unit

MEMBER = "member"


@transaction.atomic
def group_create(
    *,
    name: str,
    service: str,
    cycle_start: int,
    moderator: User | None,
    units: Iterable[Unit] = (),
    anonymised: bool | None = None,
    programme: Programme | None = None,
    by: User | None = None,
    via: str = "",
) -> ExchangeGroup:
    """A new group; ``anonymised`` None: the programme's default (else not anonymised)."""
    if anonymised is None:
        anonymised = programme.anonymised_default if programme is not None else False
    group = ExchangeGroup.objects.create(
        name=name, service=service, cycle_start=cycle_start, moderator=None, programme=programme
    )
    group_update(group=group, moderator=moderator, anonymised=anonymised, by=by, via=via)
    group_units_set(group=group, units=units, by=by, via=via)
    return group


class Keep(Enum):
    """Leave a field of the group as it is (None is a value: no moderator)."""

    KEEP = "keep"


@transaction.atomic
def group_update(
    *,
    group: ExchangeGroup,
    by: User | None,
    moderator: User | Keep | None = Keep.KEEP,
    anonymised: bool | None = None,
    via: str = "",
) -> ExchangeGroup:
    """Change a group's moderator and whether it is anonymised (leave out what stays);
    each change is recorded with its old and new value."""
    # The row locked alone: PostgreSQL locks no outer join (the moderator may be none).
    current = ExchangeGroup.objects.select_for_update().get(pk=group.pk)
    changed = []
    if not isinstance(moderator, Keep) and moderator != current.moderator:
        old = current.moderator
        group.moderator = moderator
        changed.append("moderator")
        # Recorded under each person whose rights it changes.
        for person in (p for p in (old, moderator) if p is not None):
            access_change_record(
                kind=AccessChangeKind.GROUP_MODERATOR,
                by=by,
                user=person,
                target=group.name,
                old=old.email if old else "",
                new=moderator.email if moderator else "",
                via=via,
            )
    if anonymised is not None and anonymised != current.anonymised:
        group.anonymised = anonymised
        changed.append("anonymised")
        access_change_record(
            kind=AccessChangeKind.GROUP_ANONYMITY,
            by=by,
            target=group.name,
            old=YES if current.anonymised else NO,
            new=YES if anonymised else NO,
            via=via,
        )
    if changed:
        group.save(update_fields=changed)
    return group


@transaction.atomic
def group_units_set(
    *, group: ExchangeGroup, units: Iterable[Unit], by: User | None, via: str = ""
) -> ExchangeGroup:
    """Make ``units`` the group's members; each unit that joins or leaves is recorded."""
    # Two people changing the members at once take turns, each seeing the other's result.
    ExchangeGroup.objects.select_for_update().filter(pk=group.pk).first()
    wanted = {unit.pk: unit for unit in units}
    before = {unit.pk: unit for unit in group.units.all()}
    leaving = [unit for pk, unit in before.items() if pk not in wanted]
    joining = [unit for pk, unit in wanted.items() if pk not in before]
    group.units.remove(*leaving)
    group.units.add(*joining)
    for unit, old, new in [
        *((unit, MEMBER, "") for unit in leaving),
        *((unit, "", MEMBER) for unit in joining),
    ]:
        access_change_record(
            kind=AccessChangeKind.GROUP_MEMBERSHIP,
            by=by,
            target=f"{group.name}: {unit.name} ({unit.teryt})",
            old=old,
            new=new,
            via=via,
        )
    return group


class ProgrammeError(ValueError):
    """A programme that cannot be stored as asked; nothing was stored."""


def _check_years(first_year: int, last_year: int) -> None:
    if last_year < first_year:
        raise ProgrammeError(_("The last year cannot come before the first."))


@transaction.atomic
def programme_create(
    *,
    name: str,
    first_year: int,
    last_year: int,
    moderators_review: bool = False,
    anonymised_default: bool = False,
    groups: Iterable[ExchangeGroup] = (),
) -> Programme:
    _check_years(first_year, last_year)
    programme = Programme.objects.create(
        name=name,
        first_year=first_year,
        last_year=last_year,
        moderators_review=moderators_review,
        anonymised_default=anonymised_default,
    )
    ExchangeGroup.objects.filter(pk__in=[g.pk for g in groups]).update(programme=programme)
    return programme


@transaction.atomic
def programme_update(
    *,
    programme: Programme,
    name: str,
    first_year: int,
    last_year: int,
    moderators_review: bool,
    anonymised_default: bool,
    groups: Iterable[ExchangeGroup],
) -> Programme:
    """Change a programme's settings and make ``groups`` its groups (others leave it)."""
    _check_years(first_year, last_year)
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    programme.name, programme.first_year, programme.last_year = name, first_year, last_year
    programme.moderators_review = moderators_review
    programme.anonymised_default = anonymised_default
    programme.save()
    wanted = [g.pk for g in groups]
    programme.groups.exclude(pk__in=wanted).update(programme=None)
    ExchangeGroup.objects.filter(pk__in=wanted).update(programme=programme)
    return programme
