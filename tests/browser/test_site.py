"""What people do in the browser: log in and out, switch language, move by keyboard.

Polish texts are not asserted (translations are still being written); Polish pages are
checked through ``<html lang>`` and structure, English ones by their words.
"""

import re

import pytest

from tests.browser.conftest import axe_check, login, switch_language
from tests.conftest import TERYT_A, TERYT_C

pytestmark = pytest.mark.browser

ROLE_SECTIONS = {"operator", "moderator", "participant", "public"}


def html_lang(page) -> str | None:
    return page.locator("html").get_attribute("lang")


def role_sections(page) -> set[str]:
    return set(
        page.locator("main section[data-role]").evaluate_all(
            "sections => sections.map(s => s.dataset.role)"
        )
    )


def logout_button(page):
    return page.locator("header form[action$='/accounts/logout/'] button[type=submit]")


def open_account_menu(page) -> None:
    """Open the personal menu under the user's name (it holds "Log out")."""
    page.locator("header .account-menu summary").click()


def test_login_lands_on_start_page_with_role_section(page, live_server, participant_a):
    login(page, live_server, participant_a.email)

    assert page.url == f"{live_server.url}/"
    assert html_lang(page) == "pl"
    section = page.locator("main section[data-role='participant']")
    assert section.is_visible()
    assert section.locator(f"a[href='/units/{TERYT_A}/']").is_visible()
    assert page.locator("header .who").inner_text() == participant_a.get_full_name()
    assert not logout_button(page).is_visible()
    open_account_menu(page)
    assert logout_button(page).is_visible()


def test_wrong_password_shows_error_and_stays_logged_out(page, live_server, participant_a):
    response = login(page, live_server, participant_a.email, "not-the-password")

    assert response.status == 200
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    alert = page.locator("main [role=alert]")
    assert alert.is_visible()
    assert alert.inner_text().strip()
    assert page.locator("main input[name=username]").input_value() == participant_a.email
    assert logout_button(page).count() == 0
    axe_check(page)

    switch_language(page, "English")
    login(page, live_server, participant_a.email, "still-not-the-password")
    assert (
        "The e-mail address or password is incorrect"
        in page.locator("main [role=alert]").inner_text()
    )
    assert page.locator("header nav").get_by_role("link", name="Log in").is_visible()
    axe_check(page)

    page.goto(f"{live_server.url}/")
    assert role_sections(page) == set()
    assert logout_button(page).count() == 0


def test_language_switch_is_a_plain_form_without_javascript(browser, live_server):
    context = browser.new_context(locale="pl-PL", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        assert html_lang(page) == "pl"
        polish_button = page.get_by_role("button", name="Polski")
        assert polish_button.get_attribute("aria-pressed") == "true"

        switch_language(page, "English")
        assert page.url == f"{live_server.url}/accounts/login/"
        assert html_lang(page) == "en"
        assert page.get_by_role("button", name="English").get_attribute("aria-pressed") == "true"
        nav = page.locator("header nav")
        assert nav.get_by_role("link", name="Log in").is_visible()
        assert nav.get_by_role("link", name="Start").is_visible()
        assert page.locator("main h1").inner_text() == "Log in"

        # The choice is remembered on the next page.
        page.goto(f"{live_server.url}/")
        assert html_lang(page) == "en"

        switch_language(page, "Polski")
        assert page.url == f"{live_server.url}/"
        assert html_lang(page) == "pl"
        assert page.get_by_role("button", name="Polski").get_attribute("aria-pressed") == "true"
    finally:
        context.close()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("operator", {"operator"}),
        ("moderator", {"moderator"}),
        ("participant_a", {"participant"}),
        ("nobody", {"public"}),
    ],
)
def test_start_page_shows_only_the_roles_of_the_user(page, live_server, programme, who, expected):
    user = programme[who]
    login(page, live_server, user.email)

    assert page.url == f"{live_server.url}/"
    assert role_sections(page) == expected, f"{who} sees the wrong sections"
    for role in expected:
        assert page.locator(f"main section[data-role='{role}']").is_visible()
    admin_link = page.locator("header nav a[href='/admin/']")
    assert admin_link.count() == (1 if "operator" in expected else 0)
    axe_check(page)

    switch_language(page, "English")
    assert html_lang(page) == "en"
    assert role_sections(page) == expected
    assert page.locator("main h1").inner_text().startswith("Hello")
    axe_check(page)


@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_anonymous_pages_pass_axe_in_both_languages(page, live_server, path):
    page.goto(f"{live_server.url}{path}")
    assert html_lang(page) == "pl"
    axe_check(page)

    switch_language(page, "English")
    assert page.url == f"{live_server.url}{path}"
    assert html_lang(page) == "en"
    axe_check(page)


def _tab_to_skip_link_and_activate(page) -> None:
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    assert focused.evaluate("el => el.classList.contains('skip-link')"), (
        "the first Tab should reach the skip link, not " + focused.evaluate("el => el.outerHTML")
    )
    assert focused.get_attribute("href") == "#main"
    box = focused.bounding_box()
    assert box is not None
    assert box["y"] >= 0, "the focused skip link must come into view"

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    assert page.evaluate("document.activeElement.id") == "main"


def test_first_tab_focuses_skip_link_which_moves_focus_to_main(page, live_server):
    page.goto(f"{live_server.url}/")
    assert html_lang(page) == "pl"
    _tab_to_skip_link_and_activate(page)

    switch_language(page, "English")
    _tab_to_skip_link_and_activate(page)
    assert page.locator(".skip-link").inner_text() == "Skip to main content"


def test_skip_link_on_start_page_of_logged_in_user(page, live_server, participant_a):
    login(page, live_server, participant_a.email)
    _tab_to_skip_link_and_activate(page)


def test_participant_gets_404_page_for_another_unit_and_403_for_operators_pages(
    page, live_server, participant_a, unit_c
):
    login(page, live_server, participant_a.email)

    own = page.goto(f"{live_server.url}/units/{TERYT_A}/")
    assert own.status == 200

    # Another unit's page answers as a unit that does not exist would.
    response = page.goto(f"{live_server.url}/units/{TERYT_C}/")
    assert response.status == 404
    assert html_lang(page) == "pl"
    alert = page.locator("main [role=alert]").inner_text()
    assert alert == f"Nie ma jednostki o kodzie TERYT {TERYT_C}, którą możesz otworzyć."
    assert unit_c.name not in page.locator("main").inner_text()
    axe_check(page)

    response = page.goto(f"{live_server.url}/rounds/new/")
    assert response.status == 403
    axe_check(page)
    response = switch_language(page, "English")
    assert response.status == 403
    assert page.locator("main h1").inner_text() == "Access denied"
    assert page.locator("main [role=alert]").inner_text() == "You do not have access to this page."
    assert page.locator("main").get_by_role("link", name="Go to the start page").is_visible()


def test_log_out_button_returns_to_welcome_page(page, live_server, participant_a):
    login(page, live_server, participant_a.email)
    switch_language(page, "English")
    assert role_sections(page) == {"participant"}

    open_account_menu(page)
    with page.expect_navigation():
        page.locator("header").get_by_role("button", name="Log out").click()

    assert page.url == f"{live_server.url}/"
    assert role_sections(page) == set()
    assert page.locator("main h1").inner_text() == "Measure, compare, learn from the best"
    assert page.locator("header nav").get_by_role("link", name="Log in").is_visible()
    assert logout_button(page).count() == 0

    # The session is really gone: a private page asks to log in again.
    page.goto(f"{live_server.url}/units/{TERYT_A}/")
    assert re.search(r"/accounts/login/\?next=", page.url)
