"""A person's development goals in a group's cycle: one to three open at a time
(``MAX_GOALS``), each naming a competency of the scheme, changed by the person only,
with the form's revision checked so that no one's edit is silently overwritten."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.competencies.models import MAX_GOALS, Competency, DevelopmentGoal
from benchlearn.competencies.selectors import scheme_for_goals
from benchlearn.groups.models import ExchangeGroup

MAX_TEXT = 1000


class GoalStale(ValidationError):
    """The goal was changed since the form was opened: nothing stored."""


def _check(group: ExchangeGroup, person: User, competency_code: str, text: str) -> None:
    problems: dict[str, list[str]] = {}
    scheme = scheme_for_goals(group, person)
    codes = (
        set(Competency.objects.filter(scheme=scheme).values_list("code", flat=True))
        if scheme is not None
        else set()
    )
    if competency_code not in codes:
        problems["competency_code"] = [_("Choose a competency of the scheme.")]
    if not text.strip():
        problems["text"] = [_("Write what you want to achieve.")]
    elif len(text) > MAX_TEXT:
        problems["text"] = [_("Write at most %(max)s characters.") % {"max": MAX_TEXT}]
    if problems:
        raise ValidationError(problems)


def _own(goal: DevelopmentGoal, by: User, revision: int) -> DevelopmentGoal:
    locked = DevelopmentGoal.objects.select_for_update().get(pk=goal.pk)
    if locked.person_id != by.pk:
        raise PermissionDenied(_("Only its person changes a development goal."))
    if locked.revision != revision:
        raise GoalStale(
            _("The goal was changed meanwhile (in another window?). Nothing was stored.")
        )
    return locked


@transaction.atomic
def goal_set(
    *,
    person: User,
    group: ExchangeGroup,
    by: User,
    competency_code: str,
    text: str,
    due: datetime.date | None = None,
) -> DevelopmentGoal:
    """A new development goal; refused beyond ``MAX_GOALS`` open goals in the group."""
    if by.pk != person.pk:
        raise PermissionDenied(_("Only the person sets their development goals."))
    # Lock the person's row so that two tabs cannot both add the third goal.
    User.objects.select_for_update().filter(pk=person.pk).first()
    _check(group, person, competency_code, text)
    open_goals = DevelopmentGoal.objects.filter(
        person=person, group=group, achieved_at__isnull=True
    ).count()
    if open_goals >= MAX_GOALS:
        raise ValidationError(
            _("You have %(max)s open development goals: mark one achieved before setting another.")
            % {"max": MAX_GOALS}
        )
    return DevelopmentGoal.objects.create(
        person=person, group=group, competency_code=competency_code, text=text.strip(), due=due
    )


@transaction.atomic
def goal_update(
    *,
    goal: DevelopmentGoal,
    by: User,
    competency_code: str,
    text: str,
    due: datetime.date | None,
    revision: int,
) -> DevelopmentGoal:
    locked = _own(goal, by, revision)
    _check(locked.group, by, competency_code, text)
    locked.competency_code, locked.text, locked.due = competency_code, text.strip(), due
    locked.revision += 1
    locked.updated_at = timezone.now()
    locked.save(update_fields=["competency_code", "text", "due", "revision", "updated_at"])
    return locked


@transaction.atomic
def goal_achieved(
    *, goal: DevelopmentGoal, by: User, revision: int, achieved: bool = True
) -> DevelopmentGoal:
    """Marks the goal achieved (or, ``achieved`` False, open again: within the limit)."""
    locked = _own(goal, by, revision)
    if not achieved and locked.achieved_at is not None:
        open_goals = DevelopmentGoal.objects.filter(
            person_id=locked.person_id, group_id=locked.group_id, achieved_at__isnull=True
        ).count()
        if open_goals >= MAX_GOALS:
            raise ValidationError(
                _("You already have %(max)s open development goals.") % {"max": MAX_GOALS}
            )
    locked.achieved_at = timezone.now() if achieved else None
    locked.revision += 1
    locked.updated_at = timezone.now()
    locked.save(update_fields=["achieved_at", "revision", "updated_at"])
    return locked
