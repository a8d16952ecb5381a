"""A person's development goals: one to three open at a time, each of a competency of
the scheme, changed by the person only, with the form's revision checked."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from benchlearn.competencies.goals import GoalStale, goal_achieved, goal_set, goal_update
from benchlearn.competencies.models import MAX_GOALS, DevelopmentGoal
from tests.competencies.people import programme_of_group, seats
from tests.conftest import client_for

__all__ = ["programme_of_group", "seats"]


def _goal(person, group, code="MEASURE", text="Mierzyć co kwartał"):
    return goal_set(person=person, group=group, by=person, competency_code=code, text=text)


def test_at_most_three_open_goals(seats, group):
    maria = seats["maria"]
    goals = [_goal(maria, group, text=f"Cel {n}") for n in range(MAX_GOALS)]
    with pytest.raises(ValidationError, match="3 open development goals"):
        _goal(maria, group, text="Czwarty")
    assert DevelopmentGoal.objects.filter(person=maria).count() == MAX_GOALS
    # An achieved goal frees a place; opening it again beyond the limit is refused.
    goal_achieved(goal=goals[0], by=maria, revision=goals[0].revision)
    fourth = _goal(maria, group, text="Czwarty")
    assert fourth.pk
    achieved = DevelopmentGoal.objects.get(pk=goals[0].pk)
    with pytest.raises(ValidationError, match="already have 3"):
        goal_achieved(goal=achieved, by=maria, revision=achieved.revision, achieved=False)
    achieved.refresh_from_db()
    assert achieved.achieved_at is not None


@pytest.mark.parametrize(
    ("code", "text", "field"),
    [
        ("NO_SUCH", "Cel", "competency_code"),
        ("MEASURE", "   ", "text"),
        ("MEASURE", "x" * 1001, "text"),
    ],
)
def test_bad_goals_are_refused(seats, group, code, text, field):
    with pytest.raises(ValidationError) as caught:
        _goal(seats["maria"], group, code=code, text=text)
    assert field in caught.value.message_dict
    assert not DevelopmentGoal.objects.exists()


def test_only_the_person_changes_their_goals_and_stale_edits_are_refused(seats, group):
    maria = seats["maria"]
    goal = _goal(maria, group)
    with pytest.raises(PermissionDenied):
        goal_set(person=maria, group=group, by=seats["anna"], competency_code="LEAD", text="x")
    with pytest.raises(PermissionDenied):
        goal_update(
            goal=goal, by=seats["anna"], competency_code="LEAD", text="x", due=None, revision=1
        )
    goal = goal_update(
        goal=goal, by=maria, competency_code="LEAD", text="Prowadzić zespół", due=None, revision=1
    )
    assert (goal.competency_code, goal.revision) == ("LEAD", 2)
    with pytest.raises(GoalStale):
        goal_update(
            goal=goal, by=maria, competency_code="IMPROVE", text="Stare", due=None, revision=1
        )
    goal.refresh_from_db()
    assert goal.text == "Prowadzić zespół"


def test_the_profile_sets_and_changes_goals(seats, group):
    maria = seats["maria"]
    client = client_for(maria)
    response = client.post(
        reverse("competency-goal-add", args=[group.pk]),
        {"competency_code": "ANALYSE", "text": "Przeanalizować dane", "due": "2026-06-30"},
    )
    assert response.status_code == 302
    goal = DevelopmentGoal.objects.get(person=maria)
    assert (goal.competency_code, str(goal.due)) == ("ANALYSE", "2026-06-30")
    response = client.post(
        reverse("competency-goal-edit", args=[goal.pk]),
        {"action": "achieved", f"goal{goal.pk}-revision": "1"},
    )
    goal.refresh_from_db()
    assert goal.achieved_at is not None
    page = client.get(reverse("competency-profile", args=[group.pk])).content.decode()
    assert "Przeanalizować dane" in page and "achieved" in page


def test_a_bad_goal_on_the_page_is_shown_and_not_stored(seats, group):
    response = client_for(seats["maria"]).post(
        reverse("competency-goal-add", args=[group.pk]),
        {"competency_code": "NO_SUCH", "text": "Mój cel"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Nothing was saved." in text and "Mój cel" in text
    assert not DevelopmentGoal.objects.exists()


def test_another_persons_goal_is_hidden(seats, group):
    goal = _goal(seats["maria"], group)
    response = client_for(seats["olek"]).post(
        reverse("competency-goal-edit", args=[goal.pk]),
        {"action": "achieved", f"goal{goal.pk}-revision": "1"},
    )
    assert response.status_code == 404
    goal.refresh_from_db()
    assert goal.achieved_at is None
