"""Open data: GET /api/v1/public/practices without an account, a page at a time; one
practice with its evidence; bad parameters answered 422 or 404, never a 500."""

import pytest

from benchlearn.practices.models import Audience
from benchlearn.practices.services import IndicatorInput, practice_submit
from benchlearn.results.publication import computation_publish
from tests.conftest import client_for
from tests.practices.conftest import published

LIST = "/api/v1/public/practices"


@pytest.fixture
def practices(results, unit_a, unit_b, participant_a, participant_b, moderator, draft):
    practice_submit(practice=draft, by=participant_a)  # in review: never in the open data
    return [
        published(
            unit_a, participant_a, moderator, title="Odpady w szkołach", tags=[],
            indicators=[IndicatorInput("COST", 2023)],
        ),
        published(unit_b, participant_b, moderator, title="Dowóz uczniów"),
        published(unit_b, participant_b, moderator, title="Tylko dla członków",
                  audience=Audience.MEMBERS),
    ]  # fmt: skip


def test_the_public_practices_without_an_account(practices):
    response = client_for(None).get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and body["pages"] == 1
    assert {item["title"] for item in body["items"]} == {"Odpady w szkołach", "Dowóz uczniów"}
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"]
    first = next(item for item in body["items"] if item["title"] == "Odpady w szkołach")
    assert first["unit"]["teryt"] == "2461011"
    assert first["indicators"] == [{"code": "COST", "before_year": 2023, "after_year": None}]
    assert first["url"].endswith(f"/portal/practices/{first['id']}/")


def test_searched_and_paginated(practices):
    client = client_for(None)
    found = client.get(LIST, {"q": "odpadów"}).json()
    assert [item["title"] for item in found["items"]] == ["Odpady w szkołach"]
    second = client.get(LIST, {"page_size": 1, "page": 2}).json()
    assert second["count"] == 2 and second["pages"] == 2 and len(second["items"]) == 1


def test_one_practice_with_its_evidence_once_the_results_are_published(
    practices, results, operator
):
    practice = practices[0]
    [before] = client_for(None).get(f"{LIST}/{practice.pk}").json()["evidence"]
    assert before["before"] is None and before["after"] is None  # nothing published yet
    computation_publish(computation=results, by=operator)
    body = client_for(None).get(f"{LIST}/{practice.pk}").json()
    assert body["title"] == "Odpady w szkołach"
    [evidence] = body["evidence"]
    assert evidence["code"] == "COST"
    assert (evidence["before"], evidence["after"], evidence["change"]) == (100.0, 120.0, 20.0)
    assert evidence["after_year"] == 2024


def test_practices_not_public_are_404(practices, draft):
    client = client_for(None)
    assert client.get(f"{LIST}/{practices[2].pk}").status_code == 404
    assert client.get(f"{LIST}/{draft.pk}").status_code == 404
    assert client.get(f"{LIST}/987654").status_code == 404


@pytest.mark.parametrize(
    ("parameters", "status", "where"),
    [
        ({"kind": "castle"}, 422, "kind"),
        ({"domain": "NOPE"}, 422, "domain"),
        ({"indicator": "NOPE"}, 422, "indicator"),
        ({"band": "huge"}, 422, "band"),
        ({"voivodeship": "Atlantyda"}, 422, "voivodeship"),
        ({"page": "0"}, 422, "page"),
        ({"page": "x"}, 422, "page"),
        ({"page_size": "1000"}, 422, "page_size"),
        ({"page": "3"}, 404, None),
    ],
)
def test_bad_parameters_are_named(practices, parameters, status, where):
    response = client_for(None).get(LIST, parameters)
    assert response.status_code == status
    if where:
        assert where in [problem["loc"][-1] for problem in response.json()["detail"]]
    else:
        assert response.json()["detail"] == "There is no page 3 of these practices."


def test_in_the_openapi_description(db):
    paths = client_for(None).get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/public/practices" in paths
    assert paths["/api/v1/public/practices"]["get"].get("security") in (None, [])
