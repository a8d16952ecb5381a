"""The plan's pages: a unit's team from the prefilled diagnosis to an adopted plan, the
moderator's review, and who sees what."""

from django.urls import reverse

from benchlearn.plans.models import Action, Plan, PlanState
from tests.conftest import client_for


def _action_post(**changes):
    data = {
        "title": "Wspólne zakupy energii",
        "owner_level": "middle",
        "start_date": "2025-03-01",
        "end_date": "2026-06-30",
        "status": "planned",
        "indicator_1": "COST",
        "target_1": "130",
        "target_year_1": "2026",
        "milestones": "2025-06-30 Przetarg",
    }
    return {**data, **changes}


def test_from_diagnosis_to_adopted(
    results, group, unit_a, participant_a, middle_a, moderator, participant_b
):
    team = client_for(middle_a)
    response = team.post(reverse("plan-start", args=[group.pk, unit_a.teryt]))
    plan = Plan.objects.get()
    assert response["Location"] == reverse("plan-detail", args=[plan.pk])
    page = team.get(response["Location"]).content.decode()
    assert "COST" in page and "in the weakest quartile of the group" in page

    # The group's plans hide a draft from the other units.
    assert client_for(participant_b).get(reverse("plan-detail", args=[plan.pk])).status_code == 404

    response = team.post(reverse("plan-action-add", args=[plan.pk]), _action_post(), follow=True)
    text = response.content.decode()
    # COST is lower-better: a target of 130 above the baseline of 120 is said, not refused.
    assert "is worse than its baseline (120)" in text
    action = Action.objects.get()
    assert action.milestones == [{"date": "2025-06-30", "title": "Przetarg"}]

    team.post(reverse("plan-step", args=[plan.pk]), {"step": "submit"})
    client_for(participant_a).post(reverse("plan-step", args=[plan.pk]), {"step": "confirm"})
    reviewer = client_for(moderator)
    reviewer.post(
        reverse("plan-action-comment", args=[plan.pk, action.pk]), {"text": "Cel wyżej niż stan?"}
    )
    reviewer.post(reverse("plan-step", args=[plan.pk]), {"step": "return"})
    plan.refresh_from_db()
    assert plan.state == PlanState.RETURNED
    assert (
        "Cel wyżej niż stan?" in team.get(reverse("plan-detail", args=[plan.pk])).content.decode()
    )

    team.post(reverse("plan-action-edit", args=[plan.pk, action.pk]), _action_post(target_1="100"))
    team.post(reverse("plan-step", args=[plan.pk]), {"step": "submit"})
    client_for(participant_a).post(reverse("plan-step", args=[plan.pk]), {"step": "confirm"})
    reviewer.post(reverse("plan-step", args=[plan.pk]), {"step": "adopt"})
    plan.refresh_from_db()
    assert plan.state == PlanState.ADOPTED
    # Adopted and not private: the rest of the group reads it and its first version.
    other = client_for(participant_b)
    assert other.get(reverse("plan-detail", args=[plan.pk])).status_code == 200
    version = other.get(reverse("plan-version", args=[plan.pk, 1])).content.decode()
    assert "Wspólne zakupy energii" in version and "100" in version


def test_bad_action_input_shows_the_message_and_stores_nothing(results, group, unit_a, middle_a):
    team = client_for(middle_a)
    team.post(reverse("plan-start", args=[group.pk, unit_a.teryt]))
    plan = Plan.objects.get()
    response = team.post(
        reverse("plan-action-add", args=[plan.pk]),
        _action_post(start_date="2024-12-01"),
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Nothing was saved." in text and "within the group&#x27;s cycle" in text
    assert not Action.objects.exists()


def test_a_middle_level_person_cannot_confirm(results, group, unit_a, middle_a):
    team = client_for(middle_a)
    team.post(reverse("plan-start", args=[group.pk, unit_a.teryt]))
    plan = Plan.objects.get()
    team.post(reverse("plan-action-add", args=[plan.pk]), _action_post(target_1="100"))
    team.post(reverse("plan-step", args=[plan.pk]), {"step": "submit"})
    response = team.post(reverse("plan-step", args=[plan.pk]), {"step": "confirm"})
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.state == PlanState.AWAITING_CONFIRMATION


def test_the_plan_page_in_polish(settings, results, group, unit_a, middle_a):
    settings.LANGUAGE_CODE = "pl"
    team = client_for(middle_a)
    team.post(reverse("plan-start", args=[group.pk, unit_a.teryt]))
    plan = Plan.objects.get()
    page = team.get(reverse("plan-detail", args=[plan.pk])).content
    assert "w najsłabszym kwartylu grupy" in page.decode()
    assert "Dodaj działanie" in page.decode()


def test_the_plan_page_takes_as_many_queries_however_many_actions(
    results, group, unit_a, middle_a, django_assert_max_num_queries
):
    team = client_for(middle_a)
    team.post(reverse("plan-start", args=[group.pk, unit_a.teryt]))
    plan = Plan.objects.get()
    url = reverse("plan-detail", args=[plan.pk])
    team.post(reverse("plan-action-add", args=[plan.pk]), _action_post(target_1="100"))
    team.get(url)  # the session and caches settle
    with django_assert_max_num_queries(31) as one:
        assert team.get(url).status_code == 200
    for title in ("Drugie", "Trzecie"):
        team.post(
            reverse("plan-action-add", args=[plan.pk]), _action_post(title=title, target_1="100")
        )
    with django_assert_max_num_queries(31) as three:
        assert team.get(url).status_code == 200
    assert len(three.captured_queries) == len(one.captured_queries)


def test_the_plan_names_its_indicators_in_the_readers_language(results, group, unit_a, middle_a):
    from benchlearn.catalogue.models import IndicatorVersion

    IndicatorVersion.objects.filter(indicator__code="COST").update(
        name_pl="Koszt na ucznia", name_en="Cost per pupil"
    )
    team = client_for(middle_a)
    team.post(reverse("plan-start", args=[group.pk, unit_a.teryt]))
    plan = Plan.objects.get()
    team.post(reverse("plan-action-add", args=[plan.pk]), _action_post(target_1="100"))
    url = reverse("plan-detail", args=[plan.pk])
    # The diagnosis and the action's indicator, by name with the code beside it.
    english = team.get(url).content.decode()
    assert english.count('Cost per pupil <span class="muted">(COST)</span>') >= 2
    team.cookies["django_language"] = "pl"
    polish = team.get(url).content.decode()
    assert polish.count('Koszt na ucznia <span class="muted">(COST)</span>') >= 2
    assert "Cost per pupil" not in polish
