"""GET /api/v1/units: paginated, filterable, every field."""

from benchlearn.units.services import context_load_bundled, unit_registry_load_bundled
from tests.conftest import client_for


def test_unit_list_is_paginated_with_every_field(operator):
    unit_registry_load_bundled()
    context_load_bundled()
    body = client_for(operator).get("/api/v1/units?page=2").json()
    assert body["count"] == 2807
    assert len(body["items"]) == 100
    first = client_for(operator).get("/api/v1/units?q=2402022").json()["items"]
    assert first == [
        {
            "teryt": "2402022",
            "name": "Bestwina",
            "kind": "gw",
            "kind_label": "rural gmina",
            "voivodeship": "śląskie",
            "parent_teryt": "2402",
            "parent_name": "powiat bielski",
            "abolished": False,
            "abolished_on": None,
            "population": 11787.0,
            "area_km2": 37.92,
        }
    ]


def test_unit_list_filters(operator):
    unit_registry_load_bundled()
    context_load_bundled()
    client = client_for(operator)

    def teryts(query: str) -> list[str]:
        body = client.get(f"/api/v1/units?{query}").json()
        return [unit["teryt"] for unit in body["items"]]

    assert teryts("kind=woj&q=województwo śląskie") == ["24"]
    big_silesian = teryts("voivodeship=śląskie&kind=mnpp&population=gt100k")
    assert "2461011" in big_silesian and "2466011" in big_silesian
    assert len(big_silesian) == 12
    small = client.get("/api/v1/units?population=lt5k&kind=gw").json()
    assert small["count"] > 100
    assert all(unit["population"] < 5000 for unit in small["items"])


def test_unit_list_filters_the_whole_register_by_voivodeship(participant_a, unit_a, unit_b):
    body = client_for(participant_a).get("/api/v1/units?voivodeship=śląskie").json()
    assert {unit["teryt"] for unit in body["items"]} >= {unit_a.teryt, unit_b.teryt}
    assert all(unit["voivodeship"] == "śląskie" for unit in body["items"])
