"""Notifications and introductions in a real browser, in Polish: the unread count in the
header, the in-app list and marking read, the personal menu and the preferences, and a
request for an introduction from an anonymised comparison to the office's decision."""

import re

import pytest

from benchlearn.notifications.models import (
    IntroductionRequest,
    IntroductionState,
    NotificationPreference,
)
from benchlearn.notifications.services import notify
from benchlearn.results.services import computation_request, computation_run
from tests.browser.conftest import axe_check, login
from tests.notifications.conftest import deliver
from tests.results.conftest import (  # noqa: F401 - fixtures
    computed_programme,
    extra_units,
    published,
)

pytestmark = pytest.mark.browser


def test_unread_count_list_and_preferences(page, live_server, programme):
    anna = programme["participant_a"]
    notify(kind="results_new", recipients=[anna], params={"year": "2024"}, link="/")
    deliver()
    login(page, live_server, anna.email)
    header = page.locator("header")
    link = header.get_by_role("link", name=re.compile("Powiadomienia"))
    assert "1" in link.inner_text()
    link.click()
    item = page.locator("li.notification")
    assert "Nowe wyniki są gotowe" in item.inner_text()
    axe_check(page)
    item.get_by_role("button", name="Oznacz jako przeczytane").click()
    page.wait_for_load_state()
    assert page.locator("li.notification.unread").count() == 0
    assert "nieprzeczytane" not in page.locator("header").inner_text()
    # The personal menu holds the preferences, the API and the tokens.
    menu = page.locator("details.account-menu")
    menu.locator("summary").click()
    for name in ("Tokeny API", "API", "Zmień hasło"):
        assert menu.get_by_role("link", name=name, exact=True).is_visible()
    menu.get_by_role("link", name="Ustawienia powiadomień").click()
    page.locator("#email-results_new").uncheck()
    page.get_by_role("button", name="Zapisz").click()
    page.wait_for_load_state()
    assert "Zapisano Twoje ustawienia powiadomień" in page.locator("main").inner_text()
    assert not page.locator("#email-results_new").is_checked()
    assert page.locator("#in_app-results_new").is_checked()
    axe_check(page)
    choice = NotificationPreference.objects.get(user=anna, kind="results_new")
    assert (choice.email, choice.in_app) == (False, True)


@pytest.fixture
def anonymised(computed_programme, group, operator):  # noqa: F811 - fixture
    group.anonymised = True
    group.save(update_fields=["anonymised"])
    computation_run(computation_request(user=operator).pk)
    return group


def test_request_an_introduction_and_the_office_decides(
    browser, live_server, anonymised, unit_a, unit_b, participant_a, operator
):
    asking = browser.new_context(locale="pl-PL").new_page()
    login(asking, live_server, participant_a.email)
    asking.goto(
        f"{live_server.url}/units/{unit_a.teryt}/results/EDU_NET_COST/"
        f"?group=exchange-{anonymised.pk}"
    )
    # The link under the letters (the page also offers one per unit to learn from).
    asking.get_by_role("link", name=re.compile("Chcesz poznać jednostkę")).click()
    assert unit_b.name not in asking.content()
    axe_check(asking)
    asking.locator("input[name=member]").first.check()
    asking.locator("textarea[name=message]").fill("Jak obniżyliście koszt na ucznia?")
    asking.get_by_role("button", name="Wyślij prośbę").click()
    asking.wait_for_load_state()
    main = asking.locator("main").inner_text()
    assert "czeka na decyzję" in main and unit_b.name not in asking.content()
    request = IntroductionRequest.objects.get()
    # The office opens the request (its link is in the office's notification) and decides.
    office = browser.new_context(locale="pl-PL").new_page()
    login(office, live_server, operator.email)
    office.goto(f"{live_server.url}/notifications/introductions/{request.pk}/")
    assert unit_b.name in office.locator("main").inner_text()
    axe_check(office)
    office.get_by_role("button", name="Skontaktuj jednostki").click()
    office.wait_for_load_state()
    assert "Jednostki skontaktowano" in office.locator("main").inner_text()
    request.refresh_from_db()
    assert request.state == IntroductionState.ACCEPTED
    asking.reload()
    assert unit_b.name in asking.locator("main").inner_text()
    asking.context.close()
    office.context.close()
