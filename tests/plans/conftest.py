"""Gminas A and B in the group "GWD Oświata" (cycle 2025–2026, domain EDU) with stored
results for 2023 and 2024:

- COST (lower is better): A 100 → 120, B 100 → 90: A is the group's weakest in 2024
  (median 105, gap +15) and had its worst change (+20);
- STAFF (higher is better): A 5 → 6, B 4 → 3: A is fine, B weakest with the worst trend;
- MOOD (neutral): never in a diagnosis; OTHER (lower, another domain's set): not the
  group's.
"""

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
from benchlearn.results.models import (
    ComparisonGroup,
    ComparisonKind,
    Computation,
    ComputationState,
    GroupStat,
    Result,
)
from benchlearn.units.models import Level
from benchlearn.units.services import unit_membership_set
from tests.conftest import make_user
from tests.plans.measured import measured  # noqa: F401 (a fixture of the plans' effects)

VALUES = {
    "COST": ("lower", {"a": {2023: 100.0, 2024: 120.0}, "b": {2023: 100.0, 2024: 90.0}}),
    "STAFF": ("higher", {"a": {2023: 5.0, 2024: 6.0}, "b": {2023: 4.0, 2024: 3.0}}),
    "MOOD": ("neutral", {"a": {2023: 1.0, 2024: 0.0}, "b": {2023: 5.0, 2024: 9.0}}),
    "OTHER": ("lower", {"a": {2023: 1.0, 2024: 50.0}, "b": {2023: 1.0, 2024: 1.0}}),
}


def _indicator_set(domain, code, versions):
    indicator_set = IndicatorSet.objects.create(code=code, domain=domain, name_pl=code)
    set_version = IndicatorSetVersion.objects.create(
        set=indicator_set, number=1, published_at=timezone.now()
    )
    for order, version in enumerate(versions):
        IndicatorSetEntry.objects.create(
            set_version=set_version, indicator_version=version, order=order
        )


@pytest.fixture
def results(programme, group, units, operator):
    """The stored results above, the group in the domain of their set."""
    edu = Domain.objects.create(code="EDU", name_pl="Oświata")
    roads = Domain.objects.create(code="ROADS", name_pl="Drogi")
    group.domain = edu
    group.save(update_fields=["domain"])
    computation = Computation.objects.create(
        state=ComputationState.DONE, finished_at=timezone.now(), catalogue={c: 1 for c in VALUES}
    )
    stored = ComparisonGroup.objects.create(
        computation=computation,
        kind=ComparisonKind.EXCHANGE,
        key=str(group.pk),
        exchange_group=group,
    )
    stored.members.set([units["a"], units["b"]])
    versions = {}
    for code, (polarity, by_unit) in VALUES.items():
        indicator = Indicator.objects.create(code=code, domain=roads if code == "OTHER" else edu)
        versions[code] = IndicatorVersion.objects.create(
            indicator=indicator, number=1, formula="X", polarity=polarity, name_pl=code,
            published_at=timezone.now(),
        )  # fmt: skip
        for period in (2023, 2024):
            values = []
            for key, series in by_unit.items():
                Result.objects.create(
                    computation=computation, unit=units[key], indicator=indicator,
                    period=period, value=series[period],
                )  # fmt: skip
                values.append(series[period])
            summary = summary_of(np.array(values), polarity)
            GroupStat.objects.create(
                group=stored,
                indicator=indicator,
                period=period,
                n=summary["n"],
                mean=summary["mean"],
                aggregate=summary["aggregate"],
                median=summary["median"],
                q1=summary["q1"],
                q3=summary["q3"],
                minimum=summary["min"],
                maximum=summary["max"],
                std=summary["std"],
                best=summary["best"],
                worst=summary["worst"],
                values=np.sort(np.array(values, dtype="<f8")).tobytes(),
            )
    _indicator_set(edu, "EDU_SET", [versions["COST"], versions["STAFF"], versions["MOOD"]])
    _indicator_set(roads, "ROADS_SET", [versions["OTHER"]])
    return computation


@pytest.fixture
def middle_a(unit_a):
    """Anna's colleague in Gmina A at the middle level: writes the plan, never confirms."""
    user = make_user("marta@example.org", "Marta Średnia")
    unit_membership_set(user=user, unit=unit_a, level=Level.MIDDLE)
    return user


from tests.plans.progress_fixtures import (  # noqa: E402, F401 - year two's fixtures
    cycle_meetings,
    year_two_action,
    year_two_plan,
)
