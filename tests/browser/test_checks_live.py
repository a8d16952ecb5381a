"""Checks in the browser: a participant sees warnings and counters change as they type,
explains a warning at once, comments on a value that has no warning; the office then
reviews each value with its last known value, similar units, warnings and explanation."""

import pytest
from playwright.sync_api import expect

from benchlearn.catalogue.services import catalogue_import, catalogue_publish
from benchlearn.collection.models import Submission, SubmissionState, Value, ValueChange
from benchlearn.units.models import Unit
from tests.browser.conftest import axe_check, login
from tests.collection.conftest import (
    COLLECTION_YAML,
    PERIOD,
    RURAL_TERYTS,
    approve_all,
    make_round,
    save,
)
from tests.conftest import TERYT_A, TERYT_C, load_units

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


def test_checks_run_while_typing_and_a_warning_is_explained_at_once(
    page, live_server, rounds, participant_a
):
    login(page, live_server, participant_a.email)
    page.goto(f"{live_server.url}/rounds/{rounds.pk}/units/{TERYT_A}/")
    summary = page.locator("#check-summary")
    expect(summary.locator('[data-count="missing"]')).to_have_text("4")
    expect(summary.locator('[data-count="warnings"]')).to_have_text("0")
    assert not page.locator("#c-EDU_EXP").is_visible()  # the comment box is folded

    page.locator("#v-EDU_EXP").fill("200")  # twice last year's 100: nothing saved yet
    checks = page.locator("#m-EDU_EXP")
    expect(checks).to_contain_text("Ostrzeżenie")
    expect(summary.locator('[data-count="warnings"]')).to_have_text("1")
    expect(summary.locator('[data-count="missing"]')).to_have_text("3")
    expect(summary).to_contain_text("1 bez wyjaśnienia")
    expect(page.locator("#field-EDU_EXP")).to_have_class("field has-warning")
    # The comment box opened with the warning: explain it at once.
    expect(page.locator("#c-EDU_EXP")).to_be_visible()
    page.locator("#c-EDU_EXP").fill("Otwarto nową szkołę.")
    expect(summary).not_to_contain_text("bez wyjaśnienia")

    page.locator("#v-SUBSIDY").fill("12 tys.")
    expect(summary.locator('[data-count="errors"]')).to_have_text("1")
    expect(page.locator("#m-SUBSIDY .error")).to_be_visible()
    page.locator("#v-SUBSIDY").fill("12 000")
    expect(summary.locator('[data-count="errors"]')).to_have_text("0")
    assert not Value.objects.filter(period=PERIOD).exists()  # checking saves nothing
    axe_check(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Zapisz", exact=True).click()
    value = Value.objects.get(variable__code="EDU_EXP", period=PERIOD)
    assert (value.value, value.comment) == (200, "Otwarto nową szkołę.")


def test_a_comment_on_a_value_without_a_warning(page, live_server, rounds, participant_a):
    login(page, live_server, participant_a.email)
    page.goto(f"{live_server.url}/rounds/{rounds.pk}/units/{TERYT_A}/")
    page.locator("#v-TEACHERS").fill("40")
    page.locator("#cd-TEACHERS summary").click()
    page.locator("#c-TEACHERS").fill("Stan na 30 września, z SIO.")
    expect(page.locator("#m-TEACHERS")).not_to_contain_text("Ostrzeżenie")
    with page.expect_navigation():
        page.get_by_role("button", name="Zapisz", exact=True).click()
    value = Value.objects.get(variable__code="TEACHERS", period=PERIOD)
    assert value.comment == "Stan na 30 września, z SIO."
    change = ValueChange.objects.get(value=value)
    assert change.new_comment == value.comment and change.changed_by == participant_a
    # Shown again, open, after saving.
    expect(page.locator("#c-TEACHERS")).to_have_value("Stan na 30 września, z SIO.")
    page.goto(f"{live_server.url}/rounds/{rounds.pk}/units/{TERYT_A}/history/")
    expect(page.locator("main")).to_contain_text("Stan na 30 września, z SIO.")


@pytest.fixture
def peer_gminas(db):
    """Five rural gminas, the kind of unit C."""
    load_units(*RURAL_TERYTS)
    return list(Unit.objects.filter(teryt__in=RURAL_TERYTS).order_by("teryt"))


def test_the_office_reviews_each_value_with_its_context(
    page, live_server, programme, units, peer_gminas, operator
):
    catalogue_import(text=COLLECTION_YAML, user=operator)
    catalogue_publish(user=operator)
    approve_all(
        operator, peer_gminas, PERIOD - 1, [{"SUBSIDY": n} for n in ("10", "12", "14", "16", "18")]
    )
    approve_all(operator, [units["c"]], PERIOD - 4, [{"SUBSIDY": "15"}])
    round_ = make_round(operator, [units["c"]])
    gmina = Submission.objects.get(round=round_, unit=units["c"])
    values = {"EDU_EXP": "1 000 000", "SUBSIDY": "40", "TEACHERS": "40", "NEW_PUPILS": "25"}
    entries = {code: (text, "") for code, text in values.items()}
    entries["SUBSIDY"] = ("40", "Dotacja celowa na nową szkołę.")
    assert save(gmina, operator, entries).ok
    from benchlearn.collection.services import submission_submit

    gmina.refresh_from_db()
    submission_submit(submission=gmina, user=operator, base_revision=gmina.revision)
    assert Submission.objects.get(pk=gmina.pk).state == SubmissionState.SUBMITTED

    login(page, live_server, operator.email)
    for tail in ("", "return/"):
        page.goto(f"{live_server.url}/rounds/{round_.pk}/units/{TERYT_C}/{tail}")
        row = page.locator("#field-SUBSIDY" if not tail else "#row-SUBSIDY")
        expect(row.locator(".previous")).to_contain_text(f"15 ({PERIOD - 4})")
        expect(row.locator(".peers")).to_contain_text("Podobne jednostki (5): mediana 14")
        expect(row.locator(".peers")).to_contain_text("zwykle od 6 do 22")
        expect(row).to_contain_text("Ostrzeżenie")
        expect(row).to_contain_text("Dotacja celowa na nową szkołę.")
        axe_check(page)
