"""The people of the assessment tests: in the group's unit A, Anna (participant_a)
holds the strategic seat, Maria the middle and Olek the operational; in unit B, Bartek
(participant_b) the operational seat. The group belongs to a programme whose office
does not read individual assessments unless a test says so."""

import pytest

from benchlearn.competencies.models import Assessment, Stage
from benchlearn.competencies.services import assessment_save, assessment_start, assessment_submit
from benchlearn.groups.services import programme_create, seat_fill
from benchlearn.units.models import Level
from tests.conftest import make_user


@pytest.fixture
def programme_of_group(group, operator):
    programme = programme_create(
        name="Doskonalenie usług", first_year=2025, last_year=2026, groups=[group], by=operator
    )
    group.refresh_from_db()
    return programme


@pytest.fixture
def seats(
    scheme, group, programme_of_group, unit_a, unit_b, operator, participant_a, participant_b
):
    maria = make_user("maria@example.org", "Maria Średnia")
    olek = make_user("olek@example.org", "Olek Operacyjny")
    seat_fill(group=group, unit=unit_a, level=Level.STRATEGIC, user=participant_a, by=operator)
    seat_fill(group=group, unit=unit_a, level=Level.MIDDLE, user=maria, by=operator)
    seat_fill(group=group, unit=unit_a, level=Level.OPERATIONAL, user=olek, by=operator)
    seat_fill(group=group, unit=unit_b, level=Level.OPERATIONAL, user=participant_b, by=operator)
    group.refresh_from_db()
    return {"anna": participant_a, "maria": maria, "olek": olek, "bartek": participant_b}


def all_rated(scheme, level: int = 2) -> dict[str, tuple[int, str]]:
    return {c.code: (level, f"Przykład {c.code}") for c in scheme.competencies.all()}


def submitted(person, group, scheme, stage=Stage.START, level: int = 2, **kwargs) -> Assessment:
    """A self-assessment (or, with role and subject, a second view) filled and submitted."""
    by = kwargs.pop("by", person)
    assessment = assessment_start(person=by, group=group, stage=stage, by=by, **kwargs)
    assessment = assessment_save(
        assessment=assessment, by=by, ratings=all_rated(scheme, level), revision=assessment.revision
    )
    return assessment_submit(assessment=assessment, by=by)
