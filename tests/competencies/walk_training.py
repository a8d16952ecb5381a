"""The objects the URL × role walk (tests/test_url_walk.py) names on the competency
pages of aggregates, exports and trainings: a training (of a programme of its own, so
that the walk's group and programme stay as the other pages expect them), dated today
so that its attendance page takes marks."""

from django.utils import timezone

from benchlearn.competencies.models import Training
from benchlearn.groups.services import programme_create


def competencies_training_parameters(group, operator) -> dict[str, str]:
    programme = programme_create(name="Szkolenia kompetencyjne", first_year=2026, last_year=2027)
    training = Training.objects.create(
        programme=programme,
        title="Pomiar wyników usług",
        date=timezone.localdate(),
        competency_codes=["MEASURE"],
        created_by=operator,
    )
    return {"training_id": str(training.pk)}
