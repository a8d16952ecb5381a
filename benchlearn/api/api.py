"""The JSON API, version 1: ``/api/v1/``, described at ``/api/v1/openapi.json``."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from benchlearn.accounts.access import (
    group_get_for_user,
    groups_visible_to,
    roles_of,
    unit_get_for_user,
    units_visible_to,
)
from benchlearn.accounts.models import User
from benchlearn.api.auth import session_auth, token_auth
from benchlearn.api.schemas import Error, GroupOut, MembershipOut, MeOut, RolesOut, UnitOut
from benchlearn.groups.models import ExchangeGroup
from benchlearn.units.models import Unit

api = NinjaAPI(
    title="Benchlearn API",
    version="1",
    description="Benchmarking and benchlearning for Polish local governments.",
    urls_namespace="api",
    auth=[token_auth, session_auth],
    docs_url="/docs",
)

ERRORS = {401: Error, 403: Error, 404: Error}


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(exc) or _("You do not have access to this resource.")}, status=403
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": _("Authentication required: log in or send a token (Authorization: Bearer …).")},
        status=401,
    )


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _unit_out(unit: Unit) -> UnitOut:
    return UnitOut(
        teryt=unit.teryt,
        name=unit.name,
        kind=unit.kind,
        voivodeship=unit.voivodeship,
        parent_teryt=unit.parent.teryt if unit.parent else None,
    )


def _group_out(group: ExchangeGroup) -> GroupOut:
    return GroupOut(
        id=group.pk,
        name=group.name,
        service=group.service,
        cycle_start=group.cycle_start,
        cycle_end=group.cycle_end,
        moderator=str(group.moderator) if group.moderator else None,
        units=[unit.teryt for unit in group.units.all()],
    )


@api.get("/me", response={200: MeOut, **ERRORS}, summary="Who am I and what are my roles")
def me(request: HttpRequest) -> MeOut:
    user = _user(request)
    roles = roles_of(user)
    return MeOut(
        email=user.email,
        full_name=user.full_name,
        roles=RolesOut(
            operator=roles.operator, moderator=roles.moderator, participant=roles.participant
        ),
        units=[
            MembershipOut(teryt=m.unit.teryt, name=m.unit.name, level=m.level)
            for m in user.unit_memberships.select_related("unit").order_by("unit__name")
        ],
    )


@api.get("/units", response={200: list[UnitOut], **ERRORS}, summary="Units I may see")
def unit_list(request: HttpRequest) -> list[UnitOut]:
    units = units_visible_to(_user(request)).select_related("parent").order_by("teryt")
    return [_unit_out(unit) for unit in units]


@api.get("/units/{teryt}", response={200: UnitOut, **ERRORS}, summary="One unit")
def unit_detail(request: HttpRequest, teryt: str) -> UnitOut:
    return _unit_out(unit_get_for_user(_user(request), teryt))


@api.get("/groups", response={200: list[GroupOut], **ERRORS}, summary="Exchange groups I may see")
def group_list(request: HttpRequest) -> list[GroupOut]:
    groups = (
        groups_visible_to(_user(request))
        .select_related("moderator")
        .prefetch_related("units")
        .order_by("name")
    )
    return [_group_out(group) for group in groups]


@api.get("/groups/{group_id}", response={200: GroupOut, **ERRORS}, summary="One exchange group")
def group_detail(request: HttpRequest, group_id: int) -> GroupOut:
    return _group_out(group_get_for_user(_user(request), group_id))
