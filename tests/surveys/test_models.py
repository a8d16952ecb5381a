import datetime

from benchlearn.surveys.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    ResponseMode,
    Survey,
    SurveyState,
    SurveyUnit,
    new_code,
)


def test_codes_avoid_characters_read_wrong_off_paper():
    codes = {new_code() for _ in range(200)}
    assert all(len(code) == CODE_LENGTH for code in codes)
    assert not set("".join(codes)) - set(CODE_ALPHABET)
    assert not set(CODE_ALPHABET) & set("0O1IL5S2Z8B")


def test_a_survey_takes_answers_only_while_open_and_within_its_dates(unit_a):
    questionnaire = Questionnaire.objects.create(code="q", name_pl="Q")
    version = QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=1)
    survey = Survey.objects.create(
        name="S",
        questionnaire_version=version,
        period=2026,
        opens_on=datetime.date(2026, 3, 1),
        closes_on=datetime.date(2026, 3, 31),
    )
    march = datetime.date(2026, 3, 15)
    assert not survey.accepts_answers(march)  # still in preparation
    survey.state = SurveyState.OPEN
    assert survey.accepts_answers(march)
    assert not survey.accepts_answers(datetime.date(2026, 2, 28))
    assert not survey.accepts_answers(datetime.date(2026, 4, 1))
    survey.state = SurveyState.CLOSED
    assert not survey.accepts_answers(march)


def test_a_version_answered_or_published_is_frozen(unit_a):
    questionnaire = Questionnaire.objects.create(code="q", name_pl="Q")
    version = QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=1)
    survey = Survey.objects.create(name="S", questionnaire_version=version, period=2026)
    link = SurveyUnit.objects.create(survey=survey, unit=unit_a)
    assert len(link.open_token) >= 20
    assert not version.is_frozen
    Response.objects.create(survey=survey, unit=unit_a, mode=ResponseMode.OPEN)
    assert version.is_frozen
