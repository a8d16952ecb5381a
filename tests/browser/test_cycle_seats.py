"""A moderator invites a participant into a seat; the participant opens the e-mailed
link, sets a password and sees themselves in the seat: in a real browser, in Polish."""

import re

import pytest
from django.core import mail

from benchlearn.groups.models import SeatHolding
from benchlearn.units.models import Level
from tests.browser.conftest import axe_check, login

pytestmark = pytest.mark.browser

NEW_PASSWORD = "zielona-lampa-przy-oknie-42"


def click_and_wait(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def test_a_moderator_invites_and_the_participant_takes_the_seat(
    page, browser, live_server, group, moderator, unit_a, tasks_run_at_once
):
    login(page, live_server, moderator.email)
    page.goto(f"{live_server.url}/groups/{group.pk}/")
    click_and_wait(page, page.get_by_role("link", name="Miejsca i zaproszenia"))
    seat = page.locator(f"td[data-seat='{unit_a.teryt}-middle']")
    assert "puste" in seat.inner_text()
    axe_check(page)
    click_and_wait(page, seat.get_by_role("link", name="zaproś"))
    assert page.locator("select[name=unit]").input_value() == unit_a.teryt
    assert page.locator("select[name=level]").input_value() == Level.MIDDLE
    page.locator("input[name=email]").fill("ewa.nowak@example.org")
    page.locator("input[name=full_name]").fill("Ewa Nowak")
    axe_check(page)
    click_and_wait(page, page.get_by_role("button", name="Wyślij zaproszenie"))
    assert (
        "Zaproszenie do ewa.nowak@example.org zostało wysłane" in page.locator("main").inner_text()
    )
    assert "zaproszono: ewa.nowak@example.org" in seat.inner_text()

    (message,) = mail.outbox
    assert message.to == ["ewa.nowak@example.org"]
    (link,) = re.findall(r"http://localhost:8000(/accounts/invitation/\S+/)", message.body)

    # The participant, in a browser of her own.
    participant = browser.new_context(locale="pl-PL").new_page()
    participant.goto(live_server.url + link)
    assert "Zaproszenie do grupy wymiany doświadczeń" in participant.locator("h1").inner_text()
    assert participant.locator("input[name=full_name]").input_value() == "Ewa Nowak"
    axe_check(participant)
    participant.locator("input[name=password1]").fill(NEW_PASSWORD)
    participant.locator("input[name=password2]").fill(NEW_PASSWORD)
    click_and_wait(
        participant, participant.get_by_role("button", name="Ustaw hasło i zajmij miejsce")
    )
    assert participant.url == f"{live_server.url}/groups/{group.pk}/seats/"
    assert "miejsce jest Twoje" in participant.locator("main").inner_text()
    mine = participant.locator(f"td[data-seat='{unit_a.teryt}-middle']")
    assert "Ewa Nowak" in mine.inner_text()
    holding = SeatHolding.objects.get(group=group, unit=unit_a, level=Level.MIDDLE)
    assert holding.user.email == "ewa.nowak@example.org"

    # The link works once.
    participant.goto(live_server.url + link)
    assert "To zaproszenie zostało już wykorzystane" in participant.locator("main").inner_text()
    participant.context.close()


def test_an_operator_creates_a_group_finding_its_members(
    page, live_server, operator, moderator, unit_a, unit_b
):
    from benchlearn.catalogue.services import domain_create
    from benchlearn.groups.models import ExchangeGroup

    domain_create(user=operator, code="WASTE", name_pl="Gospodarka odpadami")
    login(page, live_server, operator.email)
    page.goto(f"{live_server.url}/groups/")
    click_and_wait(page, page.get_by_role("link", name="Nowa grupa wymiany doświadczeń"))
    page.locator("input[name=name]").fill("GWD Odpady")
    page.locator("select[name=domain]").select_option(label="Gospodarka odpadami")
    page.locator("input[name=cycle_start]").fill("2026")
    page.locator("select[name=moderator]").select_option(
        label=f"{moderator.full_name} <{moderator.email}>"
    )
    # By TERYT code, which the picker takes too: earlier tests may leave the whole
    # register behind, where a name finds more units than the list shows.
    page.locator("input[name=unit_search]").fill(unit_a.teryt)
    click_and_wait(page, page.get_by_role("button", name="Szukaj"))
    # By the label with the TERYT code: a demo built by earlier tests may hold more
    # units of similar names.
    page.get_by_label(f"({unit_a.teryt},", exact=False).check()
    page.locator("input[name=unit_search]").fill(unit_b.teryt)
    click_and_wait(page, page.get_by_role("button", name="Szukaj"))
    # The unit ticked before the second search stays chosen.
    assert page.get_by_label(f"({unit_a.teryt},", exact=False).is_checked()
    page.get_by_label(f"({unit_b.teryt},", exact=False).check()
    axe_check(page)
    click_and_wait(page, page.get_by_role("button", name="Zapisz"))
    assert "Grupa została zapisana." in page.locator("main").inner_text()
    group = ExchangeGroup.objects.get(name="GWD Odpady")
    assert {u.teryt for u in group.units.all()} == {unit_a.teryt, unit_b.teryt}
    assert group.moderator == moderator
    click_and_wait(page, page.get_by_role("link", name="Edytuj grupę"))
    assert "Historia zmian" in page.locator("main").inner_text()
    axe_check(page)
