"""The indicator editor checks the formula while the operator types (htmx)."""

import pytest

from benchlearn.catalogue.services import catalogue_import
from tests.browser.conftest import axe_check, login
from tests.catalogue.conftest import SMALL_YAML

pytestmark = pytest.mark.browser


def test_formula_error_and_preview_appear_while_typing(page, live_server, operator):
    catalogue_import(text=SMALL_YAML, user=operator)
    login(page, live_server, operator.email)
    page.goto(f"{live_server.url}/catalogue/indicators/EDU_COST_PUPIL/edit/")
    url_before = page.url
    formula = page.locator("textarea[name=formula]")
    check = page.locator("#formula-check")

    formula.fill("EDU_EXP / (PUPILS")
    check.get_by_text("kolumna 18").wait_for()  # Polish UI: "column 18"
    assert "brak nawiasu ')'" in check.inner_text()  # the engine's message, translated
    assert page.url == url_before  # nothing was submitted

    formula.fill("EDU_EXP / PUPILS")
    check.get_by_text("Formuła jest poprawna.").wait_for()
    assert check.locator("table.preview tbody tr").count() == 5
    assert "wartościach przykładowych" in check.inner_text()
    axe_check(page)
