"""People in a group's seats, and their assessments made directly with the models (the
assessment pages' services are tested on their own): for the aggregates, trainings,
exports and the API."""

from __future__ import annotations

from django.utils import timezone

from benchlearn.accounts.models import User
from benchlearn.competencies.models import (
    Assessment,
    Competency,
    CompetencyScheme,
    Rating,
    Role,
    Stage,
)
from benchlearn.groups.models import ExchangeGroup, SeatHolding
from benchlearn.groups.services import seat_fill
from benchlearn.units.models import Unit
from tests.conftest import load_units, make_user

# Twelve gminas of the bundled register, one seat of a level each.
EXTRA_TERYTS = [
    "0201011",
    "0201022",
    "0201032",
    "0201043",
    "0201052",
    "0201062",
    "0202011",
    "0202021",
    "0202033",
    "0202041",
    "0202052",
    "0202062",
]


def extra_units(count: int) -> list[Unit]:
    load_units(*EXTRA_TERYTS[:count])
    return list(Unit.objects.filter(teryt__in=EXTRA_TERYTS[:count]).order_by("teryt"))


def seat_holders(
    group: ExchangeGroup, seat: str, count: int, *, by: User, tag: str, units: list[Unit]
) -> list[User]:
    """``count`` new people, each in ``seat`` of one of ``units`` (added to the group)."""
    people = []
    for number, unit in enumerate(units[:count], start=1):
        group.units.add(unit)
        person = make_user(f"{tag}{number}@example.org", f"{tag.title()} {number}")
        seat_fill(group=group, unit=unit, level=seat, user=person, by=by)
        people.append(person)
    return people


def assess(
    person: User,
    group: ExchangeGroup,
    scheme: CompetencyScheme,
    stage: str,
    levels: dict[str, int],
    *,
    role: str = Role.SELF,
    submitted: bool = True,
    office_may_see: bool = False,
    assessor: User | None = None,
) -> Assessment:
    """A person's assessment at a stage, rated as ``levels`` (code: level), in the seat
    they hold in the group."""
    holding = SeatHolding.objects.filter(group=group, user=person).order_by("-started_at").first()
    assert holding is not None, "assessed people hold a seat in the group"
    assessment = Assessment.objects.create(
        person=person,
        assessor=assessor or person,
        role=role,
        group=group,
        unit=holding.unit,
        seat=holding.level,
        stage=stage,
        scheme=scheme,
        office_may_see=office_may_see,
        submitted_at=timezone.now() if submitted else None,
    )
    competencies = {c.code: c for c in Competency.objects.filter(scheme=scheme)}
    Rating.objects.bulk_create(
        Rating(assessment=assessment, competency=competencies[code], level=level)
        for code, level in levels.items()
    )
    return assessment


START, END = Stage.START, Stage.END
