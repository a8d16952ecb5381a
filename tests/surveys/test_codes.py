"""A resident answering with the single-use code of a letter."""

from django.test import Client
from django.urls import reverse

from benchlearn.surveys.models import Response, SurveyState
from tests.surveys.conftest import answer_url, send

CODE_URL = "/s/code/"


def test_a_code_opens_its_units_survey_and_is_used_up_when_sent(resident, code_a, link_a):
    assert reverse("survey-code") == CODE_URL
    page = resident.get(CODE_URL + "?code=ACDEFGHJ").content.decode()
    assert 'value="ACDEFGHJ"' in page
    reply = send(resident, CODE_URL, {"code": "acde fghj"})
    assert reply.status_code == 302 and reply["Location"] == answer_url(link_a)
    response = Response.objects.get()
    assert response.code == code_a and response.mode == "code"
    url = answer_url(link_a)
    send(resident, url, {"page": 1, "USE": "2"})
    # Not a parent: the items are skipped, the last page is the one about the person.
    reply = send(resident, url, {"page": 2, "SEX": "M", "AGE": "65+", "AREA": "village"})
    assert reply["Location"].endswith("/thanks/")
    code_a.refresh_from_db()
    assert code_a.used_at is not None


def test_a_used_code_is_refused_with_a_clear_message(resident, code_a, link_a):
    send(resident, CODE_URL, {"code": "ACDEFGHJ"})
    url = answer_url(link_a)
    send(resident, url, {"page": 1, "USE": "2"})
    send(resident, url, {"page": 2})
    assert Response.objects.get().is_submitted
    reply = send(Client(), CODE_URL, {"code": "ACDEFGHJ"})
    assert reply.status_code == 400
    assert "has been used already" in reply.content.decode()
    assert Response.objects.count() == 1


def test_a_code_begun_and_not_sent_resumes_its_response(resident, code_a, link_a):
    send(resident, CODE_URL, {"code": "ACDEFGHJ"})
    send(resident, answer_url(link_a), {"page": 1, "USE": "1"})
    other = Client()
    assert send(other, CODE_URL, {"code": "ACDEFGHJ"}).status_code == 302
    assert Response.objects.count() == 1
    assert 'name="page" value="2"' in other.get(answer_url(link_a)).content.decode()


def test_unknown_and_malformed_codes_are_refused_and_nothing_stored(resident, code_a):
    reply = send(resident, CODE_URL, {"code": "ACDEFGHK"})
    assert reply.status_code == 400 and "no such code" in reply.content.decode()
    reply = send(resident, CODE_URL, {"code": "12"})
    assert "8 letters and digits" in reply.content.decode()
    assert not Response.objects.exists()


def test_guessing_codes_is_stopped(resident, code_a, settings):
    settings.SURVEY_CODE_FAILURES_PER_HOUR = 2
    for _ in range(2):
        send(resident, CODE_URL, {"code": "ACDEFGHK"})
    reply = send(resident, CODE_URL, {"code": "ACDEFGHJ"})
    assert reply.status_code == 400 and "Too many wrong codes" in reply.content.decode()
    assert not Response.objects.exists()


def test_a_code_of_a_closed_survey_is_refused(resident, code_a, survey):
    type(survey).objects.filter(pk=survey.pk).update(state=SurveyState.CLOSED)
    reply = send(resident, CODE_URL, {"code": "ACDEFGHJ"})
    assert reply.status_code == 400 and "not taking answers" in reply.content.decode()
    assert not Response.objects.exists()


def test_a_survey_by_codes_only_sends_the_open_link_to_the_code_page(resident, link_a, survey):
    type(survey).objects.filter(pk=survey.pk).update(modes=["codes"])
    page = resident.get(answer_url(link_a)).content.decode()
    assert "answered with the code from your letter" in page and CODE_URL in page
    send(resident, answer_url(link_a), {"start": "1"})
    assert not Response.objects.exists()


def test_the_privacy_notice_says_no_address_is_kept(resident, db):
    page = resident.get(reverse("survey-privacy")).content.decode()
    assert "network (IP) address" in page
