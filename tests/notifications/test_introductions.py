"""Asking to be introduced to a unit shown anonymised, end to end: the request reaches
the office and the moderator only; the asking unit never learns who the other one is
unless the introduction is made; nobody else can decide."""

import re

import pytest
from django.core import mail

from benchlearn.notifications.models import IntroductionRequest, IntroductionState
from benchlearn.results.services import computation_request, computation_run
from tests.conftest import client_for
from tests.notifications.conftest import deliver, forget
from tests.results.conftest import computed_programme  # noqa: F401 - fixture


@pytest.fixture
def anonymised(computed_programme, group, operator):  # noqa: F811 - fixture
    group.anonymised = True
    group.save(update_fields=["anonymised"])
    computation_run(computation_request(user=operator).pk)
    forget()
    return group


def new_url(group, unit):
    return f"/notifications/introductions/new/{unit.teryt}/?group=exchange-{group.pk}"


def ask(client, group, unit, message="Jak obniżyliście koszt na ucznia?"):
    page = client.get(new_url(group, unit))
    assert page.status_code == 200
    (reference,) = re.findall(r'name="member" value="([0-9a-f]+)"', page.text)
    return client.post(
        new_url(group, unit),
        {"member": reference, "message": message, "group": f"exchange-{group.pk}"},
    )


def test_the_results_page_offers_the_request_only_where_names_are_hidden(
    anonymised, unit_a, participant_a, moderator
):
    url = f"/units/{unit_a.teryt}/results/?group=exchange-{anonymised.pk}"
    assert "Ask for an introduction" in client_for(participant_a).get(url).text
    # The moderator acts for no unit: no link that would end in "no access".
    assert "Ask for an introduction" not in client_for(moderator).get(url).text
    anonymised.anonymised = False
    anonymised.save(update_fields=["anonymised"])
    assert "Ask for an introduction" not in client_for(participant_a).get(url).text


def test_the_request_page_shows_letters_and_no_identity(anonymised, unit_a, unit_b, participant_a):
    page = client_for(participant_a).get(new_url(anonymised, unit_a)).text
    assert unit_b.name not in page and unit_b.teryt not in page
    assert f'value="{unit_b.pk}"' not in page
    assert 'type="radio" name="member"' in page


def test_accepted_introduction_end_to_end(
    anonymised, unit_a, unit_b, participant_a, participant_b, moderator, operator, stranger
):
    anna = client_for(participant_a)
    response = ask(anna, anonymised, unit_a)
    assert response.status_code == 302
    request = IntroductionRequest.objects.get()
    assert (request.unit, request.target, request.requested_by) == (unit_a, unit_b, participant_a)
    assert request.state == IntroductionState.PENDING and request.shown_as.endswith("“GWD Oświata”")
    assert mail.outbox == []  # sent by the task, not by the request
    sent = deliver()
    assert sorted(to[0] for _s, to in sent) == ["biuro@example.org", "moderator@example.org"]
    assert unit_b.name in mail.outbox[0].body  # the deciders know whom it concerns
    # The asking person sees the request, not who the other unit is.
    detail = anna.get(response["Location"]).text
    assert "waiting for a decision" in detail and unit_b.name not in detail
    assert unit_b.name not in anna.get("/notifications/introductions/").text
    # Unit B's team does not learn of it; nobody but the deciders can decide.
    url = f"/notifications/introductions/{request.pk}/"
    assert client_for(participant_b).get(url).status_code == 404
    assert client_for(stranger).post(url, {"decision": "accept"}).status_code == 404
    assert anna.post(url, {"decision": "accept"}).status_code == 403
    request.refresh_from_db()
    assert request.state == IntroductionState.PENDING
    # The moderator of the group of both units puts them in touch.
    decided = client_for(moderator).post(url, {"decision": "accept", "note": "Warto"})
    assert decided.status_code == 302
    request.refresh_from_db()
    assert request.state == IntroductionState.ACCEPTED and request.decided_by == moderator
    assert request.decided_at is not None and request.decision_note == "Warto"
    sent = {to[0]: subject for subject, to in deliver()}
    assert sent == {
        "anna@example.org": f"Introduction: {unit_b.name}",
        "bartek@example.org": f"Introduction: {unit_a.name}",
    }
    to_anna = next(m for m in mail.outbox if m.to == ["anna@example.org"])
    assert "bartek@example.org" in to_anna.body and "Bartek Kolega" in to_anna.body
    to_bartek = next(m for m in mail.outbox if m.to == ["bartek@example.org"])
    assert "anna@example.org" in to_bartek.body
    assert unit_b.name in anna.get(url).text  # now the asking unit may know
    # Decided once.
    client_for(operator).post(url, {"decision": "decline"})
    request.refresh_from_db()
    assert request.state == IntroductionState.ACCEPTED


def test_declined_politely_without_the_identity(
    anonymised, unit_a, unit_b, participant_a, participant_b, operator
):
    anna = client_for(participant_a)
    ask(anna, anonymised, unit_a)
    request = IntroductionRequest.objects.get()
    forget()
    client_for(operator).post(
        f"/notifications/introductions/{request.pk}/", {"decision": "decline"}
    )
    request.refresh_from_db()
    assert request.state == IntroductionState.DECLINED and request.decided_by == operator
    assert [to for _s, to in deliver()] == [["anna@example.org"]]
    (message,) = mail.outbox
    assert "Thank you for your interest" in message.body
    assert unit_b.name not in message.body and unit_b.teryt not in message.body
    page = anna.get(f"/notifications/introductions/{request.pk}/").text
    assert "not introduced" in page and unit_b.name not in page
    assert unit_b.name not in anna.get("/notifications/").text


def test_a_forged_choice_is_refused_and_nothing_stored(anonymised, unit_a, unit_b, participant_a):
    client = client_for(participant_a)
    for forged in (str(unit_b.pk), unit_b.teryt, "0" * 32):
        response = client.post(
            new_url(anonymised, unit_a), {"member": forged, "group": f"exchange-{anonymised.pk}"}
        )
        assert response.status_code == 400
    assert not IntroductionRequest.objects.exists()


def test_asking_twice_is_refused_while_waiting(anonymised, unit_a, participant_a):
    client = client_for(participant_a)
    ask(client, anonymised, unit_a)
    again = ask(client, anonymised, unit_a)
    assert again.status_code == 400 and "already asked" in again.text
    assert IntroductionRequest.objects.count() == 1


def test_only_the_units_participants_may_ask(anonymised, unit_a, moderator, participant_b):
    assert client_for(moderator).get(new_url(anonymised, unit_a)).status_code == 403
    assert client_for(participant_b).get(new_url(anonymised, unit_a)).status_code == 404


def test_from_an_indicator_page_the_letters_are_that_pages(anonymised, unit_a, participant_a):
    client = client_for(participant_a)
    indicator = f"/units/{unit_a.teryt}/results/EDU_NET_COST/?group=exchange-{anonymised.pk}"
    page = client.get(indicator).text
    assert "Ask for an introduction" in page and "indicator=EDU_NET_COST" in page
    asking = client.get(new_url(anonymised, unit_a) + "&indicator=EDU_NET_COST").text
    (letter,) = re.findall(r'<label for="id_member_0">([A-Z]+)</label>', asking)
    (other,) = {"A", "B"} - {letter}  # unit A has a letter too, shown by its name
    assert f"<td>{letter}</td>" in page and f"<td>{other}</td>" not in page
    reference = re.findall(r'name="member" value="([0-9a-f]+)"', asking)[0]
    client.post(
        new_url(anonymised, unit_a),
        {"member": reference, "group": f"exchange-{anonymised.pk}", "indicator": "EDU_NET_COST"},
    )
    assert IntroductionRequest.objects.get().shown_as.startswith(f"{letter} in the comparison")
