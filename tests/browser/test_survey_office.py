"""The office runs a survey in a real browser, in Polish: the questionnaire's page, a
unit's open link with its QR code and codes, and paper returns typed with the keyboard
alone (Tab between fields, Enter to save, the next empty form focused)."""

import pytest

from benchlearn.surveys.models import Response
from benchlearn.surveys.running import codes_create, survey_open
from tests.browser.conftest import axe_check, login
from tests.surveys.office_walk import questionnaire_of, survey_of

pytestmark = pytest.mark.browser


def test_the_office_types_paper_returns_with_the_keyboard_alone(
    page, live_server, operator, unit_a, unit_b
):
    version = questionnaire_of(operator)
    survey = survey_of(version, [unit_a, unit_b], operator)
    survey_open(survey=survey, by=operator)
    codes_create(survey=survey, unit=unit_a, count=2, by=operator)
    login(page, live_server, operator.email)

    page.goto(f"{live_server.url}/surveys/questionnaires/{version.questionnaire_id}/v1/")
    assert "Nowa wersja" in page.locator("main").inner_text()
    axe_check(page)
    page.goto(f"{live_server.url}/surveys/{survey.pk}/")
    axe_check(page)
    page.goto(f"{live_server.url}/surveys/{survey.pk}/units/{unit_a.teryt}/")
    assert page.locator("main svg").count() == 1  # the QR code
    assert "Kody (CSV)" in page.locator("main").inner_text()
    axe_check(page)

    page.goto(f"{live_server.url}/surveys/{survey.pk}/units/{unit_a.teryt}/paper/")
    axe_check(page)
    assert page.evaluate("document.activeElement.id") == "q-USE"
    # USE, Q1, NPS, AGE, OPEN: typed, Tab to the next field, Enter saves.
    for value in ("1", "4", "9", "37"):
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    page.keyboard.type("Więcej koszy")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Zapisano" in page.locator("main").inner_text()
    assert page.evaluate("document.activeElement.id") == "q-USE"
    assert page.locator("#q-USE").input_value() == ""
    assert Response.objects.get().answers == {
        "USE": "1",
        "Q1": 4,
        "NPS": 9,
        "AGE": 37,
        "OPEN": "Więcej koszy",
    }

    # A wrong code: named, focused on the field to correct, nothing saved.
    page.keyboard.type("3")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Nie ma takiej odpowiedzi: 3" in page.locator("main").inner_text()
    assert page.evaluate("document.activeElement.id") == "q-USE"
    axe_check(page)
    assert Response.objects.count() == 1
