"""Did it work? on a plan page in a real browser, in Polish: the figures, a chart per
indicator drawn under the Content-Security-Policy, and no WCAG violation."""

import pytest

from tests.browser.conftest import axe_check, login
from tests.plans.measured import measured  # noqa: F401 - the measured plan

pytestmark = pytest.mark.browser


def test_another_unit_reads_whether_the_plan_worked(
    page,
    live_server,
    measured,  # noqa: F811 - the fixture imported above
    participant_b,
):
    login(page, live_server, participant_b.email)
    page.goto(f"{live_server.url}/plans/{measured['plan'].pk}/")
    section = page.locator("section.plan-effects")
    text = section.inner_text()
    assert "Czy zadziałało?" in text
    assert "+7,00: lepiej niż w grupie" in text
    assert "+2,25 do +7,50: w granicach zwykłej zmienności" in text
    assert "Nie ma jeszcze wyniku z roku późniejszego niż rok wartości wyjściowej (2023)." in text
    charts = section.locator("figure.chart-effect")
    assert charts.count() == 3
    charts.first.scroll_into_view_if_needed()  # drawn when near the screen
    charts.first.locator(".chart-canvas svg").first.wait_for()  # by vega-embed
    assert charts.first.get_attribute("data-chart-drawn") == "yes"
    axe_check(page)
