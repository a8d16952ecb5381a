"""Writes to exchange groups."""

from collections.abc import Iterable

from django.db import transaction

from benchlearn.accounts.models import User
from benchlearn.groups.models import ExchangeGroup
from benchlearn.units.models import Unit


@transaction.atomic
def group_create(
    *,
    name: str,
    service: str,
    cycle_start: int,
    moderator: User | None,
    units: Iterable[Unit] = (),
) -> ExchangeGroup:
    group = ExchangeGroup.objects.create(
        name=name, service=service, cycle_start=cycle_start, moderator=moderator
    )
    group.units.set(list(units))
    return group
