"""The catalogue's validation rules in the browser: an operator creates a rule, is told
in Polish what is wrong with a bad expression, edits the rule and deletes it."""

import pytest

from benchlearn.catalogue.models import ValidationRule
from benchlearn.catalogue.services import catalogue_import
from tests.browser.conftest import axe_check, login
from tests.catalogue.conftest import SMALL_YAML

pytestmark = pytest.mark.browser


def settled(page) -> None:
    """No live check in flight: the test database (SQLite) locks a table when a form is
    saved while the check of its last keystroke is still reading."""
    page.wait_for_load_state("networkidle")


def test_operator_creates_edits_and_deletes_a_rule(page, live_server, operator):
    catalogue_import(text=SMALL_YAML, user=operator)
    login(page, live_server, operator.email)
    page.goto(f"{live_server.url}/catalogue/")
    page.get_by_role("link", name="Reguły walidacji").click()
    page.get_by_text("Katalog nie ma jeszcze reguł walidacji.").wait_for()
    page.get_by_role("link", name="Nowa reguła walidacji").click()

    form = page.locator("main form.editor")
    form.get_by_label("Kod").fill("EDU_CHECK_COST")
    form.get_by_label("Dziedzina").select_option("EDU")
    form.get_by_label("Lewa strona").fill("EDU_EXP / / PUPILS")
    form.get_by_label("Operator").select_option("between")
    form.get_by_label("Prawa strona (przy „od … do”: od)").fill("8000")
    form.get_by_label("Do (tylko przy „od … do”)").fill("50000")
    form.get_by_label("Waga").select_option("error")
    form.get_by_label("Komunikat (po polsku)").fill("Wydatki na ucznia poza zakresem.")
    # Checked while typing (htmx), before anything is sent.
    live = page.locator("#rule-check")
    live.get_by_text("kolumna 11").wait_for()
    assert "Lewa strona:" in live.inner_text()
    settled(page)
    form.get_by_role("button", name="Zapisz").click()

    # The parser's message, in Polish, at the field, with its column; nothing stored.
    error = page.locator("main form .error")
    error.first.wait_for()
    assert "nieoczekiwany element '/' w kolumnie 11" in error.first.inner_text()
    assert not ValidationRule.objects.exists()
    axe_check(page)

    form.get_by_label("Lewa strona").fill("EDU_EXP / PUPILS")
    live.get_by_text("Reguła jest zapisana poprawnie.").wait_for()
    settled(page)
    form.get_by_role("button", name="Zapisz").click()
    page.get_by_text("Utworzono regułę walidacji EDU_CHECK_COST.").wait_for()
    row = page.locator("#rule-EDU_CHECK_COST")
    assert "EDU_EXP / PUPILS od 8000 do 50000" in row.inner_text()
    assert "błąd" in row.inner_text()
    axe_check(page)

    row.get_by_role("link", name="Edytuj").click()
    form.get_by_label("Operator").select_option("<=")
    form.get_by_label("Prawa strona (przy „od … do”: od)").fill("40000")
    form.get_by_label("Do (tylko przy „od … do”)").fill("")
    settled(page)
    form.get_by_role("button", name="Zapisz").click()
    page.get_by_text("Zapisano regułę walidacji EDU_CHECK_COST.").wait_for()
    assert "EDU_EXP / PUPILS ≤ 40000" in row.inner_text()

    row.get_by_role("link", name="Usuń").click()
    page.get_by_role("button", name="Usuń regułę").click()
    page.get_by_text("Usunięto regułę walidacji EDU_CHECK_COST.").wait_for()
    assert row.count() == 0
    assert not ValidationRule.objects.exists()
