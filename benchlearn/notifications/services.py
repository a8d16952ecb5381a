"""Writes of notifications: telling people (queued, never sent inside a request), marking
what was read, preferences, and introductions between units.

Who is told is decided in ``accounts.access`` (``reviewers_of``, ``unit_teams``,
``introduction_deciders``); what they are told is a kind of ``kinds``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.access import (
    Perm,
    introduction_deciders,
    may_decide_introduction,
    require,
    unit_teams,
)
from benchlearn.accounts.models import User
from benchlearn.background.queue import enqueue
from benchlearn.notifications import kinds
from benchlearn.notifications.models import (
    IntroductionRequest,
    IntroductionState,
    Notification,
    NotificationPreference,
)
from benchlearn.notifications.tasks import notification_task
from benchlearn.units.models import Unit


class NotificationError(ValueError):
    """A step that cannot be done; nothing was stored."""


def notify(
    *,
    kind: str,
    recipients: Iterable[User | int],
    params: Mapping[str, Any],
    link: str = "",
    key: str = "",
) -> None:
    """Queue telling ``recipients`` (users or their ids) of ``kind``: a worker stores it
    for their in-app list and e-mails it, as each one's preferences say. ``link`` is a
    path on this site; ``key`` names what it is about, so that it is not repeated (see
    ``Kind.repeat``)."""
    kinds.kind_get(kind)  # an unknown kind fails here, in the caller, not in the worker
    ids = sorted({r.pk if isinstance(r, User) else int(r) for r in recipients})
    if ids:
        enqueue(notification_task, kind, ids, dict(params), link, key)


def notification_read(*, notification: Notification, user: User) -> None:
    if notification.recipient_id != user.pk:
        raise PermissionDenied(_("You do not have access to this page."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_read_all(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def preferences_set(*, user: User, chosen: Mapping[str, tuple[bool, bool]]) -> None:
    """``chosen``: kind → (by e-mail, in the list); kinds left out keep their choice."""
    for code, (email, in_app) in chosen.items():
        kinds.kind_get(code)
        NotificationPreference.objects.update_or_create(
            user=user, kind=code, defaults={"email": email, "in_app": in_app}
        )


# Read notifications are kept half a year, unread ones a year: long enough to look back
# on a collection round, short enough that the list (and the table) does not grow forever.
KEEP_READ = datetime.timedelta(days=180)
KEEP_UNREAD = datetime.timedelta(days=365)


def notifications_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete read notifications older than ``KEEP_READ`` and unread ones older than
    ``KEEP_UNREAD`` (by when they were sent); how many were deleted."""
    now = now or timezone.now()
    old = Notification.objects.filter(
        Q(read_at__isnull=False, created_at__lt=now - KEEP_READ)
        | Q(created_at__lt=now - KEEP_UNREAD)
    )
    deleted, _by_model = old.delete()
    return deleted


# --- introductions ----------------------------------------------------------------------


def _detail(request: IntroductionRequest) -> str:
    return reverse("introduction-detail", args=[request.pk])


@transaction.atomic
def introduction_request(
    *, user: User, unit: Unit, target: Unit, shown_as: str, message: str = ""
) -> IntroductionRequest:
    """``unit`` (for which ``user`` acts) asks to be introduced to ``target``, which
    ``user`` saw as ``shown_as``; the office and the moderator are asked to decide."""
    require(user, Perm.INTRODUCTION_REQUEST, unit)
    if target.pk == unit.pk:
        raise NotificationError(_("A unit cannot ask to be introduced to itself."))
    pending = IntroductionRequest.objects.filter(
        unit=unit, target=target, state=IntroductionState.PENDING
    )
    if pending.exists():
        raise NotificationError(
            _("Your unit has already asked to meet %(unit)s: the office is deciding.")
            % {"unit": shown_as}
        )
    request = IntroductionRequest.objects.create(
        unit=unit,
        target=target,
        requested_by=user,
        shown_as=shown_as[:300],
        message=message.strip()[:2000],
    )
    notify(
        kind=kinds.INTRODUCTION_REQUESTED.code,
        recipients=introduction_deciders(unit, target),
        params={
            "person": user.get_full_name(),
            "unit": unit.name,
            "target": target.name,
            "shown_as": request.shown_as,
        },
        link=_detail(request),
    )
    return request


def _contacts(unit: Unit) -> list[str]:
    return [
        f"{person.get_full_name()} <{person.email}>"
        for person in unit_teams([unit.pk]).order_by("full_name", "email")
    ]


@transaction.atomic
def introduction_decide(
    *, request: IntroductionRequest, user: User, accept: bool, note: str = ""
) -> IntroductionRequest:
    """Put the two units in touch (each team gets the other's contacts) or decline (the
    person who asked is told, without learning who the unit is). Recorded."""
    request = IntroductionRequest.objects.select_for_update().get(pk=request.pk)
    if not may_decide_introduction(user, request.unit, request.target):
        raise PermissionDenied(_("You do not have access to this page."))
    if request.state != IntroductionState.PENDING:
        raise NotificationError(_("This request has been decided already."))
    request.state = IntroductionState.ACCEPTED if accept else IntroductionState.DECLINED
    request.decided_by, request.decided_at = user, timezone.now()
    request.decision_note = note.strip()[:2000]
    request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    if accept:
        for unit, other in ((request.unit, request.target), (request.target, request.unit)):
            notify(
                kind=kinds.INTRODUCTION_ACCEPTED.code,
                recipients=unit_teams([unit.pk]),
                params={"unit": unit.name, "other": other.name, "contacts": _contacts(other)},
                link=_detail(request) if unit == request.unit else "",
            )
    elif request.requested_by is not None:
        notify(
            kind=kinds.INTRODUCTION_DECLINED.code,
            recipients=[request.requested_by],
            params={"shown_as": request.shown_as},
            link=_detail(request),
        )
    return request
