"""The office's competency aggregates and a training planned from them, in a real browser
in Polish: from the programme list to the programme's aggregates (the largest gap of the
operational seat, the middle seat's four people withheld in words), "Zaplanuj
szkolenie", the people of the gap's seat proposed, saved, attendance recorded. Every
page passes the accessibility check."""

import pytest
from django.utils import timezone

from benchlearn.competencies.models import Training
from benchlearn.groups.services import programme_create
from benchlearn.units.models import Level
from tests.browser.conftest import axe_check, login
from tests.competencies.cohort import END, START, assess, extra_units, seat_holders
from tests.competencies.conftest import scheme  # noqa: F401 - fixture: the shipped scheme

pytestmark = pytest.mark.browser


def click_and_wait(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def test_the_office_plans_a_training_from_the_largest_gap(
    page,
    live_server,
    scheme,  # noqa: F811 - the fixture imported above
    group,
    operator,
):
    owner = programme_create(name="Kompetencje", first_year=2026, last_year=2027, groups=[group])
    units = extra_units(9)
    five = seat_holders(group, Level.OPERATIONAL, 5, by=operator, tag="op", units=units[:5])
    four = seat_holders(group, Level.MIDDLE, 4, by=operator, tag="mid", units=units[5:])
    for person in five:
        assess(person, group, scheme, START, {"MEASURE": 1})
        assess(person, group, scheme, END, {"MEASURE": 2})
    for person in four:
        assess(person, group, scheme, START, {"LEAD": 1})

    login(page, live_server, operator.email)
    page.goto(f"{live_server.url}/groups/programmes/")
    main = page.locator("main")
    click_and_wait(page, main.get_by_role("link", name="Kompetencje: wyniki zbiorcze i szkolenia"))
    text = main.inner_text()
    assert (
        "Pomiar i monitorowanie wyników" in main.locator("[data-largest=operational]").inner_text()
    )
    assert (
        "mniej niż 5 osób — nie pokazano" in main.locator('[data-cell="LEAD-middle"]').inner_text()
    )
    assert "+1,00" in main.locator('[data-cell="MEASURE-operational"]').inner_text()
    assert "Kompetencje" in text
    axe_check(page)

    click_and_wait(page, main.get_by_role("link", name="Zaplanuj szkolenie"))
    main.get_by_label("Tytuł").fill("Pomiar wyników w praktyce")
    main.get_by_label("Data").fill(timezone.localdate().isoformat())
    main.get_by_label("Pomiar i monitorowanie wyników").check()
    axe_check(page)
    click_and_wait(page, main.get_by_role("button", name="Zaproponuj osoby z wybranych szczebli"))
    assert "Zaproponowano osoby z wybranych szczebli (5)" in page.locator(".messages").inner_text()
    ticked = main.locator("[data-invitees] input:checked")
    assert ticked.count() == 5
    click_and_wait(page, main.get_by_role("button", name="Zapisz"))
    training = Training.objects.get()
    assert training.programme == owner and training.invitees.count() == 5
    assert "Pomiar wyników w praktyce" in main.inner_text()
    axe_check(page)

    click_and_wait(page, main.get_by_role("link", name="Obecność"))
    main.get_by_label(str(five[0])).check()
    axe_check(page)
    click_and_wait(page, main.get_by_role("button", name="Zapisz obecność"))
    assert dict(training.invitees.values_list("person_id", "attended"))[five[0].pk] is True
    assert "obecny" in main.locator(f'[data-invitee="{five[0].pk}"]').inner_text()
