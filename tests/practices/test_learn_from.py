"""Who to learn from on a unit's results pages: for Gmina A's weak indicators, the
similar units (its nearest neighbours, its kind and population band) in the best
quarter or the most improved, with their practices and adopted plan actions as the
reader may see them, their DEA weights, and letters with "ask for an introduction"
where names are hidden.

COST (lower is better), 2023 → 2024: A 150 → 150 (the worst), B 80, C 90, E1 100,
E2 110, E3 160 → 120 (the most improved), E4 130, E5 140. A's neighbours: B, C, E1; its
band: all eight. STAFF (higher is better): A the weakest, E4 the best.
"""

import datetime
import re

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchlearn.catalogue.models import Domain, Indicator, IndicatorVersion
from benchlearn.engine.stats.one_group import summary_of
from benchlearn.groups.services import group_create
from benchlearn.notifications.models import IntroductionRequest
from benchlearn.plans.models import Action, ActionIndicator, Plan, PlanState
from benchlearn.practices.learn_from import learn_from_for
from benchlearn.practices.models import Audience
from benchlearn.practices.services import IndicatorInput
from benchlearn.results.models import (
    ComparisonGroup,
    ComparisonKind,
    Computation,
    ComputationState,
    EfficiencyModel,
    EfficiencyScore,
    GroupStat,
    Neighbour,
    Result,
)
from benchlearn.results.pages import context_for, dashboard_for
from benchlearn.units.models import Level
from tests.collection.conftest import extra_units  # noqa: F401 (a fixture)
from tests.conftest import client_for
from tests.notifications.conftest import deliver
from tests.practices.conftest import published

COST = {"a": (150, 150), "b": (80, 80), "c": (90, 90), "e1": (100, 100), "e2": (110, 110)}
COST |= {"e3": (160, 120), "e4": (130, 130), "e5": (140, 140)}
STAFF = {"a": (1, 1), "b": (5, 5), "c": (6, 6), "e1": (4, 4), "e2": (3, 3), "e3": (5, 5)}
STAFF |= {"e4": (9, 9), "e5": (2, 2)}


def _stat(group, indicator, period, values, polarity):
    summary = summary_of(np.array(values, dtype=float), polarity)
    GroupStat.objects.create(
        group=group, indicator=indicator, period=period, n=summary["n"],
        mean=summary["mean"], aggregate=summary["aggregate"], median=summary["median"],
        q1=summary["q1"], q3=summary["q3"], minimum=summary["min"], maximum=summary["max"],
        std=summary["std"], best=summary["best"], worst=summary["worst"],
        values=np.sort(np.array(values, dtype="<f8")).tobytes(),
    )  # fmt: skip


@pytest.fixture
def world(programme, group, units, extra_units, operator):  # noqa: F811 (the fixture)
    every = {"a": units["a"], "b": units["b"], "c": units["c"]}
    every |= {f"e{n}": unit for n, unit in enumerate(extra_units, start=1)}
    edu = Domain.objects.create(code="EDU", name_pl="Oświata")
    computation = Computation.objects.create(
        state=ComputationState.DONE, finished_at=timezone.now(), first_period=2023,
        last_period=2024, catalogue={"COST": 1, "STAFF": 1},
    )  # fmt: skip
    exchange = ComparisonGroup.objects.create(
        computation=computation, kind=ComparisonKind.EXCHANGE, key=str(group.pk),
        exchange_group=group,
    )  # fmt: skip
    exchange.members.set([every["a"], every["b"]])
    band = ComparisonGroup.objects.create(
        computation=computation, kind=ComparisonKind.BAND, key="gm:20-50"
    )
    band.members.set(every.values())
    indicators = {}
    for code, polarity, table in (("COST", "lower", COST), ("STAFF", "higher", STAFF)):
        indicator = Indicator.objects.create(code=code, domain=edu)
        indicators[code] = indicator
        IndicatorVersion.objects.create(
            indicator=indicator, number=1, formula="X", polarity=polarity, name_pl=code,
            published_at=timezone.now(),
        )  # fmt: skip
        for i, period in enumerate((2023, 2024)):
            for key, unit in every.items():
                Result.objects.create(
                    computation=computation, unit=unit, indicator=indicator, period=period,
                    value=float(table[key][i]),
                )  # fmt: skip
            _stat(band, indicator, period, [v[i] for v in table.values()], polarity)
            _stat(exchange, indicator, period, [table["a"][i], table["b"][i]], polarity)
    for rank, key in enumerate(("b", "c", "e1"), start=1):
        Neighbour.objects.create(
            computation=computation, unit=every["a"], peer=every[key], rank=rank,
            distance=0.1 * rank, shares={"POP": 1.0},
        )  # fmt: skip
    model = EfficiencyModel.objects.create(code="edu-dea", name_pl="Oświata DEA", domain=edu)
    EfficiencyScore.objects.create(
        computation=computation, model=model, unit=every["a"], period=2024, score=0.6,
        peers=[[every["c"].pk, 0.7], [every["b"].pk, 0.3]],
    )  # fmt: skip
    return {"units": every, "indicators": indicators, "domain": edu}


def section(text: str) -> str:
    found = re.search(r'<section class="learn-from".*?</section>', text, re.S)
    return found.group(0) if found else ""


def dashboard(user, unit, query="group=band"):
    response = client_for(user).get(f"/units/{unit.teryt}/results/?{query}")
    assert response.status_code == 200
    return section(response.text)


def test_similar_units_in_the_best_quarter_or_most_improved(world, operator):
    u = world["units"]
    shown = dashboard(operator, u["a"])
    for key in ("b", "c", "e3"):  # B and C the best quarter, E3 the most improved
        assert u[key].name in shown
    for key in ("e1", "e2", "e5"):  # neither
        assert u[key].name not in shown
    assert shown.count(u["a"].name) == 0  # never the unit itself
    assert "most improved, no. 1" in shown and "−40" in shown.replace("-", "−")
    assert "weight 0.70" in shown or "weight 0,70" in shown  # C as A's DEA peer
    # STAFF: E4 the best of the band; A's neighbours B and C the best among them.
    assert u["e4"].name in shown


def test_names_hidden_outside_an_open_group_letters_and_an_introduction(
    world, participant_a, group
):
    u = world["units"]
    # On the open exchange group's page B (a member) is named; on a programme-wide
    # comparison, where the page shows letters, a name beside them would say who is who.
    shown = dashboard(participant_a, u["a"], f"group=exchange-{group.pk}")
    assert u["b"].name in shown
    shown = dashboard(participant_a, u["a"])
    for key in ("b", "c", "e3", "e4"):
        assert u[key].name not in shown and u[key].teryt not in shown
    assert "Ask for an introduction" in shown
    group.anonymised = True
    group.save(update_fields=["anonymised"])
    shown = dashboard(participant_a, u["a"])
    assert u["b"].name not in shown
    # The letters are those of the indicator's page in the same comparison.
    page = client_for(participant_a).get(f"/units/{u['a'].teryt}/results/COST/?group=band").text
    letters = re.findall(r"<li><strong>([A-Z]+)</strong>", section(page))
    assert letters and all(f"<td>{letter}</td>" in page for letter in letters)


def test_the_moderator_sees_no_introduction_button(world, moderator):
    shown = dashboard(moderator, world["units"]["a"])
    assert shown and "Ask for an introduction" not in shown


def test_practices_and_plan_actions_as_their_visibility_allows(
    world, participant_a, participant_b, moderator, operator, stranger, nobody
):
    u = world["units"]
    measured = {"domain": world["domain"], "indicators": [IndicatorInput("COST", 2023, 2024)]}
    members = Audience.MEMBERS
    published(u["c"], stranger, operator, audience=members, title="Wspólne zakupy", **measured)
    published(u["e3"], operator, operator, audience=Audience.PUBLIC, title="Nowe trasy", **measured)
    published(u["b"], participant_b, operator, title="Inny wskaźnik",
              domain=world["domain"], indicators=[IndicatorInput("STAFF", 2023, 2024)])  # fmt: skip
    # C's adopted plan in a group with A; E3's in a group without A; C's private one.
    with_a = group_create(name="GWD Koszty", service="Oświata", cycle_start=2025,
                          moderator=moderator, units=[u["a"], u["c"]], anonymised=True)  # fmt: skip
    without_a = group_create(name="GWD Inna", service="Oświata", cycle_start=2025,
                             moderator=None, units=[u["e3"], u["e4"]])  # fmt: skip
    for unit, exchange, title, state in (
        (u["c"], with_a, "Przetarg wspólny", PlanState.ADOPTED),
        (u["e3"], without_a, "Optymalizacja sieci szkół", PlanState.ADOPTED),
        (u["e1"], with_a, "Szkic", PlanState.DRAFT),
    ):
        plan = Plan.objects.create(unit=unit, group=exchange, cycle_start=2025, state=state)
        action = Action.objects.create(
            plan=plan, title=title, owner_level=Level.STRATEGIC,
            start_date=datetime.date(2025, 1, 1), end_date=datetime.date(2025, 12, 31),
        )  # fmt: skip
        ActionIndicator.objects.create(action=action, indicator_code="COST", target=100.0,
                                       target_year=2026)  # fmt: skip
    shown = dashboard(participant_a, u["a"])
    assert "Wspólne zakupy" in shown and "Nowe trasy" in shown
    assert "Inny wskaźnik" not in shown  # B's practice is on STAFF, where B is not suggested
    assert "Przetarg wspólny" in shown  # an adopted plan of A's group
    assert "Optymalizacja sieci szkół" not in shown  # not A's group
    assert "Szkic" not in shown
    everything = dashboard(operator, u["a"])
    assert "Optymalizacja sieci szkół" in everything
    Plan.objects.filter(unit=u["c"]).update(private=True)
    assert "Przetarg wspólny" not in dashboard(participant_a, u["a"])
    # Anyone outside the programme would read only the public practices.
    context = context_for(operator, u["a"], choice="band", year="")
    page = dashboard_for(operator, u["a"], choice="band", year="", domain="", category="",
                         sort="")  # fmt: skip
    positions = [(row.indicator, row.position) for row in page.rows]
    learn = learn_from_for(nobody, context, positions)
    titles = {p.title for i in learn.indicators for s in i.suggestions for p in s.practices}
    assert titles == {"Nowe trasy"}


def test_the_introduction_button_chooses_the_unit_and_notifies(world, participant_a, operator):
    u = world["units"]
    anna = client_for(participant_a)
    shown = dashboard(participant_a, u["a"])
    link = re.search(r'<a class="button" href="([^"]+)">Ask for an introduction', shown)
    assert link is not None
    url = link.group(1).replace("&amp;", "&")
    form = anna.get(url)
    assert form.status_code == 200
    chosen = re.search(r'name="member" value="([0-9a-f]+)"[^>]*checked', form.text)
    assert chosen is not None
    response = anna.post(
        url.split("?")[0],
        {
            "member": chosen.group(1),
            "group": re.search(r"group=([\w-]+)", url).group(1),
            "year": "2024",
            "indicator": re.search(r"indicator=(\w+)", url).group(1),
            "message": "Jak to zrobiliście?",
        },
    )
    assert response.status_code == 302
    request = IntroductionRequest.objects.get()
    suggested = {u[key].pk for key in ("b", "c", "e3", "e4")}
    assert request.unit == u["a"] and request.target.pk in suggested
    assert request.target.name not in anna.get(response["Location"]).text
    sent = deliver()
    # The office decides; where the unit is in a moderated group of the reader's, its
    # moderator is told too.
    expected = {"biuro@example.org"}
    if request.target.pk == u["b"].pk:
        expected.add("moderator@example.org")
    assert {to[0] for _s, to in sent} == expected


def test_not_shown_where_the_unit_is_not_weak(world, operator):
    Result.objects.filter(unit=world["units"]["a"]).update(value=50.0)
    for indicator in ("COST", "STAFF"):
        Result.objects.filter(
            unit=world["units"]["a"], indicator__code=indicator, period=2024
        ).update(value=85.0 if indicator == "COST" else 10.0)
    page = client_for(operator).get(f"/units/{world['units']['a'].teryt}/results/COST/?group=band")
    assert page.status_code == 200 and section(page.text) == ""


def test_bad_input_is_a_404(world, participant_a, stranger):
    a = world["units"]["a"]
    anna = client_for(participant_a)
    assert anna.get(f"/units/{a.teryt}/results/NOPE/?group=band").status_code == 404
    assert anna.get("/units/9999999/results/?group=band").status_code == 404
    assert anna.get(f"/units/{a.teryt}/results/?group=nope").status_code == 404
    assert client_for(stranger).get(f"/units/{a.teryt}/results/").status_code == 404
    url = f"/notifications/introductions/new/{a.teryt}/?group=band&member=zz&indicator=X"
    assert anna.get(url).status_code == 200  # an unknown reference chooses nothing


def publish_measured(unit, operator, domain, title):
    measured = [IndicatorInput("COST", 2023, 2024), IndicatorInput("STAFF", 2023, 2024)]
    published(unit, operator, operator, title=title, domain=domain, indicators=measured)


def test_queries_do_not_grow_with_indicators_or_units(world, operator, participant_a):
    u = world["units"]
    publish_measured(u["b"], operator, world["domain"], "Praktyka b")
    context = context_for(participant_a, u["a"], choice="band", year="")
    page = dashboard_for(
        participant_a, u["a"], choice="band", year="", domain="", category="", sort=""
    )
    rows = {row.indicator.code: (row.indicator, row.position) for row in page.rows}
    learn_from_for(participant_a, context, list(rows.values()))  # warm the caches
    counts = []
    for codes in (["COST"], ["COST", "STAFF"]):
        with CaptureQueriesContext(connection) as queries:
            learn = learn_from_for(participant_a, context, [rows[c] for c in codes])
        assert len(learn.indicators) == len(codes)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    for key in ("c", "e3", "e4"):
        publish_measured(u[key], operator, world["domain"], f"Praktyka {key}")
    with CaptureQueriesContext(connection) as queries:
        learn = learn_from_for(participant_a, context, [rows["COST"], rows["STAFF"]])
    assert len(queries) == counts[1]
    shown = {p.title for i in learn.indicators for s in i.suggestions for p in s.practices}
    assert shown == {"Praktyka b", "Praktyka c", "Praktyka e3", "Praktyka e4"}
