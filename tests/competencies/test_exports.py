"""A programme's competency aggregates exported for programme reports: the xlsx read back
with openpyxl, the PDF's text read with pypdf. A figure behind fewer than five people is
written as words in both, never as a number; the office only."""

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from benchlearn.groups.services import programme_create
from benchlearn.units.models import Level
from tests.competencies.cohort import END, START, assess, extra_units, seat_holders
from tests.conftest import client_for

WITHHELD = "fewer than 5 people — not shown"


@pytest.fixture
def exported(scheme, group, operator):
    owner = programme_create(name="Kompetencje", first_year=2026, last_year=2027, groups=[group])
    units = extra_units(9)
    five = seat_holders(group, Level.OPERATIONAL, 5, by=operator, tag="op", units=units[:5])
    four = seat_holders(group, Level.MIDDLE, 4, by=operator, tag="mid", units=units[5:])
    for person in five:
        assess(person, group, scheme, START, {"MEASURE": 2})
        assess(person, group, scheme, END, {"MEASURE": 3})
    for person in four:
        # Four people at level 1: their mean (1.00) must appear nowhere.
        assess(person, group, scheme, START, {"MEASURE": 1})
    return owner


def test_the_workbook_shows_the_figures_and_says_where_they_are_withheld(exported, operator, group):
    response = client_for(operator).get(f"/competencies/programmes/{exported.pk}/competencies.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="competencies-')
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:4] == ("Code", "Competency", "Seat", "People (n)")
    shown = next(row for row in rows[1:] if row[3] == 5)
    assert shown[:2] == ("MEASURE", "Measuring and monitoring performance")
    assert shown[3:] == (5, 2.0, 3.0, 1.0, 0.0)
    withheld = next(row for row in rows[1:] if row[3] == 4)
    assert withheld[4:] == (WITHHELD,) * 4
    # Over all seats nine people stand behind MEASURE: shown.
    overall = next(row for row in rows[1:] if row[2] == "All seats")
    assert overall[3] == 9 and overall[4] == pytest.approx((10 + 4) / 9, abs=0.01)
    groups = list(book["Groups"].iter_rows(values_only=True))
    assert {row[0] for row in groups[1:]} == {group.name}
    assert any(row[5] == WITHHELD for row in groups[1:])
    assert not any(value == 1.0 for row in rows[1:] for value in row[4:6] if row[3] == 4)


def test_the_pdf_holds_the_tables_in_words_where_withheld(exported, operator):
    response = client_for(operator).get(f"/competencies/programmes/{exported.pk}/competencies.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Competencies: Kompetencje" in text
    assert "Measuring and monitoring performance" in text
    assert "fewer than 5 people" in text
    assert "GWD Oświata" in text


def test_the_pdf_in_polish(exported, operator, settings):
    settings.LANGUAGE_CODE = "pl"
    response = client_for(operator).get(f"/competencies/programmes/{exported.pk}/competencies.pdf")
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "mniej niż 5 osób" in text
    assert "Pomiar i monitorowanie wyników" in text


@pytest.mark.parametrize("role", ["moderator", "participant_a", "stranger"])
@pytest.mark.parametrize("suffix", ["competencies.xlsx", "competencies.pdf"])
def test_exports_are_the_offices(programme, exported, role, suffix):
    response = client_for(programme[role]).get(f"/competencies/programmes/{exported.pk}/{suffix}")
    assert response.status_code == 403
