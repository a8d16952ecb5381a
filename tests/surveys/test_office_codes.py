"""Per unit of a survey: the open link and its QR code, batches of single-use codes with
their CSV and letters (PDF, one page per code), the paper questionnaire, and the
keyboard-only screen on which the office types paper returns."""

import csv
import io
import re

import pytest
from pypdf import PdfReader

from benchlearn.reports.models import Document
from benchlearn.surveys.models import Response, ResponseCode
from benchlearn.surveys.office import code_link, open_link
from benchlearn.surveys.running import survey_open
from tests.conftest import client_for
from tests.surveys.office_walk import questionnaire_of, survey_of

zxingcpp = pytest.importorskip("zxingcpp")


@pytest.fixture(autouse=True)
def _documents_in_a_temporary_folder(settings, tmp_path):
    settings.DOCUMENTS_DIR = tmp_path / "documents"


@pytest.fixture
def survey(operator, unit_a, unit_b):
    return survey_of(questionnaire_of(operator), [unit_a, unit_b], operator)


def _base(survey, unit) -> str:
    return f"/surveys/{survey.pk}/units/{unit.teryt}/"


def _read_qr(png: bytes) -> list[str]:
    from PIL import Image

    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_the_units_page_shows_the_open_link_and_its_qr_code(survey, unit_a, operator):
    client = client_for(operator)
    link = open_link(survey.survey_units.get(unit=unit_a))
    page = client.get(_base(survey, unit_a)).content.decode()
    assert link in page and "<svg" in page
    png = client.get(_base(survey, unit_a) + "qr.png")
    assert png["Content-Type"] == "image/png"
    assert _read_qr(png.content) == [link]


def test_a_batch_of_codes_is_listed_and_downloaded(survey, unit_a, operator):
    client = client_for(operator)
    made = client.post(_base(survey, unit_a) + "codes/", {"count": "5"})
    assert made.status_code == 302
    codes = set(
        ResponseCode.objects.filter(survey=survey, unit=unit_a).values_list("code", flat=True)
    )
    assert len(codes) == 5
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(_base(survey, unit_a) + "codes/1.csv").content.decode())
        )
    )
    assert {row["code"] for row in rows} == codes
    assert all(row["link"] == code_link(row["code"]) and row["used"] == "no" for row in rows)
    page = client.get(_base(survey, unit_a)).content.decode()
    assert "Codes (CSV)" in page and all(f"<code>{code}</code>" in page for code in codes)


@pytest.mark.parametrize(
    ("count", "message"),
    [("0", "greater than or equal to 1"), ("", "required"), ("5001", "less than or equal to 5000")],
)
def test_a_bad_number_of_codes_is_refused_and_none_made(count, message, survey, unit_a, operator):
    response = client_for(operator).post(_base(survey, unit_a) + "codes/", {"count": count})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ResponseCode.objects.exists()


def test_the_letters_pdf_has_a_page_per_code_with_its_code_link_and_qr(
    survey, unit_a, operator, tasks_run_at_once
):
    client = client_for(operator)
    client.post(_base(survey, unit_a) + "codes/", {"count": "3"})
    codes = sorted(
        ResponseCode.objects.filter(survey=survey, unit=unit_a).values_list("code", flat=True)
    )
    response = client.get(_base(survey, unit_a) + "codes/1/letters.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    for page, code in zip(reader.pages, codes, strict=True):
        text = page.extract_text()
        assert code in text and "/s/code/" in text and unit_a.name in text
    pypdfium2 = pytest.importorskip("pypdfium2")
    first = pypdfium2.PdfDocument(pdf)[0].render(scale=2).to_pil()
    assert [found.text for found in zxingcpp.read_barcodes(first)] == [code_link(codes[0])]


def test_the_paper_questionnaire_pdf_prints_every_question_and_answer_code(
    survey, unit_a, operator, tasks_run_at_once
):
    response = client_for(operator).get(_base(survey, unit_a) + "paper.pdf")
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for question in survey.questionnaire_version.questions.all():
        assert question.code in text
    assert "(1)" in text and "(9)" in text  # answer codes, "don't know" among them
    assert "Answer only if" in text  # skip logic said on paper


@pytest.mark.parametrize("role", ["moderator", "participant_a", "stranger"])
def test_everyone_but_the_office_is_refused(role, programme, survey, unit_a):
    client = client_for(programme[role])
    for path in ("", "qr.png", "paper/", "paper.pdf"):
        assert client.get(_base(survey, unit_a) + path).status_code == 403, path
    assert client.post(_base(survey, unit_a) + "codes/", {"count": "3"}).status_code == 403
    assert client.post(_base(survey, unit_a) + "paper/", {"q-USE": "1"}).status_code == 403
    assert not ResponseCode.objects.exists() and not Response.objects.exists()
    assert not Document.objects.exists()


def test_paper_returns_are_typed_checked_and_saved_one_after_another(survey, unit_a, operator):
    survey_open(survey=survey, by=operator)
    client = client_for(operator)
    url = _base(survey, unit_a) + "paper/"
    page = client.get(url).content.decode()
    assert re.search(r'id="q-USE"[^>]*autofocus', page, re.S)  # the first field focused
    saved = client.post(
        url, {"q-USE": "1", "q-Q1": "4", "q-NPS": "10", "q-AGE": "42", "q-OPEN": "Więcej koszy"}
    )
    assert saved.status_code == 302 and saved["Location"] == url  # the next empty form
    response = Response.objects.get()
    assert response.mode == "paper" and response.submitted_at is not None
    assert response.answers == {"USE": "1", "Q1": 4, "NPS": 10, "AGE": 42, "OPEN": "Więcej koszy"}
    assert response.entered_by == operator and response.unit == unit_a
    # A non-user: the skipped question's answer is dropped, as online.
    client.post(url, {"q-USE": "2", "q-Q1": "5"})
    assert Response.objects.order_by("-pk").first().answers == {"USE": "2"}


def test_a_wrong_code_on_a_paper_return_is_named_and_nothing_saved(survey, unit_a, operator):
    survey_open(survey=survey, by=operator)
    url = _base(survey, unit_a) + "paper/"
    response = client_for(operator).post(url, {"q-USE": "1", "q-Q1": "7", "q-AGE": "3"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "No such answer: 7" in page and "outside the allowed range" in page
    assert re.search(r'id="q-Q1"[^>]*aria-invalid="true"[^>]*autofocus', page, re.S)
    assert 'value="7"' in page  # what was typed stays to correct
    assert not Response.objects.exists()


def test_paper_returns_wait_for_the_survey_to_open(survey, unit_a, operator):
    response = client_for(operator).post(_base(survey, unit_a) + "paper/", {"q-USE": "1"})
    assert response.status_code == 400 and "while the survey is open" in response.content.decode()
    assert not Response.objects.exists()
