"""API tokens expire, can be read-only, and end with a change of password; each token's
creation, revocation and expiry is in the access log. Three people: the owner of a token,
a teammate (another participant) and a stranger, whose tokens the owner's acts never
touch."""

import re
from datetime import timedelta

from django.core import mail
from django.test import Client
from django.utils import timezone

from benchlearn.accounts.models import AccessChange, AccessChangeKind, ApiToken
from benchlearn.accounts.services import api_token_create
from tests.conftest import PASSWORD, client_for
from tests.test_headers import _python

NEW_PASSWORD = "a-brand-new-passphrase"


def _bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _token_log(user) -> list[tuple[str, str, str]]:
    return [
        (change.old_value, change.new_value, change.by_email)
        for change in AccessChange.objects.filter(
            kind=AccessChangeKind.API_TOKEN, user=user
        ).order_by("at", "pk")
    ]


def test_a_token_expires_after_the_configured_lifetime(participant_a, settings):
    settings.API_TOKEN_DAYS = 30
    before = timezone.now()
    token, _key = api_token_create(user=participant_a, name="script")
    assert before + timedelta(days=30) <= token.expires <= timezone.now() + timedelta(days=30)
    # A shorter life may be asked for, a longer one not.
    assert api_token_create(user=participant_a, name="s", days=7)[0].expires < token.expires
    longer, _ = api_token_create(user=participant_a, name="l", days=365)
    assert longer.expires <= timezone.now() + timedelta(days=30)


def test_the_lifetime_is_read_from_the_environment(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.API_TOKEN_DAYS)"
    )
    env = {"BENCHLEARN_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "benchlearn.settings"}
    assert _python(code, env=env).stdout.strip() == "90"
    env["BENCHLEARN_API_TOKEN_DAYS"] = "12"
    assert _python(code, env=env).stdout.strip() == "12"


def test_an_expired_token_is_refused_removed_and_logged(participant_a):
    token, key = api_token_create(user=participant_a, name="script")
    assert Client().get("/api/v1/me", **_bearer(key)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - timedelta(seconds=1))
    response = Client().get("/api/v1/me", **_bearer(key))
    assert response.status_code == 401
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    expired = AccessChange.objects.get(kind=AccessChangeKind.API_TOKEN, new_value="expired")
    assert expired.by is None  # nobody did it: time did
    assert expired.user == participant_a
    assert expired.target == f"script ({token.prefix}…)"


def test_expired_tokens_leave_the_token_page_and_enter_the_log(participant_a, participant_b):
    mine, _ = api_token_create(user=participant_a, name="old script")
    theirs, _ = api_token_create(user=participant_b, name="their script")
    ApiToken.objects.filter(pk=mine.pk).update(expires=timezone.now() - timedelta(days=1))
    page = client_for(participant_a).get("/accounts/tokens/").content.decode()
    assert "old script" not in page
    assert ("read only", "expired", "") in _token_log(participant_a)
    # The teammate's live token is untouched.
    assert ApiToken.objects.filter(pk=theirs.pk).exists()


def test_a_read_only_token_reads_and_is_refused_every_write(participant_a):
    _token, key = api_token_create(user=participant_a, name="reader", read_only=True)
    client = Client()
    assert client.get("/api/v1/me", **_bearer(key)).status_code == 200
    response = client.delete("/api/v1/tokens/current", **_bearer(key))
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert ApiToken.objects.filter(user=participant_a).count() == 1


def test_a_write_token_may_write(participant_a):
    token, key = api_token_create(user=participant_a, name="writer", read_only=False)
    client = Client()
    assert client.delete("/api/v1/tokens/current", **_bearer(key)).status_code == 204
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert client.get("/api/v1/me", **_bearer(key)).status_code == 401
    assert _token_log(participant_a)[-1] == ("read and write", "revoked", participant_a.email)


def test_tokens_are_made_read_only_unless_asked_otherwise(participant_a):
    client = client_for(participant_a)
    client.post("/accounts/tokens/", {"name": "ro", "read_only": "on", "days": 10})
    client.post("/accounts/tokens/", {"name": "rw", "days": 10})
    tokens = {token.name: token for token in ApiToken.objects.filter(user=participant_a)}
    assert tokens["ro"].read_only and not tokens["rw"].read_only
    assert tokens["ro"].expires <= timezone.now() + timedelta(days=10)


def test_a_token_page_form_with_a_lifetime_too_long_says_so_and_makes_nothing(
    participant_a, settings
):
    response = client_for(participant_a).post(
        "/accounts/tokens/", {"name": "forever", "days": settings.API_TOKEN_DAYS + 1}
    )
    assert response.status_code == 200
    assert "less than or equal to" in response.content.decode()
    assert not ApiToken.objects.filter(user=participant_a).exists()


def test_changing_the_password_revokes_every_token_of_the_owner_only(participant_a, participant_b):
    _mine, key = api_token_create(user=participant_a, name="script")
    _theirs, their_key = api_token_create(user=participant_b, name="their script")
    response = client_for(participant_a).post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert Client().get("/api/v1/me", **_bearer(key)).status_code == 401
    assert not ApiToken.objects.filter(user=participant_a).exists()
    assert _token_log(participant_a)[-1] == (
        "read only",
        "revoked: password changed",
        participant_a.email,
    )
    assert Client().get("/api/v1/me", **_bearer(their_key)).status_code == 200


def test_a_failed_password_change_keeps_the_tokens(participant_a):
    _token, key = api_token_create(user=participant_a, name="script")
    client_for(participant_a).post(
        "/accounts/password/change/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert Client().get("/api/v1/me", **_bearer(key)).status_code == 200


def test_resetting_the_password_revokes_every_token(participant_a):
    _token, key = api_token_create(user=participant_a, name="script")
    client = Client()
    client.post("/accounts/password/reset/", {"email": participant_a.email})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    form = client.get(link.group(1), follow=True)
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert Client().get("/api/v1/me", **_bearer(key)).status_code == 401
    assert _token_log(participant_a)[-1][1] == "revoked: password changed"


def test_a_password_changed_by_any_other_path_ends_the_tokens_too(participant_a):
    # e.g. `benchlearn changepassword` or a shell: the token is tied to the password.
    _token, key = api_token_create(user=participant_a, name="script")
    participant_a.set_password(NEW_PASSWORD)
    participant_a.save(update_fields=["password"])
    assert Client().get("/api/v1/me", **_bearer(key)).status_code == 401
    assert _token_log(participant_a)[-1] == ("read only", "revoked: password changed", "")


def test_a_token_revoked_on_the_page_is_logged_with_who(participant_a, stranger):
    token, key = api_token_create(user=participant_a, name="script")
    # The stranger cannot revoke it; the owner can.
    assert client_for(stranger).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()
    client_for(participant_a).post(f"/accounts/tokens/{token.pk}/revoke/")
    assert Client().get("/api/v1/me", **_bearer(key)).status_code == 401
    assert _token_log(participant_a)[0][1].startswith("read only, ")
    assert _token_log(participant_a)[-1] == ("read only", "revoked", participant_a.email)


def test_revoking_the_current_token_needs_a_token(participant_a):
    api_token_create(user=participant_a, name="script", read_only=False)
    response = client_for(participant_a).delete("/api/v1/tokens/current")
    assert response.status_code == 404
    assert "not sent with a token" in response.json()["detail"]
    assert ApiToken.objects.filter(user=participant_a).count() == 1


def test_tokens_that_expired_unused_are_in_the_log_operators_read(
    operator, participant_a, participant_b
):
    token, _key = api_token_create(user=participant_a, name="forgotten script")
    live, _key = api_token_create(user=participant_b, name="busy script")
    expired_at = timezone.now() - timedelta(days=3)
    ApiToken.objects.filter(pk=token.pk).update(expires=expired_at)
    page = client_for(operator).get("/admin/accounts/accesschange/").content.decode()
    assert '<td class="field-new_value">expired</td>' in page
    change = AccessChange.objects.get(new_value="expired")
    assert (change.user, change.at, change.by) == (participant_a, expired_at, None)
    assert ApiToken.objects.filter(pk=live.pk).exists()
