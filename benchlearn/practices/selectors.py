"""Reads of good practices, each through the access rules of ``practices.access``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from benchlearn.accounts.access import active_account
from benchlearn.practices.access import may_read_practice, readable_filter
from benchlearn.practices.models import (
    Audience,
    Practice,
    PracticeEvent,
    PracticeState,
    PracticeVersion,
)

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


def _with_related(practices: QuerySet[Practice]) -> QuerySet[Practice]:
    return practices.select_related("unit", "domain", "group", "author")


def practice_get_for_user(user: AnyUser, practice_id: int) -> Practice:
    """The practice, or Http404 for one that does not exist or ``user`` may not read
    (a draft or one in review opened by an outsider answers as a missing one)."""
    practice = _with_related(Practice.objects.filter(pk=practice_id)).first()
    if practice is None or not may_read_practice(user, practice):
        raise Http404(
            _("There is no good practice number %(id)s that you may open.") % {"id": practice_id}
        )
    return practice


def practices_readable_by(user: AnyUser) -> QuerySet[Practice]:
    """Every practice ``user`` may read, in any state."""
    rule = readable_filter(user)
    practices = Practice.objects.all()
    if rule is not None:
        # A subquery, not a join: the rule's joins (memberships, groups) would repeat rows.
        practices = practices.filter(pk__in=Practice.objects.filter(rule).values("pk"))
    return _with_related(practices)


def practices_published_to(user: AnyUser) -> QuerySet[Practice]:
    """The published practices ``user`` may read (the public's alone for anyone outside
    the programme)."""
    return practices_readable_by(user).filter(state=PracticeState.PUBLISHED)


def practices_public() -> QuerySet[Practice]:
    """The practices published to everyone: the portal's and the open data's."""
    return _with_related(
        Practice.objects.filter(state=PracticeState.PUBLISHED, audience=Audience.PUBLIC)
    )


def practices_published_for(
    *,
    indicator_ids: Iterable[int] | None = None,
    unit_ids: Iterable[int] | None = None,
    audience: str = Audience.MEMBERS,
) -> QuerySet[Practice]:
    """The published practices of any of ``unit_ids`` that measured any of
    ``indicator_ids`` (None: no restriction), readable by ``audience``: ``public``
    those published to everyone, ``members`` those and the members' ones. For "who to
    learn from": the caller has decided the reader belongs to that audience."""
    practices = Practice.objects.filter(state=PracticeState.PUBLISHED)
    if audience == Audience.PUBLIC:
        practices = practices.filter(audience=Audience.PUBLIC)
    if unit_ids is not None:
        practices = practices.filter(unit_id__in=list(unit_ids))
    if indicator_ids is not None:
        practices = practices.filter(
            pk__in=Practice.objects.filter(indicators__indicator_id__in=list(indicator_ids)).values(
                "pk"
            )
        )
    return _with_related(practices).order_by("-published_at", "-pk")


def practices_in_progress(user: AnyUser) -> QuerySet[Practice]:
    """The drafts and practices in review ``user`` writes or reviews."""
    if active_account(user) is None:
        return Practice.objects.none()
    return (
        practices_readable_by(user)
        .filter(Q(state=PracticeState.DRAFT) | Q(state=PracticeState.REVIEW))
        .order_by("-updated_at", "-pk")
    )


def practice_versions(practice: Practice) -> QuerySet[PracticeVersion]:
    return practice.versions.select_related("created_by").order_by("-number")


def practice_history(practice: Practice) -> QuerySet[PracticeEvent]:
    return practice.events.select_related("by").order_by("-at", "-pk")
