"""The comparison pages in a real browser, in Polish: a participant and a moderator see
the own unit marked, ranks and medians that agree with the engine, and the charts drawn
by vega-embed; axe finds no serious violation."""

import statistics

import polars as pl
import pytest

from benchlearn.engine.stats import unit_positions
from benchlearn.reports.bundle import ensure_bundle
from benchlearn.results.models import ComparisonGroup, Result
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


def engine_positions(code: str, year: int) -> pl.DataFrame:
    members = list(ComparisonGroup.objects.get(kind="all").members.values_list("teryt", flat=True))
    rows = list(
        Result.objects.filter(indicator__code=code, period=year)
        .exclude(value=None)
        .values_list("unit__teryt", "period", "indicator__code", "value")
    )
    frame = pl.DataFrame(rows, schema=["unit", "period", "indicator", "value"], orient="row")
    groups = pl.DataFrame({"group": ["all"] * len(members), "unit": members})
    return unit_positions(frame, groups, {code: "lower"})


def test_participant_reads_the_dashboard_and_an_indicator(
    page, live_server, computed, participant_a
):
    unit_a = computed["unit_a"]
    positions = engine_positions("EDU_NET_COST", 2024)
    mine = positions.filter(pl.col("unit") == unit_a.teryt).row(0, named=True)
    login(page, live_server, participant_a.email)
    page.goto(f"{live_server.url}/units/{unit_a.teryt}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Wyniki i porównania").click()
    page.goto(f"{live_server.url}/units/{unit_a.teryt}/results/?group=all&year=2024")
    row = page.locator("main table.results tr", has_text="Koszt netto na ucznia")
    assert f"{mine['rank']} z {mine['n']}" in row.inner_text()
    median = statistics.median(positions["value"].to_list())
    assert f"{median:_.2f}".replace("_", "\u00a0").replace(".", ",") in row.inner_text()
    row.locator(".sparkline svg").first.wait_for()  # drawn by vega-embed
    axe_check(page)

    with page.expect_navigation():
        row.get_by_role("link", name="Koszt netto na ucznia").click()
    chart = page.locator("figure.chart-bar")
    chart.locator("svg").first.wait_for()
    assert "Twoja jednostka" in chart.locator("svg").first.inner_html()
    own = page.locator("main tr.own").last
    assert unit_a.name in own.inner_text() and own.locator("td").first.inner_text() == str(
        mine["rank"]
    )
    axe_check(page)

    page.goto(f"{live_server.url}/units/{unit_a.teryt}/results/domains/EDU/?group=all")
    page.locator("figure.chart-profile svg").first.wait_for()
    axe_check(page)


def test_moderator_sees_the_group_by_name(page, live_server, computed, moderator, group):
    unit_a = computed["unit_a"]
    other = group.units.exclude(pk=unit_a.pk).get()
    login(page, live_server, moderator.email)
    page.goto(
        f"{live_server.url}/units/{unit_a.teryt}/results/EDU_NET_COST/?group=exchange-{group.pk}"
    )
    table = page.locator("main table").last
    assert other.name in table.inner_text() and unit_a.name in table.inner_text()
    axe_check(page)
