"""Reads of notifications and introductions, each taking the user whose view it is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from benchlearn.accounts.access import Perm, active_account, may, may_decide_introduction
from benchlearn.accounts.models import User
from benchlearn.groups.models import ExchangeGroup
from benchlearn.notifications.kinds import KINDS, Kind
from benchlearn.notifications.models import (
    IntroductionRequest,
    IntroductionState,
    Notification,
    NotificationPreference,
)

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser

LIST_LENGTH = 100


def notifications_of(user: User) -> QuerySet[Notification]:
    """The person's in-app list, newest first (the last ``LIST_LENGTH``)."""
    return Notification.objects.filter(recipient=user, shown=True)[:LIST_LENGTH]


def unread_count(user: AnyUser) -> int:
    account = active_account(user)
    if account is None:
        return 0
    return Notification.objects.filter(recipient=account, shown=True, read_at__isnull=True).count()


def notification_get_for_user(user: User, notification_id: int) -> Notification:
    found = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if found is None:
        raise Http404(_("There is no such notification of yours."))
    return found


@dataclass(frozen=True)
class Choice:
    kind: Kind
    email: bool
    in_app: bool


def preferences_of(user: User) -> list[Choice]:
    chosen = {p.kind: (p.email, p.in_app) for p in NotificationPreference.objects.filter(user=user)}
    return [Choice(kind, *chosen.get(code, (True, True))) for code, kind in KINDS.items()]


# --- introductions ----------------------------------------------------------------------


def introductions_visible_to(user: AnyUser) -> QuerySet[IntroductionRequest]:
    """The requests ``user`` may open: those of their own units (asked), and those they
    decide on (operators: all; a moderator: between two units of a group they run)."""
    account = active_account(user)
    if account is None:
        return IntroductionRequest.objects.none()
    requests = IntroductionRequest.objects.select_related("unit", "target", "requested_by")
    if account.is_operator:
        return requests
    moderated = ExchangeGroup.objects.filter(moderator=account)
    return requests.filter(
        Q(unit__memberships__user=account)
        | (Q(unit__exchange_groups__in=moderated) & Q(target__exchange_groups__in=moderated))
    ).distinct()


@dataclass(frozen=True)
class IntroductionView:
    """A request as one person may see it: ``target_name`` only to those who decide,
    and to the asking unit once accepted."""

    request: IntroductionRequest
    decides: bool
    target_name: str | None

    @property
    def pending(self) -> bool:
        return self.request.state == IntroductionState.PENDING


def introduction_view(user: User, request: IntroductionRequest) -> IntroductionView:
    decides = may_decide_introduction(user, request.unit, request.target)
    named = decides or (request.accepted and may(user, Perm.INTRODUCTION_REQUEST, request.unit))
    return IntroductionView(request, decides, request.target.name if named else None)


def introduction_get_for_user(user: User, request_id: int) -> IntroductionView:
    found = introductions_visible_to(user).filter(pk=request_id).first()
    if found is None:
        raise Http404(_("There is no such request for an introduction that you may open."))
    return introduction_view(user, found)


def introductions_for(user: User) -> list[IntroductionView]:
    return [introduction_view(user, r) for r in introductions_visible_to(user)[:200]]
