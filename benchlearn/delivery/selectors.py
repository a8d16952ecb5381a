"""Reads of how units deliver their services: a unit's forms per domain and year, their
history, and each unit's main form (for the comparison pages to group by)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benchlearn.catalogue.models import Domain
from benchlearn.collection.models import Round
from benchlearn.delivery.models import (
    FORM_ORDER,
    Delivery,
    DeliveryChange,
    DeliveryForm,
    DeliveryShare,
    plain_share,
)
from benchlearn.units.models import Unit

# Above this many units a query reads a domain's and year's forms for every unit and
# keeps the wanted ones (as results.selectors.IN_LIST_LIMIT, for the same reason).
IN_LIST_LIMIT = 300


@dataclass(frozen=True)
class ShareShown:
    form: str
    label: str
    share: Decimal
    note: str

    @property
    def share_text(self) -> str:
        return share_text(self.share)


def share_text(share: Decimal) -> str:
    """A share in the page's language, without needless zeros: "72,5" in Polish."""
    return number_format(plain_share(share))


@dataclass
class DomainDelivery:
    """A domain of the unit and how it is delivered in the year (no shares: not recorded)."""

    code: str
    name: str
    shares: list[ShareShown] = field(default_factory=list)
    delivery: Delivery | None = None

    @property
    def main(self) -> ShareShown | None:
        return self.shares[0] if self.shares else None

    @property
    def total(self) -> Decimal:
        return sum((s.share for s in self.shares), Decimal(0))


def form_label(code: str) -> str:
    return str(dict(DeliveryForm.choices).get(code, code))


def _domain_name(domain: Domain) -> str:
    english = (get_language() or "pl").startswith("en")
    return domain.name_en if english and domain.name_en else domain.name_pl


def share_order(share: DeliveryShare) -> tuple[Decimal, int]:
    """Largest share first; equal shares in the forms' order."""
    return (-share.share, FORM_ORDER.get(share.form, len(FORM_ORDER)))


def _shown(shares: Iterable[DeliveryShare]) -> list[ShareShown]:
    ordered = sorted(shares, key=share_order)
    return [ShareShown(s.form, form_label(s.form), s.share, s.note) for s in ordered]


def domain_get(code: str) -> Domain:
    domain = Domain.objects.filter(code=code).first()
    if domain is None:
        raise Http404(_("There is no service (domain) %(code)s.") % {"code": code[:64]})
    return domain


def delivery_years(unit: Unit) -> list[int]:
    """The years offered for ``unit``: those of its collection rounds and those already
    recorded; the last year when there are none."""
    years = set(Round.objects.filter(units=unit).values_list("period", flat=True))
    years |= set(Delivery.objects.filter(unit=unit).values_list("period", flat=True))
    return sorted(years) or [timezone.localdate().year - 1]


def unit_deliveries(
    unit: Unit, period: int, *, domain_codes: Iterable[str] | None = None
) -> list[DomainDelivery]:
    """Every domain of the catalogue (or only ``domain_codes`` and those with forms
    recorded) with how ``unit`` delivers it in ``period``, in the catalogue's order."""
    recorded = {
        d.domain_id: d
        for d in Delivery.objects.filter(unit=unit, period=period)
        .select_related("updated_by")
        .prefetch_related("shares")
    }
    domains = Domain.objects.order_by("position", "code")
    wanted = None if domain_codes is None else set(domain_codes)
    found = []
    for domain in domains:
        delivery = recorded.get(domain.pk)
        shown = wanted is None or domain.code in wanted
        if not shown and (delivery is None or not delivery.shares.all()):
            continue
        shares = _shown(delivery.shares.all()) if delivery else []
        found.append(DomainDelivery(domain.code, _domain_name(domain), shares, delivery))
    return found


def delivery_of(unit: Unit, domain: Domain, period: int) -> DomainDelivery:
    delivery = (
        Delivery.objects.filter(unit=unit, domain=domain, period=period)
        .select_related("updated_by")
        .prefetch_related("shares")
        .first()
    )
    shares = _shown(delivery.shares.all()) if delivery else []
    return DomainDelivery(domain.code, _domain_name(domain), shares, delivery)


def delivery_before(unit: Unit, domain: Domain, period: int) -> DomainDelivery | None:
    """The latest earlier year's forms (to start a new year from), if any were recorded."""
    delivery = (
        Delivery.objects.filter(unit=unit, domain=domain, period__lt=period, shares__isnull=False)
        .prefetch_related("shares")
        .order_by("-period")
        .first()
    )
    if delivery is None:
        return None
    return DomainDelivery(
        domain.code, _domain_name(domain), _shown(delivery.shares.all()), delivery
    )


@dataclass(frozen=True)
class ChangeShown:
    changed_at: Any
    changed_by: str
    old: str
    new: str
    revision: int


def describe(snapshot: list[dict[str, str]]) -> str:
    """A stored list of forms in one line: "municipal company 70 %; other form 30 %"."""
    if not snapshot:
        return "—"
    return "; ".join(_described(row) for row in snapshot)


def _described(row: dict[str, str]) -> str:
    text = f"{form_label(row['form'])} {share_text(Decimal(row['share']))} %"
    return f"{text} ({row['note']})" if row.get("note") else text


def delivery_history(delivery: Delivery | None) -> list[ChangeShown]:
    if delivery is None or delivery.pk is None:
        return []
    changes = DeliveryChange.objects.filter(delivery=delivery).select_related("changed_by")
    return [
        ChangeShown(
            c.changed_at,
            c.changed_by.full_name if c.changed_by else "—",
            describe(c.old),
            describe(c.new),
            c.revision,
        )
        for c in changes
    ]


def main_forms(unit_ids: Iterable[int], domain_code: str, period: int) -> dict[int, str]:
    """Unit id -> its main form of delivering ``domain_code`` in ``period``: the form with
    the largest share (equal shares: the first in the forms' order); units that have
    recorded none are left out."""
    wanted = set(unit_ids)
    rows = DeliveryShare.objects.filter(delivery__domain__code=domain_code, delivery__period=period)
    if len(wanted) <= IN_LIST_LIMIT:
        rows = rows.filter(delivery__unit_id__in=wanted)
    best: dict[int, tuple[Decimal, int, str]] = {}
    for unit_id, form, share in rows.values_list("delivery__unit_id", "form", "share"):
        if unit_id not in wanted:
            continue
        key = (-share, FORM_ORDER.get(form, len(FORM_ORDER)), form)
        if unit_id not in best or key < best[unit_id]:
            best[unit_id] = key
    return {unit_id: key[2] for unit_id, key in best.items()}


def deliveries_for_api(unit: Unit, period: int | None) -> list[Delivery]:
    """``unit``'s recorded deliveries (of ``period``, or every year), with their shares."""
    rows = (
        Delivery.objects.filter(unit=unit, revision__gt=0)
        .select_related("domain", "updated_by")
        .prefetch_related("shares")
        .order_by("period", "domain__position", "domain__code")
    )
    if period is not None:
        rows = rows.filter(period=period)
    return list(rows)
