"""Writing how a unit delivers a service: the only code that changes deliveries, and
always with its history row (who, when, before, after)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from benchlearn.accounts.access import Perm, require
from benchlearn.accounts.models import User
from benchlearn.catalogue.models import Domain
from benchlearn.delivery.models import (
    FORM_ORDER,
    Delivery,
    DeliveryChange,
    DeliveryForm,
    DeliveryShare,
    plain_share,
)
from benchlearn.units.models import Unit

# The years a delivery may be recorded for: the programme's data start in 2000, and
# the coming year may be planned.
FIRST_YEAR = 2000
NOTE_LENGTH = 500
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class ShareEntry:
    """One organisational form as entered: its code, the share in % and a note."""

    form: str
    share: Decimal
    note: str = ""


class DeliveryError(Exception):
    """Input that cannot be stored; ``problems`` say why, one sentence each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class DeliveryConflict(DeliveryError):
    """Someone saved the delivery after the page showed it: nothing was stored."""

    def __init__(self, delivery: Delivery) -> None:
        who = delivery.updated_by.full_name if delivery.updated_by else _("someone")
        when = date_format(timezone.localtime(delivery.updated_at), "SHORT_DATETIME_FORMAT")
        super().__init__(
            [
                _(
                    "Your changes were not saved: %(who)s changed these forms at %(when)s, "
                    "after this page was opened. Their version is shown below; check it and "
                    "save yours again if it should replace it."
                )
                % {"who": who, "when": when}
            ]
        )
        self.delivery = delivery


def snapshot_of(shares: Sequence[ShareEntry]) -> list[dict[str, str]]:
    """The forms as the history stores them: in the forms' order, shares as text."""
    ordered = sorted(shares, key=lambda entry: FORM_ORDER.get(entry.form, len(FORM_ORDER)))
    return [
        {"form": entry.form, "share": f"{entry.share:.2f}", "note": entry.note} for entry in ordered
    ]


def _problems(period: int, entries: Sequence[ShareEntry]) -> list[str]:
    problems = []
    last_year = timezone.localdate().year + 1
    if not FIRST_YEAR <= period <= last_year:
        problems.append(
            _("The year must be between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": last_year}
        )
    labels = dict(DeliveryForm.choices)
    seen: set[str] = set()
    for entry in entries:
        label = labels.get(entry.form)
        if label is None:
            problems.append(
                _("“%(form)s” is not an organisational form.") % {"form": entry.form[:40]}
            )
            continue
        if entry.form in seen:
            problems.append(_("%(form)s is given twice.") % {"form": label})
        seen.add(entry.form)
        if not Decimal(0) < entry.share <= HUNDRED:
            problems.append(
                _("The share of %(form)s must be more than 0 and at most 100 %%.") % {"form": label}
            )
        if len(entry.note) > NOTE_LENGTH:
            problems.append(
                _("The note on %(form)s is longer than %(limit)s characters.")
                % {"form": label, "limit": NOTE_LENGTH}
            )
    total = sum((entry.share for entry in entries), Decimal(0))
    if total > HUNDRED:
        problems.append(
            _(
                "The shares add up to %(total)s %%: together the forms may cover at most "
                "100 %% of the service."
            )
            % {"total": number_format(plain_share(total))}
        )
    return problems


def delivery_save(
    *,
    unit: Unit,
    domain: Domain,
    period: int,
    entries: Sequence[ShareEntry],
    user: User,
    base_revision: int,
) -> Delivery:
    """Store the organisational forms of ``unit``'s ``domain`` in ``period`` as
    ``entries`` (none: the delivery is cleared), from a page that showed
    ``base_revision`` (0: nothing recorded yet). DeliveryError when the input is
    wrong, DeliveryConflict when someone saved meanwhile: nothing is stored then.
    Saving what is already stored changes nothing and writes no history."""
    require(user, Perm.DELIVERY_EDIT, unit)
    entries = [ShareEntry(e.form, e.share, e.note.strip()) for e in entries]
    if problems := _problems(period, entries):
        raise DeliveryError(problems)
    try:
        with transaction.atomic():
            return _write(unit, domain, period, entries, user, base_revision)
    except IntegrityError:
        # Two first saves at once: the other one created the delivery.
        current = Delivery.objects.select_related("updated_by").get(
            unit=unit, domain=domain, period=period
        )
        raise DeliveryConflict(current) from None


def _write(
    unit: Unit,
    domain: Domain,
    period: int,
    entries: list[ShareEntry],
    user: User,
    base_revision: int,
) -> Delivery:
    # Only the delivery's row is locked: PostgreSQL locks no nullable side of an outer
    # join (the person who updated it may be gone).
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .filter(unit=unit, domain=domain, period=period)
        .first()
    )
    if delivery is None and not entries and base_revision == 0:
        return Delivery(unit=unit, domain=domain, period=period)  # nothing to record
    if delivery is None:
        delivery = Delivery.objects.create(unit=unit, domain=domain, period=period, updated_by=user)
    if delivery.revision != base_revision:
        raise DeliveryConflict(delivery)
    old = snapshot_of([ShareEntry(s.form, s.share, s.note) for s in delivery.shares.all()])
    new = snapshot_of(entries)
    if old == new:
        return delivery
    delivery.shares.all().delete()
    DeliveryShare.objects.bulk_create(
        DeliveryShare(delivery=delivery, form=e.form, share=e.share, note=e.note) for e in entries
    )
    delivery.revision += 1
    delivery.updated_at = timezone.now()
    delivery.updated_by = user
    delivery.save(update_fields=["revision", "updated_at", "updated_by"])
    DeliveryChange.objects.create(
        delivery=delivery,
        old=old,
        new=new,
        changed_at=delivery.updated_at,
        changed_by=user,
        revision=delivery.revision,
    )
    return delivery


def entries_from(snapshot: list[dict[str, Any]]) -> list[ShareEntry]:
    """A history snapshot back as entries (to fill a form, or to restore it)."""
    return [ShareEntry(row["form"], Decimal(row["share"]), row.get("note", "")) for row in snapshot]
