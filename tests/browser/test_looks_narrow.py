"""How the pages look, on the demo, in a real browser: the results pages draw every chart
without a word in the browser's console (no vega warning, no error), and the pages with
tables outside the results (catalogue, rounds, histories, notifications, the units
register) never scroll sideways on a 390 px phone: a wide table scrolls inside its own
box."""

import pytest

from benchlearn.collection.models import Round
from benchlearn.demo.build import DEMO_PASSWORD, OPERATOR, PARTICIPANTS
from benchlearn.demo.history import EDUCATION
from benchlearn.groups.models import ExchangeGroup, Programme
from benchlearn.reports.bundle import ensure_bundle
from tests.browser.conftest import axe_check, login
from tests.demo_database import demo_database

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

ALL_CHARTS_DONE = """() => Array.from(document.querySelectorAll('[data-chart]')).every(
  c => ['yes', 'empty', 'failed'].includes(c.dataset.chartDrawn))"""
# The document's width beyond the window, and each visible table: whether it fits the
# window, or else whether it sits in a box that scrolls sideways (and fits the window).
LAYOUT = """() => {
  const width = window.innerWidth;
  const tables = [];
  for (const table of document.querySelectorAll('main table')) {
    const box = table.getBoundingClientRect();
    if (!box.width) continue;
    const wrapper = table.closest('.table-scroll, .scroll');
    const scrolls = wrapper !== null && getComputedStyle(wrapper).overflowX === 'auto'
      && wrapper.getBoundingClientRect().right <= width + 0.5;
    tables.push({caption: (table.caption && table.caption.innerText) || table.className,
                 fits: box.right <= width + 0.5, scrolls});
  }
  return {overflow: document.documentElement.scrollWidth - width, tables};
}"""


def _console(page) -> list[str]:
    """Every warning and error the page's console gets, and every uncaught exception."""
    said: list[str] = []
    page.on(
        "console",
        lambda m: said.append(f"{m.type}: {m.text}") if m.type in ("warning", "error") else None,
    )
    page.on("pageerror", lambda error: said.append(f"exception: {error}"))
    return said


def _draw_every_chart(page) -> None:
    for chart in page.locator("[data-chart]").all():
        chart.scroll_into_view_if_needed()
    page.wait_for_function(ALL_CHARTS_DONE)


def test_the_results_pages_draw_their_charts_without_console_warnings(browser, live_server):
    ensure_bundle()
    demo_database()
    account, teryt, _level = PARTICIPANTS[0]
    context = browser.new_context(locale="pl-PL", viewport=DESKTOP)
    try:
        page = context.new_page()
        said = _console(page)
        login(page, live_server, account.email, DEMO_PASSWORD)
        base = f"{live_server.url}/units/{teryt}/results/"
        page.goto(base)
        _draw_every_chart(page)
        assert page.locator("main [data-chart-drawn='yes'] svg").count() > 3
        # Every comparison and year the dashboard offers, and from it each indicator,
        # domain and efficiency page: some with the unit's value, some without (the
        # latest year), some with no value at all.
        comparisons = page.locator("select[name=group] option").evaluate_all(
            "options => options.map(o => o.value)"
        )
        years = page.locator("select[name=year] option").evaluate_all(
            "options => options.map(o => o.value)"
        )
        links = page.locator(
            "main a[href*='/results/']:not([download]), main a[href*='/efficiency/']"
        ).evaluate_all("links => links.map(a => a.href)")
        pages = [f"{base}?group={group}" for group in comparisons]
        pages += [f"{base}?year={year}" for year in years]
        pages += [link for link in links if not link.endswith((".pdf", ".csv", ".xlsx"))]
        pages += [
            f"{link.split('?')[0]}?group={group}"
            for link in links
            if "/efficiency/" in link
            for group in comparisons
        ]
        drawn = {"indicator": 0, "domain": 0, "efficiency": 0}
        for url in pages:
            page.goto(url)
            _draw_every_chart(page)
            assert page.locator("[data-chart-drawn='failed']").count() == 0, url
            assert said == [], url
            kind = (
                "efficiency"
                if "/efficiency/" in url
                else "domain"
                if "/domains/" in url
                else "indicator"
                if url.split("?")[0] != base
                else None
            )
            if kind and page.locator("main [data-chart-drawn='yes'] svg").count():
                drawn[kind] += 1
        # The walk drew charts of every kind of page, not only empty ones.
        assert all(count >= 1 for count in drawn.values()), drawn
    finally:
        context.close()


def test_tables_outside_the_results_scroll_inside_their_box_on_a_phone(browser, live_server):
    demo_database()
    _account, teryt, _level = PARTICIPANTS[0]
    context = browser.new_context(locale="pl-PL", viewport=PHONE)
    try:
        page = context.new_page()
        login(page, live_server, OPERATOR.email, DEMO_PASSWORD)
        # The unit's form in the open education round (linked from the unit's page, among
        # its other rounds), for the round and its history of EDU_PUPILS.
        education = Round.objects.get(name=EDUCATION.open_name)
        form = f"/rounds/{education.pk}/units/{teryt}/"
        page.goto(f"{live_server.url}/units/{teryt}/")
        assert page.locator(f"main a[href='{form}']").count() >= 1
        round_page = form.split("units/")[0]
        urls = [
            "/catalogue/",
            "/catalogue/indicators/EDU_COST_PUPIL/",
            "/catalogue/variables/EDU_PUPILS/",
            "/catalogue/sets/SET_EDU/",
            "/catalogue/domains/EDU/",
            "/catalogue/rules/",
            "/rounds/",
            round_page,
            form,
            f"{form}history/",
            f"{form}history/EDU_PUPILS/",
            "/notifications/",
            "/notifications/introductions/",
            "/notifications/preferences/",
            "/units/",
            f"/units/{teryt}/",
            "/groups/",
        ]
        scrolled = 0
        for url in urls:
            response = page.goto(f"{live_server.url}{url}")
            assert response.status == 200, url
            layout = page.evaluate(LAYOUT)
            assert layout["overflow"] <= 0, (url, layout)
            for table in layout["tables"]:
                assert table["fits"] or table["scrolls"], (url, table)
                scrolled += not table["fits"]
        assert scrolled >= 5  # the phone really had wide tables to scroll
        # A phone sees the catalogue's names, not its formulas (the priority columns).
        page.goto(f"{live_server.url}/catalogue/")
        # (The change log above the lists names the code too: the indicators' table.)
        indicators = page.locator("main table.priority-columns", has_text="EDU_COST_PUPIL").first
        assert indicators.locator("thead th", has_text="Nazwa").is_visible()
        assert not indicators.locator("thead th", has_text="Formuła").is_visible()
    finally:
        context.close()


def test_the_group_pages_fit_a_phone_and_pass_the_accessibility_check(browser, live_server):
    """Issue 14's pages (seats, group and programme forms, the programme report, the
    workspace, meetings, the board, the organisational forms) on a 390 px phone: no
    sideways scrolling, wide tables scroll in their own box, no serious axe finding."""
    demo_database()
    _account, teryt, _level = PARTICIPANTS[0]
    group = ExchangeGroup.objects.order_by("pk").first()
    programme = Programme.objects.order_by("pk").first()
    assert group is not None and programme is not None
    context = browser.new_context(locale="pl-PL", viewport=PHONE)
    try:
        page = context.new_page()
        login(page, live_server, OPERATOR.email, DEMO_PASSWORD)

        def looks_right(url: str) -> None:
            response = page.goto(f"{live_server.url}{url}")
            assert response.status == 200, url
            layout = page.evaluate(LAYOUT)
            assert layout["overflow"] <= 0, (url, layout)
            for table in layout["tables"]:
                assert table["fits"] or table["scrolls"], (url, table)
            axe_check(page)

        groups = f"/groups/{group.pk}"
        urls = [
            f"{groups}/seats/",
            "/groups/new/",
            f"{groups}/edit/",
            "/groups/programmes/",
            f"/groups/programmes/{programme.pk}/",
            f"/groups/programmes/{programme.pk}/report/",
            f"{groups}/workspace/",
            f"{groups}/board/",
            f"{groups}/board/new/",
            f"/units/{teryt}/delivery/",
        ]
        if not group.meetings.exists():
            # The plan's form, then its eight meetings saved as proposed.
            looks_right(f"{groups}/meetings/plan/")
            with page.expect_navigation():
                page.locator("main form button[type=submit]").last.click()
        meeting = f"{groups}/meetings/1"
        urls += [f"{groups}/meetings/", f"{meeting}/", f"{meeting}/edit/", f"{meeting}/attendance/"]
        urls += ["/groups/programmes/new/"]
        for url in urls:
            looks_right(url)
        # A domain's forms of delivery, from the unit's page of forms.
        page.goto(f"{live_server.url}/units/{teryt}/delivery/")
        edit = page.locator(f"main a[href^='/units/{teryt}/delivery/']").first
        looks_right(edit.get_attribute("href"))
        # A participant's view of their own group: its page, seats, meetings and board.
        own = ExchangeGroup.objects.filter(units__teryt=teryt).order_by("pk").first()
        assert own is not None
        page.context.clear_cookies()
        login(page, live_server, PARTICIPANTS[0][0].email, DEMO_PASSWORD)
        for url in ["/", "/seats/", "/meetings/", "/board/"]:
            looks_right(f"/groups/{own.pk}{url}")
    finally:
        context.close()
