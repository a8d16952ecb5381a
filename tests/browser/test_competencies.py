"""A participant's self-assessment in a real browser, in Polish: from the start page
to "Moje kompetencje", the privacy notice (who will read the answers) before starting,
the form (a level per competency with its behaviours, the seat's expected level marked,
evidence), a refused incomplete submission that keeps the input, the submission, the
profile with its chart and gaps, and a development goal."""

import pytest

from benchlearn.competencies.models import Assessment, DevelopmentGoal
from tests.browser.conftest import axe_check, login
from tests.competencies.conftest import scheme  # noqa: F401 - fixture: the shipped scheme
from tests.competencies.people import programme_of_group, seats  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def click_and_wait(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def test_a_participant_assesses_themselves_and_sets_a_goal(
    page,
    live_server,
    scheme,  # noqa: F811 - the fixture imported above
    seats,  # noqa: F811
    group,
):
    maria = seats["maria"]
    login(page, live_server, maria.email)
    click_and_wait(page, page.get_by_role("link", name="Kompetencje", exact=False).first)
    main = page.locator("main")
    assert page.locator("h1").inner_text() == "Moje kompetencje"
    notice = main.locator(".privacy-notice").inner_text()
    assert "Biuro programu nie będzie czytać Twoich indywidualnych odpowiedzi." in notice
    assert "co najmniej 5 osób" in notice
    axe_check(page)

    click_and_wait(page, page.get_by_role("button", name="Rozpocznij samoocenę (początek cyklu)"))
    assert "Kto ją czyta: tylko Ty." in main.inner_text()
    measure = main.locator("#competency-MEASURE")
    expected = scheme.competencies.get(code="MEASURE").expected_middle
    level = measure.locator(".level-choice").nth(expected - 1)
    assert "oczekiwany dla Twojego stanowiska" in level.inner_text()
    assert "oczekiwany" not in measure.locator(".level-choice").nth(expected % 4).inner_text()
    axe_check(page)

    codes = list(scheme.competencies.order_by("order").values_list("code", flat=True))
    for code in codes[:-1]:
        main.locator(f"#level_{code}_2").check()
        main.locator(f"textarea[name=evidence_{code}]").fill(f"Przykład z pracy: {code}")
    click_and_wait(page, page.get_by_role("button", name="Prześlij"))
    assert "nie przesłano" in page.locator(".messages").inner_text()
    assert main.locator(f"#level_{codes[0]}_2").is_checked()
    assert Assessment.objects.get(person=maria).submitted_at is None

    main.locator(f"#level_{codes[-1]}_1").check()
    main.locator(f"textarea[name=evidence_{codes[-1]}]").fill("Prowadzę małe zespoły zadaniowe.")
    click_and_wait(page, page.get_by_role("button", name="Prześlij"))
    assert Assessment.objects.get(person=maria).is_submitted

    assert page.locator("h1").inner_text() == "Mój profil kompetencji"
    page.locator("figure.chart-competencies svg").first.wait_for()
    gaps = main.locator("table.gaps").inner_text()
    assert "poziom" in gaps
    axe_check(page)

    main.locator("select[name=competency_code]").select_option(codes[-1])
    main.locator("textarea[name=text]").fill("Poprowadzę zespół projektowy do końca cyklu.")
    click_and_wait(page, page.get_by_role("button", name="Wyznacz cel"))
    assert "Poprowadzę zespół projektowy do końca cyklu." in main.inner_text()
    assert DevelopmentGoal.objects.get(person=maria).competency_code == codes[-1]
    axe_check(page)
