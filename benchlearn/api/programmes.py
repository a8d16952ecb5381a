"""Programmes and exchange groups in the API, seen as on the pages: operators see all;
moderators and participants the groups they moderate or belong to, and those groups'
programmes. A group gives its members' TERYT codes and how many of their seats are
filled per level, never who fills them."""

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError
from ninja.pagination import paginate

from benchlearn.accounts.access import (
    group_get_for_user,
    groups_visible_to,
    programmes_visible_to,
)
from benchlearn.accounts.models import User
from benchlearn.api.pagination import BoundedPages
from benchlearn.api.schemas import Error, InvalidRequest
from benchlearn.groups.models import ExchangeGroup, Programme
from benchlearn.groups.workspace import open_seats
from benchlearn.units.models import Level

router = Router(tags=["programmes and groups"])

ERRORS = {401: Error, 403: Error, 404: Error, 422: InvalidRequest}


class SeatsOut(Schema):
    strategic: int = Field(description="member units whose strategic seat is filled")
    middle: int
    operational: int
    filled: int = Field(description="seats filled, all levels")
    total: int = Field(description="three per member unit")


class GroupOut(Schema):
    id: int
    name: str
    service: str
    domain: str | None = Field(description="the catalogue domain's code")
    programme: int | None = Field(description="the programme's id")
    cycle_start: int
    cycle_end: int
    moderator: str | None
    units: list[str] = Field(description="the member units' TERYT codes")
    seats: SeatsOut


class ProgrammeOut(Schema):
    id: int
    name: str
    first_year: int
    last_year: int
    associations: str
    moderators_review: bool = Field(description="moderators may return and approve data")
    anonymised_default: bool
    min_group_size: int = Field(description="smallest group whose figures are published")
    public_names: bool = Field(description="its units are named on the public portal")
    public_min_units: int = Field(description="fewest units behind a public figure")
    public_max_share: float = Field(description="largest share of one unit in a public aggregate")
    groups: list[int] = Field(description="the ids of its groups the reader may see")


class GroupFilters(Schema):
    programme: int | None = Field(None, description="a programme's id")
    cycle_start: int | None = Field(None, description="the first year of the groups' cycle")


class ProgrammeFilters(Schema):
    year: int | None = Field(None, description="programmes running in this year")


def _reader(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _groups_out(groups: QuerySet[ExchangeGroup]) -> list[GroupOut]:
    found = list(groups.select_related("moderator", "domain").prefetch_related("units"))
    held = open_seats([group.pk for group in found])
    result = []
    for group in found:
        teryts = sorted(unit.teryt for unit in group.units.all())
        levels = [
            level for unit in group.units.all() for level in held.get((group.pk, unit.pk), [])
        ]
        result.append(
            GroupOut(
                id=group.pk,
                name=group.name,
                service=group.service,
                domain=group.domain.code if group.domain else None,
                programme=group.programme_id,
                cycle_start=group.cycle_start,
                cycle_end=group.cycle_end,
                moderator=str(group.moderator) if group.moderator else None,
                units=teryts,
                seats=SeatsOut(
                    strategic=levels.count(Level.STRATEGIC),
                    middle=levels.count(Level.MIDDLE),
                    operational=levels.count(Level.OPERATIONAL),
                    filled=len(levels),
                    total=len(teryts) * len(Level.values),
                ),
            )
        )
    return result


@router.get(
    "/groups", response={200: list[GroupOut], **ERRORS}, summary="Exchange groups I may see"
)
def group_list(request: HttpRequest, filters: Query[GroupFilters]) -> list[GroupOut]:
    """The groups the reader moderates or belongs to (operators: all), by name; a
    ``programme`` the reader may not see is a 422 naming the filter."""
    user = _reader(request)
    groups = groups_visible_to(user)
    if filters.programme is not None:
        if not programmes_visible_to(user).filter(pk=filters.programme).exists():
            raise ValidationError(
                [
                    {
                        "type": "unknown_id",
                        "loc": ["query", "programme"],
                        "msg": _("There is no programme number %(id)s that you may open.")
                        % {"id": filters.programme},
                    }
                ]
            )
        groups = groups.filter(programme_id=filters.programme)
    if filters.cycle_start is not None:
        groups = groups.filter(cycle_start=filters.cycle_start)
    return _groups_out(groups.order_by("name"))


@router.get("/groups/{group_id}", response={200: GroupOut, **ERRORS}, summary="One exchange group")
def group_detail(request: HttpRequest, group_id: int) -> GroupOut:
    user = _reader(request)
    group = group_get_for_user(user, group_id)
    return _groups_out(ExchangeGroup.objects.filter(pk=group.pk))[0]


def _programme_out(programme: Programme, visible: set[int]) -> ProgrammeOut:
    return ProgrammeOut(
        id=programme.pk,
        name=programme.name,
        first_year=programme.first_year,
        last_year=programme.last_year,
        associations=programme.associations,
        moderators_review=programme.moderators_review,
        anonymised_default=programme.anonymised_default,
        min_group_size=programme.min_group_size,
        public_names=programme.public_names,
        public_min_units=programme.public_min_units,
        public_max_share=programme.public_max_share,
        groups=sorted(g.pk for g in programme.groups.all() if g.pk in visible),
    )


@router.get(
    "/programmes",
    response={200: list[ProgrammeOut], **ERRORS},
    summary="Programmes of the groups I may see",
)
@paginate(BoundedPages, page_size=50)
def programme_list(request: HttpRequest, filters: Query[ProgrammeFilters]) -> list[ProgrammeOut]:
    """Operators: every programme; others: the programmes of their groups. Newest first."""
    user = _reader(request)
    programmes = programmes_visible_to(user).prefetch_related("groups")
    if filters.year is not None:
        programmes = programmes.filter(first_year__lte=filters.year, last_year__gte=filters.year)
    visible = set(groups_visible_to(user).values_list("pk", flat=True))
    return [_programme_out(p, visible) for p in programmes.order_by("-first_year", "name", "pk")]


@router.get(
    "/programmes/{programme_id}", response={200: ProgrammeOut, **ERRORS}, summary="One programme"
)
def programme_detail(request: HttpRequest, programme_id: int) -> ProgrammeOut:
    user = _reader(request)
    programme = programmes_visible_to(user).filter(pk=programme_id).first()
    if programme is None:
        raise Http404(
            _("There is no programme number %(id)s that you may open.") % {"id": programme_id}
        )
    visible = set(groups_visible_to(user).values_list("pk", flat=True))
    return _programme_out(programme, visible)
