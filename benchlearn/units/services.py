"""Writes to the unit registry and to unit memberships."""

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from benchlearn.accounts.models import User
from benchlearn.units.models import Level, Unit, UnitKind, UnitMembership

BUNDLED_GMINY = Path(__file__).resolve().parent / "data" / "gminy_2024.csv"

_GMINA_KINDS = {
    "1": UnitKind.URBAN_GMINA,
    "2": UnitKind.RURAL_GMINA,
    "3": UnitKind.URBAN_RURAL_GMINA,
}


@dataclass(frozen=True)
class RegistryLoadResult:
    created: int
    updated: int


def _registry_tiers(gminy: Iterable[Mapping[str, str]]) -> list[list[dict[str, str]]]:
    """Voivodeships, then counties, then gminas (parents before children)."""
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
        # A city with county rights is one unit: its gmina code, under the voivodeship.
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
                "kind": UnitKind.CITY_COUNTY
                if city_county
                else _GMINA_KINDS[row["gmina_type_code"]],
                "parent": woj if city_county else pow_,
                "voivodeship": voiv_name,
            }
        )
    return [list(voivodeships.values()), list(counties.values()), gminas]


@transaction.atomic
def unit_registry_load(*, gminy: Iterable[Mapping[str, str]]) -> RegistryLoadResult:
    """Create or refresh units matched by TERYT code; nothing attached to a unit is lost."""
    existing = {unit.teryt: unit for unit in Unit.objects.all()}
    created = updated = 0
    for tier in _registry_tiers(gminy):
        new_units = []
        for row in tier:
            wanted = {
                "name": row["name"],
                "kind": row["kind"],
                "parent": existing.get(row["parent"]) if row["parent"] else None,
                "voivodeship": row["voivodeship"],
            }
            unit = existing.get(row["teryt"])
            if unit is None:
                new_units.append(Unit(teryt=row["teryt"], **wanted))
                continue
            changed = [field for field, value in wanted.items() if getattr(unit, field) != value]
            if changed:
                for field in changed:
                    setattr(unit, field, wanted[field])
                unit.save(update_fields=changed)
                updated += 1
        for unit in Unit.objects.bulk_create(new_units):
            existing[unit.teryt] = unit
        created += len(new_units)
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
