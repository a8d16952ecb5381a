"""What the steps of a practice's review tell people, through ``benchlearn.notifications``
(in the app and by e-mail, each in the recipient's language): sent for review → its
reviewers (the moderator of its group, or of the unit's groups; the office where there
is none); returned or published → the unit's team. Whoever took the step is not told."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benchlearn.accounts.access import unit_teams
from benchlearn.accounts.models import User
from benchlearn.groups.models import ExchangeGroup
from benchlearn.notifications.kinds import Kind, Params, register
from benchlearn.notifications.services import notify
from benchlearn.practices.access import reviewing_groups
from benchlearn.practices.models import Practice


def _about(p: Params) -> dict[str, str]:
    return {"unit": p.get("unit", ""), "title": p.get("title", ""), "person": p.get("person", "")}


def _with_comment(text: str, p: Params) -> str:
    comment = str(p.get("comment", "")).strip()
    if not comment:
        return text
    return "\n\n".join([text, _("Comment: %(comment)s") % {"comment": comment}])


PRACTICE_SUBMITTED = register(
    Kind(
        "practice_submitted",
        gettext_lazy("Good practice to review"),
        gettext_lazy("To the group's moderator, when a unit sends its good practice for review."),
        lambda p: _("To review: the good practice “%(title)s” of %(unit)s") % _about(p),
        lambda p: (
            _(
                "%(person)s sent the good practice “%(title)s” of %(unit)s for review: "
                "publish it to the programme's members or to everyone, or return it with "
                "comments."
            )
            % _about(p)
        ),
    )
)
PRACTICE_RETURNED = register(
    Kind(
        "practice_returned",
        gettext_lazy("Good practice returned with comments"),
        gettext_lazy("To the unit's team, when its good practice is returned with comments."),
        lambda p: _("Returned with comments: the good practice “%(title)s”") % _about(p),
        lambda p: _with_comment(
            _(
                "%(person)s returned the good practice “%(title)s” of %(unit)s with "
                "comments: see them on its page, change it and send it again."
            )
            % _about(p),
            p,
        ),
    )
)
PRACTICE_PUBLISHED = register(
    Kind(
        "practice_published",
        gettext_lazy("Good practice published"),
        gettext_lazy("To the unit's team, when its good practice is published."),
        lambda p: _("Published: the good practice “%(title)s”") % _about(p),
        lambda p: _("%(person)s published the good practice “%(title)s” of %(unit)s.") % _about(p),
    )
)


def _tell(
    kind: Kind, practice: Practice, recipients: Iterable[User], by: User, comment: str = ""
) -> None:
    params = {
        "unit": practice.unit.name,
        "title": practice.title,
        "person": by.get_full_name(),
        "comment": comment.strip(),
    }
    told = [user for user in recipients if user.pk != by.pk]
    link = reverse("practice-detail", args=[practice.pk])
    notify(kind=kind.code, recipients=told, params=params, link=link)


def reviewers_of(practice: Practice) -> list[User]:
    """The active moderators of the groups that review ``practice``; the office's
    operators where no group has one."""
    groups = ExchangeGroup.objects.filter(reviewing_groups(practice))
    moderators = list(User.objects.filter(is_active=True, moderated_groups__in=groups).distinct())
    return moderators or list(User.objects.filter(is_active=True, is_operator=True))


def practice_submitted_notify(practice: Practice, *, by: User) -> None:
    _tell(PRACTICE_SUBMITTED, practice, reviewers_of(practice), by)


def practice_returned_notify(practice: Practice, *, by: User, comment: str) -> None:
    _tell(PRACTICE_RETURNED, practice, unit_teams([practice.unit_id]), by, comment)


def practice_published_notify(practice: Practice, *, by: User) -> None:
    _tell(PRACTICE_PUBLISHED, practice, unit_teams([practice.unit_id]), by)
