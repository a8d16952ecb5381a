"""The API's lists: page numbers and sizes bounded, answered 422 with the problem named
(never a 500), a page past the end empty; the 422 answers described in the schema."""

import pytest
from django.test import Client

from benchlearn.api.pagination import MAX_PAGE, MAX_PAGE_SIZE
from tests.conftest import client_for

LISTS = ["/api/v1/units", "/api/v1/indicators", "/api/v1/variables"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("page=99999999999999999999", "page"),
        (f"page={MAX_PAGE + 1}", "page"),
        ("page=0", "page"),
        ("page=-3", "page"),
        ("page=abc", "page"),
        ("page_size=-1", "page_size"),
        ("page_size=0", "page_size"),
        (f"page_size={MAX_PAGE_SIZE + 1}", "page_size"),
        ("page_size=99999999999999999999", "page_size"),
    ],
)
def test_page_numbers_and_sizes_out_of_bounds_are_422(operator, units, query, field):
    client = client_for(operator)
    for path in LISTS:
        response = client.get(f"{path}?{query}")
        assert response.status_code == 422, (path, query)
        problems = response.json()["detail"]
        assert [problem["loc"] for problem in problems] == [["query", field]]
        assert problems[0]["msg"]


def test_a_page_past_the_end_is_empty(operator, units):  # units: and their parents
    client = client_for(operator)
    for path in LISTS:
        body = client.get(f"{path}?page={MAX_PAGE}&page_size={MAX_PAGE_SIZE}").json()
        assert body["items"] == [], path
    everything = client.get(f"/api/v1/units?page_size={MAX_PAGE_SIZE}").json()
    assert everything["count"] == len(everything["items"]) >= len(units)


def test_the_schema_describes_422_answers_and_the_bounds(db):
    spec = Client().get("/api/v1/openapi.json").json()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            assert "422" in operation["responses"], (method, path)
    invalid = spec["components"]["schemas"]["InvalidRequest"]
    assert invalid["properties"]["detail"]["type"] == "array"
    parameters = {
        p["name"]: p["schema"] for p in spec["paths"]["/api/v1/units"]["get"]["parameters"]
    }
    assert parameters["page"]["maximum"] == MAX_PAGE and parameters["page"]["minimum"] == 1
    size = parameters["page_size"]
    bounds = size.get("anyOf", [size])[0]
    assert bounds["maximum"] == MAX_PAGE_SIZE and bounds["minimum"] == 1
