"""A resident answers a survey on a phone (390 × 844) in Polish, with axe checks on
every step: the introduction, a question left unanswered, the pages, the thanks; the
code page and the English version too."""

import pytest

from benchlearn.surveys.models import Response
from tests.browser.conftest import axe_check, switch_language
from tests.surveys.conftest import link_a, shipped, survey  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, settings):
    # A person in a browser is faster than the bot threshold of a test's clicks.
    settings.SURVEY_MIN_SECONDS = 0
    context = browser.new_context(locale="pl-PL", viewport=PHONE, has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways ({width} px)"


def _next(page, name: str = "Dalej") -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def _choose(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_role("radio", name=answer, exact=True).check()


def test_a_resident_answers_on_a_phone(phone, live_server, link_a):  # noqa: F811
    page = phone
    page.goto(f"{live_server.url}/s/{link_a.open_token}/")
    assert page.locator("html").get_attribute("lang") == "pl"
    assert "Bielsko-Biała" in page.locator("header").inner_text()
    axe_check(page)
    _fits(page)
    _next(page, "Rozpocznij ankietę")

    assert page.get_by_text("Strona 1 z 4").is_visible()
    _next(page)  # the filter question is required
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_text("Proszę odpowiedzieć na to pytanie.").first.is_visible()
    axe_check(page)
    _choose(page, "Czy w tym lub w poprzednim roku szkolnym", "tak")
    _next(page)

    assert page.get_by_text("Strona 2 z 4").is_visible()
    axe_check(page)
    _fits(page)
    _choose(page, "dostępności miejsc w przedszkolach", "bardzo zadowolony")
    _choose(page, "odległości do szkoły", "nie wiem / nie korzystam")
    _next(page)

    _choose(page, "Ogólnie biorąc", "raczej zadowolony")
    page.get_by_role("group", name="Na ile prawdopodobne").get_by_role(
        "radio", name="8", exact=True
    ).check()
    axe_check(page)
    _fits(page)
    _next(page)

    page.get_by_label("Co gmina powinna przede wszystkim poprawić").fill("Dłuższa świetlica")
    _choose(page, "Płeć", "kobieta")
    _choose(page, "Ile ma Pan/Pani lat?", "35–44 lata")
    axe_check(page)
    _next(page, "Wyślij odpowiedzi")

    assert page.get_by_role("heading", name="Dziękujemy").is_visible()
    axe_check(page)
    response = Response.objects.get()
    assert response.is_submitted
    assert response.answers == {
        "USE": "1",
        "I1": 5,
        "I2": 9,
        "OVERALL": 4,
        "NPS": 8,
        "OPEN": "Dłuższa świetlica",
        "SEX": "F",
        "AGE": "35-44",
    }


def test_the_code_page_and_english_on_a_phone(phone, live_server, link_a):  # noqa: F811
    page = phone
    page.goto(f"{live_server.url}/s/code/")
    axe_check(page)
    _fits(page)
    page.get_by_label("Kod").fill("ZZZZ")
    _next(page, "Dalej")
    assert "8 liter i cyfr" in page.get_by_role("alert").inner_text()
    axe_check(page)
    page.goto(f"{live_server.url}/s/{link_a.open_token}/")
    switch_language(page, "EN – English")
    assert page.get_by_role("button", name="Start the survey").is_visible()
    axe_check(page)
    page.goto(f"{live_server.url}/s/privacy/")
    axe_check(page)
    assert not Response.objects.exists()
