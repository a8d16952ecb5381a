"""Logging in, out, throttling, expired sessions, CSRF and password reset."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client

from benchlearn.accounts.models import User
from tests.conftest import PASSWORD


def _login(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"username": email, "password": password})


def test_login_with_email_lands_on_start_page(participant_a):
    client = Client()
    response = _login(client, "anna@example.org", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    page = client.get("/")
    assert 'data-role="participant"' in page.content.decode()
    assert client.session[SESSION_KEY] == str(participant_a.pk)


def test_email_is_matched_whatever_its_case(participant_a):
    client = Client()
    assert _login(client, "Anna@Example.ORG", PASSWORD).status_code == 302
    assert client.session[SESSION_KEY] == str(participant_a.pk)


@pytest.mark.parametrize(
    "email, password",
    [
        ("anna@example.org", "wrong-password-here"),
        ("unknown@example.org", PASSWORD),
    ],
)
def test_wrong_password_and_unknown_email_get_the_same_clear_message(
    participant_a, email, password
):
    client = Client()
    response = _login(client, email, password)
    assert response.status_code == 200
    body = response.content.decode()
    assert "The e-mail address or password is incorrect" in body
    assert 'role="alert"' in body
    assert SESSION_KEY not in client.session
    participant_a.refresh_from_db()
    assert participant_a.last_login is None


def test_inactive_account_cannot_log_in(participant_a):
    participant_a.is_active = False
    participant_a.save(update_fields=["is_active"])
    response = _login(Client(), "anna@example.org", PASSWORD)
    assert response.status_code == 200
    assert SESSION_KEY not in response.wsgi_request.session


def test_repeated_wrong_passwords_lock_the_account_out(participant_a, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "anna@example.org", "guess-guess-guess").status_code == 200
    locked = _login(client, "anna@example.org", "guess-guess-guess")
    assert locked.status_code == 429
    assert "Too many failed login attempts" in locked.content.decode()
    # Even the right password is refused while the lock lasts.
    after = _login(client, "anna@example.org", PASSWORD)
    assert after.status_code == 429
    assert SESSION_KEY not in client.session


def test_lockout_of_one_account_does_not_lock_another(participant_a, participant_b, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "anna@example.org", "guess-guess-guess")
    assert _login(client, "bartek@example.org", PASSWORD).status_code == 302


def test_login_page_redirects_someone_already_logged_in(participant_a, client):
    client.force_login(participant_a)
    assert client.get("/accounts/login/").status_code == 302


def test_expired_session_says_so_on_the_login_page(participant_a, settings):
    client = Client()
    client.force_login(participant_a)
    session_key = client.session.session_key
    # The session ends on the server (expiry or logout elsewhere); the browser keeps its cookie.
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key=session_key).delete()
    response = client.get("/units/2461011/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=/units/2461011/")
    assert "Your session has expired" in response.content.decode()


def test_sessions_expire_after_inactivity(settings):
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_logout_ends_the_session(participant_a):
    client = Client()
    client.force_login(participant_a)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert client.get("/units/2461011/").status_code == 302


def test_form_without_csrf_token_gets_a_clear_page_and_changes_nothing(participant_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(participant_a)
    response = client.post("/accounts/tokens/", {"name": "sneaky"})
    assert response.status_code == 403
    assert "security token" in response.content.decode()
    assert participant_a.api_tokens.count() == 0


def test_password_reset_by_email(participant_a):
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": "anna@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@example.org"]
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    set_url = form.redirect_chain[-1][0]
    done = client.post(
        set_url,
        {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"},
    )
    assert done.status_code == 302
    participant_a.refresh_from_db()
    assert participant_a.check_password("a-brand-new-passphrase")
    # The link works once.
    again = client.get(link, follow=True)
    assert "invalid or has already been used" in again.content.decode()


def test_password_reset_for_unknown_email_reveals_nothing_and_sends_nothing(db):
    response = Client().post("/accounts/password/reset/", {"email": "nobody-here@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_password_change_requires_the_old_password(participant_a):
    client = Client()
    client.force_login(participant_a)
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": "not-the-password",
            "new_password1": "another-passphrase-1",
            "new_password2": "another-passphrase-1",
        },
    )
    assert response.status_code == 200
    assert User.objects.get(pk=participant_a.pk).check_password(PASSWORD)


def test_changing_the_case_of_the_email_buys_no_extra_guesses(participant_a, settings):
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        email = "anna@example.org" if attempt % 2 else "ANNA@example.org"
        _login(client, email, "guess-guess-guess")
    assert _login(client, "Anna@Example.org", PASSWORD).status_code == 429
