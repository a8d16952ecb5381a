"""The register of units and the catalogue, as a participant reads them in Polish."""

import pytest

from benchlearn.catalogue.services import catalogue_load_default
from benchlearn.units.services import context_load_bundled
from tests.browser.conftest import axe_check, login

pytestmark = pytest.mark.browser


def test_participant_finds_units_and_reads_own_units_public_statistics(
    page, live_server, participant_a, unit_a, unit_b, unit_c
):
    context_load_bundled()
    login(page, live_server, participant_a.email)
    page.goto(f"{live_server.url}/units/")
    search = page.get_by_role("search")
    search.get_by_label("Nazwa lub kod TERYT").fill("Bielsko")
    with page.expect_navigation():
        search.get_by_role("button", name="Filtruj").click()
    rows = page.locator("main table tbody tr")
    assert rows.count() == 1
    assert "Bielsko-Biała" in rows.first.inner_text()
    axe_check(page)

    search = page.get_by_role("search")
    search.get_by_label("Nazwa lub kod TERYT").fill("")
    search.get_by_label("Rodzaj").select_option(label="gmina wiejska")
    with page.expect_navigation():
        search.get_by_role("button", name="Filtruj").click()
    assert "Bestwina" in page.locator("main table tbody").inner_text()
    assert "Gliwice" not in page.locator("main table tbody").inner_text()

    page.goto(f"{live_server.url}/units/{unit_a.teryt}/")
    statistics = page.locator("main table").first
    assert "2018" in statistics.inner_text()
    assert "Ludność" in statistics.inner_text() or "ludność" in statistics.inner_text()
    axe_check(page)


def test_participant_browses_the_default_catalogue(page, live_server, participant_a):
    catalogue_load_default()
    login(page, live_server, participant_a.email)
    page.goto(f"{live_server.url}/catalogue/")
    main = page.locator("main")
    for domain in ("Oświata", "Gospodarka odpadami", "Pomoc społeczna"):
        assert domain in main.inner_text()
    assert main.get_by_role("link", name="Edytuj").count() == 0  # reading only
    axe_check(page)
