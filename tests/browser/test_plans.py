"""A unit's team goes from the prefilled diagnosis to a plan confirmed by its strategic
level, and the moderator reviews and adopts it; in year two the team reports progress
and the moderator follows it on the group's overview: in a real browser, in Polish."""

import pytest

from benchlearn.plans.models import Action, Plan, PlanState, ProgressReport
from tests.browser.conftest import axe_check, login
from tests.plans.conftest import (  # noqa: F401 - fixtures: the group's stored results
    middle_a,
    results,
)
from tests.plans.progress_fixtures import (  # noqa: F401 - fixtures of year two
    cycle_meetings,
    move_meetings_around_today,
    year_two_action,
    year_two_plan,
)

pytestmark = pytest.mark.browser


def click_and_wait(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def test_a_team_writes_its_plan_and_the_moderator_adopts_it(
    page,
    browser,
    live_server,
    results,  # noqa: F811 - the fixture imported above
    group,
    unit_a,
    participant_a,
    moderator,
):
    login(page, live_server, participant_a.email)
    page.goto(f"{live_server.url}/groups/{group.pk}/plans/")
    axe_check(page)
    click_and_wait(page, page.get_by_role("button", name=f"Rozpocznij plan: {unit_a.name}"))
    main = page.locator("main").inner_text()
    assert "w najsłabszym kwartylu grupy" in main and "najgorszy trend w grupie" in main
    axe_check(page)

    click_and_wait(page, page.get_by_role("link", name="Dodaj działanie"))
    axe_check(page)
    page.locator("input[name=title]").fill("Wspólne zakupy energii")
    page.locator("select[name=owner_level]").select_option("middle")
    page.locator("input[name=start_date]").fill("2024-12-01")  # before the cycle
    page.locator("input[name=end_date]").fill("2026-06-30")
    page.locator("select[name=indicator_1]").select_option("COST")
    page.locator("input[name=target_1]").fill("100")
    page.locator("input[name=target_year_1]").fill("2026")
    click_and_wait(page, page.get_by_role("button", name="Zapisz"))
    assert "Daty działania muszą mieścić się w cyklu grupy" in page.locator("main").inner_text()
    assert not Action.objects.exists()
    page.locator("input[name=start_date]").fill("2025-03-01")
    click_and_wait(page, page.get_by_role("button", name="Zapisz"))
    assert Action.objects.get().title == "Wspólne zakupy energii"

    click_and_wait(
        page, page.get_by_role("button", name="Przekaż do zatwierdzenia przez poziom strategiczny")
    )
    # Anna is the unit's strategic level: she confirms it herself.
    click_and_wait(page, page.get_by_role("button", name="Zatwierdź i wyślij do moderatora"))
    assert Plan.objects.get().state == PlanState.IN_REVIEW

    marek = browser.new_context(locale="pl-PL").new_page()
    login(marek, live_server, moderator.email)
    marek.goto(f"{live_server.url}/groups/{group.pk}/plans/")
    click_and_wait(marek, marek.get_by_role("link", name=unit_a.name))
    axe_check(marek)
    marek.locator("textarea[name=text]").fill("Proszę dodać kamień milowy.")
    click_and_wait(marek, marek.get_by_role("button", name="Dodaj uwagę"))
    assert "Proszę dodać kamień milowy." in marek.locator("main").inner_text()
    click_and_wait(marek, marek.get_by_role("button", name="Zaakceptuj i przyjmij"))
    assert Plan.objects.get().state == PlanState.ADOPTED
    click_and_wait(marek, marek.get_by_role("link", name="Wersje"))
    axe_check(marek)
    click_and_wait(marek, marek.get_by_role("link", name="1", exact=True))
    assert "Wspólne zakupy energii" in marek.locator("main").inner_text()
    axe_check(marek)
    marek.context.close()


def test_a_unit_reports_progress_and_the_moderator_sees_it_on_the_overview(
    page,
    browser,
    live_server,
    year_two_plan,  # noqa: F811 - the fixtures imported above
    year_two_action,  # noqa: F811
    cycle_meetings,  # noqa: F811
    group,
    middle_a,  # noqa: F811
    moderator,
):
    """Year two: Marta (Gmina A's middle level, the action's owner) writes a progress
    report on the adopted plan (a per cent of 120 refused first, nothing stored), and
    the moderator finds it on the group's overview."""
    move_meetings_around_today(cycle_meetings)
    login(page, live_server, middle_a.email)
    page.goto(f"{live_server.url}/plans/{year_two_plan.pk}/")
    # The action ended on 30 June 2026 and is still planned: marked late, in words.
    assert "Opóźnione" in page.locator("main").inner_text()
    axe_check(page)
    page.get_by_text("Napisz sprawozdanie z postępu").click()
    page.get_by_label("Stan", exact=True).select_option("in_progress")
    page.get_by_label("Procent wykonania").fill("120")
    page.get_by_label("Co zrobiono").fill("Podpisano umowę z dostawcą energii.")
    click_and_wait(page, page.get_by_role("button", name="Zapisz sprawozdanie z postępu"))
    assert (
        "Procent wykonania musi być liczbą całkowitą od 0 do 100."
        in page.locator("main").inner_text()
    )
    assert not ProgressReport.objects.exists()
    axe_check(page)
    page.locator("input[name=percent_done]").fill("60")
    click_and_wait(page, page.get_by_role("button", name="Zapisz sprawozdanie z postępu"))
    report = ProgressReport.objects.get()
    assert (report.percent_done, report.written_by) == (60, middle_a)
    assert "Podpisano umowę z dostawcą energii." in page.locator("main").inner_text()
    axe_check(page)

    marek = browser.new_context(locale="pl-PL").new_page()
    login(marek, live_server, moderator.email)
    marek.goto(f"{live_server.url}/groups/{group.pk}/workspace/")
    click_and_wait(marek, marek.get_by_role("link", name="Postęp planów usprawnień"))
    main = marek.locator("main").inner_text()
    assert year_two_plan.unit.name in main
    assert "brakujące sprawozdania z postępu: 0" in main
    axe_check(marek)
    click_and_wait(marek, marek.get_by_role("link", name=year_two_plan.unit.name))
    assert "Podpisano umowę z dostawcą energii." in marek.locator("main").inner_text()
    marek.context.close()
