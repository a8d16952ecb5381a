"""``GET /api/v1/units/{teryt}/results``: a unit's own results and positions, with a
token, for those who may open the unit; filters, bad input and pages; the queries do not
grow with the rows."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benchlearn.accounts.services import api_token_create
from benchlearn.groups.services import programme_create
from benchlearn.results.cache import kept
from benchlearn.results.models import Result
from benchlearn.results.selectors import current_computation
from tests.collection.conftest import extra_units  # noqa: F401 - fixture
from tests.results.conftest import computed_programme, published  # noqa: F401 - fixtures
from tests.results.test_pages import computed  # noqa: F401 - fixture


def get(user, teryt: str, **params):
    headers = {}
    if user is not None:
        _token, key = api_token_create(user=user, name="bi")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return Client().get(f"/api/v1/units/{teryt}/results", params, **headers)


def stored(unit) -> dict[tuple[str, int], tuple]:
    rows = Result.objects.filter(computation=current_computation(), unit=unit)
    return {
        (code, period): (value, numerator, denominator)
        for code, period, value, numerator, denominator in rows.values_list(
            "indicator__code", "period", "value", "numerator", "denominator"
        )
    }


def test_the_units_own_team_gets_its_stored_results_and_positions(
    computed,  # noqa: F811 - fixture
    participant_a,
    unit_a,
):
    response = get(participant_a, unit_a.teryt, page_size=500)
    assert response.status_code == 200
    body = response.json()
    expected = stored(unit_a)
    assert body["count"] == len(expected) > 0
    got = {
        (row["indicator"], row["year"]): (row["value"], row["numerator"], row["denominator"])
        for row in body["items"]
    }
    assert got == expected
    row = next(r for r in body["items"] if r["indicator"] == "EDU_NET_COST" and r["year"] == 2024)
    assert row["name"] and row["computation"] == current_computation().pk
    by_choice = {p["comparison"]: p for p in row["positions"]}
    assert "all" in by_choice
    everyone = by_choice["all"]
    assert everyone["withheld"] == ""
    assert everyone["n"] >= 2 and everyone["median"] is not None
    assert 1 <= everyone["rank"] <= everyone["n"]
    assert everyone["quartile"] in (1, 2, 3, 4)
    # The rank agrees with the stored values: lower is better for this indicator.
    values = [
        v
        for v in Result.objects.filter(
            computation=current_computation(), indicator__code="EDU_NET_COST", period=2024
        ).values_list("value", flat=True)
        if v is not None
    ]
    assert everyone["rank"] == 1 + sum(v < row["value"] for v in values)


def test_a_group_moderator_and_the_office_may_read_it(
    computed,  # noqa: F811 - fixture
    moderator,
    operator,
    unit_a,
):
    assert get(moderator, unit_a.teryt).status_code == 200
    assert get(operator, unit_a.teryt).status_code == 200


def test_a_stranger_gets_404_and_no_token_401(
    computed,  # noqa: F811 - fixture
    stranger,
    nobody,
    unit_a,
):
    for user in (stranger, nobody):
        response = get(user, unit_a.teryt)
        assert response.status_code == 404
        assert "that you may open" in response.json()["detail"]
    assert get(None, unit_a.teryt).status_code == 401
    assert get(stranger, "0000000").status_code == 404


def test_filters_by_year_and_indicator(
    computed,  # noqa: F811 - fixture
    participant_a,
    unit_a,
):
    body = get(participant_a, unit_a.teryt, year=2023, page_size=500).json()
    assert body["count"] > 0 and {row["year"] for row in body["items"]} == {2023}
    body = get(participant_a, unit_a.teryt, indicator="EDU_NET_COST", page_size=500).json()
    assert [(r["indicator"], r["year"]) for r in body["items"]] == [
        ("EDU_NET_COST", 2023),
        ("EDU_NET_COST", 2024),
    ]
    body = get(participant_a, unit_a.teryt, indicator="EDU_NET_COST", year=2024).json()
    assert body["count"] == 1
    assert body["items"][0]["value"] == stored(unit_a)[("EDU_NET_COST", 2024)][0]


def test_unknown_indicator_or_year_and_a_page_past_the_last_are_404_saying_so(
    computed,  # noqa: F811 - fixture
    participant_a,
    unit_a,
):
    response = get(participant_a, unit_a.teryt, indicator="NO_SUCH")
    assert response.status_code == 404
    assert "NO_SUCH" in response.json()["detail"]
    response = get(participant_a, unit_a.teryt, year=1999)
    assert response.status_code == 404
    assert "1999" in response.json()["detail"]
    assert get(participant_a, unit_a.teryt, year="soon").status_code == 422
    count = get(participant_a, unit_a.teryt).json()["count"]
    response = get(participant_a, unit_a.teryt, page=2, page_size=count)
    assert response.status_code == 404
    assert "past the last page, 1" in response.json()["detail"]
    assert get(participant_a, unit_a.teryt, page=count, page_size=1).status_code == 200


def test_no_results_yet_is_an_empty_list(participant_a, unit_a):
    response = get(participant_a, unit_a.teryt)
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


@pytest.mark.parametrize("warm", [False, True])
def test_queries_do_not_grow_with_the_rows(
    computed,  # noqa: F811 - fixture
    participant_a,
    unit_a,
    warm,
):
    _token, key = api_token_create(user=participant_a, name="bi")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    url = f"/api/v1/units/{unit_a.teryt}/results"
    assert client.get(url, {"page_size": 500}).json()["count"] > 3
    counts = []
    for size in (1, 500):
        if not warm:
            kept.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"page_size": size}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_group_below_the_programmes_minimum_gives_its_count_only(
    computed,  # noqa: F811 - fixture
    group,
    participant_a,
    operator,
    unit_a,
):
    # A and B, both with data, in a programme that shows figures from 3 units.
    programme_create(name="Program 2024", first_year=2024, last_year=2025, groups=[group])

    def exchange(user):
        body = get(user, unit_a.teryt, indicator="EDU_NET_COST", year=2024).json()
        by_choice = {p["comparison"]: p for p in body["items"][0]["positions"]}
        return by_choice[f"exchange-{group.pk}"]

    seen = exchange(participant_a)
    assert seen["n"] == 2
    assert seen["median"] is seen["q1"] is seen["rank"] is seen["quartile"] is None
    assert "not shown" in seen["withheld"]
    office = exchange(operator)
    assert office["withheld"] == "" and office["median"] is not None and office["rank"] in (1, 2)
