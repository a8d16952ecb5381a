"""An adopted plan of Gmina A measured against its group, with numbers worked by hand.

The group "GWD Oświata" has Gminas A and B and four more units (X1…X4). Results are
stored for 2023 first, so the actions' baselines are 2023; then for 2024 and 2025.
Gmina A has no 2024 result (a missing year): its latest year is 2025.

STAFF (higher is better), 2023 → 2025:
  A 10 → 19 (+9), B 20 → 21 (+1), X1 5 → 3 (−2), X2 8 → 10 (+2), X3 40 → 46 (+6),
  X4 7 → none (not counted). Changes −2, 1, 2, 6, 9 (n = 5), QUARTILE.INC at
  h = 4p: median h = 2 → 2; Q1 h = 1 → 1; Q3 h = 3 → 6. Difference 9 − 2 = +7: better
  than the group; 9 > 6: outside normal variation. Target 15: met.

COST (lower is better), 2023 → 2025:
  A 100 → 103 (+3), B 100 → 110 (+10), X1 50 → 52 (+2), X2 80 → 86 (+6),
  X3 60 → 60 (0), X4 70 → 78 (+8). Changes 0, 2, 3, 6, 8, 10 (n = 6), h = 5p: median
  h = 2.5 → 3 + 0.5·3 = 4.5; Q1 h = 1.25 → 2 + 0.25·1 = 2.25; Q3 h = 3.75 → 6 + 0.75·2
  = 7.5. Difference 3 − 4.5 = −1.5: better than the group (a cost rose less); 2.25 ≤ 3
  ≤ 7.5: within normal variation. Target 95: not met.

MOOD (neutral): only a 2023 result of A: "no result after the baseline year yet".
"""

import datetime

import numpy as np
import pytest
from django.utils import timezone

from benchlearn.catalogue.models import (
    Domain,
    Indicator,
    IndicatorSet,
    IndicatorSetEntry,
    IndicatorSetVersion,
    IndicatorVersion,
)
from benchlearn.engine.stats.one_group import summary_of
from benchlearn.plans.services import (
    ActionInput,
    TargetInput,
    action_save,
    plan_adopt,
    plan_confirm,
    plan_start,
    plan_submit,
)
from benchlearn.results.models import (
    ComparisonGroup,
    ComparisonKind,
    Computation,
    ComputationState,
    GroupStat,
    Result,
)
from benchlearn.units.models import Level, Unit
from tests.conftest import load_units

EXTRA = {"x1": "0201011", "x2": "0201022", "x3": "0216043", "x4": "0216053"}
POLARITY = {"STAFF": "higher", "COST": "lower", "MOOD": "neutral"}
VALUES = {
    "STAFF": {
        "a": (10.0, None, 19.0),
        "b": (20.0, 20.5, 21.0),
        "x1": (5.0, 4.0, 3.0),
        "x2": (8.0, 9.0, 10.0),
        "x3": (40.0, 43.0, 46.0),
        "x4": (7.0, 7.0, None),
    },
    "COST": {
        "a": (100.0, None, 103.0),
        "b": (100.0, 105.0, 110.0),
        "x1": (50.0, 51.0, 52.0),
        "x2": (80.0, 83.0, 86.0),
        "x3": (60.0, 60.0, 60.0),
        "x4": (70.0, 74.0, 78.0),
    },
    "MOOD": {"a": (3.0, None, None)},
}
YEARS = (2023, 2024, 2025)


def _store(computation, stored, indicators, units, year):
    for code, by_unit in VALUES.items():
        values = []
        for key, series in by_unit.items():
            value = series[YEARS.index(year)]
            if value is None:
                continue
            Result.objects.create(
                computation=computation, unit=units[key], indicator=indicators[code],
                period=year, value=value,
            )  # fmt: skip
            values.append(value)
        if not values:
            continue
        summary = summary_of(np.array(values), POLARITY[code])
        GroupStat.objects.create(
            group=stored, indicator=indicators[code], period=year, n=summary["n"],
            mean=summary["mean"], median=summary["median"], q1=summary["q1"],
            q3=summary["q3"], minimum=summary["min"], maximum=summary["max"],
            values=np.sort(np.array(values, dtype="<f8")).tobytes(),
        )  # fmt: skip


@pytest.fixture
def measured(group, units, participant_a, moderator):
    """Gmina A's adopted plan: action 1 on STAFF and COST, action 2 on MOOD."""
    load_units(*EXTRA.values())
    every = {**units, **{key: Unit.objects.get(teryt=t) for key, t in EXTRA.items()}}
    group.units.add(*(every[key] for key in EXTRA))
    edu = Domain.objects.create(code="EDU", name_pl="Oświata")
    group.domain = edu
    group.save(update_fields=["domain"])
    computation = Computation.objects.create(
        state=ComputationState.DONE, finished_at=timezone.now(), catalogue=dict.fromkeys(VALUES, 1)
    )
    stored = ComparisonGroup.objects.create(
        computation=computation, kind=ComparisonKind.EXCHANGE, key=str(group.pk),
        exchange_group=group,
    )  # fmt: skip
    stored.members.set([every[key] for key in ("a", "b", *EXTRA)])
    indicator_set = IndicatorSet.objects.create(code="EDU_SET", domain=edu, name_pl="Oświata")
    set_version = IndicatorSetVersion.objects.create(
        set=indicator_set, number=1, published_at=timezone.now()
    )
    indicators = {}
    for order, (code, polarity) in enumerate(POLARITY.items()):
        indicators[code] = Indicator.objects.create(code=code, domain=edu)
        version = IndicatorVersion.objects.create(
            indicator=indicators[code], number=1, formula="X", polarity=polarity,
            name_pl=f"Wskaźnik {code}", name_en=f"Indicator {code}", decimals=2,
            published_at=timezone.now(),
        )  # fmt: skip
        IndicatorSetEntry.objects.create(
            set_version=set_version, indicator_version=version, order=order
        )
    _store(computation, stored, indicators, every, 2023)
    plan = plan_start(unit=units["a"], group=group, by=participant_a)
    start = datetime.date(group.cycle_start, 3, 1)
    dates = {"start_date": start, "end_date": start + datetime.timedelta(days=300)}
    first, _warnings = action_save(
        plan=plan,
        data=ActionInput(
            title="Nabór nauczycieli i wspólne zakupy",
            owner_level=Level.STRATEGIC,
            indicators=[TargetInput("STAFF", 15.0, 2026), TargetInput("COST", 95.0, 2026)],
            **dates,
        ),
        by=participant_a,
    )
    second, _warnings = action_save(
        plan=plan,
        data=ActionInput(
            title="Ankieta nastrojów",
            owner_level=Level.STRATEGIC,
            indicators=[TargetInput("MOOD", 4.0, 2026)],
            **dates,
        ),
        by=participant_a,
    )
    plan_submit(plan=plan, by=participant_a)
    plan_confirm(plan=plan, by=participant_a)
    plan_adopt(plan=plan, by=moderator)
    _store(computation, stored, indicators, every, 2024)
    _store(computation, stored, indicators, every, 2025)
    plan.refresh_from_db()
    return {"plan": plan, "first": first, "second": second, "units": every, "stored": stored}
