"""Every change of roles and rights is recorded with its old and new value, who made it
and when: the operator flag, unit memberships and levels, group members, moderators and
anonymity, whether made through the services or by an operator in the admin. Operators
read the record in the admin; nobody edits it; other people cannot see it."""

from html.parser import HTMLParser
from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from benchlearn.accounts.models import AccessChange, AccessChangeKind, ApiToken, User
from benchlearn.accounts.services import api_token_create, user_roles_set
from benchlearn.groups.services import group_units_set, group_update
from benchlearn.units.models import Level, UnitMembership
from benchlearn.units.services import unit_membership_remove, unit_membership_set
from tests.conftest import client_for


def _log(kind: AccessChangeKind) -> list[tuple[str, str, str, str, str]]:
    return [
        (change.user_email, change.target, change.old_value, change.new_value, change.by_email)
        for change in AccessChange.objects.filter(kind=kind).order_by("at", "pk")
    ]


class _FormFields(HTMLParser):
    """The values a browser would send with the page's main form."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") == "checkbox" and "checked" not in attrs:
                return
            self.data[name] = attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def _admin_form(client, url: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = _FormFields()
    parser.feed(response.content.decode())
    return parser.data


# --- through the services -----------------------------------------------------------------


def test_operator_flag_changes_are_recorded_with_who(operator, participant_a):
    before = timezone.now()
    user_roles_set(user=participant_a, is_operator=True, by=operator)
    user_roles_set(user=participant_a, is_operator=True, by=operator)  # no change, no record
    user_roles_set(user=participant_a, is_operator=False, is_active=False, by=operator)
    assert _log(AccessChangeKind.OPERATOR) == [
        # The operator's own account was created as one (by the system).
        (operator.email, "", "no", "yes", ""),
        (participant_a.email, "", "no", "yes", operator.email),
        (participant_a.email, "", "yes", "no", operator.email),
    ]
    assert _log(AccessChangeKind.ACTIVE) == [(participant_a.email, "", "yes", "no", operator.email)]
    assert AccessChange.objects.filter(user=participant_a).first().at >= before
    participant_a.refresh_from_db()
    assert not participant_a.is_operator and not participant_a.is_active


def test_unit_memberships_and_levels_are_recorded(operator, nobody, unit_a):
    unit_membership_set(user=nobody, unit=unit_a, level=Level.OPERATIONAL, by=operator)
    unit_membership_set(user=nobody, unit=unit_a, level=Level.OPERATIONAL, by=operator)
    unit_membership_set(user=nobody, unit=unit_a, level=Level.STRATEGIC, by=operator)
    unit_membership_remove(user=nobody, unit=unit_a, by=operator)
    unit = f"{unit_a.name} ({unit_a.teryt})"
    assert _log(AccessChangeKind.UNIT_MEMBERSHIP)[-3:] == [
        (nobody.email, unit, "", "operational", operator.email),
        (nobody.email, unit, "operational", "strategic", operator.email),
        (nobody.email, unit, "strategic", "", operator.email),
    ]
    assert not UnitMembership.objects.filter(user=nobody).exists()


def test_group_members_moderator_and_anonymity_are_recorded(
    operator, moderator, nobody, group, unit_a, unit_b, unit_c
):
    AccessChange.objects.all().delete()
    group_units_set(group=group, units=[unit_a, unit_c], by=operator)
    group_update(group=group, moderator=nobody, anonymised=True, by=operator)
    group_update(group=group, anonymised=True, by=operator)  # as it is: nothing recorded
    assert _log(AccessChangeKind.GROUP_MEMBERSHIP) == [
        ("", f"{group.name}: {unit_b.name} ({unit_b.teryt})", "member", "", operator.email),
        ("", f"{group.name}: {unit_c.name} ({unit_c.teryt})", "", "member", operator.email),
    ]
    # Under both people whose rights it changed.
    assert _log(AccessChangeKind.GROUP_MODERATOR) == [
        (moderator.email, group.name, moderator.email, nobody.email, operator.email),
        (nobody.email, group.name, moderator.email, nobody.email, operator.email),
    ]
    assert _log(AccessChangeKind.GROUP_ANONYMITY) == [("", group.name, "no", "yes", operator.email)]
    group.refresh_from_db()
    assert group.moderator == nobody and group.anonymised
    assert set(group.units.all()) == {unit_a, unit_c}


def test_the_record_outlives_the_people_in_it(operator, nobody, unit_a):
    unit_membership_set(user=nobody, unit=unit_a, level=Level.MIDDLE, by=operator)
    nobody.delete()
    operator.delete()
    change = AccessChange.objects.get(kind=AccessChangeKind.UNIT_MEMBERSHIP, new_value="middle")
    assert change.user is None and change.by is None
    assert (change.user_email, change.by_email) == ("nikt@example.org", "biuro@example.org")


# --- through the admin --------------------------------------------------------------------


def test_an_operator_editing_roles_in_the_admin_is_recorded(operator, participant_a, unit_b):
    client = client_for(operator)
    url = f"/admin/accounts/user/{participant_a.pk}/change/"
    data = _admin_form(client, url)
    data["is_operator"] = "on"
    data["unit_memberships-0-level"] = Level.MIDDLE  # was strategic, in unit A
    data["unit_memberships-TOTAL_FORMS"] = "2"
    data.update(
        {"unit_memberships-1-unit": str(unit_b.pk), "unit_memberships-1-level": "operational"}
    )
    data["unit_memberships-1-user"] = str(participant_a.pk)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert _log(AccessChangeKind.OPERATOR)[-1] == (
        participant_a.email,
        "",
        "no",
        "yes",
        operator.email,
    )
    memberships = [
        (new, old, via)
        for old, new, via in AccessChange.objects.filter(
            kind=AccessChangeKind.UNIT_MEMBERSHIP, user=participant_a, by=operator
        ).values_list("old_value", "new_value", "via")
    ]
    assert sorted(memberships) == [("middle", "strategic", "admin"), ("operational", "", "admin")]

    # Removing the membership in the admin is recorded too.
    data = _admin_form(client, url)
    data["unit_memberships-0-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    assert UnitMembership.objects.filter(user=participant_a).count() == 1
    assert AccessChange.objects.filter(
        kind=AccessChangeKind.UNIT_MEMBERSHIP, user=participant_a, new_value="", by=operator
    ).exists()


def test_memberships_edited_on_their_own_admin_page_are_recorded(operator, participant_a, unit_a):
    client = client_for(operator)
    membership = UnitMembership.objects.get(user=participant_a, unit=unit_a)
    url = f"/admin/units/unitmembership/{membership.pk}/change/"
    data = _admin_form(client, url)
    data["level"] = Level.OPERATIONAL
    assert client.post(url, data).status_code == 302
    delete = f"/admin/units/unitmembership/{membership.pk}/delete/"
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert [
        (old, new) for _e, _t, old, new, _by in _log(AccessChangeKind.UNIT_MEMBERSHIP)[-2:]
    ] == [("strategic", "operational"), ("operational", "")]


def test_an_operator_editing_a_group_in_the_admin_is_recorded(
    operator, moderator, nobody, group, unit_c
):
    AccessChange.objects.all().delete()
    client = client_for(operator)
    url = f"/admin/groups/exchangegroup/{group.pk}/change/"
    data = _admin_form(client, url)
    data["moderator"] = str(nobody.pk)
    data["anonymised"] = "on"
    response = client.post(
        url, {**data, "units": [*group.units.values_list("pk", flat=True), unit_c.pk]}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert {kind for (kind,) in AccessChange.objects.values_list("kind")} == {
        AccessChangeKind.GROUP_MODERATOR,
        AccessChangeKind.GROUP_ANONYMITY,
        AccessChangeKind.GROUP_MEMBERSHIP,
    }
    assert _log(AccessChangeKind.GROUP_MEMBERSHIP) == [
        ("", f"{group.name}: {unit_c.name} ({unit_c.teryt})", "", "member", operator.email)
    ]
    assert set(AccessChange.objects.values_list("by_email", "via")) == {(operator.email, "admin")}
    group.refresh_from_db()
    assert group.moderator == nobody and group.anonymised and group.units.count() == 3


def test_a_new_operator_added_in_the_admin_is_recorded(operator):
    client = client_for(operator)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "nowy@example.org",
            "full_name": "Nowy Operator",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            "usable_password": "true",
            "is_operator": "on",
            "unit_memberships-TOTAL_FORMS": "0",
            "unit_memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert _log(AccessChangeKind.OPERATOR)[-1] == (
        "nowy@example.org",
        "",
        "no",
        "yes",
        operator.email,
    )
    assert User.objects.get(email="nowy@example.org").is_operator


def test_a_token_revoked_in_the_admin_is_recorded(operator, participant_a):
    token, _key = api_token_create(user=participant_a, name="script")
    client = client_for(operator)
    response = client.post(f"/admin/accounts/apitoken/{token.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert _log(AccessChangeKind.API_TOKEN)[-1][3:] == ("revoked", operator.email)


# --- who reads the record -----------------------------------------------------------------


def test_operators_read_the_record_and_nobody_edits_it(
    operator, participant_a, moderator, stranger
):
    user_roles_set(user=stranger, is_operator=True, by=operator)
    user_roles_set(user=stranger, is_operator=False, by=operator)
    client = client_for(operator)
    page = client.get("/admin/accounts/accesschange/")
    assert page.status_code == 200
    assert stranger.email in page.content.decode()
    change = AccessChange.objects.filter(user=stranger, new_value="yes").get()
    assert client.get("/admin/accounts/accesschange/add/").status_code == 403
    # The change page only shows it (no form to send); a forged edit changes nothing.
    client.post(f"/admin/accounts/accesschange/{change.pk}/change/", {"new_value": "x"})
    assert (
        client.post(
            f"/admin/accounts/accesschange/{change.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    change.refresh_from_db()
    assert change.new_value == "yes"
    # The participant, the moderator and the stranger (no longer an operator) do not see it.
    for person in (participant_a, moderator, stranger):
        response = client_for(person).get("/admin/accounts/accesschange/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_password_set_in_the_admin_revokes_the_tokens_with_who(operator, participant_a):
    _token, key = api_token_create(user=participant_a, name="script")
    client = client_for(operator)
    url = f"/admin/accounts/user/{participant_a.pk}/password/"
    response = client.post(
        url,
        {
            "password1": "an-operator-chosen-passphrase",
            "password2": "an-operator-chosen-passphrase",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    assert _log(AccessChangeKind.API_TOKEN)[-1][3:] == ("revoked: password changed", operator.email)
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_a_refused_password_in_the_admin_keeps_the_tokens(operator, participant_a):
    token, _key = api_token_create(user=participant_a, name="script")
    client_for(operator).post(
        f"/admin/accounts/user/{participant_a.pk}/password/",
        {"password1": "short", "password2": "other", "usable_password": "true"},
    )
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_the_superuser_flag_is_recorded(operator, nobody):
    user_roles_set(user=nobody, is_superuser=True, by=operator, via="admin")
    assert _log(AccessChangeKind.SUPERUSER) == [(nobody.email, "", "no", "yes", operator.email)]


def test_a_superuser_made_by_the_command_is_recorded(db):
    call_command(
        "createsuperuser",
        "--noinput",
        "--email",
        "szef@example.org",
        "--full_name",
        "Szef",
        stdout=StringIO(),
    )
    assert _log(AccessChangeKind.OPERATOR) == [("szef@example.org", "", "no", "yes", "")]
    assert _log(AccessChangeKind.SUPERUSER) == [("szef@example.org", "", "no", "yes", "")]
