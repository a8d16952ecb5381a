"""A moderator plans the cycle's eight meetings, records who came, writes and publishes
the minutes; a participant reads them: in a real browser, in Polish."""

import pytest

from benchlearn.meetings.models import Attendance, Meeting
from tests.browser.conftest import axe_check, login

pytestmark = pytest.mark.browser


def click_and_wait(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def test_a_moderator_runs_a_meeting_and_a_participant_reads_the_minutes(
    page, browser, live_server, programme, group, moderator, participant_a, tasks_run_at_once
):
    login(page, live_server, moderator.email)
    page.goto(f"{live_server.url}/groups/{group.pk}/")
    click_and_wait(page, page.get_by_role("link", name="Spotkania grupy"))
    assert "nie zostały jeszcze zaplanowane" in page.locator("main").inner_text()
    click_and_wait(page, page.get_by_role("link", name="Zaplanuj spotkania cyklu"))
    assert page.locator("input[type=date]").count() == 8
    axe_check(page)
    # A date outside the cycle: nothing is saved, the form keeps what was typed.
    page.locator("input[name='m-7-date']").fill("2027-03-01")
    click_and_wait(page, page.get_by_role("button", name="Zapisz plan"))
    assert "Spotkanie 8: 2027-03-01 wypada poza cyklem grupy (2025–2026)." in (
        page.locator("main").inner_text()
    )
    assert not Meeting.objects.exists()
    page.locator("input[name='m-7-date']").fill("2026-11-16")
    page.locator("input[name='m-0-place']").fill("Ratusz, sala sesyjna")
    click_and_wait(page, page.get_by_role("button", name="Zapisz plan"))
    assert "Spotkania cyklu są zaplanowane." in page.locator("main").inner_text()
    assert page.locator("tbody tr").count() == 8
    axe_check(page)

    click_and_wait(page, page.get_by_role("link", name="Spotkanie 1", exact=True))
    assert "Ratusz, sala sesyjna" in page.locator("main").inner_text()
    assert "Otwarcie spotkania" in page.locator("main ol").inner_text()
    axe_check(page)

    click_and_wait(page, page.get_by_role("link", name="Odnotuj obecność"))
    axe_check(page)
    page.locator("input[name='2461011-strategic-present']").check()
    click_and_wait(page, page.get_by_role("button", name="Zapisz obecność"))
    assert Attendance.objects.get(unit__teryt="2461011", level="strategic").person == participant_a
    assert Attendance.objects.filter(present=True).count() == 1

    click_and_wait(page, page.get_by_role("link", name="Protokół", exact=True))
    axe_check(page)
    page.locator("textarea[name=text]").fill("Grupa omówiła wyniki oświaty za 2024 r.")
    click_and_wait(page, page.get_by_role("button", name="Zatwierdź protokół"))
    assert "Protokół został zatwierdzony." in page.locator("main").inner_text()
    click_and_wait(page, page.get_by_role("link", name="Protokół", exact=True))
    click_and_wait(page, page.get_by_role("button", name="Opublikuj członkom grupy"))
    assert "Protokół został opublikowany członkom grupy." in page.locator("main").inner_text()

    # The participant, in a browser of her own.
    anna = browser.new_context(locale="pl-PL").new_page()
    login(anna, live_server, participant_a.email)
    anna.goto(f"{live_server.url}/groups/{group.pk}/meetings/")
    click_and_wait(anna, anna.get_by_role("link", name="Spotkanie 1", exact=True))
    main = anna.locator("main").inner_text()
    assert "Grupa omówiła wyniki oświaty za 2024 r." in main
    assert "Anna Uczestniczka" in main  # the attendance
    assert anna.get_by_role("link", name="Edytuj spotkanie").count() == 0
    axe_check(anna)
    anna.context.close()
