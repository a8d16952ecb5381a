"""As every account of `benchlearn demo`: no link on the start page, or on the lists the
header leads to, ends in "no access"; a participant's start page shows the unit's
latest positions; the pages of notifications, introductions and preferences have
something true to show. The demo is built once for this module, in a transaction undone
after its last test (as in tests/test_demo.py)."""

import pytest
from django.db import transaction

from benchlearn.accounts.models import User
from benchlearn.demo.build import MODERATORS, OPERATOR, PARTICIPANTS
from benchlearn.groups.models import ExchangeGroup, Programme
from benchlearn.notifications.models import IntroductionRequest, IntroductionState, Notification
from tests.conftest import client_for
from tests.demo_database import demo_database
from tests.notifications.test_start_links import refused_links

ACCOUNTS = [
    OPERATOR.email,
    *(m.email for m in MODERATORS),
    *(p.email for p, _t, _l in PARTICIPANTS),
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        demo_database()
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("email", ACCOUNTS)
def test_no_link_ends_in_no_access_for_a_demo_account(db, demo, email):
    refused, seen = refused_links(client_for(User.objects.get(email=email)))
    assert not refused, "\n".join(refused)
    assert len(seen) > 8


def test_a_demo_participant_sees_the_units_latest_positions(db, demo):
    account, teryt, _level = PARTICIPANTS[0]
    page = client_for(User.objects.get(email=account.email)).get("/").text
    card = page[page.index(f'data-unit="{teryt}"') :]
    assert f'href="/units/{teryt}/results/"' in card
    assert "Latest positions, compared with" in card
    assert card.count(f'href="/units/{teryt}/results/') >= 4


@pytest.mark.parametrize("email", ACCOUNTS)
def test_every_demo_account_has_notifications_to_read(db, demo, email):
    page = client_for(User.objects.get(email=email)).get("/notifications/")
    assert page.status_code == 200
    assert 'class="notification unread"' in page.text
    assert "No notifications yet." not in page.text


def test_the_demo_programme_lets_its_moderators_review_and_anonymises_the_waste_group(db, demo):
    programme = Programme.objects.get()
    assert programme.moderators_review
    groups = ExchangeGroup.objects.all()
    assert {g.programme_id for g in groups} == {programme.pk}
    assert [g.name for g in groups if g.anonymised] == ["GWD Gospodarka odpadami — gminy wiejskie"]
    # The forms submitted in the open rounds were told to their reviewers.
    told = Notification.objects.filter(recipient__email="biuro@example.org")
    assert told.filter(kind="submission_submitted").exists()


def test_the_demo_has_a_pending_introduction_shown_to_who_asked_and_who_decides(db, demo):
    (asked,) = IntroductionRequest.objects.all()
    assert asked.state == IntroductionState.PENDING
    assert (asked.unit.name, asked.target.name) == ("Bestwina", "Jasienica")
    assert asked.shown_as.endswith("w porównaniu „GWD Gospodarka odpadami — gminy wiejskie”")
    wojt = client_for(User.objects.get(email="wojt@example.org"))
    mine = wojt.get("/notifications/introductions/").text
    assert asked.shown_as in mine and "Jasienica" not in mine  # still anonymised for her
    for email in ("biuro@example.org", "moderatorka@example.org"):
        client = client_for(User.objects.get(email=email))
        assert "Jasienica" in client.get("/notifications/introductions/").text
        detail = client.get(f"/notifications/introductions/{asked.pk}/").text
        assert 'value="accept"' in detail
    # The other group's moderator has nothing to decide.
    other = client_for(User.objects.get(email="moderator@example.org"))
    assert "No requests for introductions." in other.get("/notifications/introductions/").text


def test_the_demo_preferences_page_lists_every_kind_for_the_strategic_level(db, demo):
    page = client_for(User.objects.get(email="prezydent@example.org"))
    text = page.get("/notifications/preferences/").text
    assert "Data awaiting your sign-off" in text and 'name="language"' in text
