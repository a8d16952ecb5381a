"""The people and units every test speaks of.

Unit A (Bielsko-Biała) and unit B (Gliwice) are in one exchange group, moderated by the
moderator. Unit C (Bestwina) is not in it. Each unit has its participant; the stranger
acts for unit C only; ``nobody`` has an account and no role.
"""

import csv

import pytest
from django.test import Client

from benchlearn.accounts.models import User
from benchlearn.accounts.services import user_create
from benchlearn.groups.models import ExchangeGroup
from benchlearn.groups.services import group_create
from benchlearn.units.models import Level, Unit
from benchlearn.units.services import BUNDLED_GMINY, unit_membership_set, unit_registry_load

PASSWORD = "correct-horse-battery-staple"
TERYT_A, TERYT_B, TERYT_C = "2461011", "2466011", "2402022"


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    # Tests read English messages unless they ask for Polish (the site default).
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _empty_cache():
    # A cached result (the peers' stats) must not outlive the test's rolled-back data:
    # the next test may reuse the same ids.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _tasks_wait_where_tests_say(settings):
    # Queued tasks (imports, computations after approvals) are kept, not run: tests run
    # them where they say, or ask for the immediate backend (``tasks_run_at_once``).
    settings.TASKS = DUMMY_TASKS


@pytest.fixture
def tasks_run_at_once(settings):
    settings.TASKS = IMMEDIATE_TASKS


def load_units(*teryts: str) -> None:
    with BUNDLED_GMINY.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["teryt7"] in teryts]
    unit_registry_load(gminy=rows)


def make_user(email: str, full_name: str, *, is_operator: bool = False) -> User:
    return user_create(email=email, full_name=full_name, password=PASSWORD, is_operator=is_operator)


@pytest.fixture
def units(db) -> dict[str, Unit]:
    load_units(TERYT_A, TERYT_B, TERYT_C)
    return {
        key: Unit.objects.get(teryt=teryt)
        for key, teryt in (("a", TERYT_A), ("b", TERYT_B), ("c", TERYT_C))
    }


@pytest.fixture
def unit_a(units) -> Unit:
    return units["a"]


@pytest.fixture
def unit_b(units) -> Unit:
    return units["b"]


@pytest.fixture
def unit_c(units) -> Unit:
    return units["c"]


@pytest.fixture
def operator(db) -> User:
    return make_user("biuro@example.org", "Olga Operator", is_operator=True)


@pytest.fixture
def moderator(db) -> User:
    return make_user("moderator@example.org", "Marek Moderator")


@pytest.fixture
def group(units, moderator) -> ExchangeGroup:
    return group_create(
        name="GWD Oświata",
        service="Oświata",
        cycle_start=2025,
        moderator=moderator,
        units=[units["a"], units["b"]],
    )


@pytest.fixture
def participant_a(unit_a) -> User:
    user = make_user("anna@example.org", "Anna Uczestniczka")
    unit_membership_set(user=user, unit=unit_a, level=Level.STRATEGIC)
    return user


@pytest.fixture
def participant_b(unit_b) -> User:
    user = make_user("bartek@example.org", "Bartek Kolega")
    unit_membership_set(user=user, unit=unit_b, level=Level.OPERATIONAL)
    return user


@pytest.fixture
def stranger(unit_c) -> User:
    user = make_user("obcy@example.org", "Stefan Obcy")
    unit_membership_set(user=user, unit=unit_c, level=Level.MIDDLE)
    return user


@pytest.fixture
def nobody(db) -> User:
    return make_user("nikt@example.org", "Nina Bezrolna")


@pytest.fixture
def programme(group, operator, moderator, participant_a, participant_b, stranger, nobody):
    """Everybody above at once, by role name."""
    return {
        "operator": operator,
        "moderator": moderator,
        "participant_a": participant_a,
        "participant_b": participant_b,
        "stranger": stranger,
        "nobody": nobody,
    }


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def pytest_configure(config):
    from django.conf import settings

    # Real hashing makes every fixture user cost a third of a second; tests check
    # behaviour, not the hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
