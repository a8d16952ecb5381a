"""A real headless Chromium (Debian's) driving the live site, and axe-core to judge it.

The browser is launched once per session; every test gets a fresh context (no cookies,
Polish locale) against pytest-django's ``live_server``. Fixture users come from
``tests/conftest.py``; their password is ``tests.conftest.PASSWORD``.
"""

import json
import os
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
TIMEOUT_MS = 10_000


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    # Shadows the fixture of tests/conftest.py: in the browser the site speaks its real
    # default, Polish; tests switch to English through the page when they need to.
    settings.LANGUAGE_CODE = "pl"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = (
            f"Chromium is not installed at {CHROMIUM}; the browser tests need Debian's "
            "chromium (apt-get install chromium)."
        )
        if os.environ.get("BENCHLEARN_REQUIRE_BROWSER"):
            pytest.fail(f"{reason} BENCHLEARN_REQUIRE_BROWSER is set, so this is an error.")
        pytest.skip(reason)

    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, and Django then
    # refuses ORM calls from it (fixtures, the database flush after each test) as if
    # they came from async code. They do not; allow them while the browser is up, i.e.
    # to the end of the session, since later tests run in the same thread.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="pl-PL")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    yield context
    context.close()


# Every page records the Content-Security-Policy violations it meets: the browser's
# securitypolicyviolation events (scripts, styles, eval) and its console's "Refused to".
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(
    `${event.violatedDirective}: ${event.blockedURI || "inline"} (${where})`
  );
});
"""


@pytest.fixture
def page(context):
    page = context.new_page()
    page.add_init_script(CSP_LISTENER)
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.csp_console = console
    yield page
    # A test that ends with a violation fails: pages and charts must run under the policy.
    assert csp_violations(page) == [], f"Content-Security-Policy violations on {page.url}"


def csp_violations(page) -> list[str]:
    """The violations reported so far on the page's current document and its console."""
    try:
        events = page.evaluate("window.__cspViolations || []")
    except Exception:  # the page is closed or navigating; the console still tells
        events = []
    return [*page.csp_console, *events]


def login(page, live_server, email: str, password: str = PASSWORD):
    """Log in through the real login form; returns the response of the last navigation."""
    page.goto(f"{live_server.url}/accounts/login/")
    form = page.locator("main form")
    form.locator("input[name=username]").fill(email)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation() as navigation:
        form.locator("button[type=submit]").click()
    return navigation.value


def axe_check(page) -> None:
    """Fail when axe-core finds a serious or critical WCAG 2.1 A/AA violation on the page."""
    if not AXE_JS.exists():
        pytest.fail(f"axe-core is missing ({AXE_JS}): run `npm ci` in {AXE_JS.parents[2]}.")
    # Evaluated through the DevTools protocol, not added as a <script>: the page's
    # Content-Security-Policy refuses inline scripts, and this one is ours, not the page's.
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    results = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags}})""", AXE_TAGS
    )
    blocking = [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    report = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [
                {"target": n["target"], "summary": n.get("failureSummary")} for n in v["nodes"]
            ],
        }
        for v in blocking
    ]
    assert not blocking, (
        f"axe-core found {len(blocking)} serious/critical violation(s) on {page.url} "
        f"(lang={page.locator('html').get_attribute('lang')}):\n{json.dumps(report, indent=2)}"
    )


def switch_language(page, name: str):
    """Press a language button ("Polski" or "English") in the header; returns the response."""
    with page.expect_navigation() as navigation:
        page.locator("header form.language").get_by_role("button", name=name).click()
    return navigation.value
