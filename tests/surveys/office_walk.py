"""What the office's survey pages need to show something: a published questionnaire
(with a draft version 2 to edit), a survey of the group's units, and a batch of codes
for the first unit. Used by these tests and by the URL × role walk."""

import datetime

from benchlearn.surveys.editing import (
    QuestionInput,
    question_save,
    questionnaire_create,
    version_new,
    version_publish,
)
from benchlearn.surveys.models import QuestionKind, QuestionnaireVersion, Survey
from benchlearn.surveys.running import SurveyInput, codes_create, survey_save

QUESTIONS = [
    QuestionInput(
        code="USE",
        kind=QuestionKind.SINGLE,
        text_pl="Czy korzysta Pan/Pani z usługi?",
        text_en="Do you use the service?",
        options=[
            {"code": "1", "label_pl": "Tak", "label_en": "Yes"},
            {"code": "2", "label_pl": "Nie", "label_en": "No"},
        ],
    ),
    QuestionInput(
        code="Q1",
        kind=QuestionKind.SCALE5,
        text_pl="Jak ocenia Pan/Pani czystość ulic?",
        text_en="How satisfied are you with clean streets?",
        dont_know=True,
        show_if={"question": "USE", "in": ["1"]},
    ),
    QuestionInput(code="NPS", kind=QuestionKind.NPS, text_pl="Czy poleciłby Pan/Pani gminę?"),
    QuestionInput(
        code="AGE",
        kind=QuestionKind.NUMBER,
        text_pl="Ile ma Pan/Pani lat?",
        minimum=15,
        maximum=110,
    ),
    QuestionInput(code="OPEN", kind=QuestionKind.TEXT, text_pl="Co poprawić?"),
]


def questionnaire_of(operator) -> QuestionnaireVersion:
    """Version 1 published with QUESTIONS."""
    version = questionnaire_create(
        code="odpady", name_pl="Ankieta: odpady", name_en="Survey: waste", by=operator
    )
    for data in QUESTIONS:
        question_save(version=version, data=data, by=operator, base_token=None)
    return version_publish(version=version, by=operator, base_token=None)


def survey_of(version, units, operator, **more) -> Survey:
    fields = {
        "name": "Odpady 2026",
        "questionnaire_version": version,
        "period": 2026,
        "units": list(units),
        "modes": ["open", "codes", "paper"],
        "opens_on": datetime.date(2026, 3, 1),
        "closes_on": datetime.date(2026, 3, 31),
        **more,
    }
    return survey_save(data=SurveyInput(**fields), by=operator, base_token=None)


def surveys_parameters(group, operator) -> dict[str, str]:
    version = questionnaire_of(operator)
    draft = version_new(questionnaire=version.questionnaire, by=operator, base_token=None)
    survey = survey_of(version, group.units.order_by("name"), operator)
    for unit in group.units.all():
        batch = codes_create(survey=survey, unit=unit, count=3, by=operator)
    return {
        "questionnaire_id": str(version.questionnaire_id),
        "version_number": str(draft.number),
        "question_id": str(draft.questions.get(code="Q1").pk),
        "survey_id": str(survey.pk),
        "batch": str(batch),
    }
