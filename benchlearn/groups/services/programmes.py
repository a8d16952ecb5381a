"""Writes to programmes: their settings decide who may approve data, how new groups
start and what is published, so every change is kept in the programme's history."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.groups.models import (
    MIN_GROUP_SIZE_DEFAULT,
    PUBLIC_MAX_SHARE_DEFAULT,
    PUBLIC_MIN_UNITS_DEFAULT,
    SURVEY_MIN_RESPONSES_DEFAULT,
    ExchangeGroup,
    GroupChange,
    Programme,
    ProgrammeChange,
)
from benchlearn.groups.services.common import (
    CREATED,
    UPDATED,
    GroupError,
    differences,
    history_write,
    shown,
    stale_check,
)

SETTINGS = (
    "name",
    "associations",
    "first_year",
    "last_year",
    "moderators_review",
    "anonymised_default",
    "min_group_size",
    "public_names",
    "public_min_units",
    "public_max_share",
    "survey_min_responses",
    "competency_office_sees",
)
# Below this a public average gives a unit away to each of the others.
PUBLIC_MIN_UNITS_FLOOR = 3


class ProgrammeError(GroupError):
    """A programme that cannot be stored as asked; nothing was stored."""


def _public_check(*, public_min_units: int, public_max_share: float) -> None:
    if public_min_units < PUBLIC_MIN_UNITS_FLOOR:
        raise ProgrammeError(
            _("A public figure rests on at least %(floor)s units.")
            % {"floor": PUBLIC_MIN_UNITS_FLOOR},
            "public_min_units",
        )
    if not 0 < public_max_share <= 1:
        raise ProgrammeError(
            _("The largest share of one unit is a fraction above 0 and at most 1, e.g. 0.5."),
            "public_max_share",
        )


def _check(*, name: str, first_year: int, last_year: int, min_group_size: int) -> None:
    if not name.strip():
        raise ProgrammeError(_("The programme needs a name."), "name")
    if last_year < first_year:
        raise ProgrammeError(_("The last year cannot come before the first."), "last_year")
    if min_group_size < 1:
        raise ProgrammeError(
            _("The minimum group size is a whole number of units, at least 1."), "min_group_size"
        )


def _survey_check(survey_min_responses: int) -> None:
    if survey_min_responses < 1:
        raise ProgrammeError(
            _("The minimum number of survey responses is a whole number, at least 1."),
            "survey_min_responses",
        )


def _settings_of(programme: Programme) -> dict[str, Any]:
    return {field: getattr(programme, field) for field in SETTINGS}


def _group_names(groups: Iterable[ExchangeGroup]) -> list[str]:
    return sorted(group.name for group in groups)


def _groups_move(
    programme: Programme, groups: list[ExchangeGroup], *, by: User | None, at: datetime
) -> None:
    """Make ``groups`` the programme's; each group that joins or leaves has the change in
    its own history too (and a new edit token: its form shows the programme)."""
    wanted = {g.pk for g in groups}
    moving = ExchangeGroup.objects.select_for_update().filter(
        (Q(programme=programme) & ~Q(pk__in=wanted)) | (Q(pk__in=wanted) & ~Q(programme=programme))
    )
    # Not select_related: PostgreSQL locks no nullable side of an outer join.
    for group in moving:
        new = programme if group.pk in wanted else None
        old = group.programme
        group.programme, group.updated_at = new, at
        group.save(update_fields=["programme", "updated_at"])
        history_write(
            GroupChange(group=group),
            kind=UPDATED,
            by=by,
            changes={"programme": (shown(old), shown(new))},
            at=at,
        )


@transaction.atomic
def programme_create(
    *,
    name: str,
    first_year: int,
    last_year: int,
    moderators_review: bool = False,
    anonymised_default: bool = False,
    associations: str = "",
    min_group_size: int = MIN_GROUP_SIZE_DEFAULT,
    public_names: bool = False,
    public_min_units: int = PUBLIC_MIN_UNITS_DEFAULT,
    public_max_share: float = PUBLIC_MAX_SHARE_DEFAULT,
    survey_min_responses: int = SURVEY_MIN_RESPONSES_DEFAULT,
    competency_office_sees: bool = False,
    groups: Iterable[ExchangeGroup] = (),
    by: User | None = None,
) -> Programme:
    _check(name=name, first_year=first_year, last_year=last_year, min_group_size=min_group_size)
    _public_check(public_min_units=public_min_units, public_max_share=public_max_share)
    _survey_check(survey_min_responses)
    programme = Programme.objects.create(
        name=name.strip(),
        first_year=first_year,
        last_year=last_year,
        moderators_review=moderators_review,
        anonymised_default=anonymised_default,
        associations=associations.strip(),
        min_group_size=min_group_size,
        public_names=public_names,
        public_min_units=public_min_units,
        public_max_share=public_max_share,
        survey_min_responses=survey_min_responses,
        competency_office_sees=competency_office_sees,
    )
    groups = list(groups)
    _groups_move(programme, groups, by=by, at=programme.updated_at)
    changes = differences({}, {**_settings_of(programme), "groups": _group_names(groups)})
    history_write(
        ProgrammeChange(programme=programme),
        kind=CREATED,
        by=by,
        changes=changes,
        at=programme.updated_at,
    )
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
    associations: str | None = None,
    min_group_size: int | None = None,
    public_names: bool | None = None,
    public_min_units: int | None = None,
    public_max_share: float | None = None,
    survey_min_responses: int | None = None,
    competency_office_sees: bool | None = None,
    by: User | None = None,
    base_token: str | None = None,
) -> Programme:
    """Change a programme's settings and make ``groups`` its groups (others leave it);
    what changed is kept in its history. ``base_token``: the edit token the form was
    opened with; when someone saved the programme since, raises StaleEdit and stores
    nothing (None: not checked)."""
    current = Programme.objects.select_for_update().get(pk=programme.pk)
    stale_check(ProgrammeChange.objects.filter(programme=programme), base_token, current.updated_at)
    size = current.min_group_size if min_group_size is None else min_group_size
    _check(name=name, first_year=first_year, last_year=last_year, min_group_size=size)
    min_units = current.public_min_units if public_min_units is None else public_min_units
    max_share = current.public_max_share if public_max_share is None else public_max_share
    _public_check(public_min_units=min_units, public_max_share=max_share)
    if survey_min_responses is None:
        survey_min_responses = current.survey_min_responses
    _survey_check(survey_min_responses)
    public = {
        "public_names": current.public_names if public_names is None else public_names,
        "public_min_units": min_units,
        "public_max_share": max_share,
    }
    wanted: dict[str, Any] = {
        "name": name.strip(),
        "associations": current.associations if associations is None else associations.strip(),
        "first_year": first_year,
        "last_year": last_year,
        "moderators_review": moderators_review,
        "anonymised_default": anonymised_default,
        "min_group_size": size,
        **public,
        "survey_min_responses": survey_min_responses,
        "competency_office_sees": (
            current.competency_office_sees
            if competency_office_sees is None
            else competency_office_sees
        ),
    }
    groups = list(groups)
    before_groups = _group_names(current.groups.all())
    changes = differences(
        {**_settings_of(current), "groups": before_groups},
        {**wanted, "groups": _group_names(groups)},
    )
    if not changes:
        return programme
    for field, value in wanted.items():
        setattr(programme, field, value)
    programme.updated_at = timezone.now()
    programme.save(update_fields=[*SETTINGS, "updated_at"])
    _groups_move(programme, groups, by=by, at=programme.updated_at)
    history_write(
        ProgrammeChange(programme=programme),
        kind=UPDATED,
        by=by,
        changes=changes,
        at=programme.updated_at,
    )
    return programme
