"""A survey of the shipped education questionnaire over units A and B, open, by open
link and by codes; a resident's browser (a client with no account)."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from benchlearn.surveys import flood
from benchlearn.surveys.models import (
    Questionnaire,
    ResponseCode,
    Survey,
    SurveyMode,
    SurveyState,
    SurveyUnit,
)
from benchlearn.surveys.questionnaires import questionnaires_load


@pytest.fixture
def shipped(db):
    return questionnaires_load()


@pytest.fixture
def survey(shipped, unit_a, unit_b, operator) -> Survey:
    version = Questionnaire.objects.get(code="EDU_SATISFACTION").versions.get()
    survey = Survey.objects.create(
        name="Badanie satysfakcji 2026",
        questionnaire_version=version,
        period=2026,
        modes=[SurveyMode.OPEN, SurveyMode.CODES],
        state=SurveyState.OPEN,
        created_by=operator,
    )
    SurveyUnit.objects.create(survey=survey, unit=unit_a)
    SurveyUnit.objects.create(survey=survey, unit=unit_b)
    return survey


@pytest.fixture
def link_a(survey, unit_a) -> SurveyUnit:
    return survey.survey_units.get(unit=unit_a)


@pytest.fixture
def code_a(survey, unit_a) -> ResponseCode:
    return ResponseCode.objects.create(survey=survey, unit=unit_a, code="ACDEFGHJ")


@pytest.fixture
def resident() -> Client:
    return Client()


def shown_long_ago() -> str:
    """The signed time of a page shown a minute ago (a person's pace)."""
    return flood.shown_stamp(time.time() - 60)


def send(client: Client, url: str, data: dict | None = None, **extra):
    """Post a form as a person would, after reading it."""
    return client.post(url, {"shown": shown_long_ago(), **(data or {})}, **extra)


def answer_url(link: SurveyUnit) -> str:
    return reverse("survey-answer", args=[link.open_token])
