"""The office looks at plans in the admin (their actions, indicators, steps and
versions) but changes them only on the plans' pages, which check and record."""

import pytest

from benchlearn.plans.services import action_save, plan_start
from tests.conftest import client_for
from tests.plans.test_actions import action_input


@pytest.fixture
def plan(results, group, unit_a, participant_a):
    plan = plan_start(unit=unit_a, group=group, by=participant_a)
    action_save(plan=plan, data=action_input(), by=participant_a)
    return plan


def test_the_office_reads_a_plan_with_its_actions_in_the_admin(plan, operator):
    client = client_for(operator)
    listing = client.get("/admin/plans/plan/")
    assert listing.status_code == 200 and "GWD Oświata" in listing.text
    page = client.get(f"/admin/plans/plan/{plan.pk}/change/")
    assert page.status_code == 200
    assert "Wspólne zakupy energii" in page.text
    action = plan.actions.get()
    assert "COST" in client.get(f"/admin/plans/action/{action.pk}/change/").text
    assert client.get("/admin/plans/planevent/").status_code == 200


def test_plans_are_not_added_or_changed_in_the_admin(plan, operator):
    client = client_for(operator)
    assert client.get("/admin/plans/plan/add/").status_code == 403
    response = client.post(f"/admin/plans/plan/{plan.pk}/change/", {"state": "adopted"})
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.state == "draft"


def test_a_participant_is_kept_out_of_the_admin(plan, participant_a):
    response = client_for(participant_a).get("/admin/plans/plan/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
