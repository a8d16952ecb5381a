"""GET /api/v1/units/{teryt}/delivery-forms: the unit's forms per service and year."""

from benchlearn.accounts.services import api_token_create
from tests.conftest import client_for
from tests.delivery.conftest import YEAR, record


def test_the_unit_reads_its_forms_with_a_token(client, unit_a, domains, participant_a):
    record(unit_a, domains["EDU"], participant_a, ("private", 40), ("company", 60), note="")
    record(unit_a, domains["WASTE"], participant_a, ("union", 100), period=YEAR - 1)
    _token, key = api_token_create(user=participant_a, name="test")
    response = client.get(
        f"/api/v1/units/{unit_a.teryt}/delivery-forms", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 200
    body = response.json()
    assert [(d["domain"], d["year"], d["main_form"]) for d in body] == [
        ("WASTE", YEAR - 1, "union"),
        ("EDU", YEAR, "company"),
    ]
    assert body[1]["forms"][0] == {
        "form": "company",
        "label": "municipal company",
        "share": "60.00",
        "note": "",
    }
    narrowed = client.get(
        f"/api/v1/units/{unit_a.teryt}/delivery-forms?year={YEAR}",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert [d["domain"] for d in narrowed.json()] == ["EDU"]


def test_another_units_forms_are_not_found(client, unit_a, domains, participant_a, participant_b):
    record(unit_a, domains["EDU"], participant_a, ("company", 100))
    response = client_for(participant_b).get(f"/api/v1/units/{unit_a.teryt}/delivery-forms")
    assert response.status_code == 404
    assert client.get(f"/api/v1/units/{unit_a.teryt}/delivery-forms").status_code == 401
