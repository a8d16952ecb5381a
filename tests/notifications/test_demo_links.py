"""As every account of `benchlearn demo`: no link on the start page, or on the lists the
header leads to, ends in "no access"; a participant's start page shows the unit's
latest positions. The demo is built once for this module, in a transaction undone
after its last test (as in tests/test_demo.py)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from benchlearn.accounts.models import User
from benchlearn.demo.build import MODERATORS, OPERATOR, PARTICIPANTS
from tests.conftest import client_for
from tests.notifications.test_start_links import refused_links

ACCOUNTS = [
    OPERATOR.email,
    *(m.email for m in MODERATORS),
    *(p.email for p, _t, _l in PARTICIPANTS),
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", stdout=StringIO())
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
