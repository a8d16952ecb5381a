"""Guessing is limited: login failures from one network address across accounts
(password spraying), and password-reset e-mails per address and per network address,
answered neutrally."""

from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client

from tests.conftest import PASSWORD, make_user

SPRAYER = "203.0.113.7"
NEIGHBOUR = "198.51.100.20"


def _login(email: str, password: str, address: str = SPRAYER):
    client = Client(REMOTE_ADDR=address)
    return client, client.post("/accounts/login/", {"username": email, "password": password})


def test_many_failures_from_one_address_across_accounts_block_it(
    participant_a, participant_b, stranger, settings
):
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    # Two guesses at each of three accounts: no account reaches its own limit...
    for email in ("anna@example.org", "bartek@example.org", "nikogo@example.org"):
        for _ in range(2):
            assert _login(email, "Spring2026!")[1].status_code == 200
    # ...but the address has: even a right password for a fourth account is refused.
    client, response = _login(stranger.email, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed login attempts" in response.content.decode()
    assert SESSION_KEY not in client.session
    # The same person from another address logs in.
    client, response = _login(stranger.email, PASSWORD, address=NEIGHBOUR)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(stranger.pk)


def test_a_few_mistakes_from_a_shared_address_block_nobody(participant_a, participant_b, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    for email in ("anna@example.org", "bartek@example.org"):
        _login(email, "wrong-password-once")
    assert _login("bartek@example.org", PASSWORD)[1].status_code == 302


def test_behind_a_proxy_the_address_the_proxy_saw_counts(participant_a, settings):
    settings.BEHIND_PROXY = True
    settings.AXES_FAILURE_LIMIT = 100
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    proxy = "10.0.0.2"
    for made_up in ("1.1.1.1", "2.2.2.2", "3.3.3.3"):
        # A client may send any X-Forwarded-For; the proxy appends the real address.
        client = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"{made_up}, {SPRAYER}")
        client.post("/accounts/login/", {"username": "anna@example.org", "password": "guess"})
    blocked = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"9.9.9.9, {SPRAYER}")
    response = blocked.post(
        "/accounts/login/", {"username": "anna@example.org", "password": PASSWORD}
    )
    assert response.status_code == 429
    other = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=NEIGHBOUR)
    response = other.post(
        "/accounts/login/", {"username": "anna@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302


def _reset(email: str, address: str = SPRAYER):
    return Client(REMOTE_ADDR=address).post("/accounts/password/reset/", {"email": email})


def test_reset_emails_to_one_address_are_limited_with_the_same_answer(participant_a, settings):
    settings.PASSWORD_RESET_EMAIL_LIMIT = 3
    answers = [_reset("anna@example.org", address=f"198.51.100.{n}") for n in range(5)]
    assert len(mail.outbox) == 3
    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, "/accounts/password/reset/sent/")
    }
    page = Client().get("/accounts/password/reset/sent/").content.decode()
    assert "only a few such messages an hour to one address" in page


def test_reset_requests_for_unknown_addresses_count_the_same(db, settings):
    # Whether an address has an account makes no difference to the answer or the count.
    settings.PASSWORD_RESET_ADDRESS_LIMIT = 2
    make_user("pozniej@example.org", "Paweł Później")
    _reset("nikt-taki@example.org")
    _reset("tez-nikt@example.org")
    response = _reset("pozniej@example.org")
    assert response.status_code == 302
    assert mail.outbox == []
    # From another address the same person gets their e-mail.
    _reset("pozniej@example.org", address=NEIGHBOUR)
    assert [message.to for message in mail.outbox] == [["pozniej@example.org"]]


def test_reset_emails_from_one_network_address_are_limited(participant_a, participant_b, settings):
    settings.PASSWORD_RESET_ADDRESS_LIMIT = 2
    _reset("anna@example.org")
    _reset("bartek@example.org")
    _reset("bartek@example.org")
    assert [message.to for message in mail.outbox] == [
        ["anna@example.org"],
        ["bartek@example.org"],
    ]
