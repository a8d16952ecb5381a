"""Open data: /api/v1/public/ without an account, under the portal's disclosure control."""

import random

import pytest
from django.test import Client

from benchlearn.groups.services import programme_create
from benchlearn.results.publication import computation_publish, computation_unpublish
from tests.conftest import client_for
from tests.public.conftest import YEAR, computation_of, sample_values

RESULTS = "/api/v1/public/results"


def _get(path, **params):
    return Client().get(path, params)


def test_indicators_are_listed_without_an_account(published):
    response = _get("/api/v1/public/indicators")
    assert response.status_code == 200
    items = {item["code"]: item for item in response.json()["items"]}
    assert items["EDU_COST_PUPIL"]["years"] == [YEAR]
    assert items["EDU_COST_PUPIL"]["numerator"] == "EDU_EXP"
    assert items["WASTE_PER_CAPITA"]["years"] == []


def test_results_give_one_row_per_class_and_nulls_where_withheld(published):
    response = _get(RESULTS, indicator="EDU_COST_PUPIL", year=YEAR, by="band")
    assert response.status_code == 200
    rows = response.json()["items"]
    assert rows[0]["class"] == "all" and rows[0]["n"] == 42
    assert {row["class"] for row in rows[1:]} == {
        "lt5k",
        "5k-10k",
        "10k-20k",
        "20k-50k",
        "50k-100k",
    }
    by_class = {row["class"]: row for row in rows}
    small = by_class["50k-100k"]
    assert small["withheld"] is True
    assert [small[k] for k in ("n", "median", "q1", "q3", "aggregate")] == [None] * 5
    for row in rows:
        assert row["withheld"] or row["n"] >= 5
    assert sum(row["withheld"] for row in rows) >= 2  # one more hidden beside the small one
    values = sample_values().values()
    ratio_of_sums = sum(v[1] for v in values) / sum(v[2] for v in values)
    assert rows[0]["aggregate"] == pytest.approx(ratio_of_sums, rel=1e-9)


@pytest.mark.parametrize("by", ["kind", "voivodeship"])
def test_results_by_kind_and_voivodeship(published, by):
    rows = _get(RESULTS, indicator="EDU_COST_PUPIL", year=YEAR, by=by).json()["items"]
    assert len(rows) > 1
    assert all(row["by"] == by for row in rows)


def test_bad_input_is_answered_clearly(published):
    unknown = _get(RESULTS, indicator="NOPE", year=YEAR)
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "There is no published indicator with the code NOPE."
    year = _get(RESULTS, indicator="EDU_COST_PUPIL", year=1999)
    assert year.status_code == 404
    assert "no values of EDU_COST_PUPIL for 1999" in year.json()["detail"]
    by = _get(RESULTS, indicator="EDU_COST_PUPIL", year=YEAR, by="gender")
    assert by.status_code == 422
    assert by.json()["detail"][0]["loc"][-1] == "by"
    not_a_year = _get(RESULTS, indicator="EDU_COST_PUPIL", year="dwa tysiące")
    assert not_a_year.status_code == 422
    missing = _get(RESULTS, year=YEAR)
    assert missing.status_code == 422


def test_a_page_past_the_last_is_not_found(published):
    response = _get(RESULTS, indicator="EDU_COST_PUPIL", year=YEAR, by="kind", page=7)
    assert response.status_code == 404
    assert response.json()["detail"] == "Page 7 is past the last page, 1."
    huge = _get(RESULTS, indicator="EDU_COST_PUPIL", year=YEAR, page=10**12)
    assert huge.status_code == 422


def test_an_unpublished_computation_is_not_found(published, computed, operator):
    ok = _get(RESULTS, indicator="EDU_COST_PUPIL", year=YEAR, computation=published.pk)
    assert ok.status_code == 200
    other = _get(RESULTS, indicator="EDU_COST_PUPIL", year=YEAR, computation=published.pk + 1)
    assert other.status_code == 404
    computation_unpublish(computation=published, by=operator)
    gone = _get(RESULTS, indicator="EDU_COST_PUPIL", year=YEAR, computation=published.pk)
    assert gone.status_code == 404
    assert gone.json()["detail"] == "The office has not published any results yet."


def test_nothing_before_publication(computed):
    response = _get(RESULTS, indicator="EDU_COST_PUPIL", year=YEAR)
    assert response.status_code == 404


def test_etag_cache_control_and_cors(published):
    first = _get(RESULTS, indicator="EDU_COST_PUPIL", year=YEAR)
    assert first["Cache-Control"] == "public, max-age=300"
    assert first["Access-Control-Allow-Origin"] == "*"
    etag = first["ETag"]
    again = Client().get(
        RESULTS, {"indicator": "EDU_COST_PUPIL", "year": YEAR}, HTTP_IF_NONE_MATCH=etag
    )
    assert again.status_code == 304
    assert again["ETag"] == etag
    preflight = Client().options(RESULTS, HTTP_ORIGIN="https://example.org")
    assert preflight.status_code == 204
    assert "GET" in preflight["Access-Control-Allow-Methods"]


def test_a_logged_in_session_still_gets_private_answers(published, participant_a):
    response = client_for(participant_a).get(RESULTS, {"indicator": "EDU_COST_PUPIL", "year": YEAR})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_requests_are_rate_limited(published, settings):
    settings.PUBLIC_API_RATE = "3/min"
    statuses = [_get("/api/v1/public/indicators").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_open_data_is_in_the_openapi_description(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/public/results" in paths
    assert "/api/v1/public/indicators" in paths
    assert paths["/api/v1/public/results"]["get"].get("security") in (None, [])


def test_unit_values_list_only_the_units_named_by_agreement(published, group):
    path = "/api/v1/public/unit-values"
    assert _get(path, indicator="EDU_COST_PUPIL", year=YEAR).json()["items"] == []
    unit = published.result_rows.first().unit
    group.units.add(unit)
    group.save(update_fields=["updated_at"])
    programme_create(
        name="Jawny", first_year=2024, last_year=2025, groups=[group], public_names=True
    )
    items = _get(path, indicator="EDU_COST_PUPIL", year=YEAR).json()["items"]
    assert [(i["teryt"], i["name"]) for i in items] == [(unit.teryt, unit.name)]
    # A group showing its members by letters: not named in public either.
    group.anonymised = True
    group.save(update_fields=["anonymised", "updated_at"])
    assert _get(path, indicator="EDU_COST_PUPIL", year=YEAR).json()["items"] == []
    assert _get(path, indicator="NOPE", year=YEAR).status_code == 404
    assert _get(path, indicator="EDU_COST_PUPIL", year=1999).status_code == 404


@pytest.mark.parametrize("seed", range(6))
def test_no_published_row_rests_on_fewer_units_than_the_strictest_programme(
    catalogue, portal_units, operator, group, seed
):
    """Random values and weights, a random programme minimum: whatever is published
    through the API has at least that many units behind it."""
    rng = random.Random(seed)
    values = {}
    for unit in portal_units:
        if rng.random() < 0.8:
            pupils = rng.uniform(100, 5000)
            spending = pupils * rng.lognormvariate(9, 0.3) * (20 if rng.random() < 0.05 else 1)
            values[unit.teryt] = (spending / pupils, spending, pupils)
    computation = computation_of(values)
    computation_publish(computation=computation, by=operator)
    minimum = rng.randint(3, 9)
    programme_create(
        name="P", first_year=2024, last_year=2025, groups=[group], public_min_units=minimum
    )
    for by in ("kind", "band", "voivodeship"):
        rows = _get(RESULTS, indicator="EDU_COST_PUPIL", year=YEAR, by=by).json()["items"]
        for row in rows:
            if row["withheld"]:
                assert row["n"] is None and row["median"] is None
            else:
                assert row["n"] >= minimum, (by, row)
