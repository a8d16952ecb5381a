"""`benchlearn demo`: a believable programme with one account per role, approved data
from 2021, last year's rounds open with most values in, a DEA model per domain with
data, and results computed from them.

The demo takes seconds to build: it is built once for this module, in a transaction
undone after its last test (each test runs in a savepoint of it, as usual).
"""

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import connection, transaction
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
from benchlearn.demo.build import DEMO_PASSWORD, OPERATOR, PARTICIPANTS, AccountShown, demo_build
from benchlearn.demo.history import OPEN_YEAR
from benchlearn.engine.dea import min_units
from benchlearn.groups.models import ExchangeGroup
from benchlearn.results.models import (
    Computation,
    ComputationState,
    EfficiencyModel,
    EfficiencyScore,
    Result,
)
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
    # Last year's rounds are open, with a form for every unit of the domain, most of
    # them approved, and the demo participants' units with drafts to submit.
    for name in ("Oświata", "Gospodarka odpadami"):
        current = Round.objects.get(name__startswith=name, state=RoundState.OPEN)
        assert current.period == OPEN_YEAR
        assert current.submissions.count() == 30
        approved = current.submissions.filter(state=SubmissionState.APPROVED).count()
        assert approved > 15
        units = current.submissions.values("unit")
        entered = Value.objects.filter(period=OPEN_YEAR, unit__in=units, value__isnull=False)
        assert entered.values("unit").distinct().count() == 30
    education = Round.objects.get(name__startswith="Oświata", state=RoundState.OPEN)
    mine = education.submissions.get(unit__teryt="2461011")
    assert mine.state == SubmissionState.DRAFT
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


def test_demo_prints_each_accounts_unit_level_and_groups(db, printed):
    assert "prezydent@example.org" in printed
    block = printed[printed.index("prezydent@example.org") :].split("naczelnik@")[0]
    assert "Bielsko-Biała" in block and "strategiczny (kierownictwo)" in block
    assert "GWD Oświata — miasta na prawach powiatu" in block
    moderator = printed[printed.index("moderatorka@example.org") :].split("prezydent@")[0]
    assert "GWD Gospodarka odpadami — gminy wiejskie" in moderator


def test_demo_has_every_year_from_2021_without_a_hole(db, printed):
    for name in ("Oświata", "Gospodarka odpadami"):
        rounds = Round.objects.filter(name__startswith=f"{name} — dane za").order_by("period")
        assert [r.period for r in rounds] == list(range(2021, OPEN_YEAR))
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
    assert (computation.first_period, computation.last_period) == (2021, OPEN_YEAR)
    assert computation.units == 60
    periods = set(Result.objects.values_list("period", flat=True).distinct())
    assert periods == set(range(2021, OPEN_YEAR + 1))


def test_every_domain_with_data_has_a_dea_model_with_scores_every_year(db, printed):
    computation = Computation.objects.get(state=ComputationState.DONE)
    models = {m.domain.code: m for m in EfficiencyModel.objects.select_related("domain")}
    assert set(models) == {"EDU", "WST"}
    for model in models.values():
        for year in range(2021, OPEN_YEAR + 1):
            scored = EfficiencyScore.objects.filter(
                computation=computation, model=model, period=year, score__isnull=False
            )
            needed = min_units(len(model.inputs), len(model.outputs))
            assert scored.count() >= needed, (model.code, year)
            # Scores that discriminate: most units are off the frontier.
            assert scored.filter(efficient=True).count() <= scored.count() // 3


def test_the_demo_participant_sees_efficiency_scores(db, printed):
    account, teryt, _level = PARTICIPANTS[0]
    client = client_for(User.objects.get(email=account.email))
    dashboard = client.get(f"/units/{teryt}/results/").content.decode()
    assert "/efficiency/oswiata-koszt/" in dashboard
    assert "/efficiency/odpady-koszt/" not in dashboard  # a city has no waste data
    html = client.get(f"/units/{teryt}/efficiency/oswiata-koszt/?group=all").content.decode()
    assert "Your unit's efficiency:" in html
    assert 'id="efficiency-table"' in html and "No efficiency is shown" not in html
    assert client.get(f"/units/{teryt}/efficiency/odpady-koszt/").status_code == 404
    # Last year's data of the unit are still a draft: the page leads to the year before.
    last = client.get(f"/units/{teryt}/efficiency/oswiata-koszt/?year={OPEN_YEAR}")
    assert "Your unit has no data for this model in this year." in last.content.decode()
    assert f"year={OPEN_YEAR - 1}" in last.content.decode()


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


def test_demo_reset_empties_the_database_first(db, printed, monkeypatch):
    User.objects.create_user(email="stray@example.org", full_name="Someone Else")
    # The build itself is the one above; here only what --reset adds is checked.
    monkeypatch.setattr(
        "benchlearn.demo.management.commands.demo.demo_build",
        lambda: [AccountShown(OPERATOR, "", "", [])],
    )
    if connection.vendor == "postgresql":
        # Outside a test the flush is a transaction of its own; inside the test's, the
        # deferred foreign key checks of the rows above must run before TRUNCATE.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    out = StringIO()
    call_command("demo", "--reset", stdout=out)
    assert "The database was emptied." in out.getvalue()
    assert not User.objects.exists()
    assert not Round.objects.exists()
