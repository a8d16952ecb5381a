"""The objects the URL × role walk (tests/test_url_walk.py) names on the competency
pages of this part: participant_a's self-assessment at the start of the cycle (they
hold the unit's strategic seat in the walk's group) and one development goal."""

from benchlearn.competencies.goals import goal_set
from benchlearn.competencies.models import Stage
from benchlearn.competencies.scheme import scheme_load
from benchlearn.competencies.services import assessment_start


def competencies_assess_parameters(group, user) -> dict[str, str]:
    scheme_load()
    assessment = assessment_start(person=user, group=group, stage=Stage.START, by=user)
    goal = goal_set(
        person=user, group=group, by=user, competency_code="MEASURE", text="Nauczyć się mierzyć"
    )
    return {"assessment_id": str(assessment.pk), "goal_id": str(goal.pk)}
