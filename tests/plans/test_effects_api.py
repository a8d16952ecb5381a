"""GET /api/v1/groups/{id}/plans with a token: each member's plan the reader may read
(as the plan list shows them), its actions and their indicators with the "Did it work?"
figures worked by hand in tests/plans/measured.py, nulls until a later result."""

import pytest
from django.test import Client

from benchlearn.accounts.services import api_token_create
from benchlearn.plans.services import plan_start


def reader(user) -> Client:
    _token, key = api_token_create(user=user, name="script", read_only=True)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_a_member_reads_the_adopted_plan_with_its_effects(measured, group, participant_b):
    body = reader(participant_b).get(f"/api/v1/groups/{group.pk}/plans").json()
    assert body["count"] == 1
    plan = body["items"][0]
    assert (plan["unit"], plan["state"], plan["private"]) == ("2461011", "adopted", False)
    first, second = plan["actions"]
    assert first["title"] == "Nabór nauczycieli i wspólne zakupy"
    assert first["status"] == "planned"
    staff, cost = first["indicators"]
    assert staff == {
        "code": "STAFF",
        "baseline": 10.0,
        "baseline_year": 2023,
        "target": 15.0,
        "target_year": 2026,
        "latest": 19.0,  # 2024 is missing
        "latest_year": 2025,
        "group_median_change": 2.0,
        "difference": 7.0,
    }
    assert cost["group_median_change"] == pytest.approx(4.5)
    assert cost["difference"] == pytest.approx(-1.5)  # lower is better: a better change
    # No result after the baseline year yet: nulls.
    assert second["indicators"] == [
        {
            "code": "MOOD",
            "baseline": 3.0,
            "baseline_year": 2023,
            "target": 4.0,
            "target_year": 2026,
            "latest": None,
            "latest_year": None,
            "group_median_change": None,
            "difference": None,
        }
    ]


def test_who_reads_which_plan(
    measured, group, unit_b, participant_a, participant_b, moderator, operator, stranger, nobody
):
    plan_start(unit=unit_b, group=group, by=participant_b)  # B's draft
    url = f"/api/v1/groups/{group.pk}/plans"

    def units(user):
        return [(p["unit"], p["state"]) for p in reader(user).get(url).json()["items"]]

    everything = [("2461011", "adopted"), ("2466011", "draft")]
    assert units(moderator) == units(operator) == units(participant_b) == everything
    assert units(participant_a) == [("2461011", "adopted")]  # not B's draft
    a_plan = measured["plan"]
    a_plan.private = True
    a_plan.save(update_fields=["private"])
    assert units(participant_b) == [("2466011", "draft")]  # A keeps its plan private
    assert units(moderator) == everything
    for outsider in (stranger, nobody):
        answer = reader(outsider).get(url)
        assert answer.status_code == 404
    assert Client().get(url).status_code == 401


def test_the_group_figures_are_null_where_withheld(measured, group, participant_b):
    from benchlearn.groups.services import programme_create

    programme_create(
        name="Program", first_year=2025, last_year=2026, min_group_size=10, groups=[group]
    )
    body = reader(participant_b).get(f"/api/v1/groups/{group.pk}/plans").json()
    staff = body["items"][0]["actions"][0]["indicators"][0]
    assert (staff["latest"], staff["latest_year"]) == (19.0, 2025)  # the unit's own stay
    assert staff["group_median_change"] is None and staff["difference"] is None


def test_the_endpoint_is_documented(db):
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/groups/{group_id}/plans"]["get"]
    assert "improvement plans" in operation["tags"]
    fields = schema["components"]["schemas"]["PlanIndicatorOut"]["properties"]
    assert {"group_median_change", "difference", "latest_year"} <= set(fields)


def test_each_indicator_is_read_once_for_the_whole_group(
    measured, group, participant_b, django_assert_max_num_queries
):
    client = reader(participant_b)
    url = f"/api/v1/groups/{group.pk}/plans"
    client.get(url)  # the catalogue of the computation, kept per process
    # Token, group, access, plans, actions, the computation and its group, the targets,
    # and one read of the results per indicator (three).
    with django_assert_max_num_queries(17):
        assert client.get(url).status_code == 200
