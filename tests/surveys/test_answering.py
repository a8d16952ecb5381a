"""A resident answering through the open link: pages, partial answers kept and resumed,
skip logic on the server, validation, and the refusals that store nothing."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from benchlearn.surveys import flood
from benchlearn.surveys.models import Response, SurveyEvent, SurveyState
from tests.surveys.conftest import answer_url, send

ITEMS = ["I1", "I2", "I3", "I4", "I5", "I6"]


def start(resident, link):
    reply = send(resident, answer_url(link), {"start": "1"})
    assert reply.status_code == 302, reply.content
    return Response.objects.get()


def test_the_intro_stores_nothing_and_starting_keeps_a_cookie(resident, link_a):
    page = resident.get(answer_url(link_a))
    assert page.status_code == 200
    assert "Bielsko-Biała" in page.content.decode()
    assert not Response.objects.exists()
    response = start(resident, link_a)
    assert response.unit == link_a.unit and response.mode == "open" and not response.is_submitted
    assert resident.cookies[f"blsurvey{link_a.pk}"].value == response.resume_token


def test_a_whole_survey_answered_with_the_filter_skipping_nothing(resident, link_a):
    start(resident, link_a)
    url = answer_url(link_a)
    assert send(resident, url, {"page": 1, "USE": "1"}).status_code == 302
    # Page 2: the first four items; 3: two more, overall, recommend; 4: the rest.
    page = resident.get(url + "?page=2").content.decode()
    assert "dostępności miejsc" in page or "availability of places" in page
    send(resident, url, {"page": 2, "I1": "5", "I2": "4", "I3": "9", "I4": "3"})
    send(resident, url, {"page": 3, "I5": "2", "I6": "1", "OVERALL": "4", "NPS": "8"})
    last = {"page": 4, "OPEN": "Więcej miejsc w świetlicy", "SEX": "F", "AGE": "35-44"}
    reply = send(resident, url, {**last, "AREA": "town"})
    assert reply.status_code == 302 and reply["Location"].endswith("/thanks/")
    response = Response.objects.get()
    assert response.is_submitted
    assert response.answers == {
        "USE": "1",
        "I1": 5,
        "I2": 4,
        "I3": 9,
        "I4": 3,
        "I5": 2,
        "I6": 1,
        "OVERALL": 4,
        "NPS": 8,
        "OPEN": "Więcej miejsc w świetlicy",
        "SEX": "F",
        "AGE": "35-44",
        "AREA": "town",
    }
    assert SurveyEvent.objects.filter(kind="response_submitted", survey=link_a.survey).count() == 1
    # The cookie is gone: the link starts afresh.
    assert resident.cookies[f"blsurvey{link_a.pk}"].value == ""


def test_partial_answers_are_kept_and_resumed_on_the_next_visit(resident, link_a):
    start(resident, link_a)
    url = answer_url(link_a)
    send(resident, url, {"page": 1, "USE": "1"})
    send(resident, url, {"page": 2, "I1": "5", "I2": "4"})
    response = Response.objects.get()
    assert response.answers == {"USE": "1", "I1": 5, "I2": 4} and not response.is_submitted
    # Coming back later: the page after the last one answered, answers filled in.
    page = resident.get(url)
    assert 'name="page" value="3"' in page.content.decode()
    back = resident.get(url + "?page=2").content.decode()
    assert 'value="5" checked' in back
    # Another browser (no cookie) starts with the introduction, not these answers.
    from django.test import Client

    assert "Start the survey" in Client().get(url).content.decode()


def test_a_non_user_skips_the_items_and_their_answers_are_dropped(resident, link_a):
    start(resident, link_a)
    url = answer_url(link_a)
    # Before the filter is answered, the progress counts the pages it may open.
    assert "Page 1 of 4" in resident.get(url).content.decode()
    send(resident, url, {"page": 1, "USE": "1"})
    send(resident, url, {"page": 2, "I1": "5"})
    # Changing the filter answer: the items are not asked, their answers dropped.
    send(resident, url, {"page": 1, "USE": "2"})
    response = Response.objects.get()
    assert response.answers == {"USE": "2"}
    assert "Page 2 of 2" in resident.get(url).content.decode()
    page = resident.get(url + "?page=2").content.decode()
    assert "OVERALL" not in page and 'name="OPEN"' in page
    # Answers to hidden questions sent anyway are not stored.
    send(resident, url, {"page": 2, "OPEN": "", "I1": "5", "OVERALL": "1", "SEX": "M"})
    assert Response.objects.get().answers == {"USE": "2", "SEX": "M"}


def test_wrong_answers_are_named_and_nothing_of_the_page_is_stored(resident, link_a):
    start(resident, link_a)
    url = answer_url(link_a)
    reply = send(resident, url, {"page": 1})
    assert reply.status_code == 400
    assert "Please answer this question." in reply.content.decode()
    send(resident, url, {"page": 1, "USE": "1"})
    reply = send(resident, url, {"page": 2, "I1": "7", "I2": "4"})
    assert reply.status_code == 400
    assert "Please choose one of the answers shown." in reply.content.decode()
    assert Response.objects.get().answers == {"USE": "1"}
    reply = send(resident, url, {"page": 2, "I1": ["4", "5"]})
    assert "Please choose only one answer." in reply.content.decode()


def test_the_honeypot_refuses_and_stores_nothing(resident, link_a):
    reply = send(resident, answer_url(link_a), {"start": "1", "website": "http://spam"})
    assert reply.status_code == 400
    assert "could not be accepted" in reply.content.decode()
    assert not Response.objects.exists()


def test_a_form_sent_faster_than_a_person_reads_is_refused(resident, link_a):
    reply = resident.post(answer_url(link_a), {"start": "1", "shown": flood.shown_stamp()})
    assert reply.status_code == 400
    assert "faster than anyone reads" in reply.content.decode()
    assert not Response.objects.exists()
    # Without the signed time (or a forged one) likewise.
    reply = resident.post(answer_url(link_a), {"start": "1", "shown": "12345"})
    assert reply.status_code == 400 and not Response.objects.exists()


def test_a_flood_on_one_link_is_stopped(resident, link_a, link_b_or_none, settings):
    settings.SURVEY_LINK_STARTS_PER_HOUR = 3
    for _ in range(3):
        from django.test import Client

        assert send(Client(), answer_url(link_a), {"start": "1"}).status_code == 302
    reply = send(resident, answer_url(link_a), {"start": "1"})
    assert reply.status_code == 400
    assert "Too many people" in reply.content.decode()
    assert Response.objects.count() == 3
    # Another unit's link is not held up.
    if link_b_or_none is not None:
        assert send(resident, answer_url(link_b_or_none), {"start": "1"}).status_code == 302


@pytest.fixture
def link_b_or_none(survey, unit_b):
    return survey.survey_units.get(unit=unit_b)


@pytest.mark.parametrize("state", [SurveyState.CLOSED, SurveyState.DRAFT])
def test_a_survey_not_open_says_so_and_stores_nothing(resident, link_a, state):
    start(resident, link_a)
    type(link_a.survey).objects.filter(pk=link_a.survey_id).update(state=state)
    url = answer_url(link_a)
    message = "has closed" if state == SurveyState.CLOSED else "not open yet"
    assert message in resident.get(url).content.decode()
    reply = send(resident, url, {"page": 1, "USE": "1"})
    assert message in reply.content.decode()
    assert Response.objects.get().answers == {}
    assert message in send(resident, url, {"start": "1"}).content.decode()
    assert Response.objects.count() == 1


def test_an_unknown_link_is_not_found(resident, db):
    assert resident.get(reverse("survey-answer", args=["nope"])).status_code == 404


def test_the_pages_are_polish_by_default(resident, link_a, settings):
    settings.LANGUAGE_CODE = "pl"
    page = resident.get(answer_url(link_a)).content.decode()
    assert "Rozpocznij ankietę" in page and 'lang="pl"' in page
    resident.cookies["django_language"] = "en"
    assert "Start the survey" in resident.get(answer_url(link_a)).content.decode()


def test_nothing_about_the_respondent_is_stored(resident, link_a):
    cache.clear()
    start(resident, link_a)
    send(resident, answer_url(link_a), {"page": 1, "USE": "2"}, REMOTE_ADDR="203.0.113.7")
    for response in Response.objects.values():
        assert "203.0.113.7" not in str(response)
    assert not any("203.0.113.7" in str(v) for v in SurveyEvent.objects.values())
    # No session either: the resident's browser holds the resume cookie only.
    from django.contrib.sessions.models import Session

    assert not Session.objects.exists()
