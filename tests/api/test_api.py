"""The JSON API: description, authentication, access rules and errors."""

import pytest
from django.test import Client

from benchlearn.accounts.models import ApiToken
from benchlearn.accounts.services import api_token_create
from tests.conftest import client_for


def _bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_openapi_description_is_served_and_lists_the_endpoints(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/me", "/api/v1/units/{teryt}", "/api/v1/groups/{group_id}"} <= set(
        spec["paths"]
    )
    schemes = spec["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in schemes.values()} >= {"http", "apiKey"}


def test_human_api_docs_are_served_from_our_own_static_files(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/static/ninja/swagger-ui" in body
    assert "cdn." not in body


def test_anonymous_request_gets_401_json(db):
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    assert "Authentication required" in response.json()["detail"]


def test_session_authentication(participant_a):
    response = client_for(participant_a).get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "anna@example.org"
    assert body["roles"] == {"operator": False, "moderator": False, "participant": True}
    assert body["units"] == [{"teryt": "2461011", "name": "Bielsko-Biała", "level": "strategic"}]


def test_token_authentication_and_revocation(participant_a):
    token, key = api_token_create(user=participant_a, name="script")
    client = Client()
    response = client.get("/api/v1/units/2461011", **_bearer(key))
    assert response.status_code == 200
    assert response.json()["name"] == "Bielsko-Biała"
    token.refresh_from_db()
    assert token.last_used is not None
    # The key itself is never stored.
    assert not ApiToken.objects.filter(digest=key).exists()
    token.delete()
    assert client.get("/api/v1/me", **_bearer(key)).status_code == 401


def test_wrong_token_is_401(participant_a):
    assert Client().get("/api/v1/me", **_bearer("bl_not-a-real-token")).status_code == 401


def test_token_of_deactivated_user_is_401(participant_a):
    _token, key = api_token_create(user=participant_a, name="script")
    participant_a.is_active = False
    participant_a.save(update_fields=["is_active"])
    assert Client().get("/api/v1/me", **_bearer(key)).status_code == 401


def test_the_register_of_units_is_open_to_every_account(programme, unit_a, unit_b, unit_c):
    # Codes, names, kinds and public statistics are public data (GUS TERYT, BDL); what a
    # unit collects is guarded by its own endpoints.
    for role in ("participant_a", "stranger", "moderator", "operator", "nobody"):
        body = client_for(programme[role]).get("/api/v1/units").json()
        assert {unit_a.teryt, unit_b.teryt, unit_c.teryt} <= {u["teryt"] for u in body["items"]}
    gliwice = client_for(programme["participant_a"]).get(f"/api/v1/units/{unit_b.teryt}")
    assert gliwice.status_code == 200
    assert gliwice.json()["name"] == unit_b.name


def test_an_unknown_unit_is_404_with_a_message(participant_a):
    response = client_for(participant_a).get("/api/v1/units/9999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "No unit with TERYT code 9999999."}


def test_the_register_needs_an_account(unit_a):
    assert Client().get("/api/v1/units").status_code == 401
    assert Client().get(f"/api/v1/units/{unit_a.teryt}").status_code == 401


def test_group_list_and_detail_follow_membership(programme, group):
    stranger = client_for(programme["stranger"])
    assert stranger.get("/api/v1/groups").json() == []
    hidden = stranger.get(f"/api/v1/groups/{group.pk}")
    missing = stranger.get("/api/v1/groups/99999")
    assert hidden.status_code == missing.status_code == 404  # no telling which exists
    assert hidden.json()["detail"].replace(str(group.pk), "N") == missing.json()["detail"].replace(
        "99999", "N"
    )
    member = client_for(programme["participant_b"]).get(f"/api/v1/groups/{group.pk}").json()
    assert member["name"] == "GWD Oświata"
    assert sorted(member["units"]) == ["2461011", "2466011"]
    assert member["cycle_end"] == 2026


def test_unknown_unit_is_404_with_a_message(operator):
    response = client_for(operator).get("/api/v1/units/9999999")
    assert response.status_code == 404
    assert "9999999" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/groups/not-a-number", "/api/v1/groups/1.5"])
def test_malformed_request_is_422(operator, path):
    response = client_for(operator).get(path)
    assert response.status_code == 422
    assert "detail" in response.json()


def test_unknown_api_path_is_json_404(operator):
    response = client_for(operator).get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_healthz_reports_database(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
