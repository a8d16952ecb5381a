"""The office edits questionnaires: questions of a draft version added, changed,
reordered and removed; a published version or one with responses never changes (a new
version copies it); two people editing never overwrite each other silently."""

import pytest

from benchlearn.surveys.editing import (
    QuestionInput,
    StaleEdit,
    SurveyError,
    question_save,
    version_new,
)
from benchlearn.surveys.models import Question, QuestionnaireVersion, Response, SurveyEvent
from tests.conftest import client_for
from tests.surveys.office_walk import questionnaire_of, survey_of

QUESTION_POST = {
    "code": "Q9",
    "kind": "scale5",
    "text_pl": "Jak ocenia Pan/Pani odbiór odpadów?",
    "text_en": "How satisfied are you with waste collection?",
    "options": "",
    "show_if": "",
    "role": "item",
}


@pytest.fixture
def published(operator):
    return questionnaire_of(operator)


@pytest.fixture
def draft(published, operator):
    return version_new(questionnaire=published.questionnaire, by=operator, base_token=None)


def _token(questionnaire) -> str:
    top = SurveyEvent.objects.filter(questionnaire=questionnaire).order_by("-pk").first()
    return str(top.pk if top else 0)


def test_the_office_lists_and_reads_questionnaires_in_both_languages(published, operator):
    client = client_for(operator)
    listed = client.get("/surveys/questionnaires/")
    assert listed.status_code == 200 and "Survey: waste" in listed.content.decode()
    page = client.get(f"/surveys/questionnaires/{published.questionnaire_id}/v1/").content.decode()
    assert "Czy korzysta Pan/Pani z usługi?" in page and "Do you use the service?" in page
    assert "New version" in page  # published: the page offers a copy, not editing
    client.cookies["django_language"] = "pl"
    polish = client.get("/surveys/questionnaires/", HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "Ankieta: odpady" in polish


@pytest.mark.parametrize("role", ["moderator", "participant_a", "stranger"])
def test_everyone_but_the_office_is_refused(role, programme, published):
    client = client_for(programme[role])
    qid = published.questionnaire_id
    for path in (
        "/surveys/questionnaires/",
        "/surveys/questionnaires/new/",
        f"/surveys/questionnaires/{qid}/v1/",
        f"/surveys/questionnaires/{qid}/v1/questions/new/",
    ):
        assert client.get(path).status_code == 403, path
    before = Question.objects.count()
    assert client.post(f"/surveys/questionnaires/{qid}/new-version/").status_code == 403
    assert (
        client.post(f"/surveys/questionnaires/{qid}/v1/questions/new/", QUESTION_POST).status_code
        == 403
    )
    assert Question.objects.count() == before
    assert QuestionnaireVersion.objects.count() == 1


def test_creating_a_questionnaire_then_adding_reordering_and_publishing(operator):
    client = client_for(operator)
    response = client.post(
        "/surveys/questionnaires/new/", {"code": "drogi", "name_pl": "Drogi", "name_en": "Roads"}
    )
    assert response.status_code == 302
    version = QuestionnaireVersion.objects.get(questionnaire__code="drogi")
    base = f"/surveys/questionnaires/{version.questionnaire_id}/v1/"
    for code in ("A", "B"):
        post = {**QUESTION_POST, "code": code, "base_token": _token(version.questionnaire)}
        assert client.post(base + "questions/new/", post).status_code == 302
    b = version.questions.get(code="B")
    moved = client.post(
        base + f"questions/{b.pk}/move/",
        {"direction": "up", "base_token": _token(version.questionnaire)},
    )
    assert moved.status_code == 302
    assert list(version.questions.order_by("position").values_list("code", flat=True)) == ["B", "A"]
    published = client.post(base + "publish/", {"base_token": _token(version.questionnaire)})
    assert published.status_code == 302
    version.refresh_from_db()
    assert version.published_at is not None
    kinds = list(
        SurveyEvent.objects.filter(questionnaire=version.questionnaire).values_list(
            "kind", flat=True
        )
    )
    assert kinds == [
        "created",
        "question added",
        "question added",
        "questions reordered",
        "published",
    ]


def test_a_published_version_is_never_edited_a_new_version_copies_it(published, operator):
    client = client_for(operator)
    base = f"/surveys/questionnaires/{published.questionnaire_id}/v1/"
    q1 = published.questions.get(code="Q1")
    post = {**QUESTION_POST, "code": "Q1", "base_token": _token(published.questionnaire)}
    response = client.post(base + f"questions/{q1.pk}/", post)
    assert response.status_code == 400
    assert "make a new version" in response.content.decode()
    q1.refresh_from_db()
    assert q1.kind == "scale5" and q1.text_pl.startswith("Jak ocenia Pan/Pani czystość")
    copied = client.post(
        f"/surveys/questionnaires/{published.questionnaire_id}/new-version/",
        {"base_token": _token(published.questionnaire)},
    )
    assert copied.status_code == 302
    version2 = published.questionnaire.versions.get(number=2)
    assert list(version2.questions.values_list("code", flat=True)) == list(
        published.questions.values_list("code", flat=True)
    )
    assert version2.published_at is None
    # A second copy while version 2 is still a draft: refused with a reason.
    again = client.post(
        f"/surveys/questionnaires/{published.questionnaire_id}/new-version/",
        {"base_token": _token(published.questionnaire)},
    )
    assert again.status_code == 400 and "still a draft" in again.content.decode()
    assert published.questionnaire.versions.count() == 2


def test_a_version_with_responses_is_frozen_even_unpublished(published, operator, unit_a):
    draft = version_new(questionnaire=published.questionnaire, by=operator, base_token=None)
    survey = survey_of(published, [unit_a], operator)
    # A survey's response on the draft would freeze it: simulate one on the draft.
    survey.questionnaire_version = draft
    survey.save(update_fields=["questionnaire_version"])
    Response.objects.create(survey=survey, unit=unit_a, mode="open", answers={})
    with pytest.raises(SurveyError, match="new version"):
        question_save(
            version=draft,
            data=QuestionInput(code="X", kind="text", text_pl="X"),
            by=operator,
            base_token=None,
        )
    assert not draft.questions.filter(code="X").exists()


def test_bad_questions_are_refused_with_a_reason_and_nothing_is_stored(draft, operator):
    client = client_for(operator)
    base = f"/surveys/questionnaires/{draft.questionnaire_id}/v{draft.number}/questions/new/"
    token = _token(draft.questionnaire)
    cases = [
        ({"code": "Q1"}, "already has a question with code Q1"),
        ({"kind": "single", "options": "1 = Tak"}, "at least two answers"),
        ({"kind": "single", "options": "tylko tekst"}, "Line 1"),
        ({"show_if": "LATER: 1"}, "earlier question"),
        ({"kind": "number", "minimum": "10", "maximum": "1"}, "minimum is above the maximum"),
    ]
    before = draft.questions.count()
    for change, message in cases:
        response = client.post(base, {**QUESTION_POST, "base_token": token, **change})
        assert response.status_code == 400, change
        assert message in response.content.decode(), change
    assert draft.questions.count() == before


def test_two_people_editing_a_question_never_overwrite_each_other(draft, operator):
    q1 = draft.questions.get(code="Q1")
    opened = _token(draft.questionnaire)  # both open the form now
    url = f"/surveys/questionnaires/{draft.questionnaire_id}/v{draft.number}/questions/{q1.pk}/"
    client = client_for(operator)
    first = client.post(
        url, {**QUESTION_POST, "code": "Q1", "text_pl": "Pierwsza", "base_token": opened}
    )
    assert first.status_code == 302
    second = client.post(
        url, {**QUESTION_POST, "code": "Q1", "text_pl": "Druga", "base_token": opened}
    )
    assert second.status_code == 409
    assert "someone else changed this" in second.content.decode()
    q1.refresh_from_db()
    assert q1.text_pl == "Pierwsza"
    with pytest.raises(StaleEdit):
        question_save(
            version=draft,
            data=QuestionInput(code="Z", kind="text", text_pl="Z"),
            by=operator,
            base_token=opened,
        )


def test_the_pages_speak_polish_by_default(published, operator, settings):
    settings.LANGUAGE_CODE = "pl"
    client = client_for(operator)
    page = client.get(f"/surveys/questionnaires/{published.questionnaire_id}/v1/").content.decode()
    assert "Nowa wersja" in page and "dodano pytanie" in page and "opublikowano" in page
    assert "Badania ankietowe" in client.get("/surveys/").content.decode()


def test_the_introduction_of_a_draft_is_set_and_a_published_ones_is_kept(
    published, draft, operator
):
    client = client_for(operator)
    qid = published.questionnaire_id
    post = {"intro_pl": "Dziękujemy!", "intro_en": "Thank you!"}
    saved = client.post(
        f"/surveys/questionnaires/{qid}/v2/intro/",
        {**post, "base_token": _token(draft.questionnaire)},
    )
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert (draft.intro_pl, draft.intro_en) == ("Dziękujemy!", "Thank you!")
    refused = client.post(
        f"/surveys/questionnaires/{qid}/v1/intro/",
        {**post, "base_token": _token(draft.questionnaire)},
    )
    assert refused.status_code == 400 and "make a new version" in refused.content.decode()
    published.refresh_from_db()
    assert published.intro_pl == ""


def test_a_question_others_depend_on_is_not_removed(draft, operator):
    use = draft.questions.get(code="USE")
    base = f"/surveys/questionnaires/{draft.questionnaire_id}/v{draft.number}/"
    url = f"{base}questions/{use.pk}/delete/"
    response = client_for(operator).post(url, {"base_token": _token(draft.questionnaire)})
    assert response.status_code == 400
    assert "depending on USE" in response.content.decode()
    assert draft.questions.filter(code="USE").exists()
