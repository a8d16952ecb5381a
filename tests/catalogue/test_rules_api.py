"""The catalogue's plausibility settings through the API: each variable's comparison
basis and plausible range, and the validation rules (``GET /api/v1/rules``)."""

import pytest
from django.test import Client

from benchlearn.catalogue.models import ValidationRule, Variable
from benchlearn.catalogue.services import catalogue_import
from tests.catalogue.test_rules import WITH_RULES
from tests.conftest import client_for


@pytest.fixture
def with_rules(db, operator):
    catalogue_import(text=WITH_RULES, user=operator)


def test_variables_give_their_comparison_basis_and_plausible_range(with_rules, participant_a):
    client = client_for(participant_a)
    exp = client.get("/api/v1/variables/EDU_EXP").json()
    assert (exp["compare"], exp["compare_per"]) == ("per_user", "PUPILS")
    waste = client.get("/api/v1/variables", {"domain": "WASTE"}).json()["items"][0]
    assert waste["compare"] == "as_is" and waste["compare_per"] is None
    assert (waste["plausible_min"], waste["plausible_max"]) == (None, None)
    assert waste["bdl"] is None
    Variable.objects.filter(code="EDU_EXP").update(bdl="6:76037 5:11+12")
    assert client.get("/api/v1/variables/EDU_EXP").json()["bdl"] == "6:76037 5:11+12"


def test_rules_are_listed_with_their_sides_bounds_severity_and_messages(with_rules, participant_a):
    body = client_for(participant_a).get("/api/v1/rules").json()
    assert body["count"] == 2
    cost, waste = body["items"]
    assert cost == {
        "code": "EDU_CHECK_COST",
        "domain": "EDU",
        "expression": "EDU_EXP / PUPILS between 8000 and 50000",
        "left": "EDU_EXP / PUPILS",
        "operator": "between",
        "right": "8000",
        "upper": "50000",
        "severity": "error",
        "message_pl": "Wydatki na ucznia poza zakresem 8–50 tys. zł.",
        "message_en": "Expenditure per pupil outside 8–50 thousand zł.",
    }
    assert (waste["operator"], waste["right"], waste["upper"]) == ("<=", "POP * 2", None)
    assert waste["domain"] is None and waste["severity"] == "warning"


def test_rules_are_paginated_and_filtered_by_variable_set_and_domain(with_rules, participant_a):
    client = client_for(participant_a)

    def codes(**query):
        response = client.get("/api/v1/rules", query)
        assert response.status_code == 200, response.content
        return [rule["code"] for rule in response.json()["items"]]

    assert codes(variable="PUPILS") == ["EDU_CHECK_COST"]
    assert codes(variable="POP") == ["WASTE_CHECK"]
    assert codes(variable="EDU_EXP", domain="WASTE") == []
    assert codes(set="SET_EDU") == ["EDU_CHECK_COST"]
    assert codes(domain="EDU") == ["EDU_CHECK_COST"]
    assert codes(page_size=1, page=2) == ["WASTE_CHECK"]


@pytest.mark.parametrize(
    ("query", "where", "message"),
    [
        ({"variable": "NOPE"}, "variable", "There is no variable with code NOPE."),
        ({"set": "SET_NOPE"}, "set", "There is no indicator set with code SET_NOPE."),
        ({"domain": "NOPE"}, "domain", "There is no domain with code NOPE."),
    ],
)
def test_an_unknown_filter_value_is_a_422_naming_it(
    with_rules, participant_a, query, where, message
):
    response = client_for(participant_a).get("/api/v1/rules", query)
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert problem["loc"] == ["query", where]
    assert problem["msg"] == message


def test_only_the_unknown_filter_is_named(with_rules, participant_a):
    client = client_for(participant_a)
    response = client.get("/api/v1/rules", {"set": "SET_NOPE", "variable": "PUPILS"})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "type": "unknown_code",
            "loc": ["query", "set"],
            "msg": "There is no indicator set with code SET_NOPE.",
        }
    ]


def test_rules_need_a_login(with_rules):
    assert client_for(None).get("/api/v1/rules").status_code == 401
    assert ValidationRule.objects.count() == 2


def test_the_openapi_schema_lists_rules_and_the_variables_plausibility(db):
    spec = Client().get("/api/v1/openapi.json").json()
    rules = spec["paths"]["/api/v1/rules"]["get"]
    parameters = {p["name"] for p in rules["parameters"]}
    assert {"variable", "set", "domain", "page", "page_size"} <= parameters
    assert "422" in rules["responses"]
    schemas = spec["components"]["schemas"]
    assert {"code", "expression", "operator", "right", "upper", "severity"} <= set(
        schemas["RuleOut"]["properties"]
    )
    assert {"message_pl", "message_en"} <= set(schemas["RuleOut"]["properties"])
    assert {"compare", "compare_per", "plausible_min", "plausible_max"} <= set(
        schemas["VariableOut"]["properties"]
    )
