"""How the pages look, on the demo (`benchlearn demo`), in a real browser: every page a
demo account reaches from its start page has styled buttons, selects and tables (none
left as the browser draws them) and a header in one line at 1280 px; the results
tables fit a 390 px phone with their priority columns; charts take the content's full
width with text of 12 px or more and one caption; sparklines draw without console
errors."""

from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from benchlearn.demo.build import DEMO_PASSWORD, MODERATORS, OPERATOR, PARTICIPANTS
from tests.browser.conftest import login
from tests.demo_database import demo_database

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
CITY = "2461011"  # Bielsko-Biała, the demo's city with results (PARTICIPANTS[0])
INDICATOR = "EDU_COST_PUPIL"
PAGES_PER_ACCOUNT = 40
# Not ours to style (the admin, the API's documentation), or not pages at all.
SKIPPED = ("/admin/", "/api/", "/accounts/logout/", "/static/")
DOWNLOADS = (".xlsx", ".csv", ".pdf", ".yaml", "/export/", "/download/", "/workbook/")

# What the browser draws with no stylesheet, to compare each page's controls with.
DEFAULTS_PAGE = """<!DOCTYPE html><html><body>
<button id="b">x</button><select id="s"><option>x</option></select>
<table id="t"><tr><td id="c">x</td></tr></table></body></html>"""
DEFAULT_STYLES = """() => {
  const pick = (id) => {
    const s = getComputedStyle(document.getElementById(id));
    return {fontFamily: s.fontFamily, backgroundColor: s.backgroundColor,
            borderTopColor: s.borderTopColor, borderRadius: s.borderRadius,
            paddingLeft: s.paddingLeft, borderCollapse: s.borderCollapse};
  };
  return {button: pick("b"), select: pick("s"), table: pick("t"), cell: pick("c")};
}"""
# Every visible control and table of the page that looks as the browser draws it.
UNSTYLED = """(defaults) => {
  const shown = (e) => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== "hidden";
  };
  const name = (e) => e.outerHTML.slice(0, 120);
  const bad = [];
  const controls = "button, select, input[type=submit], input[type=button], .button";
  for (const e of document.querySelectorAll(controls)) {
    if (!shown(e)) continue;
    const s = getComputedStyle(e);
    const d = e.tagName === "SELECT" ? defaults.select : defaults.button;
    const sameLook = s.backgroundColor === d.backgroundColor
      && s.borderTopColor === d.borderTopColor && s.borderRadius === d.borderRadius;
    if (s.fontFamily === d.fontFamily || sameLook) bad.push(name(e));
  }
  for (const t of document.querySelectorAll("main table")) {
    const cell = t.querySelector("td, th");
    if (!cell || !shown(t)) continue;
    const s = getComputedStyle(cell);
    if (getComputedStyle(t).borderCollapse === defaults.table.borderCollapse
        || s.paddingLeft === defaults.cell.paddingLeft) bad.push(name(t));
  }
  return bad;
}"""
# The rows the header's parts take: one when every part starts at the same height.
HEADER_ROWS = """() => {
  const parts = document.querySelectorAll(
    ".site-header .bar > *, .site-header nav > ul, .site-header nav > ul > li");
  const tops = new Set();
  for (const e of parts) {
    const r = e.getBoundingClientRect();
    if (r.height > 0) tops.add(Math.round(r.top + r.height / 2));
  }
  const spread = Math.max(...tops) - Math.min(...tops);
  return {spread, height: document.querySelector(".site-header").offsetHeight};
}"""
PAGE_SCROLLS_SIDEWAYS = (
    "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
)


@pytest.fixture
def demo(transactional_db):
    return demo_database()


def _route(url: str) -> str | None:
    path = urlsplit(url).path
    if path.startswith(SKIPPED) or any(part in path for part in DOWNLOADS):
        return None
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _walk(page, live_server, limit: int):
    """Opens one page per route reachable by links from the start page; yields each."""
    queue = [f"{live_server.url}/"]
    seen: set[str] = set()
    opened = 0
    while queue and opened < limit:
        url = queue.pop(0)
        route = _route(url)
        if route is None or route in seen:
            continue
        seen.add(route)
        try:
            response = page.goto(url)
        except PlaywrightError:  # a download, not a page
            continue
        if response is None or response.status != 200:
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        opened += 1
        yield url
        links = page.eval_on_selector_all(
            "a[href]:not([download])", "links => links.map(a => a.href.split('#')[0])"
        )
        queue += [link for link in links if link.startswith(live_server.url)]


def test_every_page_of_every_demo_account_has_styled_controls_and_a_one_line_header(
    browser, live_server, demo
):
    accounts = [OPERATOR, *MODERATORS[:1], PARTICIPANTS[0][0], PARTICIPANTS[-1][0]]
    walked: dict[str, int] = {}
    for account in accounts:
        context = browser.new_context(locale="pl-PL", viewport=DESKTOP)
        try:
            blank = context.new_page()
            blank.set_content(DEFAULTS_PAGE)
            defaults = blank.evaluate(DEFAULT_STYLES)
            blank.close()
            page = context.new_page()
            login(page, live_server, account.email, DEMO_PASSWORD)
            walked[account.email] = 0
            for url in _walk(page, live_server, PAGES_PER_ACCOUNT):
                walked[account.email] += 1
                where = f"{url} ({account.email})"
                assert page.evaluate(UNSTYLED, defaults) == [], where
                header = page.evaluate(HEADER_ROWS)
                assert header["spread"] <= 4, where
                assert header["height"] <= 80, where
                assert not page.evaluate(PAGE_SCROLLS_SIDEWAYS), where
        finally:
            context.close()
    # The walk really went through the site: results, rounds, groups, the catalogue.
    assert all(count >= 8 for count in walked.values()), walked


def _console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_results_fit_a_phone_and_charts_fill_the_page_without_console_errors(
    browser, live_server, demo
):
    account = PARTICIPANTS[0][0]
    context = browser.new_context(locale="pl-PL", viewport=PHONE)
    try:
        page = context.new_page()
        errors = _console_errors(page)
        login(page, live_server, account.email, DEMO_PASSWORD)
        base = f"{live_server.url}/units/{CITY}/results/"

        # A phone: the page never scrolls sideways; the table keeps the indicator, its
        # value and its position in view, and leaves out the trend.
        for url in (base, f"{base}{INDICATOR}/", f"{base}domains/EDU/"):
            page.goto(url)
            assert not page.evaluate(PAGE_SCROLLS_SIDEWAYS), url
        page.goto(base)
        table = page.locator("main table.results")
        for name in ("Wskaźnik", "Wartość", "Pozycja"):
            header = table.locator("thead th", has_text=name)
            assert header.is_visible(), name
            box = header.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], name
        assert not table.locator("thead th", has_text="Trend").is_visible()
        assert table.locator("tbody tr").count() > 3

        # A projector: each chart as wide as the content, no text under 12 px, its
        # title once (in the caption, not again in the drawing).
        page.set_viewport_size(DESKTOP)
        page.goto(f"{base}{INDICATOR}/")
        content_width = page.evaluate("document.querySelector('main').clientWidth")
        figures = page.locator("main figure.chart")
        assert figures.count() >= 2
        for figure in figures.all():
            figure.scroll_into_view_if_needed()
            page.wait_for_function(
                "f => f.dataset.chartDrawn === 'yes'", arg=figure.element_handle()
            )
            svg = figure.locator(".chart-canvas svg")
            assert svg.bounding_box()["width"] >= 0.98 * content_width
            sizes = svg.locator("text").evaluate_all(
                "texts => texts.map(t => parseFloat(getComputedStyle(t).fontSize))"
            )
            assert sizes and min(sizes) >= 12
            assert figure.locator("figcaption").count() == 1
            title = figure.locator("figcaption .chart-title").inner_text()
            drawn = svg.locator("text").all_inner_texts()
            assert title not in drawn

        # Sparklines on the dashboard: every one drawn (or, without a value, left
        # empty), and nothing in the console.
        page.goto(base)
        sparklines = page.locator("main .sparkline[data-chart]")
        assert sparklines.count() > 3
        for sparkline in sparklines.all():
            sparkline.scroll_into_view_if_needed()
        page.wait_for_function(
            """() => Array.from(document.querySelectorAll('main .sparkline[data-chart]'))
                 .every(s => s.dataset.chartDrawn === 'yes' || s.dataset.chartDrawn === 'empty')"""
        )
        assert page.locator("main .sparkline[data-chart-drawn='yes'] svg").count() > 3
        assert errors == []
    finally:
        context.close()
