"""A programme's competency aggregates in the API: per competency and seat the number of
people assessed and, only where at least five people stand behind a figure, the mean
levels at the start and the end of the cycle and the mean gap to the expected level.

The office only: a programme the reader sees (through a group they belong to or
moderate) is refused (403), one they do not see answers as a missing one (404), as
``api/programmes.py`` does."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from benchlearn.accounts.access import programmes_visible_to
from benchlearn.accounts.models import User
from benchlearn.api.schemas import Error, InvalidRequest
from benchlearn.competencies.aggregates import (
    aggregates_of,
    may_see_programme_aggregates,
    programme_groups,
)

router = Router(tags=["competencies"])

ERRORS = {401: Error, 403: Error, 404: Error, 422: InvalidRequest}


class CompetencyCellOut(Schema):
    competency: str = Field(description="the competency's code (kept across scheme versions)")
    name: str = Field(description="the competency's name in the scheme named by the summary")
    seat: str = Field(description="the seat: strategic, middle or operational")
    n: int = Field(description="people with a submitted self-assessment at either stage")
    n_start: int = Field(description="people assessed at the start of the cycle")
    n_end: int = Field(description="people assessed at the end of the cycle")
    mean_start: float | None = Field(
        description="mean level (1–4) at the start; null where fewer than min_people "
        "people were assessed at the start"
    )
    mean_end: float | None = Field(
        description="mean level (1–4) at the end; null where fewer than min_people "
        "people were assessed at the end"
    )
    mean_gap: float | None = Field(
        description="mean shortfall below the seat's expected level of each person's "
        "latest assessment (0: at or above it); null where n < min_people"
    )


class CompetencySummaryOut(Schema):
    programme: int = Field(description="the programme's id")
    scheme_version: str | None = Field(
        description="the version of the scheme whose names and order are used (the "
        "newest one the assessments used); null where there is no scheme"
    )
    min_people: int = Field(description="fewest people behind a mean that is given")
    people: int = Field(description="people with a submitted self-assessment")
    items: list[CompetencyCellOut]


def _reader(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


@router.get(
    "/programmes/{programme_id}/competencies/summary",
    response={200: CompetencySummaryOut, **ERRORS},
    summary="A programme's competency aggregates (the office only)",
)
def programme_competency_summary(request: HttpRequest, programme_id: int) -> CompetencySummaryOut:
    """Per competency and seat: ``n`` and, where at least ``min_people`` people stand
    behind a figure, the mean levels at the start and the end and the mean gap to the
    expected level (otherwise null). Only submitted self-assessments count."""
    user = _reader(request)
    programme = programmes_visible_to(user).filter(pk=programme_id).first()
    if programme is None:
        raise Http404(
            _("There is no programme number %(id)s that you may open.") % {"id": programme_id}
        )
    if not may_see_programme_aggregates(user, programme):
        raise PermissionDenied(_("A programme's competency aggregates are for the office only."))
    found = aggregates_of(programme_groups(programme), per_group=False)
    return CompetencySummaryOut(
        programme=programme.pk,
        scheme_version=found.scheme.version if found.scheme else None,
        min_people=found.min_people,
        people=found.people,
        items=[
            CompetencyCellOut(
                competency=cell.competency,
                name=found.names.get(cell.competency, cell.competency),
                seat=cell.seat or "",
                n=cell.n,
                n_start=cell.n_start,
                n_end=cell.n_end,
                mean_start=cell.mean_start,
                mean_end=cell.mean_end,
                mean_gap=cell.mean_gap,
            )
            for cell in found.cells
        ],
    )
