"""Writes to exchange groups. Who belongs to a group, who moderates it and whether its
members are anonymised decide who sees what: every change of them is recorded, in the
access log (whose rights changed) and in the group's own history (what it looked like)."""

from collections.abc import Iterable
from enum import Enum
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.models import AccessChangeKind, User
from benchlearn.accounts.services import NO, YES, access_change_record
from benchlearn.catalogue.models import Domain
from benchlearn.groups.models import (
    ExchangeGroup,
    GroupChange,
    Programme,
    SeatEnd,
    SeatHolding,
)
from benchlearn.groups.services.common import (
    CREATED,
    UPDATED,
    GroupError,
    differences,
    history_write,
    stale_check,
)
from benchlearn.units.models import Unit

MEMBER = "member"
# A cycle starts in a year a programme of this century can have.
FIRST_CYCLE, LAST_CYCLE = 2000, 2100


def _unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.teryt})"


def _members(units: Iterable[Unit]) -> list[str]:
    return sorted(_unit_label(unit) for unit in units)


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
    domain: Domain | None = None,
    by: User | None = None,
    via: str = "",
) -> ExchangeGroup:
    """A new group; ``anonymised`` None: the programme's default (else not anonymised)."""
    _check(name=name, cycle_start=cycle_start, programme=programme)
    if anonymised is None:
        anonymised = programme.anonymised_default if programme is not None else False
    units = list(units)
    group = ExchangeGroup.objects.create(
        name=name,
        service=service or (str(domain) if domain else ""),
        domain=domain,
        cycle_start=cycle_start,
        moderator=None,
        programme=programme,
    )
    _moderator_anonymity_set(group, by=by, moderator=moderator, anonymised=anonymised, via=via)
    _units_set(group, units, by=by, via=via)
    changes = differences(
        {},
        {
            **_plain_fields(group),
            "moderator": moderator,
            "anonymised": anonymised,
            "units": _members(units),
        },
    )
    history_write(
        GroupChange(group=group), kind=CREATED, by=by, changes=changes, at=group.updated_at
    )
    return group


def _plain_fields(group: ExchangeGroup) -> dict[str, Any]:
    return {
        "name": group.name,
        "service": group.service,
        "domain": group.domain,
        "programme": group.programme,
        "cycle_start": group.cycle_start,
    }


def _check(*, name: str, cycle_start: int, programme: Programme | None) -> None:
    if not name.strip():
        raise GroupError(_("The group needs a name."), "name")
    if not FIRST_CYCLE <= cycle_start <= LAST_CYCLE:
        raise GroupError(
            _("The cycle starts in a year between %(first)s and %(last)s.")
            % {"first": FIRST_CYCLE, "last": LAST_CYCLE},
            "cycle_start",
        )


class Keep(Enum):
    """Leave a field of the group as it is (None is a value: no moderator)."""

    KEEP = "keep"


def _moderator_anonymity_set(
    group: ExchangeGroup,
    *,
    by: User | None,
    moderator: User | Keep | None,
    anonymised: bool | None,
    via: str,
) -> dict[str, tuple[Any, Any]]:
    """Change the moderator and anonymity, recorded in the access log; what changed."""
    # The row locked alone: PostgreSQL locks no outer join (the moderator may be none).
    current = ExchangeGroup.objects.select_for_update().get(pk=group.pk)
    changed: dict[str, tuple[Any, Any]] = {}
    if not isinstance(moderator, Keep) and moderator != current.moderator:
        old = current.moderator
        group.moderator = moderator
        changed["moderator"] = (old, moderator)
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
        changed["anonymised"] = (current.anonymised, anonymised)
        access_change_record(
            kind=AccessChangeKind.GROUP_ANONYMITY,
            by=by,
            target=group.name,
            old=YES if current.anonymised else NO,
            new=YES if anonymised else NO,
            via=via,
        )
    if changed:
        group.save(update_fields=list(changed))
    return changed


def _units_set(
    group: ExchangeGroup, units: Iterable[Unit], *, by: User | None, via: str
) -> dict[str, tuple[Any, Any]]:
    """Make ``units`` the members, each joining or leaving unit in the access log; the
    seats of a unit that leaves are ended (their people keep their history)."""
    # Two people changing the members at once take turns, each seeing the other's result.
    ExchangeGroup.objects.select_for_update().filter(pk=group.pk).first()
    wanted = {unit.pk: unit for unit in units}
    before = {unit.pk: unit for unit in group.units.all()}
    leaving = [unit for pk, unit in before.items() if pk not in wanted]
    joining = [unit for pk, unit in wanted.items() if pk not in before]
    if not (leaving or joining):
        return {}
    group.units.remove(*leaving)
    group.units.add(*joining)
    SeatHolding.objects.filter(group=group, unit__in=leaving, ended_at__isnull=True).update(
        ended_at=timezone.now(), end_reason=SeatEnd.UNIT_LEFT, ended_by=by
    )
    for unit, old, new in [
        *((unit, MEMBER, "") for unit in leaving),
        *((unit, "", MEMBER) for unit in joining),
    ]:
        access_change_record(
            kind=AccessChangeKind.GROUP_MEMBERSHIP,
            by=by,
            target=f"{group.name}: {_unit_label(unit)}",
            old=old,
            new=new,
            via=via,
        )
    return {"units": (_members(before.values()), _members(wanted.values()))}


def _history(group: ExchangeGroup, by: User | None, changes: dict[str, tuple[Any, Any]]) -> None:
    """One row of the group's history for everything that changed; a new edit token."""
    if not changes:
        return
    group.updated_at = timezone.now()
    group.save(update_fields=["updated_at"])
    before = {name: old for name, (old, _new) in changes.items()}
    after = {name: new for name, (_old, new) in changes.items()}
    history_write(
        GroupChange(group=group),
        kind=UPDATED,
        by=by,
        changes=differences(before, after),
        at=group.updated_at,
    )


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
    changes = _moderator_anonymity_set(
        group, by=by, moderator=moderator, anonymised=anonymised, via=via
    )
    _history(group, by, changes)
    return group


@transaction.atomic
def group_units_set(
    *, group: ExchangeGroup, units: Iterable[Unit], by: User | None, via: str = ""
) -> ExchangeGroup:
    """Make ``units`` the group's members; each unit that joins or leaves is recorded."""
    _history(group, by, _units_set(group, units, by=by, via=via))
    return group


@transaction.atomic
def group_edit(
    *,
    group: ExchangeGroup,
    by: User | None,
    base_token: str | None,
    name: str,
    service: str,
    domain: Domain | None,
    programme: Programme | None,
    cycle_start: int,
    moderator: User | None,
    anonymised: bool,
    units: Iterable[Unit],
    via: str = "",
) -> ExchangeGroup:
    """Everything an operator sets on the group's page, saved together as one change of
    its history. ``base_token``: the edit token the form was opened with; when someone
    saved the group since, raises StaleEdit (what they changed) and stores nothing."""
    current = ExchangeGroup.objects.select_for_update().get(pk=group.pk)
    stale_check(GroupChange.objects.filter(group=group), base_token, current.updated_at)
    _check(name=name, cycle_start=cycle_start, programme=programme)
    wanted = {
        "name": name.strip(),
        "service": service.strip() or (str(domain) if domain else current.service),
        "domain": domain,
        "programme": programme,
        "cycle_start": cycle_start,
    }
    changes = differences(_plain_fields(current), wanted)
    for field in ("name", "service", "domain", "programme", "cycle_start"):
        setattr(group, field, wanted[field])
    group.save(update_fields=["name", "service", "domain", "programme", "cycle_start"])
    changes.update(
        _moderator_anonymity_set(group, by=by, moderator=moderator, anonymised=anonymised, via=via)
    )
    changes.update(_units_set(group, units, by=by, via=via))
    _history(group, by, changes)
    return group
