"""Pages and charts run under the site's Content-Security-Policy in a real browser: the
charts are drawn (vega evaluates its expressions without eval), their tooltips show, and
the browser reports no violation."""

import pytest

from benchlearn.reports.bundle import ensure_bundle
from benchlearn.results.services import computation_request, computation_run
from tests.browser.conftest import csp_violations, login
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


def test_a_chart_page_draws_its_charts_with_no_policy_violation(
    page, live_server, computed, participant_a
):
    login(page, live_server, participant_a.email)
    unit = computed["unit_a"]
    response = page.goto(
        f"{live_server.url}/units/{unit.teryt}/results/EDU_NET_COST/?group=all&year=2024"
    )
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-eval" not in policy and "unsafe-inline" not in policy
    assert response.headers["cache-control"] == "private, no-store"

    chart = page.locator("figure.chart-bar")
    chart.locator("svg").first.wait_for()
    assert chart.get_attribute("data-chart-drawn") == "yes"
    # A tooltip is a vega expression at work and vega-tooltip's element, styled by our CSS.
    chart.locator(".mark-rect path").first.hover()
    page.locator("#vg-tooltip-element.visible").wait_for()
    assert (
        page.locator("#vg-tooltip-element").evaluate(
            "element => getComputedStyle(element).position"
        )
        == "fixed"
    )
    assert csp_violations(page) == []


def test_the_token_page_and_the_admin_run_under_the_policy(
    page, live_server, programme, group, participant_a
):
    operator = programme["operator"]
    login(page, live_server, operator.email)
    page.goto(f"{live_server.url}/accounts/tokens/")
    page.locator("main form input[name=name]").fill("skrypt")
    with page.expect_navigation():
        page.locator("main form button.primary").click()
    assert page.locator("[data-testid=new-token]").inner_text().startswith("bl_")
    for path in (
        "/admin/",
        f"/admin/accounts/user/{participant_a.pk}/change/",
        f"/admin/groups/exchangegroup/{group.pk}/change/",
        "/admin/accounts/accesschange/",
    ):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert csp_violations(page) == [], path
    # The token just made is in the access log the operator reads.
    assert "skrypt" in page.locator("#result_list").inner_text()


def test_the_api_docs_run_under_the_policy(page, live_server, participant_a):
    login(page, live_server, participant_a.email)
    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert csp_violations(page) == []
