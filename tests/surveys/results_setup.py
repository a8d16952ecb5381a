"""A waste questionnaire with the roles the results use (overall satisfaction, an item,
sex and age band, an open question), a catalogue with the waste domain's survey
variables and satisfaction indicator, a collection round of the survey's year, and
paper returns typed in through the office's service. Used by the results tests and the
URL × role walk."""

import datetime

from benchlearn.catalogue.models import Domain, IndicatorSet
from benchlearn.catalogue.services import catalogue_import, catalogue_publish
from benchlearn.collection.services import round_create, round_open
from benchlearn.surveys.editing import (
    QuestionInput,
    question_save,
    questionnaire_create,
    version_publish,
)
from benchlearn.surveys.margins_entry import margins_store
from benchlearn.surveys.models import QuestionKind, QuestionnaireVersion, Survey
from benchlearn.surveys.running import SurveyInput, paper_response_save, survey_open, survey_save

PERIOD = 2026
BANDS = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]

CATALOGUE = """\
format: benchlearn-catalogue
version: 1
domains:
  - code: WST
    name: {pl: Odpady, en: Waste}
variables:
  - code: WST_T
    name: {pl: Odpady zebrane, en: Waste collected}
    min: 0
    domain: WST
  - code: WST_SURVEY_RESP
    name: {pl: Respondenci – odpady, en: Respondents – waste}
    source: survey
    min: 0
    domain: WST
  - code: WST_SURVEY_SATISFIED
    name: {pl: Zadowoleni – odpady, en: Satisfied – waste}
    source: survey
    min: 0
    domain: WST
indicators:
  - code: WST_T_IND
    name: {pl: Odpady, en: Waste}
    formula: WST_T
    domain: WST
  - code: WST_SATISFACTION
    name: {pl: Zadowolenie z odbioru odpadów, en: Satisfaction with waste collection}
    formula: 100 * WST_SURVEY_SATISFIED / WST_SURVEY_RESP
    category: satisfaction
    domain: WST
sets:
  - code: SET_WST
    name: {pl: Odpady, en: Waste}
    domain: WST
    indicators: [WST_T_IND, WST_SATISFACTION]
"""

QUESTIONS = [
    QuestionInput(
        code="OVERALL",
        kind=QuestionKind.SCALE5,
        role="overall",
        text_pl="Ogólnie: na ile jest Pan/Pani zadowolony(-a) z odbioru odpadów?",
        text_en="All in all, how satisfied are you with waste collection?",
        dont_know=True,
    ),
    QuestionInput(
        code="Q1",
        kind=QuestionKind.SCALE5,
        role="item",
        text_pl="Czystość wokół pojemników",
        text_en="Cleanliness around the bins",
        dont_know=True,
    ),
    QuestionInput(
        code="SEX",
        kind=QuestionKind.SINGLE,
        role="sex",
        text_pl="Płeć",
        text_en="Sex",
        options=[
            {"code": "F", "label_pl": "kobieta", "label_en": "female"},
            {"code": "M", "label_pl": "mężczyzna", "label_en": "male"},
        ],
    ),
    QuestionInput(
        code="AGE",
        kind=QuestionKind.SINGLE,
        role="age",
        text_pl="Wiek",
        text_en="Age",
        options=[{"code": b, "label_pl": b, "label_en": b} for b in BANDS],
    ),
    QuestionInput(
        code="OPEN", kind=QuestionKind.TEXT, role="open", text_pl="Co poprawić?", text_en="What?"
    ),
]


def catalogue(operator) -> None:
    catalogue_import(text=CATALOGUE, user=operator)
    catalogue_publish(user=operator)


def waste_questionnaire(operator, code="odpady-wyniki") -> QuestionnaireVersion:
    version = questionnaire_create(code=code, name_pl="Odbiór odpadów", by=operator)
    for data in QUESTIONS:
        question_save(version=version, data=data, by=operator, base_token=None)
    version.questionnaire.domain = Domain.objects.get(code="WST")
    version.questionnaire.save(update_fields=["domain"])
    return version_publish(version=version, by=operator, base_token=None)


def collection_round(operator, units, period=PERIOD):
    round_ = round_create(
        user=operator,
        name=f"Odpady {period}",
        period=period,
        indicator_sets=IndicatorSet.objects.filter(code="SET_WST"),
        units=units,
        deadline=datetime.date(period + 1, 3, 31),
    )
    return round_open(round_=round_, user=operator)


def open_survey(version, units, operator, *, period=PERIOD, minimum=100) -> Survey:
    survey = survey_save(
        data=SurveyInput(
            name=f"Odpady {period}",
            questionnaire_version=version,
            period=period,
            units=list(units),
            modes=["paper"],
            min_responses=minimum,
        ),
        by=operator,
        base_token=None,
    )
    return survey_open(survey=survey, by=operator)


def answer(survey, unit, operator, **typed) -> None:
    """One paper return: OVERALL, Q1, SEX, AGE, OPEN as typed."""
    paper_response_save(survey=survey, unit=unit, typed=typed, by=operator)


def answer_many(survey, unit, operator, overall: list[str], **common) -> None:
    for value in overall:
        answer(survey, unit, operator, OVERALL=value, **common)


def even_margins(unit, operator, year=PERIOD) -> None:
    """Half women, half men; everyone 18–24 (the other bands empty)."""
    counts = dict.fromkeys(["POP_25_34", "POP_35_44", "POP_45_54", "POP_55_64", "POP_65PLUS"], 0.0)
    margins_store(
        unit=unit,
        year=year,
        counts={"POP_F_18PLUS": 500, "POP_M_18PLUS": 500, "POP_18_24": 1000, **counts},
        by=operator,
    )
