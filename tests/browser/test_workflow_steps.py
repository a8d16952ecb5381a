"""The workflow's steps of issue 13 in a real browser, in Polish: a moderator approves a
member's data where the programme allows it; internal sign-off (the middle level
submits for sign-off, the operational level cannot send, the strategic level confirms);
closing a round after a confirmation naming the forms still open, and reopening it
with a reason; the round workbook downloaded and uploaded back, its locked rows
skipped."""

import openpyxl
import pytest

from benchlearn.collection.models import RoundEvent, RoundState, SubmissionEvent, SubmissionState
from benchlearn.collection.services import submission_submit
from benchlearn.groups.services import programme_create
from benchlearn.units.models import Level
from benchlearn.units.services import unit_membership_set
from tests.browser.conftest import axe_check, login
from tests.collection import conftest as collection
from tests.collection.conftest import COMPLETE, save
from tests.conftest import make_user

pytestmark = pytest.mark.browser

# The collection tests' fixtures: an open round of units A, B and C.
published = collection.published
round_ = collection.round_
sub_a = collection.sub_a
sub_b = collection.sub_b


def click_and_wait(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def _submitted(submission, user):
    assert save(submission, user, COMPLETE).ok
    submission.refresh_from_db()
    submission_submit(submission=submission, user=user, base_revision=submission.revision)
    submission.refresh_from_db()


def test_a_moderator_approves_a_member_submission_when_the_programme_allows(
    page, live_server, sub_a, participant_a, group, moderator
):
    _submitted(sub_a, participant_a)
    form_url = f"{live_server.url}/rounds/{sub_a.round_id}/units/{sub_a.unit.teryt}/"
    login(page, live_server, moderator.email)
    page.goto(form_url)
    assert page.get_by_role("button", name="Zatwierdź").count() == 0  # not yet allowed
    programme = programme_create(
        name="Doskonalenie zarządzania usługami publicznymi 2026–2027",
        first_year=2026,
        last_year=2027,
        moderators_review=True,
    )
    group.programme = programme
    group.save(update_fields=["programme"])
    page.goto(form_url)
    axe_check(page)
    click_and_wait(page, page.get_by_role("button", name="Zatwierdź"))
    sub_a.refresh_from_db()
    assert sub_a.state == SubmissionState.APPROVED and sub_a.approved_by == moderator


def test_internal_signoff_level_by_level(page, browser, live_server, sub_a, participant_a):
    round_ = sub_a.round
    round_.internal_signoff = True
    round_.save(update_fields=["internal_signoff"])
    middle = make_user("srednia@example.org", "Sława Średnia")
    unit_membership_set(user=middle, unit=sub_a.unit, level=Level.MIDDLE)
    operational = make_user("operacja@example.org", "Olek Operacyjny")
    unit_membership_set(user=operational, unit=sub_a.unit, level=Level.OPERATIONAL)
    form_url = f"{live_server.url}/rounds/{round_.pk}/units/{sub_a.unit.teryt}/"

    # The operational level enters the data; it is offered no way to send them.
    login(page, live_server, operational.email)
    page.goto(form_url)
    assert "Wewnętrzne zatwierdzanie" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Zapisz i przekaż do zatwierdzenia").count() == 0
    assert page.get_by_role("button", name="Zapisz, potwierdź i wyślij").count() == 0
    for code, text in COMPLETE.items():
        page.locator(f"#v-{code}").fill(text)
    click_and_wait(page, page.get_by_role("button", name="Zapisz", exact=True))
    axe_check(page)

    # The middle level submits them for sign-off: they stay in the unit, locked.
    context = browser.new_context(locale="pl-PL")
    middle_page = context.new_page()
    login(middle_page, live_server, middle.email)
    middle_page.goto(form_url)
    assert middle_page.get_by_role("button", name="Zapisz, potwierdź i wyślij").count() == 0
    click_and_wait(
        middle_page, middle_page.get_by_role("button", name="Zapisz i przekaż do zatwierdzenia")
    )
    sub_a.refresh_from_db()
    assert sub_a.state == SubmissionState.SIGNOFF
    assert "Czeka na zatwierdzenie" in middle_page.locator("main").inner_text()
    assert middle_page.get_by_role("button", name="Potwierdź i wyślij").count() == 0
    context.close()

    # The strategic level confirms and sends them to the office.
    context = browser.new_context(locale="pl-PL")
    boss = context.new_page()
    login(boss, live_server, participant_a.email)
    boss.goto(form_url)
    axe_check(boss)
    click_and_wait(boss, boss.get_by_role("button", name="Potwierdź i wyślij"))
    sub_a.refresh_from_db()
    assert sub_a.state == SubmissionState.SUBMITTED and sub_a.submitted_by == participant_a
    kinds = list(sub_a.events.values_list("kind", flat=True))
    assert kinds == [SubmissionEvent.Kind.TO_SIGNOFF, SubmissionEvent.Kind.SIGNED_OFF]
    context.close()


def test_closing_asks_naming_open_forms_and_reopening_keeps_the_reason(
    page, live_server, round_, sub_a, sub_b, participant_a, operator
):
    _submitted(sub_a, participant_a)
    round_url = f"{live_server.url}/rounds/{round_.pk}/"
    login(page, live_server, operator.email)
    page.goto(round_url)
    click_and_wait(page, page.get_by_role("link", name="Zamknij zbieranie danych"))
    open_forms = page.locator("ul.open-forms").inner_text()
    assert sub_b.unit.name in open_forms and sub_a.unit.name not in open_forms
    axe_check(page)
    round_.refresh_from_db()
    assert round_.state == RoundState.OPEN  # asking closed nothing
    click_and_wait(page, page.get_by_role("button", name="Tak, zamknij rundę"))
    round_.refresh_from_db()
    assert round_.state == RoundState.CLOSED

    click_and_wait(page, page.get_by_role("link", name="Otwórz rundę ponownie"))
    axe_check(page)
    page.get_by_label("Dlaczego runda jest otwierana ponownie?").fill(
        "Gliwice poprawiają liczbę etatów"
    )
    click_and_wait(page, page.get_by_role("button", name="Otwórz rundę ponownie"))
    round_.refresh_from_db()
    assert round_.state == RoundState.OPEN
    history = page.locator("ul.round-history").inner_text()
    assert "Gliwice poprawiają liczbę etatów" in history
    event = RoundEvent.objects.get(round=round_, kind=RoundEvent.Kind.REOPENED)
    assert event.by == operator


def test_the_round_workbook_goes_back_up_with_locked_rows_skipped(
    page, live_server, round_, sub_a, sub_b, participant_a, operator, tmp_path
):
    _submitted(sub_a, participant_a)
    login(page, live_server, operator.email)
    page.goto(f"{live_server.url}/rounds/{round_.pk}/")
    with page.expect_download() as download:
        page.get_by_role(
            "link", name="Pobierz jeden skoroszyt dla wszystkich jednostek (Excel)"
        ).click()
    path = tmp_path / "runda.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == sub_b.unit.teryt:
            row[header.index("TEACHERS")].value = 17
    book.save(path)

    click_and_wait(page, page.get_by_role("link", name="Wczytaj wartości wielu jednostek"))
    page.locator("input[name=file]").set_input_files(path)
    click_and_wait(page, page.locator("main form button[type=submit]"))
    text = page.locator("main").inner_text()
    assert "Pominięto bez zmian wiersz 1 jednostki" in text and sub_a.unit.name in text
    axe_check(page)

    # The same file with a locked row changed: refused, with the reason, nothing stored.
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == sub_a.unit.teryt:
            row[header.index("TEACHERS")].value = 41
    book.save(path)
    page.goto(f"{live_server.url}/rounds/{round_.pk}/upload/")
    page.locator("input[name=file]").set_input_files(path)
    click_and_wait(page, page.locator("main form button[type=submit]"))
    text = page.locator("main").inner_text()
    assert "są zablokowane" in text and "41 w pliku" in text
    sub_a.refresh_from_db()
    assert sub_a.state == SubmissionState.SUBMITTED
