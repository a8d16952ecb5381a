"""A break in series in a real browser, in Polish: after the education subvention's
indicator got a new definition from 2025, the indicator page of 2025 says where the
series breaks, with the formulas before and after and why; the chart's table marks the
year; axe finds no serious violation."""

import pytest

from benchlearn.catalogue.services import catalogue_import, catalogue_publish
from benchlearn.reports.bundle import ensure_bundle
from benchlearn.results.services import computation_request, computation_run
from tests.browser.conftest import axe_check, login
from tests.collection.conftest import make_round
from tests.collection.test_validity import AFTER, BEFORE, _approved
from tests.conftest import TERYT_A

pytestmark = pytest.mark.browser


@pytest.fixture
def computed(programme, units, operator, participant_a):
    ensure_bundle()
    catalogue_import(text=BEFORE, user=operator)
    catalogue_publish(user=operator)
    round_2024 = make_round(operator, [units["a"]], period=2024)
    _approved(round_2024, participant_a, operator, {"EXP": "1000", "SUBV": "600"})
    catalogue_import(text=AFTER, user=operator)
    catalogue_publish(user=operator)
    round_2025 = make_round(operator, [units["a"]], period=2025)
    _approved(round_2025, participant_a, operator, {"EXP": "1000", "NEEDS": "750"})
    computation_run(computation_request(user=operator).pk)


def test_the_indicator_page_marks_the_break_and_says_why(
    page, live_server, computed, participant_a
):
    login(page, live_server, participant_a.email)
    page.goto(f"{live_server.url}/units/{TERYT_A}/results/COVER/?year=2025")
    note = page.get_by_role("note").filter(has_text="Przerwa w szeregu od 2025 r.")
    assert note.is_visible()
    assert "Subwencja oświatowa zniesiona od 2025 r." in note.inner_text()
    assert "Do 2024 r." in note.inner_text() and "od 2025 r." in note.inner_text()
    assert page.get_by_text("2025 (przerwa w szeregu)").count() >= 1
    axe_check(page)
