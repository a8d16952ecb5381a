"""The survey named by the URL × role walk (tests/test_url_walk.py): an open survey of a
one-question questionnaire over Gmina A."""

from benchlearn.surveys.models import (
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireVersion,
    Survey,
    SurveyMode,
    SurveyState,
    SurveyUnit,
)


def public_survey_parameters(unit) -> dict[str, str]:
    questionnaire = Questionnaire.objects.create(code="WALK", name_pl="Ankieta")
    version = QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=1)
    Question.objects.create(version=version, code="Q1", kind=QuestionKind.SCALE5, text_pl="Q1?")
    survey = Survey.objects.create(
        name="Badanie",
        questionnaire_version=version,
        period=2026,
        modes=[SurveyMode.OPEN],
        state=SurveyState.OPEN,
    )
    return {"open_token": SurveyUnit.objects.create(survey=survey, unit=unit).open_token}
