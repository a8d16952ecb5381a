"""Good practices in a real browser, in Polish: the public searches the portal without
an account and opens a practice; the main menu's "Dobre praktyki" keeps the header on
one line at 1280 px for the office (the longest menu) and a participant."""

import pytest

from benchlearn.practices.models import Audience
from tests.browser.conftest import axe_check, login
from tests.browser.test_looks_pages import HEADER_ROWS
from tests.plans.conftest import results  # noqa: F401 - fixtures: the group's stored results
from tests.practices.conftest import published

pytestmark = pytest.mark.browser


def test_the_public_searches_the_portal_and_opens_a_practice(
    page,
    live_server,
    results,  # noqa: F811 - the fixture imported above
    unit_a,
    unit_b,
    participant_a,
    participant_b,
    moderator,
):
    published(unit_a, participant_a, moderator, title="Gospodarka odpadami w szkołach", tags=[])
    published(unit_b, participant_b, moderator, title="Dowóz uczniów", tags=[])
    published(
        unit_b, participant_b, moderator, title="Odpady w urzędzie", audience=Audience.MEMBERS
    )
    page.goto(f"{live_server.url}/portal/practices/")
    axe_check(page)
    page.get_by_label("Szukaj").fill("odpadow")
    with page.expect_navigation():
        page.get_by_role("button", name="Szukaj").click()
    main = page.locator("main")
    assert "Znaleziono 1 praktykę." in main.inner_text()
    assert "Odpady w urzędzie" not in main.inner_text()
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Gospodarka odpadami w szkołach").click()
    assert page.locator("h1").inner_text() == "Gospodarka odpadami w szkołach"
    assert "Czy to zadziałało? Wskaźniki" in main.inner_text()
    axe_check(page)


@pytest.mark.parametrize("who", ["operator", "participant_a"])
def test_the_header_with_good_practices_stays_on_one_line(page, live_server, programme, who):
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, programme[who].email)
    page.goto(f"{live_server.url}/practices/")
    assert page.get_by_role("link", name="Dobre praktyki").count() == 1
    header = page.evaluate(HEADER_ROWS)
    assert header["spread"] <= 4, header
    assert header["height"] <= 80, header
