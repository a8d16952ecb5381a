"""Notifications are queued as tasks (the Dummy backend keeps them): ``deliver`` runs
them as a worker would."""

import pytest
from django.core import mail
from django_tasks import task_backends

from benchlearn.units.models import Level
from benchlearn.units.services import unit_membership_set
from tests.collection.conftest import (  # noqa: F401 - fixtures used by these tests
    COMPLETE,
    extra_units,
    make_round,
    published,
    round_,
    save,
    sub_a,
    sub_b,
)
from tests.conftest import make_user


def queued_notifications() -> list:
    return [r for r in task_backends["default"].results if r.task.name == "notification_task"]


def deliver() -> list[tuple[str, list[str]]]:
    """Run the queued notification tasks; the (subject, recipients) mailed, in order."""
    queued = queued_notifications()
    task_backends["default"].clear()
    before = len(mail.outbox)
    for result in queued:
        result.task.call(*result.args, **result.kwargs)
    return [(message.subject, message.to) for message in mail.outbox[before:]]


def forget() -> None:
    """Forget what is queued and mailed so far (set-up's own notifications)."""
    task_backends["default"].clear()
    mail.outbox.clear()


@pytest.fixture
def colleague_a(unit_a):
    """A second person of unit A's team."""
    user = make_user("celina@example.org", "Celina Koleżanka")
    unit_membership_set(user=user, unit=unit_a, level=Level.OPERATIONAL)
    return user
