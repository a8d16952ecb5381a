"""The diagnosis a plan starts from, read from the unit's stored results: the indicators
of the group's sets where the unit stands in the weakest quartile of its exchange group
in the latest year, or had the worst change of the group over the last year. Neutral
indicators have no weak side and are left out.

Where the programme's minimum group size withholds the group's statistics
(``results.selectors.minimum``), the diagnosis still names the indicators, but without
the group's median and the gap to it: with the unit's own value they would tell the
other members' figures."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from django.contrib.auth.models import AnonymousUser

from benchlearn.groups.models import ExchangeGroup
from benchlearn.plans.models import DiagnosisReason
from benchlearn.results.models import (
    ComparisonGroup,
    ComparisonKind,
    Computation,
    GroupStat,
    Result,
)
from benchlearn.results.selectors.computations import current_computation
from benchlearn.results.selectors.minimum import group_figures_withheld
from benchlearn.results.selectors.statistics import Stat, place
from benchlearn.units.models import Unit

_STAT_FIELDS = ["n", "mean", "aggregate", "median", "q1", "q3", "minimum", "maximum"]
_STAT_FIELDS += ["std", "best", "worst"]
WEAKEST_QUARTILE = 4  # 1 is the best quarter (engine.stats.common.quartile_of)


@dataclass(frozen=True)
class Finding:
    indicator_code: str
    reason: str
    value: float | None
    year: int
    group_median: float | None
    gap: float | None
    change: float | None = None


def diagnosis_findings(
    unit: Unit, group: ExchangeGroup, polarities: dict[str, str]
) -> list[Finding]:
    """What the diagnosis is prefilled with (``polarities``: code -> polarity of the
    group's indicators); empty while no computation holds the group's statistics."""
    computation = current_computation()
    if computation is None:
        return []
    stored = ComparisonGroup.objects.filter(
        computation=computation, kind=ComparisonKind.EXCHANGE, exchange_group=group
    ).first()
    ranked = {code for code, polarity in polarities.items() if polarity != "neutral"}
    if stored is None or not ranked:
        return []
    withheld = bool(_withheld(stored, computation))
    members = list(stored.members.values_list("pk", flat=True))
    values: dict[tuple[int, str, int], float] = {}
    rows = Result.objects.filter(
        computation=computation,
        unit_id__in=members,
        indicator__code__in=ranked,
        value__isnull=False,
    ).values_list("unit_id", "indicator__code", "period", "value")
    for unit_id, code, period, value in rows:
        if value is not None and math.isfinite(value):
            values[(unit_id, code, period)] = value
    own_years = sorted({period for u, _c, period in values if u == unit.pk})
    if not own_years:
        return []
    latest = own_years[-1]
    stats = _stats(stored, latest)
    findings: list[Finding] = []
    for code in sorted(ranked):
        value = values.get((unit.pk, code, latest))
        stat = stats.get(code)
        if value is None or stat is None:
            continue
        median = None if withheld else stat.median
        gap = None if median is None else value - median
        position = place(value, stat, polarities[code])
        if position is not None and position.quartile == WEAKEST_QUARTILE:
            findings.append(
                Finding(code, DiagnosisReason.WEAKEST_QUARTILE, value, latest, median, gap)
            )
        change = _worst_change(values, members, unit.pk, code, latest, polarities[code])
        if change is not None:
            findings.append(
                Finding(code, DiagnosisReason.WORST_TREND, value, latest, median, gap, change)
            )
    return findings


def _withheld(stored: ComparisonGroup, computation: Computation) -> str:
    # As the unit's team reads the plan (not as the office, which sees every figure):
    # what is stored in the plan is shown to all its readers.
    return group_figures_withheld(AnonymousUser(), stored, computation)


def diagnosis_withheld(group: ExchangeGroup) -> str:
    """Why the diagnoses of ``group``'s plans show no group median and gap (a sentence),
    or "" when they show them."""
    computation = current_computation()
    if computation is None:
        return ""
    stored = ComparisonGroup.objects.filter(
        computation=computation, kind=ComparisonKind.EXCHANGE, exchange_group=group
    ).first()
    return _withheld(stored, computation) if stored is not None else ""


def _stats(stored: ComparisonGroup, period: int) -> dict[str, Stat]:
    found: dict[str, Stat] = {}
    rows = GroupStat.objects.filter(group=stored, period=period).values_list(
        "indicator__code", "values", *_STAT_FIELDS
    )
    for code, blob, *figures in rows:
        found[code] = Stat(*figures, values=np.frombuffer(bytes(blob), dtype="<f8"))  # type: ignore[misc]
    return found


def _worst_change(
    values: dict[tuple[int, str, int], float],
    members: list[int],
    unit_id: int,
    code: str,
    latest: int,
    polarity: str,
) -> float | None:
    """The unit's change from the year before ``latest`` when it is the worst of the
    group's (by the indicator's polarity, at least two members with a change, and a
    change for the worse); None otherwise."""
    sign = 1.0 if polarity == "higher" else -1.0
    changes: dict[int, float] = {}
    for member in members:
        now, before = values.get((member, code, latest)), values.get((member, code, latest - 1))
        if now is not None and before is not None:
            changes[member] = now - before
    own = changes.get(unit_id)
    if own is None or len(changes) < 2 or sign * own >= 0:
        return None
    worst = min(sign * change for change in changes.values())
    return own if sign * own == worst else None
