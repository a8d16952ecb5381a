"""The public portal in a real browser, without an account: from the start page to an
indicator's averaged results and the open data, in Polish and then in English, with
axe on every page; the charts drawn on the server have their text alternative."""

import pytest

from tests.browser.conftest import axe_check, switch_language
from tests.public.conftest import YEAR, catalogue, computed, portal_units, published  # noqa: F401

pytestmark = pytest.mark.browser


def _go(page, name: str) -> None:
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name=name, exact=True).first.click()


def test_the_public_reads_an_indicators_results_and_the_open_data(
    page,
    live_server,
    published,  # noqa: F811 - the fixture imported above
):
    page.goto(f"{live_server.url}/portal/")
    assert page.locator("html").get_attribute("lang") == "pl"
    assert page.locator('meta[name="description"]').get_attribute("content")
    axe_check(page)
    with page.expect_navigation():
        page.locator(".portal-nav").get_by_role("link", name="Modelowe wskaźniki").click()
    axe_check(page)
    _go(page, "Wydatki bieżące na ucznia")
    assert "EDU_EXP / PUPILS" in page.locator("main").inner_text()
    axe_check(page)
    _go(page, str(YEAR))
    assert page.title().startswith(f"Wydatki bieżące na ucznia w {YEAR} r.")
    charts = page.locator("main figure.chart img")
    assert charts.count() == 3
    assert all(charts.nth(i).get_attribute("alt") for i in range(3))
    charts.nth(0).scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('main figure.chart img').naturalWidth > 0")
    assert page.locator("main tr.withheld").count() >= 2
    axe_check(page)
    switch_language(page, "EN – English")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "By population" in page.locator("main").inner_text()
    axe_check(page)
    with page.expect_navigation():
        page.locator(".portal-nav").get_by_role("link", name="Open data").click()
    assert "CC BY 4.0" in page.locator("main").inner_text()
    axe_check(page)
    with page.expect_download() as download:
        page.locator("main").get_by_role("link", name=f"CSV {YEAR}").click()
    assert download.value.suggested_filename == f"benchlearn-{YEAR}.csv"
