"""Open data: the good practices published to everyone, without an account
(``/api/v1/public/practices``), searched and filtered as on the portal, a page at a
time; one practice with its indicators measured on the stored results.

A filter naming nothing (an unknown domain, indicator, kind, size band or voivodeship)
is a 422 naming it; a page past the last is a 404 that says so. Answers may be cached
by anyone for five minutes and read from any origin (GET only)."""

from datetime import datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError

from benchlearn.api.pagination import MAX_PAGE
from benchlearn.api.schemas import Error, InvalidRequest
from benchlearn.practices.evidence import practice_evidence
from benchlearn.practices.listing import search_page
from benchlearn.practices.models import Practice
from benchlearn.practices.search import PracticeQuery, facet_problems
from benchlearn.practices.selectors import practices_public

router = Router(tags=["open data"])

ERRORS = {404: Error, 422: InvalidRequest}
MAX_PUBLIC_PAGE_SIZE = 100


class PracticeFilters(Schema):
    q: str = Field("", max_length=200, description="words, matched whatever their accents")
    domain: str = Field("", max_length=64, description="a domain's code")
    indicator: str = Field("", max_length=64, description="an indicator's code")
    kind: str = Field("", max_length=8, description="a kind of unit: gm, gw, gmw, mnpp, pow, woj")
    band: str = Field("", max_length=16, description="a size band: lt5k, 5k-10k, … gt100k")
    voivodeship: str = Field("", max_length=40, description="a voivodeship's Polish name")
    page: int = Field(1, ge=1, le=MAX_PAGE, description="from 1")
    page_size: int = Field(20, ge=1, le=MAX_PUBLIC_PAGE_SIZE)


class PublicUnitOut(Schema):
    teryt: str
    name: str
    kind: str
    voivodeship: str


class PracticeIndicatorOut(Schema):
    code: str
    before_year: int
    after_year: int | None = Field(description="null: the unit's latest result")


class PracticeOut(Schema):
    id: int
    title: str
    url: str = Field(description="the practice's page on the portal")
    unit: PublicUnitOut
    domain: str | None = Field(description="the domain's code")
    problem: str
    solution: str = Field(description="what was done")
    results: str
    cost: float | None = Field(description="in PLN")
    cost_note: str
    delivery_form: str
    months_to_implement: int | None
    contact_name: str
    contact_email: str
    tags: list[str]
    published_at: datetime | None
    indicators: list[PracticeIndicatorOut]


class PracticePage(Schema):
    count: int
    page: int
    pages: int
    items: list[PracticeOut]


class EvidenceOut(Schema):
    code: str
    before_year: int
    after_year: int | None = Field(description="the year measured to")
    before: float | None
    after: float | None
    change: float | None
    group_median_change: float | None = Field(
        description="null where the group is too small for its figures to be shown"
    )
    difference: float | None = Field(description="own change minus the group's median change")


class PracticeDetailOut(PracticeOut):
    evidence: list[EvidenceOut]


def _open(response: HttpResponse) -> None:
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"


def _practice_out(request: HttpRequest, practice: Practice) -> PracticeOut:
    unit = practice.unit
    return PracticeOut(
        id=practice.pk,
        title=practice.title,
        url=request.build_absolute_uri(reverse("portal-practice-detail", args=[practice.pk])),
        unit=PublicUnitOut(
            teryt=unit.teryt, name=unit.name, kind=unit.kind, voivodeship=unit.voivodeship
        ),
        domain=practice.domain.code if practice.domain else None,
        problem=practice.problem,
        solution=practice.solution,
        results=practice.results,
        cost=None if practice.cost is None else float(practice.cost),
        cost_note=practice.cost_note,
        delivery_form=practice.delivery_form,
        months_to_implement=practice.months_to_implement,
        contact_name=practice.contact_name,
        contact_email=practice.contact_email,
        tags=practice.tags,
        published_at=practice.published_at,
        indicators=[
            PracticeIndicatorOut(
                code=row.indicator.code, before_year=row.before_year, after_year=row.after_year
            )
            for row in practice.indicators.all()
        ],
    )


@router.get(
    "/public/practices",
    response={200: PracticePage, **ERRORS},
    auth=None,
    summary="Good practices published to everyone (no account)",
)
def public_practices(
    request: HttpRequest, response: HttpResponse, filters: Query[PracticeFilters]
) -> PracticePage:
    """The best match first (the newest first without words)."""
    query = PracticeQuery(
        q=filters.q.strip(),
        domain=filters.domain.strip(),
        indicator=filters.indicator.strip(),
        kind=filters.kind.strip(),
        band=filters.band.strip(),
        voivodeship=filters.voivodeship.strip(),
    )
    problems = facet_problems(query)
    if problems:
        raise ValidationError(
            [
                {"type": "unknown_value", "loc": ["query", name], "msg": message}
                for name, message in problems.items()
            ]
        )
    practices = practices_public().prefetch_related("indicators__indicator")
    page = search_page(practices, query, filters.page, page_size=filters.page_size)
    if page is None:
        raise Http404(_("There is no page %(page)s of these practices.") % {"page": filters.page})
    _open(response)
    return PracticePage(
        count=page.count,
        page=page.number,
        pages=page.pages,
        items=[_practice_out(request, practice) for practice in page.items],
    )


@router.get(
    "/public/practices/{practice_id}",
    response={200: PracticeDetailOut, **ERRORS},
    auth=None,
    summary="One good practice published to everyone, with its indicators measured",
)
def public_practice(
    request: HttpRequest, response: HttpResponse, practice_id: int
) -> PracticeDetailOut:
    practice = practices_public().filter(pk=practice_id).first()
    if practice is None:
        raise Http404(_("There is no published good practice number %(id)s.") % {"id": practice_id})
    evidence = practice_evidence(request.user, practice, charts=False, public=True)
    _open(response)
    return PracticeDetailOut(
        **_practice_out(request, practice).dict(),
        evidence=[
            EvidenceOut(
                code=row.code,
                before_year=row.row.before_year,
                after_year=row.effect.latest_year if row.effect else row.row.after_year,
                before=row.effect.baseline if row.effect else None,
                after=row.effect.latest if row.effect else None,
                change=row.effect.change if row.effect else None,
                group_median_change=row.effect.group_median_change if row.effect else None,
                difference=row.effect.difference if row.effect else None,
            )
            for row in evidence.indicators
        ],
    )
