"""When an invitation to a seat is accepted, the person who sent it and the group's
moderator are told, by a task (never inside the request); a refused link tells nobody."""

from django.core import mail

from tests.conftest import client_for
from tests.groups.test_seats import NEW_PASSWORD, invite, link_in, send_queued_mail
from tests.notifications.conftest import deliver, queued_notifications

FORM = {"full_name": "Nowa Osoba", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}


def test_the_office_and_the_moderator_are_told_when_an_invitation_is_accepted(
    programme, group, unit_a
):
    invite(client_for(programme["operator"]), group, unit_a)
    link = link_in(send_queued_mail()[0])
    mail.outbox.clear()
    assert client_for(None).post(link, FORM).status_code == 302
    assert mail.outbox == []  # the request sent nothing
    sent = deliver()
    assert sorted(to[0] for _subject, to in sent) == [
        "biuro@example.org",
        "moderator@example.org",
    ]
    assert {subject for subject, _to in sent} == {f"Nowa Osoba joined {group.name}"}
    body = mail.outbox[-1].body
    assert "Nowa Osoba (nowa@example.org) accepted the invitation" in body
    assert f"the seat of {unit_a.name} at the middle management level" in body
    assert f"http://localhost:8000/groups/{group.pk}/seats/" in body


def test_a_moderator_who_invited_is_told_once(programme, group, unit_a):
    invite(client_for(programme["moderator"]), group, unit_a)
    link = link_in(send_queued_mail()[0])
    client_for(None).post(link, FORM)
    assert deliver() == [(f"Nowa Osoba joined {group.name}", ["moderator@example.org"])]


def test_a_refused_link_tells_nobody(programme, group, unit_b):
    person = programme["participant_a"]
    invite(client_for(programme["moderator"]), group, unit_b, email=person.email)
    link = link_in(send_queued_mail()[0])
    assert client_for(programme["participant_b"]).post(link).status_code == 403
    assert queued_notifications() == []
    assert client_for(person).post(link).status_code == 302
    assert deliver() == [(f"Anna Uczestniczka joined {group.name}", ["moderator@example.org"])]
