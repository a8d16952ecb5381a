from tests.conftest import client_for


def test_indicator_list_paginated_and_filtered(catalogue, participant_a):
    client = client_for(participant_a)
    body = client.get("/api/v1/indicators").json()
    assert body["count"] == 3
    first = body["items"][0]
    assert first["code"] == "EDU_COST_PUPIL" and first["numerator"] == "EDU_EXP"
    assert first["version"] == 1 and first["published_at"] is None
    assert first["domain"] == "EDU" and first["polarity"] == "lower"
    page = client.get("/api/v1/indicators", {"page": 2}).json()
    assert page["items"] == []
    codes = lambda **q: [i["code"] for i in client.get("/api/v1/indicators", q).json()["items"]]  # noqa: E731
    assert codes(domain="WASTE") == ["WASTE_PER_CAPITA"]
    assert codes(category="efficiency") == ["EDU_COST_PUPIL"]
    assert codes(set="SET_EDU") == ["EDU_COST_PUPIL", "PUPILS_PER_1000"]
    assert codes(q="odpady") == ["WASTE_PER_CAPITA"]


def test_indicator_and_variable_detail(catalogue, participant_a):
    client = client_for(participant_a)
    assert client.get("/api/v1/indicators/WASTE_PER_CAPITA").json()["decimals"] == 3
    assert client.get("/api/v1/indicators/NOPE").status_code == 404
    variables = client.get("/api/v1/variables", {"domain": "EDU"}).json()
    assert [v["code"] for v in variables["items"]] == ["EDU_EXP", "PUPILS"]
    assert client.get("/api/v1/variables/POP").json()["source"] == "public_statistics"


def test_anonymous_gets_401(catalogue):
    assert client_for(None).get("/api/v1/indicators").status_code == 401
