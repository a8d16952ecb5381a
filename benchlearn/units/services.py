"""Writes to the unit registry and to unit memberships."""

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from benchlearn.accounts.models import User
from benchlearn.units.models import Level, Unit, UnitKind, UnitMembership

BUNDLED_GMINY = Path(__file__).resolve().parent / "data" / "gminy_2024.csv"

_GMINA_KINDS = {"1": UnitKind.URBAN_GMINA, "2": UnitKind.RURAL_GMINA, "3": UnitKind.URBAN_RURAL_GMINA}


@dataclass(frozen=True)
class RegistryLoadResult:
    created: int
    updated: int


def _registry_rows(gminy: Iterable[Mapping[str, str]]) -> list[dict[str, str]]:
    """Voivodeships, counties and gminas, parents first, from rows of the gmina table."""
    voivodeships: dict[str, dict[str, str]] = {}
    counties: dict[str, dict[str, str]] = {}
    gminas: list[dict[str, str]] = []
    for row in gminy:
        woj, pow_, voiv_name = row["woj_teryt2"], row["powiat_teryt4"], row["voivodeship"]
        voivodeships[woj] = {
            "teryt": woj,
            "name": f"województwo {voiv_name}",
            "kind": UnitKind.VOIVODESHIP,
            "parent": "",
            "voivodeship": voiv_name,
        }
        city_county = row["is_city_with_county_rights"] == "True"
        if not city_county:
            counties[pow_] = {
                "teryt": pow_,
                "name": f"powiat {row['powiat_name']}",
                "kind": UnitKind.COUNTY,
                "parent": woj,
                "voivodeship": voiv_name,
            }
        gminas.append(
            {
                "teryt": row["teryt7"],
                "name": row["name"],
                "kind": UnitKind.CITY_COUNTY if city_county else _GMINA_KINDS[row["gmina_type_code"]],
                "parent": woj if city_county else pow_,
                "voivodeship": voiv_name,
            }
        )
    return [*voivodeships.values(), *counties.values(), *gminas]


@transaction.atomic
def unit_registry_load(*, gminy: Iterable[Mapping[str, str]]) -> RegistryLoadResult:
    """Create or refresh units matched by TERYT code; nothing attached to a unit is lost."""
    existing = {unit.teryt: unit for unit in Unit.objects.all()}
    created = updated = 0
    for row in _registry_rows(gminy):
        parent = existing.get(row["parent"]) if row["parent"] else None
        unit = existing.get(row["teryt"])
        if unit is None:
            unit = Unit.objects.create(
                teryt=row["teryt"],
                name=row["name"],
                kind=row["kind"],
                parent=parent,
                voivodeship=row["voivodeship"],
            )
            existing[unit.teryt] = unit
            created += 1
            continue
        changed = [
            field
            for field, value in (
                ("name", row["name"]),
                ("kind", row["kind"]),
                ("parent", parent),
                ("voivodeship", row["voivodeship"]),
            )
            if getattr(unit, field) != value
        ]
        if changed:
            for field in changed:
                setattr(unit, field, row[field] if field != "parent" else parent)
            unit.save(update_fields=changed)
            updated += 1
    return RegistryLoadResult(created=created, updated=updated)


def unit_registry_load_bundled() -> RegistryLoadResult:
    with BUNDLED_GMINY.open(encoding="utf-8", newline="") as handle:
        return unit_registry_load(gminy=csv.DictReader(handle))


@transaction.atomic
def unit_membership_set(*, user: User, unit: Unit, level: Level) -> UnitMembership:
    """Make ``user`` a participant of ``unit`` at ``level`` (or change their level)."""
    membership, _ = UnitMembership.objects.update_or_create(
        user=user, unit=unit, defaults={"level": level}
    )
    return membership
