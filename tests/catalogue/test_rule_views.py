"""The validation rules' pages: who may read and edit, create, edit, delete, and a bad
expression refused at its field in Polish with nothing stored."""

import html
import re

import pytest
from django.urls import reverse

from benchlearn.catalogue.models import CatalogueChange, ValidationRule, Variable
from benchlearn.catalogue.services import edit_token, rule_create
from benchlearn.collection.models import Submission
from tests.catalogue.conftest import variable_form
from tests.conftest import client_for
from tests.results.conftest import (  # noqa: F401 - fixtures of the results' programme
    computed_programme,
    extra_units,
    published,
)

FIELDS = {
    "code": "EDU_CHECK_COST",
    "domain": "EDU",
    "left": "EDU_EXP / PUPILS",
    "operator": "between",
    "right": "8000",
    "upper": "50000",
    "severity": "warning",
    "message_pl": "Wydatki na ucznia poza zakresem 8–50 tys. zł.",
    "message_en": "Expenditure per pupil outside 8–50 thousand zł.",
}


@pytest.fixture
def rule(catalogue, operator):
    fields = {k: v for k, v in FIELDS.items() if k != "code"}
    return rule_create(user=operator, code="EDU_CHECK_COST", **fields)


def test_everyone_reads_rules_only_operators_edit(rule, operator, participant_a):
    page = client_for(participant_a).get(reverse("rule-list"))
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    assert "EDU_EXP / PUPILS between 8000 and 50000" in text
    assert reverse("rule-edit", args=["EDU_CHECK_COST"]) not in text
    for url in (
        reverse("rule-create"),
        reverse("rule-edit", args=["EDU_CHECK_COST"]),
        reverse("rule-delete", args=["EDU_CHECK_COST"]),
    ):
        assert client_for(participant_a).get(url).status_code == 403
        assert client_for(participant_a).post(url, FIELDS).status_code == 403
    assert ValidationRule.objects.get().message_pl == FIELDS["message_pl"]
    assert client_for(None).get(reverse("rule-list")).status_code == 302
    assert client_for(operator).get(reverse("rule-edit", args=["NOPE"])).status_code == 404


def test_operator_creates_edits_and_deletes_a_rule(catalogue, operator):
    client = client_for(operator)
    created = client.post(reverse("rule-create"), FIELDS)
    assert created.status_code == 302
    rule = ValidationRule.objects.get(code="EDU_CHECK_COST")
    assert (rule.operator, rule.upper, rule.domain.code) == ("between", "50000", "EDU")
    edit_url = reverse("rule-edit", args=[rule.code])
    edited = client.post(
        edit_url,
        FIELDS
        | {"operator": "<=", "right": "40000", "upper": "", "severity": "error"}
        | {"base_token": edit_token(rule.updated_at)},
    )
    assert edited.status_code == 302
    rule.refresh_from_db()
    assert (rule.operator, rule.right, rule.upper, rule.severity) == ("<=", "40000", "", "error")
    history = client.get(edit_url)
    assert "40000" in history.content.decode()
    delete_url = reverse("rule-delete", args=[rule.code])
    assert client.get(delete_url).status_code == 200
    deleted = client.post(delete_url, {"base_token": edit_token(rule.updated_at)})
    assert deleted.status_code == 302
    assert not ValidationRule.objects.exists()
    kinds = CatalogueChange.objects.filter(object_type="rule").values_list("kind", flat=True)
    assert sorted(kinds) == ["created", "deleted", "edited"]


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("left", "EDU_EXP / / PUPILS", "nieoczekiwany element '/' w kolumnie 11"),
        (
            "left",
            "EDU_EXP / PUPIL",
            "nieznana zmienna PUPIL w kolumnie 11 (czy chodziło o PUPILS?)",
        ),
        ("right", "(8000", "brak nawiasu ')' w kolumnie 6"),
        ("upper", "", "„Od … do” wymaga górnej granicy."),
    ],
)
def test_a_bad_expression_is_refused_in_polish_and_nothing_stored(
    catalogue, operator, field, value, error, settings
):
    settings.LANGUAGE_CODE = "pl"
    page = client_for(operator).post(reverse("rule-create"), FIELDS | {field: value})
    assert page.status_code == 400
    assert error in html.unescape(page.content.decode())
    assert not ValidationRule.objects.exists()


def test_a_delete_over_someone_elses_edit_is_refused(rule, operator):
    token = edit_token(rule.updated_at)
    client = client_for(operator)
    client.post(
        reverse("rule-edit", args=[rule.code]),
        FIELDS | {"right": "9000", "base_token": token},
    )
    page = client.post(reverse("rule-delete", args=[rule.code]), {"base_token": token})
    assert page.status_code == 409
    assert ValidationRule.objects.filter(code=rule.code).exists()


def check(client, **params):
    fields = {"left": "", "operator": "<=", "right": "", "upper": ""} | params
    return client.get(reverse("rule-check"), fields, HTTP_HX_REQUEST="true")


def test_live_check_shows_a_bad_side_in_polish_with_its_column(catalogue, operator, settings):
    settings.LANGUAGE_CODE = "pl"
    page = check(client_for(operator), left="EDU_EXP / PUPILS", right="(8000")
    text = html.unescape(page.content.decode())
    assert "Prawa strona:" in text and "brak nawiasu ')' — kolumna 6" in text
    good = check(client_for(operator), left="EDU_EXP / PUPILS", right="8000")
    assert "Reguła jest zapisana poprawnie." in html.unescape(good.content.decode())


def test_live_check_is_for_editors_only(catalogue, participant_a):
    assert check(client_for(participant_a), left="PUPILS", right="1").status_code == 403


@pytest.mark.usefixtures("computed_programme")
def test_live_check_tries_the_rule_on_the_last_approved_data(operator):
    page = check(client_for(operator), left="TEACHERS", right="45", operator="<=")
    text = html.unescape(page.content.decode())
    # Every unit approved in 2024 but unit C (a draft); TEACHERS is 40 + the unit's
    # number, so the last two (46, 47) are flagged.
    approved = Submission.objects.filter(state="approved", round__period=2024).count()
    assert f"On the last approved data (2024) the rule checks {approved} units" in text
    assert "2 would be flagged" in text
    jump = check(client_for(operator), left="EDU_EXP / prev(EDU_EXP)", right="1.04", operator=">")
    assert "0 would be flagged" in html.unescape(jump.content.decode())


def test_operator_sets_a_variables_comparison_basis_in_the_editor(rule, operator):
    client = client_for(operator)
    variable = Variable.objects.get(code="EDU_EXP")
    fields = variable_form(
        variable,
        compare="per_user",
        compare_per="PUPILS",
        plausible_min="8000",
        plausible_max="50000",
    )
    url = reverse("variable-edit", args=["EDU_EXP"])
    refused = client.post(url, fields | {"compare_per": ""})
    assert refused.status_code == 400
    assert "Choose the variable that counts the service users." in refused.content.decode()
    assert client.post(url, fields).status_code == 302
    variable.refresh_from_db()
    assert (variable.compare, variable.compare_per, variable.plausible_max) == (
        "per_user",
        "PUPILS",
        50000,
    )
    page = html.unescape(client.get(reverse("variable-detail", args=["EDU_EXP"])).content.decode())
    assert "per service user" in page and "EDU_CHECK_COST" in page


def test_operator_names_a_variables_bdl_source_in_the_editor(rule, operator):
    """The BDL source is typed as level:id; a wrong one is refused at its field with
    nothing stored; the variable's page links to BDL's description of the variable."""
    client = client_for(operator)
    variable = Variable.objects.get(code="EDU_EXP")
    fields = variable_form(variable)
    url = reverse("variable-edit", args=["EDU_EXP"])
    refused = client.post(url, fields | {"bdl": "gmina:76037"})
    assert refused.status_code == 400
    assert "is not level:id (e.g. 6:76037; levels 6, 5 and 2)." in html.unescape(
        refused.content.decode()
    )
    variable.refresh_from_db()
    assert variable.bdl == ""
    assert client.post(url, fields | {"bdl": " 5:11+12  6:76037 "}).status_code == 302
    variable.refresh_from_db()
    assert variable.bdl == "6:76037 5:11+12"
    assert CatalogueChange.objects.filter(code="EDU_EXP", kind="edited").exists()
    page = html.unescape(client.get(reverse("variable-detail", args=["EDU_EXP"])).content.decode())
    assert 'href="https://bdl.stat.gov.pl/bdl/metadane/cechy/76037"' in page
    text = re.sub(r"<[^>]+>", "", page)
    assert "gminas and cities with county rights: variable 76037" in text
    assert "counties: variable 11 + variable 12" in text
