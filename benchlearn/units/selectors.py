"""Reads of units, each taking the user whose view it is."""

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from benchlearn.accounts.access import (
    Perm,
    groups_visible_to,
    may,
    unit_registry_for,
    units_visible_to,
)
from benchlearn.accounts.models import User
from benchlearn.groups.models import ExchangeGroup
from benchlearn.units.models import ContextValue, Unit, UnitChange, UnitMembership

# (code, label, from, to): population on the latest POP value, upper bound excluded.
POPULATION_BANDS = [
    ("lt5k", _("under 5,000"), None, 5_000),
    ("5k-10k", _("5,000–10,000"), 5_000, 10_000),
    ("10k-20k", _("10,000–20,000"), 10_000, 20_000),
    ("20k-50k", _("20,000–50,000"), 20_000, 50_000),
    ("50k-100k", _("50,000–100,000"), 50_000, 100_000),
    ("gt100k", _("over 100,000"), 100_000, None),
]
VOIVODESHIPS = [
    "dolnośląskie",
    "kujawsko-pomorskie",
    "lubelskie",
    "lubuskie",
    "łódzkie",
    "małopolskie",
    "mazowieckie",
    "opolskie",
    "podkarpackie",
    "podlaskie",
    "pomorskie",
    "śląskie",
    "świętokrzyskie",
    "warmińsko-mazurskie",
    "wielkopolskie",
    "zachodniopomorskie",
]


def _latest(code: str) -> Subquery:
    return Subquery(
        ContextValue.objects.filter(unit=OuterRef("pk"), variable__code=code)
        .order_by("-year")
        .values("value")[:1]
    )


def unit_list_for(
    user: User,
    *,
    q: str = "",
    kind: str = "",
    voivodeship: str = "",
    population: str = "",
    include_abolished: bool = True,
    registry: bool = True,
) -> QuerySet[Unit]:
    """The registry (or, with ``registry=False``, the units whose data the user may see),
    filtered; every unit with its latest population and area."""
    base = unit_registry_for(user) if registry else units_visible_to(user)
    units = base.select_related("parent").annotate(
        population=_latest("POP"), area=_latest("AREA_KM2")
    )
    if q := q.strip():
        units = units.filter(Q(name__icontains=q) | Q(teryt__startswith=q))
    if kind:
        units = units.filter(kind=kind)
    if voivodeship:
        units = units.filter(voivodeship=voivodeship)
    for code, _label, low, high in POPULATION_BANDS:
        if population == code:
            if low is not None:
                units = units.filter(population__gte=low)
            if high is not None:
                units = units.filter(population__lt=high)
    if not include_abolished:
        units = units.filter(abolished_on__isnull=True)
    return units.order_by(F("abolished_on").asc(nulls_first=True), "name", "teryt")


def unit_ids_openable_by(user: User, units: Iterable[Unit]) -> set[int]:
    """Which of these units' pages the user may open (the list links only those)."""
    ids = [unit.pk for unit in units]
    return set(units_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


@dataclass
class ContextTable:
    years: list[int]
    rows: list[tuple[str, str, list[float | None]]]  # (variable name, unit, value by year)


def _context_table(unit: Unit) -> ContextTable:
    values = list(
        ContextValue.objects.filter(unit=unit)
        .select_related("variable")
        .order_by("variable__position", "variable__code", "year")
    )
    years = sorted({value.year for value in values})
    by_variable: dict[int, tuple[str, str, dict[int, float]]] = {}
    for value in values:
        row = by_variable.setdefault(
            value.variable_id, (value.variable.name_pl, value.variable.unit, {})
        )
        row[2][value.year] = value.value
    rows = [
        (name, measure, [by_year.get(year) for year in years])
        for name, measure, by_year in by_variable.values()
    ]
    return ContextTable(years=years, rows=rows)


@dataclass
class UnitPage:
    unit: Unit
    memberships: list[UnitMembership]
    groups: list[ExchangeGroup]
    can_edit: bool
    context: ContextTable
    changes: list[UnitChange]


def unit_page_for(user: User, unit: Unit) -> UnitPage:
    return UnitPage(
        unit=unit,
        memberships=list(
            unit.memberships.select_related("user").order_by("level", "user__full_name")
        ),
        groups=list(groups_visible_to(user).filter(units=unit).order_by("name")),
        can_edit=may(user, Perm.UNIT_EDIT, unit),
        context=_context_table(unit),
        changes=list(unit.changes.exclude(kind="created").order_by("-effective_on", "-pk")),
    )


def context_values_sample(codes: list[str], units: int) -> pl.DataFrame | None:
    """Some units' real context values for ``codes`` (long: unit name, period, variable,
    value), in the latest year in which ``units`` units or fewer have them all, the
    first by name; None when there are none. For the catalogue's formula preview."""
    if not codes:
        return None
    stored = ContextValue.objects.filter(variable__code__in=codes)
    latest = stored.aggregate(latest=Max("year"))["latest"]
    if latest is None:
        return None
    complete = (
        stored.filter(year=latest)
        .values("unit")
        .annotate(found=Count("variable", distinct=True))
        .filter(found=len(set(codes)))
        .order_by("unit__name")
        .values_list("unit", flat=True)[:units]
    )
    rows = stored.filter(year=latest, unit__in=list(complete)).values_list(
        "unit__name", "variable__code", "value"
    )
    records = [
        {"unit": unit, "period": int(latest), "variable": code, "value": float(value)}
        for unit, code, value in rows
    ]
    return pl.DataFrame(records) if records else None
