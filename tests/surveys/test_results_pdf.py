"""The survey report PDF of a unit and the comparison PDF carry the figures (read back
with pypdf), made by the document task for whoever may read the page."""

import io
import re

import pytest
from pypdf import PdfReader

from benchlearn.reports.documents import survey_unit_pdf
from tests.conftest import client_for
from tests.surveys.results_setup import answer_many, catalogue, open_survey, waste_questionnaire


@pytest.fixture
def survey(operator, unit_a, unit_b):
    catalogue(operator)
    version = waste_questionnaire(operator)
    survey = open_survey(version, [unit_a, unit_b], operator, minimum=4)
    answer_many(survey, unit_a, operator, ["5", "5", "4", "2"])
    answer_many(survey, unit_b, operator, ["1", "5", "5"])  # below the minimum
    return survey


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _downloaded(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    link = re.search(r'href="(/documents/\d+/file)"', page)
    assert link, page
    file = client.get(link[1])
    return b"".join(file.streaming_content) if file.streaming else file.content


def test_the_unit_report_holds_its_figures(survey, unit_a, participant_a, tasks_run_at_once):
    pdf = _downloaded(
        client_for(participant_a), f"/surveys/{survey.pk}/results/{unit_a.teryt}/report.pdf"
    )
    text = _text(pdf)
    # 3 of 4 satisfied: 75.0 %, Wilson 30.1–95.4; the mean 4.00.
    assert unit_a.name in text and "75.0" in text and "30.1–95.4" in text and "4.00" in text
    assert "Too few responses" not in text


def test_below_the_minimum_every_page_says_so(survey, unit_b, operator):
    text = _text(survey_unit_pdf(survey, unit_b))
    assert "Too few responses: 3 of the 4 needed" in text
    assert "indicative only: too few responses" in text


def test_the_comparison_shows_the_units_at_the_minimum(
    survey, unit_a, unit_b, operator, tasks_run_at_once
):
    text = _text(_downloaded(client_for(operator), f"/surveys/{survey.pk}/results/comparison.pdf"))
    assert unit_a.name in text and unit_b.name not in text
    assert "75.0" in text and "Units with fewer responses, not shown: 1" in text


def test_a_stranger_gets_no_pdf(survey, unit_a, stranger):
    client = client_for(stranger)
    assert client.get(f"/surveys/{survey.pk}/results/{unit_a.teryt}/report.pdf").status_code == 404
    assert client.get(f"/surveys/{survey.pk}/results/comparison.pdf").status_code == 404


def test_the_reports_speak_polish_with_polish_numbers(survey, unit_a, unit_b, operator, settings):
    from django.utils import translation

    from benchlearn.reports.documents import survey_comparison_pdf

    settings.LANGUAGE_CODE = "pl"
    with translation.override("pl"):
        unit_text = _text(survey_unit_pdf(survey, unit_a))
        low_text = _text(survey_unit_pdf(survey, unit_b))
        comparison = _text(survey_comparison_pdf(operator, survey))
    # 3 of 4 satisfied: 75,0 % with the Polish decimal comma, Wilson 30,1–95,4.
    assert "75,0" in unit_text and "30,1–95,4" in unit_text and "4,00" in unit_text
    assert "Zadowoleni" in unit_text and "Satisfied" not in unit_text
    assert "Za mało odpowiedzi" in low_text
    assert unit_a.name in comparison and "75,0" in comparison
