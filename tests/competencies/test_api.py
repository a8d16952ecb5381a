"""GET /api/v1/programmes/{id}/competencies/summary: the office reads per competency and
seat n and, only where five people stand behind a figure, the means (null below);
people of the programme's groups are refused (403), others told it is missing (404)."""

import pytest
from django.test import Client

from benchlearn.accounts.services import api_token_create
from benchlearn.groups.services import programme_create
from benchlearn.units.models import Level
from tests.competencies.cohort import END, START, assess, extra_units, seat_holders


def reader(user) -> Client:
    _token, key = api_token_create(user=user, name="script", read_only=True)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def summarised(scheme, group, operator):
    owner = programme_create(name="Kompetencje", first_year=2026, last_year=2027, groups=[group])
    units = extra_units(9)
    five = seat_holders(group, Level.OPERATIONAL, 5, by=operator, tag="op", units=units[:5])
    four = seat_holders(group, Level.MIDDLE, 4, by=operator, tag="mid", units=units[5:])
    for person in five:
        assess(person, group, scheme, START, {"MEASURE": 2})
        assess(person, group, scheme, END, {"MEASURE": 3})
    for person in four:
        assess(person, group, scheme, START, {"MEASURE": 1})
    return owner


def test_the_office_reads_n_and_the_means_only_where_five_stand_behind(programme, summarised):
    response = reader(programme["operator"]).get(
        f"/api/v1/programmes/{summarised.pk}/competencies/summary"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["scheme_version"] == "2026.1"
    assert body["min_people"] == 5
    items = {(item["competency"], item["seat"]): item for item in body["items"]}
    assert set(items) == {("MEASURE", "operational"), ("MEASURE", "middle")}
    shown = items[("MEASURE", "operational")]
    assert shown["n"] == 5
    assert (shown["mean_start"], shown["mean_end"], shown["mean_gap"]) == (2.0, 3.0, 0.0)
    assert shown["name"] == "Measuring and monitoring performance"
    withheld = items[("MEASURE", "middle")]
    assert withheld["n"] == 4
    assert (withheld["mean_start"], withheld["mean_end"], withheld["mean_gap"]) == (None,) * 3


@pytest.mark.parametrize("role", ["moderator", "participant_a", "participant_b"])
def test_people_of_the_programmes_groups_are_refused(programme, summarised, role):
    response = reader(programme[role]).get(
        f"/api/v1/programmes/{summarised.pk}/competencies/summary"
    )
    assert response.status_code == 403
    assert "office" in response.json()["detail"]


@pytest.mark.parametrize("role", ["stranger", "nobody"])
def test_others_are_told_the_programme_is_missing(programme, summarised, role):
    client = reader(programme[role])
    hidden = client.get(f"/api/v1/programmes/{summarised.pk}/competencies/summary")
    missing = client.get("/api/v1/programmes/987654/competencies/summary")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"].replace(str(summarised.pk), "N") == missing.json()[
        "detail"
    ].replace("987654", "N")


def test_without_a_token_nothing_is_told(summarised):
    assert (
        Client().get(f"/api/v1/programmes/{summarised.pk}/competencies/summary").status_code == 401
    )


def test_the_schema_describes_the_withheld_means(db):
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/programmes/{programme_id}/competencies/summary" in schema["paths"]
    cell = schema["components"]["schemas"]["CompetencyCellOut"]["properties"]
    assert "null where" in cell["mean_gap"]["description"]
    assert "fewer than min_people" in cell["mean_start"]["description"]
