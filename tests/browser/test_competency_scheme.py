"""The office's new version of the competency scheme in a real browser, in Polish: from
the programme list to the scheme in force, "Nowa wersja" (a draft copy with its change
note), a competency's behaviours changed, the confirmation and the publication; a
participant then reads the new version's levels. Every page passes the accessibility
check."""

import pytest

from benchlearn.competencies.models import CompetencyScheme
from benchlearn.competencies.scheme import current_scheme
from tests.browser.conftest import axe_check, login
from tests.competencies.conftest import scheme  # noqa: F401 - fixture: the shipped scheme

pytestmark = pytest.mark.browser


def click_and_wait(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def test_the_office_publishes_a_new_version_and_a_participant_reads_it(
    page,
    live_server,
    scheme,  # noqa: F811 - the fixture imported above
    operator,
    participant_a,
):
    login(page, live_server, operator.email)
    page.goto(f"{live_server.url}/groups/programmes/")
    main = page.locator("main")
    click_and_wait(page, main.get_by_role("link", name="schemat kompetencyjny i jego wersje"))
    assert "Poziom oczekiwany" in main.inner_text()
    axe_check(page)

    click_and_wait(page, main.get_by_role("link", name="Nowa wersja"))
    assert main.locator("input[name=version]").input_value() == "2026.2"
    main.locator("textarea[name=change_note_pl]").fill("Doprecyzowane zachowania na poziomie 4.")
    axe_check(page)
    click_and_wait(page, main.get_by_role("button", name="Utwórz projekt"))
    assert "projekt, nieopublikowany" in main.inner_text()

    click_and_wait(page, main.locator("#competency-LEAD").get_by_role("link", name="Edytuj"))
    main.locator("textarea[name=behaviour_4_pl]").fill("Buduje koalicje na rzecz usprawnień.")
    axe_check(page)
    click_and_wait(page, main.get_by_role("button", name="Zapisz"))
    assert "Buduje koalicje na rzecz usprawnień." in main.inner_text()

    click_and_wait(page, main.get_by_role("link", name="Opublikuj…"))
    axe_check(page)
    click_and_wait(page, main.get_by_role("button", name="Opublikuj wersję 2026.2"))
    assert current_scheme() == CompetencyScheme.objects.get(version="2026.2")
    assert "Wersja 2026.2 jest opublikowana" in page.locator(".messages").inner_text()

    page.context.clear_cookies()
    login(page, live_server, participant_a.email)
    page.goto(f"{live_server.url}/competencies/scheme/")
    text = page.locator("main").inner_text()
    assert "Buduje koalicje na rzecz usprawnień." in text
    assert "Doprecyzowane zachowania na poziomie 4." in text
    assert "Nowa wersja" not in text
    axe_check(page)
    # On a phone the levels' table scrolls in its own box; the page does not scroll sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert not page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
