"""Positions a mayor can read, in a real browser and in Polish: a neutral indicator's
position in words (and no button-like badge), indicators without any value folded into
one line, an empty domain marked and not drawn, and a year without data a gap in the
sparkline and the box plot."""

import pytest

from benchlearn.reports.bundle import ensure_bundle
from benchlearn.results.models import Computation, GroupStat, Result
from benchlearn.results.services import computation_request, computation_run
from tests.browser.conftest import axe_check, login
from tests.results.conftest import (  # noqa: F401 - fixtures
    computed_programme,
    extra_units,
    published,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def computed(computed_programme, operator):  # noqa: F811 - the fixture above
    ensure_bundle()
    computation_run(computation_request(user=operator).pk)
    return computed_programme


def _add_year_before_a_gap(year: int, like: int) -> None:
    """Results and group statistics for ``year`` as those of ``like``: with 2023 and
    2024 computed, 2021 makes 2022 a year without data between them."""
    computation = Computation.objects.get(state="done")
    results = list(Result.objects.filter(computation=computation, period=like))
    for result in results:
        result.pk, result.period = None, year
    Result.objects.bulk_create(results)
    stats = list(GroupStat.objects.filter(group__computation=computation, period=like))
    for stat in stats:
        stat.pk, stat.period = None, year
    GroupStat.objects.bulk_create(stats)


def test_a_neutral_indicator_has_a_position_in_words(page, live_server, computed, participant_a):
    unit_a = computed["unit_a"]
    login(page, live_server, participant_a.email)
    page.goto(f"{live_server.url}/units/{unit_a.teryt}/results/?group=all&year=2024&scope=all")
    row = page.locator("main table.results tr", has_text="Wydatki na ucznia")
    position = row.locator(".position")
    words = position.inner_text()
    assert "mediany" in words and "centyl" in words, words
    assert "najlepsz" not in words and "najgorsz" not in words
    assert position.get_attribute("class").split()[1] in {"below", "around", "above"}
    # Words with a coloured rule before them, not a box that looks like a button.
    style = position.evaluate(
        "e => { const s = getComputedStyle(e);"
        " return [s.backgroundColor, s.borderTopWidth, s.borderRadius, s.cursor]; }"
    )
    assert style == ["rgba(0, 0, 0, 0)", "0px", "0px", "auto"], style
    ranked = row.page.locator("main table.results tr", has_text="Koszt netto na ucznia")
    assert "ćwiartka" in ranked.locator(".position").inner_text()
    axe_check(page)


def test_indicators_and_domains_without_values_are_folded_and_marked(
    page, live_server, computed, participant_a
):
    unit_a = computed["unit_a"]
    login(page, live_server, participant_a.email)
    base = f"{live_server.url}/units/{unit_a.teryt}/results"
    page.goto(f"{base}/?group=all&year=2024&scope=all")
    folded = page.locator("main p.empty-indicators")
    text = " ".join(folded.inner_text().split())
    # Nobody has satisfaction or waste values: one line names both, no rows of dashes.
    assert text.startswith("W porównaniu „wszystkie jednostki” żadna jednostka nie ma")
    assert "Zadowolenie" in text and "Odpady na mieszkańca" in text
    assert page.locator("main table.results tr", has_text="Zadowolenie").count() == 0
    assert page.locator("main .domain-links .empty-domain").inner_text() == "Odpady (brak danych)"
    axe_check(page)
    page.goto(f"{base}/domains/WASTE/?group=all&year=2024")
    message = page.locator("main p.empty-domain").inner_text()
    assert "żadna jednostka nie ma w 2024 wartości żadnego wskaźnika tej dziedziny" in message
    assert page.locator("main figure").count() == 0 and page.locator("main svg").count() == 0
    axe_check(page)


def test_a_year_without_data_is_a_gap_on_time_axes(page, live_server, computed, participant_a):
    _add_year_before_a_gap(2021, like=2023)
    unit_a = computed["unit_a"]
    login(page, live_server, participant_a.email)
    base = f"{live_server.url}/units/{unit_a.teryt}/results"
    page.goto(f"{base}/?group=all&year=2024")
    sparkline = page.locator("main table.results tr", has_text="Koszt netto na ucznia").locator(
        ".sparkline svg"
    )
    sparkline.wait_for()
    line = sparkline.locator('path[aria-roledescription="line mark"]').first
    # 2021, (2022 missing), 2023, 2024: the line is two pieces, not one joined across.
    assert line.get_attribute("d").count("M") == 2, line.get_attribute("d")
    page.goto(f"{base}/EDU_NET_COST/?group=all&year=2024")
    box = page.locator("figure.chart-box")
    box.locator("svg").first.wait_for()
    axis = box.locator("svg").first.text_content()
    assert all(year in axis for year in ("2021", "2022", "2023", "2024")), axis
    table = box.locator("table").text_content()
    assert "2022" in table  # the table lists the year without data too, with dashes
    axe_check(page)
