"""A moderator opens a group's workspace from the start page and sees its seats and the
members' data in the open round; a participant of the group is refused it: in a real
browser, in Polish."""

import pytest

from benchlearn.collection.models import Submission
from benchlearn.collection.services import submission_submit
from benchlearn.groups.services import seat_fill
from benchlearn.units.models import Level
from tests.browser.conftest import axe_check, login
from tests.collection.conftest import COMPLETE, make_round, published, save  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_moderator_sees_the_seats_and_the_data_status(
    page,
    browser,
    live_server,
    published,  # noqa: F811
    programme,
    group,
    unit_a,
    unit_b,
    operator,
    moderator,
):
    anna = programme["participant_a"]
    seat_fill(group=group, unit=unit_a, level=Level.STRATEGIC, user=anna, by=operator)
    round_ = make_round(operator, [unit_a, unit_b])
    submission = Submission.objects.get(round=round_, unit=unit_a)
    assert save(submission, anna, {code: (text, "ok") for code, text in COMPLETE.items()}).ok
    submission.refresh_from_db()
    submission_submit(submission=submission, user=anna, base_revision=submission.revision)

    login(page, live_server, moderator.email)
    page.goto(f"{live_server.url}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Pulpit moderatora").first.click()
    assert page.url == f"{live_server.url}/groups/{group.pk}/workspace/"
    assert "Pulpit: GWD Oświata" in page.locator("h1").inner_text()

    seats = page.locator("section[data-section=seats]")
    assert "Obsadzone miejsca: 1 z 6." in seats.inner_text()
    row_a = seats.locator(f"tr[data-unit='{unit_a.teryt}']")
    assert row_a.locator("td[data-filled]").inner_text() == "1"
    assert row_a.locator("td[data-empty]").inner_text() == "2"
    assert seats.locator(f"tr[data-unit='{unit_b.teryt}'] td[data-empty]").inner_text() == "3"

    data = page.locator("section[data-section=data]")
    assert round_.name in data.inner_text()
    state_a = data.locator(f"tr[data-unit='{unit_a.teryt}'] td[data-state]")
    assert state_a.get_attribute("data-state") == "submitted"
    assert state_a.inner_text() == "przekazane"
    state_b = data.locator(f"tr[data-unit='{unit_b.teryt}'] td[data-state]")
    assert state_b.get_attribute("data-state") == "draft"
    assert "nigdy" in data.locator(f"tr[data-unit='{unit_b.teryt}']").inner_text()
    assert "Spotkania cyklu nie są jeszcze zaplanowane." in page.locator("main").inner_text()
    axe_check(page)

    # The group's participant sees the group but is refused its workspace.
    other = browser.new_context(locale="pl-PL").new_page()
    login(other, live_server, anna.email)
    response = other.goto(f"{live_server.url}/groups/{group.pk}/workspace/")
    assert response is not None and response.status == 403
    other.context.close()
