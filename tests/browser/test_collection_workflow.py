"""The whole collection workflow in a real browser, in Polish, as the issue describes it:
the operator opens a round → the participant of unit A fills the form (a Polish number)
and uploads the unit's Excel template filled in → a value far from last year's asks for
an explanation, which the participant gives → submit → the operator returns one value
with a comment → the participant corrects it and resubmits → the operator approves →
the results page shows unit A's indicators → the history shows every step and who took
it. The operator and the participant each have their own browser context."""

import datetime
from decimal import Decimal

import openpyxl
import pytest

from benchlearn.catalogue.models import IndicatorSet
from benchlearn.catalogue.services import catalogue_import, catalogue_publish
from benchlearn.collection.models import (
    ReturnComment,
    Round,
    RoundState,
    Submission,
    SubmissionState,
    Value,
)
from benchlearn.collection.services import (
    round_create,
    submission_approve,
    submission_submit,
)
from benchlearn.results.services import computation_run
from tests.browser.conftest import TIMEOUT_MS, axe_check, login
from tests.collection.conftest import make_round, save
from tests.conftest import TERYT_A

pytestmark = pytest.mark.browser

PERIOD = 2024
NBSP = "\xa0"

WORKFLOW_YAML = """\
format: benchlearn-catalogue
version: 1
domains:
  - code: EDU
    name: {pl: Oświata, en: Education}
variables:
  - code: EXP
    name: {pl: Wydatki bieżące na oświatę, en: Current expenditure on education}
    unit: zł
    min: 0
    domain: EDU
  - code: SUBSIDY
    name: {pl: Subwencja oświatowa, en: Education subsidy}
    unit: zł
    min: 0
    domain: EDU
  - code: TEACHERS
    name: {pl: Nauczyciele (etaty), en: Teachers (full-time)}
    min: 0
    domain: EDU
  - code: PUPILS
    name: {pl: Liczba uczniów, en: Pupils}
    min: 0
    domain: EDU
indicators:
  - code: COST_PUPIL
    name: {pl: Wydatki na ucznia, en: Expenditure per pupil}
    formula: EXP / PUPILS
    unit: zł/ucznia
    decimals: 2
    domain: EDU
  - code: NET_COST
    name: {pl: Koszt netto na ucznia, en: Net cost per pupil}
    formula: COST_PUPIL - SUBSIDY / PUPILS
    unit: zł/ucznia
    decimals: 2
    domain: EDU
  - code: TEACHERS_PER_100
    name: {pl: Nauczyciele na 100 uczniów, en: Teachers per 100 pupils}
    formula: TEACHERS / PUPILS * 100
    decimals: 1
    domain: EDU
sets:
  - code: SET_EDU
    name: {pl: Oświata, en: Education}
    domain: EDU
    indicators: [NET_COST, TEACHERS_PER_100]
"""

LAST_YEAR = {"EXP": "1 200 000", "SUBSIDY": "600 000", "TEACHERS": "40", "PUPILS": "1 000"}
# What the participant types, then fills in the Excel file: teachers 60 against last
# year's 40 is a 50 % change, above the round's 30 % threshold.
TYPED_EXP = "1 324 567,89"  # digits swapped: the operator returns it
CORRECTED_EXP = "1 234 567,89"
EXCEL = {"SUBSIDY": 600000, "TEACHERS": 60, "PUPILS": 1000}
EXPLANATION = "Otwarto nową szkołę podstawową: 20 nowych etatów."
RETURN_NOTE = "Czy nie przestawiono cyfr? W uchwale budżetowej jest 1 234 567,89 zł."


@pytest.fixture
def draft_round(programme, units, operator, participant_a) -> Round:
    """The catalogue, last year's approved values of unit A, and this year's round of
    the group's units (A and B) in preparation, waiting for the operator to open it."""
    catalogue_import(text=WORKFLOW_YAML, user=operator)
    catalogue_publish(user=operator)
    group_units = [units["a"], units["b"]]
    last_round = make_round(operator, group_units, period=PERIOD - 1)
    last_year = Submission.objects.get(round=last_round, unit=units["a"])
    assert save(last_year, participant_a, LAST_YEAR).ok
    last_year.refresh_from_db()
    submission_submit(submission=last_year, user=participant_a, base_revision=last_year.revision)
    submission_approve(submission=last_year, operator=operator)
    return round_create(
        user=operator,
        name=f"Oświata {PERIOD}",
        period=PERIOD,
        indicator_sets=IndicatorSet.objects.filter(code="SET_EDU"),
        units=group_units,
        deadline=datetime.date(PERIOD + 1, 3, 31),
        warning_threshold=Decimal(30),
    )


@pytest.fixture
def participant_page(browser):
    """A second browser, for the participant (the ``page`` fixture is the operator's)."""
    context = browser.new_context(locale="pl-PL")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def click_and_wait(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def state(round_: Round) -> str:
    return Submission.objects.get(round=round_, unit__teryt=TERYT_A).state


def stored(code: str) -> Decimal | None:
    return Value.objects.get(unit__teryt=TERYT_A, period=PERIOD, variable__code=code).value


def text_of(locator) -> str:
    return " ".join(locator.inner_text().replace(NBSP, " ").split())


def test_the_whole_collection_workflow(
    page, participant_page, live_server, draft_round, operator, participant_a, tmp_path
):
    round_ = draft_round
    operator_page, clerk = page, participant_page
    round_url = f"{live_server.url}/rounds/{round_.pk}/"
    form_url = f"{round_url}units/{TERYT_A}/"

    # The operator opens the round from its page.
    login(operator_page, live_server, operator.email)
    operator_page.goto(round_url)
    axe_check(operator_page)
    click_and_wait(
        operator_page, operator_page.get_by_role("button", name="Otwórz zbieranie danych")
    )
    round_.refresh_from_db()
    assert round_.state == RoundState.OPEN
    assert operator_page.locator("table.progress tbody tr").count() == 2
    axe_check(operator_page)

    # The participant types one value the Polish way and saves it.
    login(clerk, live_server, participant_a.email)
    clerk.goto(form_url)
    assert "Poprzedni rok: 1 200 000" in text_of(clerk.locator("#field-EXP"))
    axe_check(clerk)
    clerk.locator("#v-EXP").fill(TYPED_EXP)
    click_and_wait(clerk, clerk.get_by_role("button", name="Zapisz", exact=True))
    assert stored("EXP") == Decimal("1324567.89")

    # ... downloads the unit's template, fills the rest in Excel and uploads it.
    with clerk.expect_download() as download:
        clerk.get_by_role("link", name="Pobierz szablon Excel").click()
    assert download.value.suggested_filename == f"benchlearn-{round_.pk}-{TERYT_A}.xlsx"
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in EXCEL:
            row[5].value = EXCEL[row[0].value]
    filled = tmp_path / "dane-gminy.xlsx"
    book.save(filled)
    clerk.get_by_role("link", name="Wczytaj wypełniony plik (Excel lub CSV)").click()
    clerk.locator("input[name=file]").set_input_files(filled)
    click_and_wait(clerk, clerk.locator("main form button[type=submit]"))
    assert clerk.url == form_url
    assert {code: stored(code) for code in EXCEL} == {
        code: Decimal(value) for code, value in EXCEL.items()
    }

    # Teachers went from 40 to 60: submitting asks for an explanation first.
    teachers = clerk.locator("#field-TEACHERS")
    assert "Ostrzeżenie" in text_of(teachers)
    click_and_wait(clerk, clerk.get_by_role("button", name="Zapisz i wyślij"))
    assert "wyjaśnij ostrzeżenie w komentarzu" in text_of(teachers)
    assert state(round_) == SubmissionState.DRAFT
    axe_check(clerk)
    clerk.locator("#c-TEACHERS").fill(EXPLANATION)
    click_and_wait(clerk, clerk.get_by_role("button", name="Zapisz i wyślij"))
    assert state(round_) == SubmissionState.SUBMITTED

    # The operator returns the expenditure with a comment.
    operator_page.goto(form_url)
    click_and_wait(operator_page, operator_page.get_by_role("link", name="Zwróć z uwagami"))
    assert EXPLANATION in text_of(operator_page.locator("main"))
    operator_page.locator("textarea[name=c-EXP]").fill(RETURN_NOTE)
    click_and_wait(operator_page, operator_page.get_by_role("button", name="Zwróć jednostce"))
    assert state(round_) == SubmissionState.RETURNED
    assert ReturnComment.objects.get().variable.code == "EXP"

    # The participant sees the comment next to the field, corrects and resubmits.
    clerk.goto(form_url)
    assert RETURN_NOTE in text_of(clerk.locator("#field-EXP .return-comment"))
    clerk.locator("#v-EXP").fill(CORRECTED_EXP)
    click_and_wait(clerk, clerk.get_by_role("button", name="Zapisz i wyślij"))
    assert state(round_) == SubmissionState.SUBMITTED
    assert stored("EXP") == Decimal("1234567.89")

    # The operator approves.
    operator_page.goto(form_url)
    click_and_wait(operator_page, operator_page.get_by_role("button", name="Zatwierdź"))
    assert state(round_) == SubmissionState.APPROVED

    # The approval queued a computation: until a worker has run it, the results page
    # says so; then it shows the stored results for unit A.
    operator_page.goto(round_url)
    click_and_wait(
        operator_page,
        operator_page.get_by_role("link", name="Wskaźniki obliczone z zatwierdzonych danych"),
    )
    assert "Wyniki czekają na obliczenie" in text_of(operator_page.locator("main"))
    computation_run()
    operator_page.reload()
    rows = operator_page.locator("table.results tbody tr")
    assert rows.count() == 1  # unit B has not submitted anything
    # 1 234 567,89 / 1 000 = 1 234,57 per pupil; minus 600 000 / 1 000 = 634,57;
    # 60 / 1 000 × 100 = 6,0 (columns: the set's indicators, then COST_PUPIL they use).
    cells = [text_of(cell) for cell in rows.first.locator("td").all()]
    assert cells == ["634,57", "6,0", "1 234,57"]
    assert TERYT_A in text_of(rows.first.locator("th"))
    headers = text_of(operator_page.locator("table.results thead"))
    assert "Koszt netto na ucznia [zł/ucznia]" in headers
    axe_check(operator_page)
    clerk.goto(f"{round_url}results/")
    assert [text_of(c) for c in clerk.locator("table.results tbody td").all()] == cells

    # The history shows every step, with who took it (newest first on the page).
    clerk.goto(f"{form_url}history/")
    steps = []
    for row in reversed(clerk.locator("main table tbody tr").all()):
        cells = [text_of(cell) for cell in row.locator("td").all()]
        steps.append((cells[1], cells[3], cells[4]))
    anna, olga = participant_a.full_name, operator.full_name
    workflow = "obieg danych"
    assert steps[0] == ("EXP", anna, "formularz")  # saved on the form
    assert sorted(steps[1:4]) == [  # uploaded from Excel
        ("PUPILS", anna, "plik Excel"),
        ("SUBSIDY", anna, "plik Excel"),
        ("TEACHERS", anna, "plik Excel"),
    ]
    assert steps[4:] == [
        ("TEACHERS", anna, "formularz"),  # the explanation of the warning
        ("przekazane", anna, workflow),
        ("zwrócone do poprawy", olga, workflow),
        ("EXP", anna, "formularz"),  # corrected
        ("przekazane", anna, workflow),
        ("zatwierdzone", olga, workflow),
    ]
    history = text_of(clerk.locator("main table"))
    assert "1 324 567,89 → 1 234 567,89" in history
    assert f"“” → “{EXPLANATION}”" in history
