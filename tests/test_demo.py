"""`benchlearn demo`: a believable programme with one account per role."""

from io import StringIO

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from benchlearn.accounts.access import roles_of
from benchlearn.accounts.models import User
from benchlearn.catalogue.models import Domain, IndicatorVersion
from benchlearn.collection.models import Round, RoundState
from benchlearn.demo.build import DEMO_PASSWORD
from benchlearn.groups.models import ExchangeGroup
from benchlearn.units.models import ContextValue, Level, Unit, UnitMembership


def test_demo_creates_a_programme_and_prints_accounts_for_every_role(db):
    out = StringIO()
    call_command("demo", stdout=out)
    printed = out.getvalue()
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
    education = Round.objects.get(state=RoundState.OPEN)
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


def test_demo_runs_twice_without_duplicates(db):
    call_command("demo", stdout=StringIO())

    def counts():
        return (
            User.objects.count(),
            ExchangeGroup.objects.count(),
            UnitMembership.objects.count(),
            IndicatorVersion.objects.count(),
            ContextValue.objects.count(),
            Round.objects.count(),
        )

    before = counts()
    call_command("demo", stdout=StringIO())
    assert counts() == before
