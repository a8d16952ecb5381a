"""Actions of a plan: what is stored, and bad input refused with nothing stored."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from benchlearn.plans.models import Action, ActionIndicator, ActionStatus, Inspiration, PlanVersion
from benchlearn.plans.services import (
    ActionInput,
    PlanError,
    TargetInput,
    action_delete,
    action_save,
    plan_start,
)
from benchlearn.units.models import Level


def action_input(**changes):
    fields = {
        "title": "Wspólne zakupy energii",
        "owner_level": Level.MIDDLE,
        "start_date": datetime.date(2025, 3, 1),
        "end_date": datetime.date(2026, 6, 30),
        "indicators": [TargetInput("COST", 100.0, 2026)],
        "cost_estimate": Decimal("15000.00"),
        "milestones": [{"title": "Przetarg", "date": "2025-06-30"}],
    }
    return ActionInput(**{**fields, **changes})


@pytest.fixture
def plan(results, group, unit_a, participant_a):
    return plan_start(unit=unit_a, group=group, by=participant_a)


def test_an_action_takes_its_baseline_from_the_results(plan, participant_a):
    action, warnings = action_save(plan=plan, data=action_input(), by=participant_a)
    assert warnings == []
    target = action.indicators.get()
    assert (target.baseline, target.baseline_year, target.target, target.target_year) == (
        120.0, 2024, 100.0, 2026,
    )  # fmt: skip
    assert action.status == ActionStatus.PLANNED
    assert plan.events.filter(kind="action_added").exists()


def test_a_target_worse_than_the_baseline_is_a_warning_not_a_block(plan, participant_a):
    # COST is lower-better: 130 against a baseline of 120 goes the wrong way.
    action, warnings = action_save(
        plan=plan,
        data=action_input(indicators=[TargetInput("COST", 130.0, 2026)]),
        by=participant_a,
    )
    assert warnings == [
        "The target of COST (130) is worse than its baseline (120): "
        "for this indicator lower is better."
    ]
    assert action.pk is not None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"indicators": [TargetInput("OTHER", 1.0, 2026)]},
            "Not an indicator of the group's sets: OTHER",
        ),
        ({"indicators": []}, "at least one indicator"),
        (
            {"start_date": datetime.date(2024, 12, 31)},
            "within the group's cycle, 2025-01-01 to 2026-12-31",
        ),
        ({"end_date": datetime.date(2027, 1, 1)}, "within the group's cycle"),
        ({"end_date": datetime.date(2025, 1, 1)}, "cannot end before it starts"),
        ({"title": "  "}, "Give the action a title"),
        ({"status": ActionStatus.DROPPED}, "Say why the action was dropped"),
        ({"inspired_kind": Inspiration.OTHER}, "Say what inspired the action"),
        ({"indicators": [TargetInput("COST", 1.0, 2030)]}, "target year of COST"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(plan, participant_a, changes, message):
    with pytest.raises(PlanError, match=message):
        action_save(plan=plan, data=action_input(**changes), by=participant_a)
    assert not Action.objects.exists() and not ActionIndicator.objects.exists()
    assert not plan.events.filter(kind="action_added").exists()


def test_inspired_by_a_peer_of_the_group(plan, participant_a, unit_b, unit_c, unit_a):
    action, _ = action_save(
        plan=plan,
        data=action_input(inspired_kind=Inspiration.PEER, inspired_unit=unit_b),
        by=participant_a,
    )
    assert action.inspired_unit == unit_b
    for outsider in (unit_c, unit_a):
        with pytest.raises(PlanError, match="peer unit of the group"):
            action_save(
                plan=plan,
                data=action_input(inspired_kind=Inspiration.PEER, inspired_unit=outsider),
                by=participant_a,
            )


def test_the_owner_is_a_person_of_the_unit(plan, participant_a, participant_b):
    with pytest.raises(PlanError, match="must be a person of"):
        action_save(plan=plan, data=action_input(owner=participant_b), by=participant_a)
    action, _ = action_save(plan=plan, data=action_input(owner=participant_a), by=participant_a)
    assert action.owner == participant_a


@pytest.mark.parametrize("who", ["participant_b", "moderator", "stranger"])
def test_only_the_team_writes_actions(plan, programme, who):
    with pytest.raises(PermissionDenied):
        action_save(plan=plan, data=action_input(), by=programme[who])
    assert not Action.objects.exists()


def test_edit_and_delete_in_draft(plan, participant_a, middle_a):
    action, _ = action_save(plan=plan, data=action_input(), by=participant_a)
    action, _ = action_save(
        plan=plan,
        action=action,
        data=action_input(title="Nowy tytuł", indicators=[TargetInput("STAFF", 7.0, 2026)]),
        by=middle_a,
    )
    assert action.title == "Nowy tytuł"
    assert list(action.indicators.values_list("indicator_code", flat=True)) == ["STAFF"]
    action_delete(action=action, by=middle_a)
    assert not Action.objects.exists()
    assert not PlanVersion.objects.exists()
