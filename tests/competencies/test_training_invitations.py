"""People invited to a training are told once (in the app and by e-mail) and see it on
their competencies page; people added later are told, those already invited are not
told again, and whoever planned it is not told."""

import datetime

from django.core import mail

from benchlearn.competencies.trainings import training_create, training_update
from benchlearn.notifications.models import Notification
from tests.competencies.test_trainings import planned  # noqa: F401 (the fixture)
from tests.conftest import client_for

DAY = datetime.date(2027, 1, 21)


def _told(person) -> list[Notification]:
    return list(Notification.objects.filter(recipient=person, kind="competency_training"))


def test_invitees_are_told_once_and_see_the_training(planned, operator, tasks_run_at_once):  # noqa: F811
    first, second, third = planned["operational"][:3]
    training = training_create(
        programme=planned["programme"],
        by=operator,
        title="Warsztaty: pomiar wyników",
        date=DAY,
        place="Katowice",
        competency_codes=["MEASURE"],
        seats=[],
        invitee_ids=[first.pk, second.pk],
    )
    (notice,) = _told(first)
    assert "Warsztaty: pomiar wyników" in notice.subject
    assert notice.link == "/competencies/"
    assert any(first.email in message.to for message in mail.outbox)
    assert not _told(third)
    training_update(
        training=training,
        by=operator,
        revision=training.revision,
        title=training.title,
        date=DAY,
        place="Katowice",
        competency_codes=["MEASURE"],
        seats=[],
        invitee_ids=[first.pk, second.pk, third.pk],
    )
    assert len(_told(first)) == 1 and len(_told(third)) == 1
    assert not _told(operator)
    page = client_for(third).get("/competencies/").text
    listed = page[page.index('data-list="trainings"') :]
    assert "Warsztaty: pomiar wyników" in listed and "Katowice" in listed


def test_someone_not_invited_sees_no_training(planned, operator):  # noqa: F811
    first, _second, third = planned["operational"][:3]
    training_create(
        programme=planned["programme"],
        by=operator,
        title="Warsztaty: pomiar wyników",
        date=DAY,
        competency_codes=["MEASURE"],
        seats=[],
        invitee_ids=[first.pk],
    )
    assert "Warsztaty: pomiar wyników" not in client_for(third).get("/competencies/").text
