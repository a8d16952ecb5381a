"""The learning suggestions on a person's profile: for each competency with a gap, the
office's suggestions for everyone and for the group's programme (never another
programme's), a good practice only once it is published and the person may read it."""

from django.urls import reverse

from benchlearn.competencies.models import LearningResource, ResourceKind
from benchlearn.competencies.services import assessment_save
from benchlearn.groups.services import programme_create
from benchlearn.practices.models import Audience
from benchlearn.practices.services import practice_create
from tests.competencies.people import programme_of_group, seats, submitted
from tests.conftest import client_for
from tests.plans.conftest import results  # noqa: F401 - fixture: the group's stored results
from tests.practices.conftest import practice_input, published

__all__ = ["programme_of_group", "seats"]


def test_suggestions_follow_the_gaps_the_programme_and_the_practices_readable(
    seats,
    group,
    scheme,
    programme_of_group,
    results,  # noqa: F811 - the fixture imported above
    unit_b,
    participant_b,
    moderator,
):
    maria = seats["maria"]
    other = programme_create(name="Inny program", first_year=2025, last_year=2026)
    shown = published(
        unit_b,
        participant_b,
        moderator,
        title="Pomiar w szkołach",
        tags=[],
        audience=Audience.MEMBERS,
    )
    draft = practice_create(
        unit=unit_b, data=practice_input(title="Szkic pomiaru"), by=participant_b
    )

    def add(title, **fields):
        LearningResource.objects.create(competency_code="MEASURE", title=title, **fields)

    add("Materiał dla wszystkich")
    add("Materiał naszego programu", programme=programme_of_group)
    add("Materiał innego programu", programme=other)
    add("Praktyka opublikowana", kind=ResourceKind.PRACTICE, practice=shown)
    add("Praktyka w szkicu", kind=ResourceKind.PRACTICE, practice=draft)
    LearningResource.objects.create(competency_code="LEAD", title="Przywództwo bez luki")
    expected = scheme.competencies.get(code="MEASURE").expected_middle
    assert expected > 1
    submitted(maria, group, scheme, level=expected - 1)
    own = maria.competency_assessments.get()
    assessment_save(
        assessment=own, by=maria, ratings={"LEAD": (4, "Zespół")}, revision=own.revision
    )

    page = client_for(maria).get(reverse("competency-profile", args=[group.pk]))
    rows = {row.code: row for row in page.context["profile"].rows}
    titles = [s.title for s in rows["MEASURE"].suggestions]
    assert "Materiał dla wszystkich" in titles and "Materiał naszego programu" in titles
    assert "Praktyka opublikowana" in titles
    assert "Materiał innego programu" not in titles and "Praktyka w szkicu" not in titles
    # No gap, no suggestions.
    assert rows["LEAD"].line.gap == 0 and rows["LEAD"].suggestions == []
    text = page.content.decode()
    assert reverse("practice-detail", args=[shown.pk]) in text
    assert "Przywództwo bez luki" not in text
