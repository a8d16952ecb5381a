"""What the steps of a plan's workflow tell people, through ``benchlearn.notifications``
(in the app and by e-mail, each in the recipient's language): submitted → the unit's
strategic level is asked to confirm; confirmed → the group's moderator is asked to
review; sent back (by the strategic level) or returned (by the moderator) → the unit's
team; adopted → the unit's team. Whoever took the step is not told of it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benchlearn.accounts.access import unit_signers, unit_teams
from benchlearn.accounts.models import User
from benchlearn.notifications.kinds import Kind, Params, register
from benchlearn.notifications.services import notify
from benchlearn.plans.models import Plan


def _about(p: Params) -> dict[str, str]:
    return {
        "unit": p.get("unit", ""),
        "group": p.get("group", ""),
        "person": p.get("person", ""),
    }


def _with_comment(text: str, p: Params) -> str:
    comment = str(p.get("comment", "")).strip()
    if not comment:
        return text
    return "\n\n".join([text, _("Comment: %(comment)s") % {"comment": comment}])


PLAN_SUBMITTED = register(
    Kind(
        "plan_submitted",
        gettext_lazy("Improvement plan awaiting your confirmation"),
        gettext_lazy("To the unit's strategic level, when the team submits its improvement plan."),
        lambda p: _("To confirm: the improvement plan of %(unit)s") % _about(p),
        lambda p: (
            _(
                "%(person)s submitted the improvement plan of %(unit)s in %(group)s: confirm "
                "it and send it to the moderator, or send it back to the team."
            )
            % _about(p)
        ),
    )
)
PLAN_CONFIRMED = register(
    Kind(
        "plan_confirmed",
        gettext_lazy("Improvement plan to review"),
        gettext_lazy("To the group's moderator, when a unit's strategic level confirms its plan."),
        lambda p: _("To review: the improvement plan of %(unit)s") % _about(p),
        lambda p: (
            _(
                "%(person)s confirmed the improvement plan of %(unit)s in %(group)s: review "
                "it, comment on its actions, and adopt it or return it to the team."
            )
            % _about(p)
        ),
    )
)
PLAN_SENT_BACK = register(
    Kind(
        "plan_sent_back",
        gettext_lazy("Improvement plan sent back by the strategic level"),
        gettext_lazy(
            "To the unit's team, when its strategic level sends the plan back unconfirmed."
        ),
        lambda p: _("Sent back: the improvement plan of %(unit)s") % _about(p),
        lambda p: _with_comment(
            _(
                "%(person)s did not confirm the improvement plan of %(unit)s in %(group)s "
                "and sent it back to the team: change it and submit it again."
            )
            % _about(p),
            p,
        ),
    )
)
PLAN_RETURNED = register(
    Kind(
        "plan_returned",
        gettext_lazy("Improvement plan returned by the moderator"),
        gettext_lazy("To the unit's team, when the moderator returns its plan with comments."),
        lambda p: _("Returned with comments: the improvement plan of %(unit)s") % _about(p),
        lambda p: _with_comment(
            _(
                "The moderator of %(group)s returned the improvement plan of %(unit)s with "
                "comments: see them on the plan's page, change the plan and submit it again."
            )
            % _about(p),
            p,
        ),
    )
)
PLAN_ADOPTED = register(
    Kind(
        "plan_adopted",
        gettext_lazy("Improvement plan adopted"),
        gettext_lazy("To the unit's team, when the moderator adopts its plan."),
        lambda p: _("Adopted: the improvement plan of %(unit)s") % _about(p),
        lambda p: (
            _(
                "The moderator of %(group)s adopted the improvement plan of %(unit)s. In the "
                "year ahead, report the progress of its actions before each meeting."
            )
            % _about(p)
        ),
    )
)


def _plan_link(plan: Plan) -> str:
    return reverse("plan-detail", args=[plan.pk])


def _tell(kind: Kind, plan: Plan, recipients: Iterable[User], by: User, comment: str = "") -> None:
    params = {
        "unit": plan.unit.name,
        "group": plan.group.name,
        "person": by.get_full_name(),
        "comment": comment.strip(),
    }
    told = [user for user in recipients if user.pk != by.pk]
    notify(kind=kind.code, recipients=told, params=params, link=_plan_link(plan))


def _team(plan: Plan) -> QuerySet[User]:
    return unit_teams([plan.unit_id])


def plan_submitted_notify(plan: Plan, *, by: User) -> None:
    _tell(PLAN_SUBMITTED, plan, unit_signers(plan.unit_id), by)


def plan_confirmed_notify(plan: Plan, *, by: User) -> None:
    moderator = plan.group.moderator
    if moderator is not None and moderator.is_active:
        _tell(PLAN_CONFIRMED, plan, [moderator], by)


def plan_sent_back_notify(plan: Plan, *, by: User, comment: str) -> None:
    _tell(PLAN_SENT_BACK, plan, _team(plan), by, comment)


def plan_returned_notify(plan: Plan, *, by: User, comment: str) -> None:
    _tell(PLAN_RETURNED, plan, _team(plan), by, comment)


def plan_adopted_notify(plan: Plan, *, by: User) -> None:
    _tell(PLAN_ADOPTED, plan, _team(plan), by)
