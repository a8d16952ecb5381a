"""`benchlearn demo`: a believable programme with one account per role, three past
years of approved data and results computed from them.

The demo takes seconds to build: it is built once for this module, in a transaction
undone after its last test (each test runs in a savepoint of it, as usual).
"""

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory

from benchlearn.accounts.access import roles_of
from benchlearn.accounts.models import User
from benchlearn.catalogue.models import Domain, IndicatorVersion
from benchlearn.collection.models import (
    Round,
    RoundState,
    Submission,
    SubmissionEvent,
    SubmissionState,
    Value,
    ValueChange,
)
from benchlearn.demo.build import DEMO_PASSWORD, PARTICIPANTS, demo_build
from benchlearn.groups.models import ExchangeGroup
from benchlearn.results.models import Computation, ComputationState, Result
from benchlearn.units.models import ContextValue, ContextValueChange, Level, Unit, UnitMembership
from tests.conftest import client_for


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker):
    """What `benchlearn demo` printed; the demo stays in the database for the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_demo_creates_a_programme_and_prints_accounts_for_every_role(db, printed):
    assert DEMO_PASSWORD in printed
    for role in ("operator", "moderator", "participant"):
        assert role in printed

    assert Unit.objects.count() > 2800
    # The default catalogue, published, and the public statistics of every gmina.
    assert Domain.objects.count() >= 6
    assert IndicatorVersion.objects.filter(published_at__isnull=False).count() >= 60
    bestwina = Unit.objects.get(teryt="2402022")
    population = ContextValue.objects.get(unit=bestwina, variable__code="POP", year=2018)
    assert 10_000 < population.value < 13_000
    # An open collection round with a form for every city of the education group.
    education = Round.objects.get(state=RoundState.OPEN, period__gt=2023)
    assert education.submissions.count() == 8
    assert education.submissions.filter(unit__teryt="2461011").exists()
    assert ExchangeGroup.objects.count() >= 2
    assert all(group.units.count() >= 6 for group in ExchangeGroup.objects.all())
    levels = set(UnitMembership.objects.values_list("level", flat=True))
    assert levels == set(Level.values)
    # Participants act for several units, in more than one group.
    assert UnitMembership.objects.values("unit").distinct().count() >= 4

    request = RequestFactory().post("/accounts/login/")
    for email in ("biuro@example.org", "moderator@example.org", "prezydent@example.org"):
        assert email in printed
        user = authenticate(request, username=email, password=DEMO_PASSWORD)
        assert user is not None, email
    assert roles_of(User.objects.get(email="biuro@example.org")).operator
    assert roles_of(User.objects.get(email="moderator@example.org")).moderator
    assert roles_of(User.objects.get(email="prezydent@example.org")).participant


def test_demo_has_three_closed_years_of_approved_data(db, printed):
    for name in ("Oświata", "Gospodarka odpadami"):
        rounds = Round.objects.filter(name__startswith=f"{name} — dane za").order_by("period")
        assert [r.period for r in rounds] == [2021, 2022, 2023]
        for past in rounds:
            assert past.state == RoundState.CLOSED
            states = set(past.submissions.values_list("state", flat=True))
            assert states == {SubmissionState.APPROVED}
            assert past.submissions.count() == 30
    # The education group's cities are among them; the demo participants submitted.
    bielsko = Submission.objects.get(round__name="Oświata — dane za 2022 r.", unit__teryt="2461011")
    assert bielsko.submitted_by.email == "szkoly@example.org"
    # Values that the checks warned about were explained before submission.
    assert Value.objects.filter(period=2023).exclude(comment="").exists()
    computation = Computation.objects.get(state=ComputationState.DONE)
    assert (computation.first_period, computation.last_period) == (2021, 2023)
    assert computation.units == 60


def _rank(html: str, code: str) -> tuple[int, int]:
    """The "rank of n" cell of an indicator's row on a dashboard."""
    row = html[html.index(f"/results/{code}/") :]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row[: row.index("</tr>")], re.S)
    found = re.fullmatch(r"(\d+) of (\d+)", re.sub(r"<[^>]+>", "", cells[3]).strip())
    assert found is not None, cells
    return int(found[1]), int(found[2])


def test_the_demo_participant_sees_the_rank_of_their_city(db, printed):
    account, teryt, _level = PARTICIPANTS[0]
    client = client_for(User.objects.get(email=account.email))
    # First offered: the exchange group of eight cities.
    response = client.get(f"/units/{teryt}/results/")
    assert response.status_code == 200
    rank, n = _rank(response.content.decode(), "EDU_EXAM_MATH_GAP")
    assert n == 8 and 1 <= rank <= n
    # Against all units: the thirty cities with education data.
    html = client.get(f"/units/{teryt}/results/?group=all&year=2023").content.decode()
    rank, n = _rank(html, "EDU_EXAM_MATH_GAP")
    assert n == 30 and 1 <= rank <= n


def test_demo_runs_twice_without_duplicates(db, printed):
    def counts():
        return (
            User.objects.count(),
            ExchangeGroup.objects.count(),
            UnitMembership.objects.count(),
            IndicatorVersion.objects.count(),
            ContextValue.objects.count(),
            ContextValueChange.objects.count(),
            Round.objects.count(),
            Submission.objects.count(),
            SubmissionEvent.objects.count(),
            Value.objects.count(),
            ValueChange.objects.count(),
            Computation.objects.count(),
            Result.objects.count(),
        )

    before = counts()
    demo_build()
    assert counts() == before
