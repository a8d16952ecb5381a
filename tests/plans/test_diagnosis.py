"""The diagnosis a plan starts from: the unit's weakest indicators in its group."""

import pytest

from benchlearn.plans.models import DiagnosisReason
from benchlearn.plans.services import PlanError, diagnosis_item_set, plan_start


def _items(plan):
    return {(d.indicator_code, d.reason): d for d in plan.diagnosis.all()}


def test_prefilled_with_the_weakest_quartile_and_the_worst_trend(
    results, group, unit_a, participant_a
):
    plan = plan_start(unit=unit_a, group=group, by=participant_a)
    items = _items(plan)
    # COST is lower-better: A's 120 against B's 90 is the group's weakest, and its
    # +20 the worst change; STAFF is fine; MOOD is neutral; OTHER is not the group's.
    assert set(items) == {
        ("COST", DiagnosisReason.WEAKEST_QUARTILE),
        ("COST", DiagnosisReason.WORST_TREND),
    }
    weakest = items[("COST", DiagnosisReason.WEAKEST_QUARTILE)]
    assert (weakest.value, weakest.year, weakest.group_median, weakest.gap) == (
        120.0,
        2024,
        105.0,
        15.0,
    )
    assert items[("COST", DiagnosisReason.WORST_TREND)].change == 20.0
    assert all(d.kept for d in items.values())


def test_polarity_decides_the_weak_side(results, group, unit_b, participant_b):
    plan = plan_start(unit=unit_b, group=group, by=participant_b)
    # B's STAFF fell 4 → 3 (higher is better); its COST fell too, which is good.
    assert set(_items(plan)) == {
        ("STAFF", DiagnosisReason.WEAKEST_QUARTILE),
        ("STAFF", DiagnosisReason.WORST_TREND),
    }


def test_without_results_the_diagnosis_is_empty(programme, group, unit_a, participant_a):
    plan = plan_start(unit=unit_a, group=group, by=participant_a)
    assert plan.diagnosis.count() == 0


def test_one_plan_per_unit_group_and_cycle(results, group, unit_a, participant_a, middle_a):
    first = plan_start(unit=unit_a, group=group, by=participant_a)
    assert plan_start(unit=unit_a, group=group, by=middle_a) == first


def test_the_team_keeps_removes_and_comments(results, group, unit_a, participant_a):
    plan = plan_start(unit=unit_a, group=group, by=participant_a)
    item = plan.diagnosis.get(reason=DiagnosisReason.WORST_TREND)
    diagnosis_item_set(item=item, kept=False, comment="  Jednorazowy remont.  ", by=participant_a)
    item.refresh_from_db()
    assert (item.kept, item.comment) == (False, "Jednorazowy remont.")
    assert plan.events.filter(kind="diagnosis").exists()


def test_a_non_member_unit_gets_no_plan(results, group, unit_c, operator):
    with pytest.raises(PlanError, match="is not a member"):
        plan_start(unit=unit_c, group=group, by=operator)
