"""What collection tells people (through ``benchlearn.notifications``, by a task): a
submission submitted (to its reviewers), returned or approved (to the unit's team),
awaiting internal sign-off (to the unit's strategic level), a round opened, its
deadline near (to the units that have not submitted; where the data only await
sign-off, to the strategic level, to sign off).

"Deadline near" goes out by itself: opening a round queues ``deadline_near_task`` to
run ``DEADLINE_NEAR_DAYS`` before the deadline (where the task backend can defer), and
``benchlearn notify_deadlines`` (daily, from cron) catches every round the queue could
not; each person is told once per round and deadline.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from benchlearn.accounts.access import reviewers_of, unit_signers, unit_teams
from benchlearn.accounts.models import User
from benchlearn.background.queue import enqueue
from benchlearn.collection.models import (
    UNSENT_STATES,
    Round,
    RoundState,
    Submission,
    SubmissionState,
)
from benchlearn.notifications import kinds
from benchlearn.notifications.services import notify


def _form_link(submission: Submission) -> str:
    return reverse("submission-form", args=[submission.round_id, submission.unit.teryt])


def _about(submission: Submission) -> dict[str, str]:
    return {"unit": submission.unit.name, "round": submission.round.name}


def submission_submitted_notify(submission: Submission, *, by: User) -> None:
    notify(
        kind=kinds.SUBMITTED.code,
        recipients=reviewers_of(submission.unit),
        params={**_about(submission), "person": by.get_full_name()},
        link=_form_link(submission),
    )


def submission_reviewed_notify(submission: Submission, *, approved: bool) -> None:
    """Returned or approved: the unit's team is told."""
    notify(
        kind=(kinds.APPROVED if approved else kinds.RETURNED).code,
        recipients=unit_teams([submission.unit_id]),
        params=_about(submission),
        link=_form_link(submission),
    )


def submission_signoff_notify(submission: Submission) -> None:
    """The data await internal sign-off: the unit's strategic level is told."""
    notify(
        kind=kinds.SIGNOFF_AWAITED.code,
        recipients=unit_signers(submission.unit_id),
        params=_about(submission),
        link=_form_link(submission),
    )


def round_opened_notify(round_: Round) -> None:
    """Tell the units' teams, and queue the "deadline near" for its day."""
    notify(
        kind=kinds.ROUND_OPENED.code,
        recipients=unit_teams(round_.units.values_list("pk", flat=True)),
        params={"round": round_.name, "deadline": round_.deadline.isoformat()},
        link=reverse("start"),
    )
    backend = deadline_near_task.get_backend()
    when = _deadline_near_from(round_.deadline)
    if when > timezone.now() and backend.supports_defer:
        enqueue(deadline_near_task.using(run_after=when), round_.pk)


def _deadline_near_from(deadline: datetime.date) -> datetime.datetime:
    day = deadline - datetime.timedelta(days=settings.DEADLINE_NEAR_DAYS)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(8)))


def deadline_near_notify(round_: Round, *, key: bool = True) -> list[Submission]:
    """Tell the team of every unit whose submission is still a draft or returned, and
    the strategic level of every unit whose data only await its sign-off (to sign off,
    not to enter them); the submissions they were told of. ``key``: only once per
    person, round and deadline (the automatic reminder); without, an operator's reminder
    goes again."""
    if round_.state != RoundState.OPEN:
        return []
    waiting = list(
        Submission.objects.filter(round=round_, state__in=UNSENT_STATES)
        .select_related("unit", "round")
        .order_by("unit__name")
    )
    deadline = round_.deadline.isoformat()
    for submission in waiting:
        if submission.state == SubmissionState.SIGNOFF:
            notify(
                kind=kinds.SIGNOFF_AWAITED.code,
                recipients=unit_signers(submission.unit_id),
                params={**_about(submission), "deadline": deadline},
                link=_form_link(submission),
                key=f"signoff:{round_.pk}:{deadline}" if key else "",
            )
            continue
        notify(
            kind=kinds.DEADLINE_NEAR.code,
            recipients=unit_teams([submission.unit_id]),
            params={
                **_about(submission),
                "deadline": deadline,
                "returned": submission.state == SubmissionState.RETURNED,
            },
            link=_form_link(submission),
            key=f"round:{round_.pk}:{deadline}" if key else "",
        )
    return waiting


def deadlines_near_notify(today: datetime.date | None = None) -> int:
    """Every open round whose deadline is near (within ``DEADLINE_NEAR_DAYS``, not yet
    past): its waiting units are told (once); how many rounds."""
    today = today or timezone.localdate()
    rounds = Round.objects.filter(
        state=RoundState.OPEN,
        deadline__gte=today,
        deadline__lte=today + datetime.timedelta(days=settings.DEADLINE_NEAR_DAYS),
    )
    for round_ in rounds:
        deadline_near_notify(round_)
    return len(rounds)


@task()
def deadline_near_task(round_id: int) -> None:
    round_ = Round.objects.filter(pk=round_id).first()
    if round_ is None or round_.state != RoundState.OPEN:
        return
    when = _deadline_near_from(round_.deadline)
    if when > timezone.now():  # the deadline was moved later: wait for the new day
        enqueue(deadline_near_task.using(run_after=when), round_.pk)
        return
    if round_.deadline >= timezone.localdate():
        deadline_near_notify(round_)
