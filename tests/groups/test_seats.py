"""Seats and the invitations into them: the office or the group's moderator invites a
person by e-mail, the link (once, before it expires) sets a password and fills the
seat; a person leaving keeps their history; a seat is handed over."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks import task_backends

from benchlearn.accounts.models import User
from benchlearn.groups.models import GroupChange, SeatHolding, SeatInvitation
from benchlearn.groups.services import GroupError, invitation_create, seat_fill
from benchlearn.units.models import Level, UnitMembership
from tests.conftest import PASSWORD, client_for, make_user

NEW_PASSWORD = "zielona-lampa-przy-oknie-42"


def send_queued_mail() -> list:
    """Run the queued e-mail tasks as a worker would; the messages sent."""
    queued = [r for r in task_backends["default"].results if r.task.name == "mail_send"]
    task_backends["default"].clear()
    before = len(mail.outbox)
    for result in queued:
        result.task.call(*result.args, **result.kwargs)
    return mail.outbox[before:]


def link_in(message) -> str:
    (path,) = re.findall(r"http://localhost:8000(/accounts/invitation/[^/\s]+/)", message.body)
    return path


def invite(client, group, unit, level=Level.MIDDLE, email="nowa@example.org"):
    return client.post(
        f"/groups/{group.pk}/seats/invite/",
        {"unit": unit.teryt, "level": level, "email": email, "full_name": "Nowa Osoba"},
    )


def test_the_seat_table_shows_who_fills_which_seat_and_which_are_empty(programme, group, unit_a):
    seat_fill(
        group=group,
        unit=unit_a,
        level=Level.STRATEGIC,
        user=programme["participant_a"],
        by=programme["operator"],
    )
    html = client_for(programme["participant_b"]).get(f"/groups/{group.pk}/seats/").content.decode()
    assert "1 of 6 seats filled." in html
    assert "Anna Uczestniczka" in html
    assert html.count(">empty<") == 5
    assert "invite" not in html  # a participant sees the seats, does not run them
    moderator_html = (
        client_for(programme["moderator"]).get(f"/groups/{group.pk}/seats/").content.decode()
    )
    assert (
        f"/groups/{group.pk}/seats/invite/?unit={unit_a.teryt}&amp;level=middle" in moderator_html
    )


def test_a_moderator_invites_and_the_link_sets_a_password_and_fills_the_seat(
    programme, group, unit_a
):
    response = invite(client_for(programme["moderator"]), group, unit_a)
    assert response.status_code == 302
    assert mail.outbox == []  # sent by the task, not by the request
    (message,) = send_queued_mail()
    assert message.to == ["nowa@example.org"]
    assert group.name in message.subject
    assert "Marek Moderator" in message.body and unit_a.name in message.body
    link = link_in(message)
    visitor = client_for(None)
    page = visitor.get(link)
    assert page.status_code == 200
    assert "Set my password and take the seat" in page.content.decode()
    done = visitor.post(
        link, {"full_name": "Nowa Osoba", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert done.status_code == 302 and done["Location"] == f"/groups/{group.pk}/seats/"
    person = User.objects.get(email="nowa@example.org")
    assert person.check_password(NEW_PASSWORD) and person.full_name == "Nowa Osoba"
    holding = SeatHolding.objects.get(group=group, unit=unit_a, level=Level.MIDDLE)
    assert holding.user == person and holding.started_by == programme["moderator"]
    assert UnitMembership.objects.get(user=person, unit=unit_a).level == Level.MIDDLE
    # Logged in as the new account: the seat table shows them in their seat.
    html = visitor.get(f"/groups/{group.pk}/seats/").content.decode()
    assert "Nowa Osoba" in html
    assert GroupChange.objects.filter(group=group, kind="seat").exists()


def test_an_invitation_used_twice_is_refused_and_changes_nothing(programme, group, unit_a):
    invite(client_for(programme["operator"]), group, unit_a)
    link = link_in(send_queued_mail()[0])
    form = {"full_name": "Nowa Osoba", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert client_for(None).post(link, form).status_code == 302
    again = client_for(None).post(link, {**form, "password1": "x" * 20, "password2": "x" * 20})
    assert again.status_code == 410
    assert "This invitation has already been used." in again.content.decode()
    assert User.objects.get(email="nowa@example.org").check_password(NEW_PASSWORD)
    assert SeatHolding.objects.filter(group=group).count() == 1


def test_an_expired_invitation_is_refused(programme, group, unit_a):
    invitation, key = invitation_create(
        group=group,
        unit=unit_a,
        level=Level.OPERATIONAL,
        email="pozno@example.org",
        by=programme["operator"],
    )
    SeatInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    form = {"full_name": "Spóźniony", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    response = client_for(None).post(f"/accounts/invitation/{key}/", form)
    assert response.status_code == 410
    assert "This invitation expired on" in response.content.decode()
    assert not User.objects.filter(email="pozno@example.org").exists()
    assert not SeatHolding.objects.exists()


def test_an_unknown_link_is_answered_clearly(db):
    response = client_for(None).get("/accounts/invitation/not-a-real-key/")
    assert response.status_code == 404
    assert "This invitation link is not valid." in response.content.decode()


@pytest.mark.parametrize("role", ["participant_a", "participant_b"])
def test_only_the_office_and_the_groups_moderator_invite(programme, group, unit_a, role):
    response = invite(client_for(programme[role]), group, unit_a)
    assert response.status_code == 403
    with pytest.raises(GroupError, match="Only the association's office and the group's moderator"):
        invitation_create(
            group=group, unit=unit_a, level=Level.MIDDLE, email="x@example.org", by=programme[role]
        )
    # The moderator of another group is a stranger here.
    assert invite(client_for(programme["stranger"]), group, unit_a).status_code == 404
    assert not SeatInvitation.objects.exists()
    assert send_queued_mail() == []


def test_a_seat_of_a_unit_that_is_not_a_member_is_refused(programme, group, unit_c):
    response = invite(client_for(programme["moderator"]), group, unit_c)
    assert response.status_code == 400
    assert "Bestwina is not a member of the group GWD Oświata" in response.content.decode()
    with pytest.raises(GroupError, match="is not a member"):
        seat_fill(group=group, unit=unit_c, level=Level.MIDDLE, user=programme["stranger"], by=None)
    assert not SeatInvitation.objects.exists() and not SeatHolding.objects.exists()


def test_an_invalid_email_is_refused(programme, group, unit_a):
    response = invite(client_for(programme["moderator"]), group, unit_a, email="nowa@@example")
    assert response.status_code == 400
    assert "is not a valid e-mail address" in response.content.decode()
    assert not SeatInvitation.objects.exists()
    assert send_queued_mail() == []


def test_a_person_with_an_account_accepts_when_logged_in(programme, group, unit_b):
    person = programme["participant_a"]
    invite(client_for(programme["moderator"]), group, unit_b, Level.STRATEGIC, person.email)
    link = link_in(send_queued_mail()[0])
    anonymous = client_for(None).get(link).content.decode()
    assert "You already have an account" in anonymous
    wrong = client_for(programme["participant_b"]).post(link)
    assert wrong.status_code == 403
    assert "This invitation is for anna@example.org" in wrong.content.decode()
    assert not SeatHolding.objects.exists()
    assert client_for(person).post(link).status_code == 302
    assert SeatHolding.objects.get(group=group, unit=unit_b).user == person
    assert person.check_password(PASSWORD)  # the password stays as it was


def test_a_person_leaving_keeps_their_history(programme, group, unit_a):
    person = make_user("lena@example.org", "Lena Odchodząca")
    holding = seat_fill(
        group=group, unit=unit_a, level=Level.MIDDLE, user=person, by=programme["operator"]
    )
    assert UnitMembership.objects.filter(user=person, unit=unit_a).exists()
    client = client_for(programme["moderator"])
    assert client.get(f"/groups/{group.pk}/seats/{holding.pk}/leave/").status_code == 200
    assert client.post(f"/groups/{group.pk}/seats/{holding.pk}/leave/").status_code == 302
    holding.refresh_from_db()
    assert holding.ended_at is not None and holding.end_reason == "left"
    assert not UnitMembership.objects.filter(user=person, unit=unit_a).exists()
    html = client.get(f"/groups/{group.pk}/seats/").content.decode()
    assert "Lena Odchodząca" in html and "left the seat" in html
    assert (
        client_for(programme["participant_a"])
        .post(f"/groups/{group.pk}/seats/{holding.pk}/leave/")
        .status_code
        == 403
    )


def test_a_seat_is_handed_over_by_an_invitation(programme, group, unit_a):
    first = make_user("pierwsza@example.org", "Pierwsza Osoba")
    seat_fill(group=group, unit=unit_a, level=Level.OPERATIONAL, user=first, by=None)
    client = client_for(programme["moderator"])
    page = client.get(f"/groups/{group.pk}/seats/invite/?unit={unit_a.teryt}&level=operational")
    assert "Pierwsza Osoba holds this seat now" in page.content.decode()
    invite(client, group, unit_a, Level.OPERATIONAL, "druga@example.org")
    link = link_in(send_queued_mail()[0])
    form = {"full_name": "Druga Osoba", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert client_for(None).post(link, form).status_code == 302
    before, after = SeatHolding.objects.filter(group=group).order_by("pk")
    assert before.user == first and before.end_reason == "handed_over"
    assert after.user.email == "druga@example.org" and after.ended_at is None
    change = GroupChange.objects.filter(group=group, kind="seat").latest("pk")
    assert list(change.changes.values()) == [["Pierwsza Osoba", "Druga Osoba"]]


def test_a_withdrawn_invitation_no_longer_opens(programme, group, unit_a):
    invitation, key = invitation_create(
        group=group,
        unit=unit_a,
        level=Level.MIDDLE,
        email="nowa@example.org",
        by=programme["moderator"],
    )
    client = client_for(programme["moderator"])
    assert (
        client.post(f"/groups/{group.pk}/invitations/{invitation.pk}/withdraw/").status_code == 302
    )
    response = client_for(None).get(f"/accounts/invitation/{key}/")
    assert response.status_code == 410
    assert "This invitation was withdrawn." in response.content.decode()


def test_a_participant_of_the_unit_is_seated_without_an_invitation(programme, group, unit_a):
    person = programme["participant_a"]  # acts for unit A at the strategic level
    client = client_for(programme["moderator"])
    html = client.get(f"/groups/{group.pk}/seats/").content.decode()
    assert "seat Anna Uczestniczka" in html
    assign = {"unit": unit_a.teryt, "level": Level.STRATEGIC, "user": person.pk}
    # Not at the seat's level: refused with the reason, nothing stored.
    wrong = client.post(
        f"/groups/{group.pk}/seats/assign/", {**assign, "level": Level.MIDDLE}, follow=True
    )
    assert "Anna Uczestniczka does not act for Bielsko-Biała at this level" in (
        wrong.content.decode()
    )
    assert not SeatHolding.objects.exists()
    refused = client_for(programme["participant_b"]).post(
        f"/groups/{group.pk}/seats/assign/", assign
    )
    assert refused.status_code == 403
    assert not SeatHolding.objects.exists()
    assert client.post(f"/groups/{group.pk}/seats/assign/", assign).status_code == 302
    assert SeatHolding.objects.get().user == person
    assert "seat Anna Uczestniczka" not in client.get(f"/groups/{group.pk}/seats/").content.decode()


def test_the_seat_table_query_count_does_not_grow_with_people(
    programme, group, unit_a, unit_b, django_assert_max_num_queries
):
    for number, level in enumerate(Level.values):
        for unit in (unit_a, unit_b):
            person = make_user(f"osoba{number}{unit.pk}@example.org", f"Osoba {number}")
            seat_fill(group=group, unit=unit, level=level, user=person, by=None)
            invitation_create(
                group=group,
                unit=unit,
                level=level,
                email=f"nast{number}{unit.pk}@example.org",
                by=programme["operator"],
            )
    client = client_for(programme["moderator"])
    with django_assert_max_num_queries(14):
        response = client.get(f"/groups/{group.pk}/seats/")
    assert "6 of 6 seats filled." in response.content.decode()
