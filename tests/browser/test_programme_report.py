"""The office opens a programme's report from the programmes' list and downloads the
.xlsx for the funders; a moderator opens the workspace with meetings held: both pages
axe-checked, in a real browser, in Polish."""

import io

import pytest
from openpyxl import load_workbook

from benchlearn.groups.services import programme_create
from benchlearn.units.models import Level
from tests.browser.conftest import axe_check, login
from tests.groups.cycle import hold, plan

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _files_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_office_reads_the_report_and_downloads_it(
    page, browser, live_server, programme, group, unit_a, unit_b, operator, moderator
):
    funded = programme_create(
        name="Doskonalenie 2025–2026", first_year=2025, last_year=2026, groups=[group]
    )
    meetings = plan(group, moderator)
    hold(meetings[0], moderator, [(unit_a, Level.STRATEGIC), (unit_b, Level.MIDDLE)])

    login(page, live_server, operator.email)
    page.goto(f"{live_server.url}/groups/programmes/")
    with page.expect_navigation():
        page.get_by_role("link", name="Raport: spotkania, obecność, miejsca").click()
    assert page.url == f"{live_server.url}/groups/programmes/{funded.pk}/report/"
    row = page.locator(f"tr[data-group='{group.pk}']")
    assert "1 / 8" in row.locator("td[data-held]").inner_text()
    assert row.locator("td[data-rate]").inner_text() == "33 %"  # 2 of 6 seats
    axe_check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Pobierz do sprawozdania dla grantodawcy (.xlsx)").click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert book.sheetnames == ["Grupy", "Jednostki", "Szczeble"]
    header, first = ([c.value for c in r] for r in book["Grupy"].iter_rows(max_row=2))
    figures = dict(zip(header, first, strict=True))
    assert figures["Grupa"] == "GWD Oświata"
    assert figures["Spotkania odbyte"] == 1
    assert figures["Obecność"] == pytest.approx(2 / 6)

    # The moderator's workspace of the same group, with its meeting held.
    other = browser.new_context(locale="pl-PL").new_page()
    login(other, live_server, moderator.email)
    other.goto(f"{live_server.url}/groups/{group.pk}/workspace/")
    attendance = other.locator("section[data-section=attendance]")
    assert "Odbyło się 1 z 8 zaplanowanych spotkań." in attendance.inner_text()
    assert attendance.locator(
        f"tr[data-attendance='{unit_a.teryt}'] td[data-rate]"
    ).inner_text() == ("33 %")
    axe_check(other)
    other.context.close()
