"""Open data without an account: the published indicators and averaged results.

``/api/v1/public/indicators`` and ``/api/v1/public/results?indicator=…&year=…&by=…``
answer what the portal shows, under the same disclosure control: a withheld figure is
null, never a figure on fewer units than the threshold. Paginated like the rest of the
API; rate-limited per network address; ETag, Cache-Control and CORS for GET are added
for every ``/api/v1/public/`` answer by ``benchlearn.middleware.PublicApiMiddleware``.
"""

from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.throttling import SimpleRateThrottle

from benchlearn.accounts.throttling import client_ip
from benchlearn.api.pagination import EndedPages
from benchlearn.api.schemas import Error, InvalidRequest
from benchlearn.public.catalogue import PublicIndicator, public_indicator_get, public_indicators
from benchlearn.public.figures import (
    TOTAL,
    Figure,
    YearFigures,
    publication,
    result_years,
    year_figures,
)
from benchlearn.public.pages import class_label, ordered


class PublicRateThrottle(SimpleRateThrottle):
    """Requests per network address (the proxy's last hop, as logins count them), at
    the rate the settings give when the request comes."""

    scope = "public"

    def __init__(self) -> None:
        super().__init__(settings.PUBLIC_API_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.PUBLIC_API_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        return f"throttle_public_{client_ip(request)}"


router = Router(auth=None, tags=["open data"], throttle=[PublicRateThrottle()])

ERRORS = {404: Error, 422: InvalidRequest, 429: Error}


class PublicIndicatorOut(Schema):
    code: str
    name_pl: str
    name_en: str
    domain: str | None = Field(description="the public service's code")
    formula: str
    numerator: str | None
    denominator: str | None
    unit: str = Field(description="unit of measure")
    polarity: str = Field(description="higher, lower (better) or neutral")
    category: str
    decimals: int
    notes_pl: str
    notes_en: str
    version: int = Field(description="the newest published version of the definition")
    published_at: datetime | None
    years: list[int] = Field(description="years with published results")


class ResultsQuery(Schema):
    indicator: str = Field(description="an indicator's code", max_length=64)
    year: int = Field(description="a year with published results", ge=1900, le=2200)
    by: Literal["kind", "band", "voivodeship"] = Field(
        "kind", description="classes: kind of unit, population band or voivodeship"
    )
    computation: int | None = Field(
        None,
        ge=1,
        description="the published computation's number, to be sure the figures are of "
        "it (as in the bulk files); any other number is a 404",
    )


class ResultRowOut(Schema):
    indicator: str
    year: int
    by: str
    class_code: str = Field(
        alias="class", description='the class; "all" for all units (the first row)'
    )
    label: str = Field(description="the class named in the request's language")
    n: int | None = Field(description="units with a value; null where withheld")
    median: float | None
    q1: float | None = Field(description="lower quartile (QUARTILE.INC)")
    q3: float | None = Field(description="upper quartile (QUARTILE.INC)")
    aggregate: float | None = Field(description="ratio of sums: Σ numerator / Σ denominator")
    withheld: bool = Field(description="hidden by disclosure control")


class UnitValuesQuery(Schema):
    indicator: str = Field(description="an indicator's code", max_length=64)
    year: int = Field(description="a year with published results", ge=1900, le=2200)


class UnitValueOut(Schema):
    teryt: str
    name: str
    kind: str = Field(description="the kind's code: gm, gw, gmw, mnpp, pow, woj")
    value: float


def _indicator_out(item: PublicIndicator, years: list[int]) -> PublicIndicatorOut:
    version, indicator = item.version, item.indicator
    return PublicIndicatorOut(
        code=indicator.code,
        name_pl=version.name_pl,
        name_en=version.name_en,
        domain=indicator.domain.code if indicator.domain else None,
        formula=version.formula,
        numerator=version.numerator or None,
        denominator=version.denominator or None,
        unit=version.unit,
        polarity=version.polarity,
        category=version.category,
        decimals=version.decimals,
        notes_pl=version.notes_pl,
        notes_en=version.notes_en,
        version=version.number,
        published_at=version.published_at,
        years=years,
    )


@router.get(
    "/public/indicators",
    response={200: list[PublicIndicatorOut], **ERRORS},
    summary="Published indicators, with the years of their published results",
)
@paginate(EndedPages, page_size=100)
def public_indicator_list(request: HttpRequest) -> list[PublicIndicatorOut]:
    pub = publication()
    return [
        _indicator_out(item, result_years(pub, item.indicator.pk) if pub else [])
        for item in public_indicators().values()
    ]


@router.get(
    "/public/results",
    response={200: list[ResultRowOut], **ERRORS},
    summary="Averaged results of an indicator in a year, one row per class",
    by_alias=True,
)
@paginate(EndedPages, page_size=50)
def public_results(request: HttpRequest, query: Query[ResultsQuery]) -> list[dict[str, Any]]:
    """All units first, then one row per class of ``by``: n, median, quartiles and the
    ratio-of-sums aggregate of the published computation. A withheld class has every
    figure null (at least N units behind each figure, no dominant unit, no figure
    derivable from others). An unknown indicator or a year without published results
    is a 404 saying so."""
    figures = _published(query.indicator, query.year, query.computation)

    def row(figure: Figure) -> dict[str, Any]:
        return {
            "indicator": figures.indicator,
            "year": query.year,
            "by": query.by,
            "class": figure.key,
            "label": class_label(figure.dimension, figure.key),
            "n": figure.n,
            "median": figure.median,
            "q1": figure.q1,
            "q3": figure.q3,
            "aggregate": figure.aggregate,
            "withheld": not figure.shown,
        }

    assert figures.total.key == TOTAL
    return [row(figures.total), *(row(f) for f in ordered(figures, query.by))]


def _published(code: str, year: int, computation: int | None = None) -> YearFigures:
    """The published figures, or a 404 saying what is not published."""
    item, _versions = public_indicator_get(code)
    pub = publication()
    if pub is None:
        raise Http404(_("The office has not published any results yet."))
    if computation is not None and computation != pub.computation.pk:
        raise Http404(
            _("Computation %(number)s is not the published one (%(published)s).")
            % {"number": computation, "published": pub.computation.pk}
        )
    if year not in result_years(pub, item.indicator.pk):
        raise Http404(
            _("The published results have no values of %(code)s for %(year)s.")
            % {"code": item.code, "year": year}
        )
    return year_figures(pub, item.indicator.pk, item.code, year)


@router.get(
    "/public/unit-values",
    response={200: list[UnitValueOut], **ERRORS},
    summary="Values of the units whose programme agreed to name them",
)
@paginate(EndedPages, page_size=100)
def public_unit_values(request: HttpRequest, query: Query[UnitValuesQuery]) -> list[UnitValueOut]:
    """Each unit named by agreement (its programmes agreed, and none of its groups shows
    its members by letters) with its value of the indicator in the year, by name. Other
    units are never listed: their values stay inside the averages."""
    figures = _published(query.indicator, query.year)
    return [
        UnitValueOut(teryt=n.teryt, name=n.name, kind=n.kind, value=n.value) for n in figures.named
    ]
