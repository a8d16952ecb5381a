"""A participant fills in the unit's form in Polish: a number typed the Polish way is
stored and shown back the same way; a warning asks for an explanation before the data
can be submitted. The form and the round page pass axe."""

from decimal import Decimal

import pytest

from benchlearn.catalogue.services import catalogue_import, catalogue_publish
from benchlearn.collection.models import Submission, SubmissionState, Value
from tests.browser.conftest import axe_check, login
from tests.collection.conftest import COLLECTION_YAML, PERIOD, make_round, save
from tests.conftest import TERYT_A

pytestmark = pytest.mark.browser


@pytest.fixture
def rounds(programme, units, operator, participant_a):
    """This year's round, and last year's with EDU_EXP 100 for unit A."""
    catalogue_import(text=COLLECTION_YAML, user=operator)
    catalogue_publish(user=operator)
    previous = make_round(operator, list(units.values()), period=PERIOD - 1)
    last_year = Submission.objects.get(round=previous, unit=units["a"])
    assert save(last_year, participant_a, {"EDU_EXP": "100"}).ok
    return make_round(operator, list(units.values()))


def test_participant_saves_a_polish_number_and_explains_a_warning(
    page, live_server, rounds, participant_a, operator
):
    login(page, live_server, participant_a.email)
    page.goto(f"{live_server.url}/rounds/{rounds.pk}/units/{TERYT_A}/")
    assert page.locator("legend", has_text="Oświata").count() == 1
    assert "Poprzedni rok: 100" in page.locator("#field-EDU_EXP").inner_text()
    axe_check(page)

    page.locator("#v-EDU_EXP").fill("1 234,56")
    with page.expect_navigation():
        page.get_by_role("button", name="Zapisz", exact=True).click()
    value = Value.objects.get(variable__code="EDU_EXP", period=PERIOD)
    assert value.value == Decimal("1234.56")
    assert page.locator("#v-EDU_EXP").input_value() == "1 234,56"
    assert "Zapisano: zmieniono 1 wartość." in page.locator(".messages").inner_text()
    # 1 234,56 against last year's 100: a warning, with a field to explain it.
    field = page.locator("#field-EDU_EXP")
    assert "Ostrzeżenie" in field.inner_text()
    assert page.locator("#c-EDU_EXP").is_visible()

    page.locator("#v-SUBSIDY").fill("600 000")
    page.locator("#v-TEACHERS").fill("40")
    page.locator("#v-NEW_PUPILS").fill("25")
    with page.expect_navigation():
        page.get_by_role("button", name="Zapisz i wyślij").click()
    assert "wyjaśnij ostrzeżenie w komentarzu" in field.inner_text()
    assert Submission.objects.get(round=rounds, unit__teryt=TERYT_A).state == "draft"
    assert Value.objects.get(variable__code="TEACHERS", period=PERIOD).value == 40  # kept
    axe_check(page)

    page.locator("#c-EDU_EXP").fill("Otwarto nową szkołę.")
    with page.expect_navigation():
        page.get_by_role("button", name="Zapisz i wyślij").click()
    assert "Wysłane" in page.locator(".banner").first.inner_text()
    submission = Submission.objects.get(round=rounds, unit__teryt=TERYT_A)
    assert submission.state == SubmissionState.SUBMITTED

    page.goto(f"{live_server.url}/rounds/{rounds.pk}/")
    assert page.locator("table.progress tbody tr").count() == 1  # only the own unit
    axe_check(page)


def test_operator_round_page_passes_axe(page, live_server, rounds, operator):
    login(page, live_server, operator.email)
    page.goto(f"{live_server.url}/rounds/{rounds.pk}/")
    assert page.locator("table.progress tbody tr").count() == 3
    axe_check(page)
    page.goto(f"{live_server.url}/rounds/new/")
    axe_check(page)
