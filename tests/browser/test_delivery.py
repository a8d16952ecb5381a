"""Organisational forms of delivery in a real browser, in Polish: a participant of unit A
records how the unit delivers education in 2024 (with a decimal comma), sees the forms
on the unit's dashboard and the indicator's values grouped by form on the indicator
page (the other units recorded theirs before); a share sum over 100 % is refused with
a message and nothing stored; axe finds no serious violation."""

import re

import pytest

from benchlearn.catalogue.models import Domain
from benchlearn.delivery.models import Delivery
from benchlearn.reports.bundle import ensure_bundle
from benchlearn.results.services import computation_request, computation_run
from tests.browser.conftest import axe_check, login
from tests.delivery.conftest import record
from tests.results.conftest import (  # noqa: F401 - fixtures
    computed_programme,
    extra_units,
    published,
)

pytestmark = pytest.mark.browser

YEAR = 2024


@pytest.fixture
def computed(computed_programme, operator):  # noqa: F811 - the fixture above
    ensure_bundle()
    computation_run(computation_request(user=operator).pk)
    unit_a, unit_c = computed_programme["unit_a"], computed_programme["unit_c"]
    # The six other units with 2024 values: two more companies, three departments, one
    # private operator (alone: not shown where names are hidden).
    others = [u for u in computed_programme["units"] if u not in (unit_a, unit_c)]
    education = Domain.objects.get(code="EDU")
    forms = ["company", "company", "department", "department", "department", "private"]
    for unit, form in zip(others, forms, strict=True):
        record(unit, education, operator, (form, 100))
    return computed_programme


def test_participant_records_the_forms_and_sees_them_compared(
    page, live_server, computed, participant_a
):
    unit_a = computed["unit_a"]
    login(page, live_server, participant_a.email)
    page.goto(f"{live_server.url}/units/{unit_a.teryt}/")
    page.get_by_role("link", name="Formy organizacyjne realizacji usług").click()
    page.get_by_role("link", name="Zmień formy usługi Oświata").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Oświata w 2024 r.: formy organizacyjne"
    )
    axe_check(page)

    # Over 100 %: refused, said why, nothing stored.
    page.get_by_label("Udział formy „spółka komunalna” (%)").fill("80")
    page.get_by_label("Udział formy „podmiot prywatny na zlecenie” (%)").fill("30")
    page.get_by_role("button", name="Zapisz").click()
    assert page.get_by_role("alert").filter(has_text="Udziały sumują się do 110 %").is_visible()
    assert not Delivery.objects.filter(unit=unit_a).exists()

    page.get_by_label("Udział formy „spółka komunalna” (%)").fill("72,5")
    page.get_by_label("Uwaga do formy „spółka komunalna”").fill("MZO Sp. z o.o.")
    page.get_by_label("Udział formy „podmiot prywatny na zlecenie” (%)").fill("27,5")
    page.get_by_role("button", name="Zapisz").click()
    assert page.get_by_role("status").filter(has_text="są zapisane").is_visible()
    history = page.locator("table").last.inner_text()
    assert "Anna Uczestniczka" in history and "spółka komunalna 72,5 % (MZO Sp. z o.o.)" in history

    # The dashboard shows the unit's own forms.
    page.goto(f"{live_server.url}/units/{unit_a.teryt}/results/?group=all&year={YEAR}")
    own = page.locator("section.delivery-own")
    assert "Jak Bielsko-Biała realizuje usługi w 2024 r." in own.inner_text()
    assert re.search(r"spółka komunalna 72,5 %\s*— MZO Sp\. z o\.o\.", own.inner_text())
    axe_check(page)

    # The indicator page groups all units' values by main form; names are hidden here,
    # so the lone private operator is left out and the page says so.
    page.goto(f"{live_server.url}/units/{unit_a.teryt}/results/EDU_NET_COST/?group=all&year={YEAR}")
    table = page.locator("table.by-form")
    heads = [t.strip() for t in table.locator("tbody th").all_inner_texts()]
    assert heads == ["Wydział urzędu", "Spółka komunalna (Twoja jednostka)"]
    counts = [t.strip() for t in table.locator("tbody td:nth-child(2)").all_inner_texts()]
    assert counts == ["3", "3"]
    assert page.get_by_text("1 jednostka nie jest pokazana").is_visible()
    axe_check(page)
