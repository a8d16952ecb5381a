"""Publishing a computation on the public portal, and withdrawing it (writes).

Nothing computed is public until the office publishes it. One computation is public at
a time: publishing a newer one replaces the one out before. A published computation is
kept when newer ones finish (``services._older_discard`` spares it) until another one is
published; every publication and withdrawal is kept in ``PublicationChange``.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.access import Perm, require
from benchlearn.accounts.models import User
from benchlearn.results.models import (
    Computation,
    ComputationState,
    PublicationAction,
    PublicationChange,
)


class PublicationError(Exception):
    """A publication that cannot be done as asked; nothing was changed."""


def published_computation() -> Computation | None:
    """The computation the portal shows: the newest published one, if any."""
    return (
        Computation.objects.filter(state=ComputationState.DONE, published_at__isnull=False)
        .order_by("-published_at", "-pk")
        .first()
    )


def _log(computation: Computation, action: str, by: User | None, note: str = "") -> None:
    PublicationChange.objects.create(
        computation=computation,
        computation_number=computation.pk,
        action=action,
        at=timezone.now(),
        by=by,
        note=note[:300],
    )


@transaction.atomic
def computation_publish(*, computation: Computation, by: User) -> Computation:
    """Make ``computation`` the public one (the office only); the one out before is
    withdrawn, with the reason kept. Raises PublicationError for a computation that is
    not finished or is already out."""
    require(by, Perm.COLLECTION_MANAGE)
    current = Computation.objects.select_for_update().get(pk=computation.pk)
    if current.state != ComputationState.DONE:
        raise PublicationError(_("Only a finished computation can be published."))
    if current.published_at is not None:
        raise PublicationError(_("This computation is already published."))
    now = timezone.now()
    for older in Computation.objects.select_for_update().filter(published_at__isnull=False):
        older.published_at, older.published_by = None, None
        older.save(update_fields=["published_at", "published_by"])
        _log(older, PublicationAction.REPLACED, by, note=f"#{current.pk}")
    current.published_at, current.published_by = now, by
    current.save(update_fields=["published_at", "published_by"])
    _log(current, PublicationAction.PUBLISHED, by)
    return current


@transaction.atomic
def computation_unpublish(*, computation: Computation, by: User, note: str = "") -> Computation:
    """Withdraw ``computation`` from the portal (the office only): the portal then shows
    no results until another is published. Raises PublicationError when it is not out."""
    require(by, Perm.COLLECTION_MANAGE)
    current = Computation.objects.select_for_update().get(pk=computation.pk)
    if current.published_at is None:
        raise PublicationError(_("This computation is not published."))
    current.published_at, current.published_by = None, None
    current.save(update_fields=["published_at", "published_by"])
    _log(current, PublicationAction.UNPUBLISHED, by, note=note)
    return current


def publication_history(limit: int = 20) -> list[PublicationChange]:
    return list(PublicationChange.objects.select_related("by")[:limit])
