"""The demo's good practices: both groups have practices published to everyone, on the
portal and in the open data, measured on their units' stored results; one more for the
members and one in review."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from benchlearn.demo.practices import EDUCATION_GROUP, WASTE_GROUP
from benchlearn.groups.models import ExchangeGroup
from benchlearn.practices.evidence import practice_evidence
from benchlearn.practices.models import Audience, Practice, PracticeState
from tests.conftest import client_for
from tests.demo_database import demo_database


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        demo_database()
        yield
        transaction.set_rollback(True)


def test_both_groups_publish_practices_to_everyone(db, demo):
    for name in (EDUCATION_GROUP, WASTE_GROUP):
        group = ExchangeGroup.objects.get(name=name)
        public = Practice.objects.filter(
            group=group, state=PracticeState.PUBLISHED, audience=Audience.PUBLIC
        )
        assert public.count() == 2, name
        assert Practice.objects.filter(group=group, audience=Audience.MEMBERS).exists()
        for practice in public:
            assert practice.versions.count() == 1
            assert practice.indicators.exists(), practice.title
            measured = practice_evidence(None, practice).indicators
            assert any(row.facts for row in measured), practice.title
    assert Practice.objects.filter(state=PracticeState.REVIEW).count() == 1


def test_the_public_finds_them_on_the_portal_and_in_the_open_data(db, demo):
    client = client_for(None)
    page = client.get("/portal/practices/", {"q": "odpadów"}).content.decode()
    assert "Wspólny przetarg na odbiór odpadów z sąsiednimi gminami" in page
    body = client.get("/api/v1/public/practices").json()
    assert body["count"] == 4


def test_a_second_build_adds_no_practice(db, demo):
    before = Practice.objects.count()
    call_command("demo", stdout=StringIO())
    assert Practice.objects.count() == before


def test_the_waste_groups_moderator_has_one_to_review(db, demo):
    waiting = Practice.objects.get(state=PracticeState.REVIEW)
    moderator = ExchangeGroup.objects.get(name=WASTE_GROUP).moderator
    page = client_for(moderator).get("/practices/review/").content.decode()
    assert waiting.title in page
    assert client_for(None).get(f"/portal/practices/{waiting.pk}/").status_code == 404
