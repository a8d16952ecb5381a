"""A unit's own results in the API, for its spreadsheets and BI: per indicator and year
of the current computation, the unit's value (numerator and denominator where stored)
and its position in each comparison its dashboard offers the reader. Read by whoever
may open the unit (its people, its groups' moderators, the office); a unit one may not
open answers 404. A comparison's figures are withheld exactly as on the pages (a group
below its programme's minimum size: its count only)."""

from collections.abc import Sequence
from typing import overload

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from benchlearn.accounts.access import unit_get_for_user
from benchlearn.api.pagination import EndedPages
from benchlearn.api.schemas import Error, InvalidRequest
from benchlearn.results.selectors import Placing, UnitResultRow, UnitResultRows, unit_result_rows

router = Router(tags=["results"])

ERRORS = {401: Error, 403: Error, 404: Error, 422: InvalidRequest}


class PositionOut(Schema):
    comparison: str = Field(
        description='the comparison as the results pages name it in ``?group=``: "exchange-<id>", '
        '"band", "neighbours", "voivodeship" or "all"; for counties and cities with county '
        'rights also "band-county" and "neighbours-county" (peers drawn from counties and '
        "cities with county rights, for the county sets)"
    )
    kind: str = Field(description="exchange, band, neighbours, voivodeship or all")
    label: str = Field(description="the comparison named in the request's language")
    n: int | None = Field(description="units with a value in the comparison")
    median: float | None
    q1: float | None = Field(description="lower quartile")
    q3: float | None = Field(description="upper quartile")
    rank: int | None = Field(description="1 = best; null for a neutral indicator or no value")
    quartile: int | None = Field(description="1 = the best quarter; null as rank")
    percentile: float | None = Field(description="100 = the best; null as rank")
    withheld: str = Field(
        description="why the comparison's figures and the unit's place in it are not "
        'shown (the programme\'s minimum group size); "" when they are'
    )


class UnitResultOut(Schema):
    indicator: str
    name: str = Field(description="the indicator named in the request's language")
    unit: str = Field(description="unit of measure")
    year: int
    value: float | None
    flag: str = Field(description='why there is no value ("div0": division by zero), or ""')
    numerator: float | None
    denominator: float | None
    computation: int = Field(description="the computation the figures are of")
    positions: list[PositionOut]


class UnitResultFilters(Schema):
    year: int | None = Field(None, ge=1900, le=2200, description="a year with results")
    indicator: str = Field("", max_length=64, description="an indicator's code")


def _position(placing: Placing) -> PositionOut:
    stat, position = placing.stat, placing.position
    return PositionOut(
        comparison=placing.comparison.choice,
        kind=placing.comparison.kind,
        label=placing.comparison.label,
        n=stat.n if stat is not None else None,
        median=stat.median if stat is not None else None,
        q1=stat.q1 if stat is not None else None,
        q3=stat.q3 if stat is not None else None,
        rank=position.rank if position is not None and position.rank else None,
        quartile=position.quartile if position is not None else None,
        percentile=position.percentile if position is not None else None,
        withheld=placing.comparison.withheld,
    )


def _out(row: UnitResultRow) -> UnitResultOut:
    return UnitResultOut(
        indicator=row.indicator.code,
        name=row.indicator.name,
        unit=row.indicator.unit,
        year=row.year,
        value=row.value,
        flag=row.flag,
        numerator=row.numerator,
        denominator=row.denominator,
        computation=row.computation,
        positions=[_position(placing) for placing in row.placings],
    )


class _Page(Sequence[UnitResultOut]):
    """The rows as the API gives them, placed only for the page asked for."""

    def __init__(self, rows: UnitResultRows) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> UnitResultOut: ...
    @overload
    def __getitem__(self, index: slice) -> list[UnitResultOut]: ...
    def __getitem__(self, index: int | slice) -> UnitResultOut | list[UnitResultOut]:
        if isinstance(index, int):
            return _out(self.rows[index])
        return [_out(row) for row in self.rows[index]]


@router.get(
    "/units/{teryt}/results",
    response={200: list[UnitResultOut], **ERRORS},
    summary="A unit's own results and its positions in its comparisons",
)
@paginate(EndedPages, page_size=100)
def unit_results_api(
    request: HttpRequest, teryt: str, filters: Query[UnitResultFilters]
) -> Sequence[UnitResultOut]:
    """One row per indicator and year of the current computation, in catalogue order:
    the unit's value (numerator and denominator where stored) and, for each comparison
    its results page offers you, the comparison's n, median and quartiles and the unit's
    rank, quartile and percentile in it. A comparison below its programme's minimum
    group size gives its n only, and says why. ``year`` and ``indicator`` narrow the
    rows; a year the unit has no results in or an indicator the results do not hold is
    a 404 saying so, as is a page past the last."""
    unit = unit_get_for_user(request.auth, teryt)  # type: ignore[attr-defined]
    return _Page(
        unit_result_rows(request.auth, unit, year=filters.year, indicator=filters.indicator)  # type: ignore[attr-defined]
    )
