"""Who may do what with a good practice, decided from the memberships:

- the unit's team (its participants) and the office start, write and submit a practice
  (``may_write_practice``), in draft and once published (an edit of a published
  practice makes a new version);
- its reviewers return it with comments or publish it (``may_review_practice``): the
  moderator of its exchange group (of any group of the unit where it names none) and
  the office; never a participant, whatever their unit;
- a published practice is read by everyone when published to the public, by anyone
  with a role in the programme (a participant, a moderator, the office) when published
  to the members; a draft or one in review by its team and reviewers only, and by
  nobody else: it answers as one that does not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from benchlearn.accounts.access import Perm, active_account, may, roles_of
from benchlearn.groups.models import ExchangeGroup
from benchlearn.practices.models import Audience, Practice, PracticeState
from benchlearn.units.models import Unit, UnitMembership

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


def may_start_practice(user: AnyUser, unit: Unit) -> bool:
    """Whether ``user`` writes up a practice of ``unit``: its team and the office."""
    return may(user, Perm.UNIT_EDIT, unit)


def may_write_practice(user: AnyUser, practice: Practice) -> bool:
    account = active_account(user)
    if account is None:
        return False
    return (
        account.is_operator
        or UnitMembership.objects.filter(user_id=account.pk, unit_id=practice.unit_id).exists()
    )


def reviewing_groups(practice: Practice) -> Q:
    """The exchange groups whose moderator reviews ``practice``, as a filter."""
    if practice.group_id is not None:
        return Q(pk=practice.group_id)
    return Q(units=practice.unit_id)


def may_review_practice(user: AnyUser, practice: Practice) -> bool:
    account = active_account(user)
    if account is None:
        return False
    if account.is_operator:
        return True
    groups = ExchangeGroup.objects.filter(reviewing_groups(practice))
    return groups.filter(moderator_id=account.pk).exists()


def may_read_practice(user: AnyUser, practice: Practice) -> bool:
    if practice.is_public:
        return True
    if practice.is_published and not roles_of(user).public:
        return True
    return may_write_practice(user, practice) or may_review_practice(user, practice)


def readable_filter(user: AnyUser) -> Q | None:
    """The practices ``user`` reads, as a filter (None: all of them), the same rule as
    ``may_read_practice``."""
    published = Q(state=PracticeState.PUBLISHED)
    public = published & Q(audience=Audience.PUBLIC)
    account = active_account(user)
    if account is None:
        return public
    if account.is_operator:
        return None
    readable = public if roles_of(account).public else published
    return (
        readable
        | Q(unit__memberships__user_id=account.pk)
        | Q(group__moderator_id=account.pk)
        | Q(group__isnull=True, unit__exchange_groups__moderator_id=account.pk)
    )
