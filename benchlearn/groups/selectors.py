"""Reads of exchange groups, each taking the user whose view it is."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.access import Perm, groups_visible_to, may, may_manage_group
from benchlearn.accounts.models import User
from benchlearn.groups.models import (
    ChangeRecord,
    ExchangeGroup,
    GroupChange,
    Programme,
    ProgrammeChange,
    SeatHolding,
    SeatInvitation,
)
from benchlearn.units.models import Level, Unit, UnitMembership


def group_list_for(user: User) -> QuerySet[ExchangeGroup]:
    return (
        groups_visible_to(user)
        .select_related("moderator")
        .annotate(unit_count=Count("units", distinct=True))
        .order_by("-cycle_start", "name")
    )


@dataclass
class GroupPage:
    """The group and its members; its results (``benchlearn.results``) are read beside
    it by the page, from ``group_results_for``."""

    group: ExchangeGroup
    units: list[Unit]
    can_manage: bool
    # The group's PDF report and meeting pack: who may download them is what the
    # download views ask (GROUP_VIEW, through ``group_get_for_user``).
    can_download: bool = False


def group_page_for(user: User, group: ExchangeGroup) -> GroupPage:
    units = group.units.order_by("name").prefetch_related(
        Prefetch(
            "memberships",
            queryset=UnitMembership.objects.select_related("user").order_by("level"),
        )
    )
    return GroupPage(
        group=group,
        units=list(units),
        can_manage=may(user, Perm.GROUP_MANAGE, group),
        can_download=may(user, Perm.GROUP_VIEW, group),
    )


# --- seats -----------------------------------------------------------------------------


@dataclass
class Seat:
    unit: Unit
    level: str
    holding: SeatHolding | None
    invitations: list[SeatInvitation] = field(default_factory=list)
    # The unit's participants at the seat's level who sit in no seat of the group (made
    # participants before seats existed, or by the office): put in the seat at a click.
    candidates: list[User] = field(default_factory=list)

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label)


@dataclass
class SeatRow:
    unit: Unit
    seats: list[Seat]


@dataclass
class SeatTable:
    """A group's member units, each with its three seats: who holds them, the pending
    invitations into them; and the holdings that ended (the group's memory)."""

    group: ExchangeGroup
    rows: list[SeatRow]
    past: list[SeatHolding]
    can_manage: bool

    @property
    def filled(self) -> int:
        return sum(1 for row in self.rows for seat in row.seats if seat.holding)

    @property
    def total(self) -> int:
        return sum(len(row.seats) for row in self.rows)


def seat_table_for(user: User, group: ExchangeGroup) -> SeatTable:
    """Everyone who sees the group sees who sits where; the pending invitations (their
    addresses) only those who run it."""
    can_manage = may_manage_group(user, group)
    holdings = SeatHolding.objects.filter(group=group).select_related("user", "unit")
    open_ = {(h.unit_id, h.level): h for h in holdings if h.ended_at is None}
    pending: dict[tuple[int, str], list[SeatInvitation]] = {}
    candidates: dict[tuple[int, str], list[User]] = {}
    if can_manage:
        seated = {(h.unit_id, h.user_id) for h in open_.values()}
        memberships = (
            UnitMembership.objects.filter(unit__exchange_groups=group)
            .select_related("user")
            .order_by("user__full_name", "user__email")
        )
        for membership in memberships:
            if membership.user.is_active and (membership.unit_id, membership.user_id) not in seated:
                key = (membership.unit_id, membership.level)
                candidates.setdefault(key, []).append(membership.user)
        invitations = SeatInvitation.objects.filter(
            group=group,
            used_at__isnull=True,
            cancelled_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).order_by("created_at")
        for invitation in invitations:
            pending.setdefault((invitation.unit_id, invitation.level), []).append(invitation)
    rows = [
        SeatRow(
            unit=unit,
            seats=[
                Seat(
                    unit=unit,
                    level=level,
                    holding=open_.get((unit.pk, level)),
                    invitations=pending.get((unit.pk, level), []),
                    candidates=candidates.get((unit.pk, level), []),
                )
                for level in Level.values
            ],
        )
        for unit in group.units.order_by("name")
    ]
    past = sorted(
        (h for h in holdings if h.ended_at is not None),
        key=lambda h: h.ended_at or h.started_at,
        reverse=True,
    )
    return SeatTable(group=group, rows=rows, past=past, can_manage=can_manage)


def seat_holding_get(group: ExchangeGroup, holding_id: int) -> SeatHolding:
    holding = (
        SeatHolding.objects.filter(group=group, pk=holding_id)
        .select_related("user", "unit")
        .first()
    )
    if holding is None:
        raise Http404(_("There is no such seat holding in this group."))
    return holding


def invitation_get(group: ExchangeGroup, invitation_id: int) -> SeatInvitation:
    invitation = SeatInvitation.objects.filter(group=group, pk=invitation_id).first()
    if invitation is None:
        raise Http404(_("There is no such invitation in this group."))
    return invitation


# --- history ---------------------------------------------------------------------------


@dataclass
class HistoryRow:
    when: datetime
    who: str
    kind: str
    changes: list[tuple[str, str, str]]


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    return str(value)


def _history(rows: Iterable[ChangeRecord], labels: dict[str, str]) -> list[HistoryRow]:
    kinds = {"created": _("created"), "updated": _("changed"), "seat": _("seat")}
    return [
        HistoryRow(
            when=row.changed_at,
            who=str(row.changed_by) if row.changed_by else "",
            kind=str(kinds.get(row.kind, row.kind)),
            changes=[
                (labels.get(name, name), _text(old), _text(new))
                for name, old, new in row.shown_changes
            ],
        )
        for row in rows
    ]


def group_history(group: ExchangeGroup) -> list[HistoryRow]:
    labels = {
        **{
            f.name: str(f.verbose_name)
            for f in ExchangeGroup._meta.get_fields()
            if hasattr(f, "verbose_name")
        },
        "units": str(_("member units")),
    }
    return _history(GroupChange.objects.filter(group=group).select_related("changed_by"), labels)


def programme_history(programme: Programme) -> list[HistoryRow]:
    labels = {
        **{
            f.name: str(f.verbose_name)
            for f in Programme._meta.get_fields()
            if hasattr(f, "verbose_name")
        },
        "groups": str(_("exchange groups")),
    }
    return _history(
        ProgrammeChange.objects.filter(programme=programme).select_related("changed_by"), labels
    )
