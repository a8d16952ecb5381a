"""The JSON API, version 1: ``/api/v1/``, described at ``/api/v1/openapi.json``."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, ValidationError
from ninja.pagination import paginate
from ninja.responses import Status

from benchlearn.accounts.access import (
    Perm,
    require,
    roles_of,
)
from benchlearn.accounts.models import User
from benchlearn.accounts.services import api_token_revoke
from benchlearn.api.auth import session_auth, token_auth
from benchlearn.api.competencies import router as competencies_router
from benchlearn.api.delivery import router as delivery_router
from benchlearn.api.meetings import router as meetings_router
from benchlearn.api.pagination import BoundedPages
from benchlearn.api.plans import router as plans_router
from benchlearn.api.programmes import router as programmes_router
from benchlearn.api.public_practices import router as public_practices_router
from benchlearn.api.public_results import router as public_results_router
from benchlearn.api.schemas import (
    Error,
    IndicatorOut,
    InvalidRequest,
    MembershipOut,
    MeOut,
    RolesOut,
    RuleFilters,
    RuleOut,
    UnitFilters,
    UnitOut,
    VariableOut,
)
from benchlearn.api.submissions import router as submissions_router
from benchlearn.api.unit_results import router as unit_results_router
from benchlearn.catalogue.models import IndicatorVersion, ValidationRule, Variable
from benchlearn.catalogue.selectors import (
    current_versions,
    indicator_get_for_user,
    indicators_filtered,
    rules_filtered,
    unknown_filters,
    variable_get_for_user,
    variables_filtered,
)
from benchlearn.units.models import Unit
from benchlearn.units.selectors import unit_list_for

api = NinjaAPI(
    title="Benchlearn API",
    version="1",
    description="Benchmarking and benchlearning for Polish local governments.",
    urls_namespace="api",
    auth=[token_auth, session_auth],
    docs_url="/docs",
)

# 422: a parameter that is not valid (a group number that is not a number, a page out
# of bounds), each problem named by where it is (``loc``) and what is wrong (``msg``).
ERRORS = {401: Error, 403: Error, 404: Error, 422: InvalidRequest}


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
    return UnitOut.from_orm(unit)


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


@api.get("/units", response={200: list[UnitOut], **ERRORS}, summary="The register of units")
@paginate(BoundedPages, page_size=100)
def unit_list(request: HttpRequest, filters: Query[UnitFilters]) -> QuerySet[Unit]:
    """Every Polish unit (public data: codes, names, kinds, population, area), filtered."""
    return unit_list_for(_user(request), registry=True, **filters.dict()).order_by("teryt")


@api.get("/units/{teryt}", response={200: UnitOut, **ERRORS}, summary="One unit of the register")
def unit_detail(request: HttpRequest, teryt: str) -> UnitOut:
    """A unit's public registry data; its collected data has its own, guarded endpoints."""
    unit = unit_list_for(_user(request), registry=True, include_abolished=True).filter(teryt=teryt)
    found = unit.first()
    if found is None:
        raise Http404(_("No unit with TERYT code %(teryt)s.") % {"teryt": teryt})
    return _unit_out(found)


class IndicatorFilters(Schema):
    domain: str = ""
    category: str = ""
    set: str = ""
    q: str = ""


class VariableFilters(Schema):
    domain: str = ""
    source: str = ""
    q: str = ""


def _indicator_out(version: IndicatorVersion) -> IndicatorOut:
    indicator = version.indicator
    return IndicatorOut(
        code=indicator.code,
        name_pl=version.name_pl,
        name_en=version.name_en,
        formula=version.formula,
        numerator=version.numerator or None,
        denominator=version.denominator or None,
        unit=version.unit,
        polarity=version.polarity,
        category=version.category,
        decimals=version.decimals,
        domain=indicator.domain.code if indicator.domain else None,
        notes_pl=version.notes_pl,
        notes_en=version.notes_en,
        version=version.number,
        published_at=version.published_at,
    )


def _variable_out(variable: Variable) -> VariableOut:
    return VariableOut(
        code=variable.code,
        name_pl=variable.name_pl,
        name_en=variable.name_en,
        unit=variable.unit,
        source=variable.source,
        minimum=variable.minimum,
        maximum=variable.maximum,
        domain=variable.domain.code if variable.domain else None,
        definition_pl=variable.definition_pl,
        definition_en=variable.definition_en,
        compare=variable.compare,
        compare_per=variable.compare_per or None,
        plausible_min=variable.plausible_min,
        plausible_max=variable.plausible_max,
        bdl=variable.bdl or None,
    )


def _rule_out(rule: ValidationRule) -> RuleOut:
    return RuleOut(
        code=rule.code,
        domain=rule.domain.code if rule.domain else None,
        expression=rule.expression,
        left=rule.left,
        operator=rule.operator,
        right=rule.right,
        upper=rule.upper or None,
        severity=rule.severity,
        message_pl=rule.message_pl,
        message_en=rule.message_en,
    )


@api.get(
    "/indicators",
    response={200: list[IndicatorOut], **ERRORS},
    summary="Indicators of the catalogue (current versions)",
)
@paginate(BoundedPages, page_size=50)
def indicator_list(request: HttpRequest, filters: Query[IndicatorFilters]) -> list[IndicatorOut]:
    require(_user(request), Perm.CATALOGUE_VIEW)
    currents = current_versions()
    indicators = indicators_filtered(
        domain=filters.domain, category=filters.category, q=filters.q, set_code=filters.set
    )
    result = []
    for indicator in indicators:
        version = currents[indicator.pk]
        version.indicator = indicator
        result.append(_indicator_out(version))
    return result


@api.get(
    "/indicators/{indicator_code}", response={200: IndicatorOut, **ERRORS}, summary="One indicator"
)
def indicator_detail(request: HttpRequest, indicator_code: str) -> IndicatorOut:
    indicator = indicator_get_for_user(_user(request), indicator_code)
    version = indicator.versions.order_by("-number").first()
    assert version is not None
    version.indicator = indicator
    return _indicator_out(version)


@api.get(
    "/variables", response={200: list[VariableOut], **ERRORS}, summary="Variables of the catalogue"
)
@paginate(BoundedPages, page_size=50)
def variable_list(request: HttpRequest, filters: Query[VariableFilters]) -> list[VariableOut]:
    require(_user(request), Perm.CATALOGUE_VIEW)
    variables = variables_filtered(domain=filters.domain, source=filters.source, q=filters.q)
    return [_variable_out(variable) for variable in variables]


@api.get(
    "/variables/{variable_code}", response={200: VariableOut, **ERRORS}, summary="One variable"
)
def variable_detail(request: HttpRequest, variable_code: str) -> VariableOut:
    return _variable_out(variable_get_for_user(_user(request), variable_code))


@api.get(
    "/rules",
    response={200: list[RuleOut], **ERRORS},
    summary="Validation rules of the catalogue",
)
@paginate(BoundedPages, page_size=50)
def rule_list(request: HttpRequest, filters: Query[RuleFilters]) -> list[RuleOut]:
    """The checks between variables that the data-entry forms run, in catalogue order.
    A filter naming no domain, variable or set is a 422 naming it (not an empty list,
    which would read as "no rules")."""
    require(_user(request), Perm.CATALOGUE_VIEW)
    codes = {"domain": filters.domain, "variable": filters.variable, "set_code": filters.set}
    unknown = unknown_filters(**codes)
    if unknown:
        raise ValidationError(
            [
                {"type": "unknown_code", "loc": ["query", name], "msg": message}
                for name, message in unknown.items()
            ]
        )
    return [_rule_out(rule) for rule in rules_filtered(**codes)]


@api.delete(
    "/tokens/current",
    response={204: None, **ERRORS},
    summary="Revoke the token this request is sent with",
)
def token_revoke_current(request: HttpRequest) -> Status[None]:
    """For a script that is done, or suspects its token leaked: the token stops working at
    once. A read-only token may not (this is a write); revoke it on the account page."""
    token = getattr(request, "api_token", None)
    if token is None:
        raise Http404(_("This request was not sent with a token."))
    api_token_revoke(token=token, by=_user(request), via="api")
    return Status(204, None)


# Registered last: the router's endpoints use the handlers above.
api.add_router("/", submissions_router)
api.add_router("/", delivery_router)
api.add_router("/", unit_results_router)
api.add_router("/", meetings_router)
api.add_router("/", programmes_router)
api.add_router("/", plans_router)
api.add_router("/", competencies_router)
api.add_router("/", public_practices_router)
api.add_router("/", public_results_router)
