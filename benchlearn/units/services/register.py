"""The register of units: loaded from the bundled list or refreshed from a GUS TERC
file, every change of a unit recorded."""

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from benchlearn.units.models import (
    Unit,
    UnitChange,
    UnitChangeKind,
)
from benchlearn.units.registry_io import Problem, RegistryRow, rows_from_bundled

BUNDLED_GMINY = Path(__file__).resolve().parent.parent / "data" / "gminy_2024.csv"


BUNDLED_STATE_ON = date(2024, 1, 1)


# A refresh that would abolish more than this share of the units in use is far more
# likely a partial file (one voivodeship, a filtered export) than a reform.
MAX_ABOLISHED_SHARE = 0.05


@dataclass
class RegistryLoadResult:
    created: int = 0
    renamed: int = 0
    changed: int = 0  # kind or parent changed, name kept
    abolished: int = 0
    restored: int = 0
    unchanged: int = 0
    changes: list[UnitChange] = field(default_factory=list)

    @property
    def updated(self) -> int:
        return self.renamed + self.changed + self.restored


class RegistryError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def _change(unit: Unit, kind: str, old: str, new: str, on: date, source: str) -> UnitChange:
    return UnitChange(
        unit=unit, kind=kind, old_value=old, new_value=new, effective_on=on, source=source
    )


def _apply_row(
    unit: Unit, row: RegistryRow, parent: Unit | None, on: date, source: str
) -> list[UnitChange]:
    """Update one existing unit in place to match ``row``; the changes to log."""
    changes = []
    fields = []
    if unit.abolished_on is not None:
        changes.append(
            _change(unit, UnitChangeKind.RESTORED, str(unit.abolished_on), "", on, source)
        )
        unit.abolished_on = None
        fields.append("abolished_on")
    if unit.name != row.name:
        changes.append(_change(unit, UnitChangeKind.RENAMED, unit.name, row.name, on, source))
        unit.name = row.name
        fields.append("name")
    if unit.kind != row.kind:
        changes.append(_change(unit, UnitChangeKind.KIND_CHANGED, unit.kind, row.kind, on, source))
        unit.kind = row.kind
        fields.append("kind")
    if unit.parent_id != (parent.pk if parent else None):
        old_parent = unit.parent.teryt if unit.parent else ""
        new_parent = parent.teryt if parent else ""
        changes.append(_change(unit, UnitChangeKind.MOVED, old_parent, new_parent, on, source))
        unit.parent = parent
        fields.append("parent")
    if unit.voivodeship != row.voivodeship:
        unit.voivodeship = row.voivodeship
        fields.append("voivodeship")
    if fields:
        unit.save(update_fields=fields)
    return changes


def _recode(
    rows: list[RegistryRow], existing: dict[str, Unit], on: date, source: str
) -> list[UnitChange]:
    """Give units whose gmina type changed their new TERYT code (the last digit is RODZ).

    A rural gmina whose seat becomes a town is still the same gmina: without this it
    would be abolished and created anew, and lose its memberships, groups and values.
    """
    wanted = {row.teryt for row in rows}
    leaving = {
        unit.teryt[:6]: unit
        for teryt, unit in existing.items()
        if len(teryt) == 7 and teryt not in wanted
    }
    changes = []
    for row in rows:
        unit = leaving.get(row.teryt[:6]) if len(row.teryt) == 7 else None
        if unit is None or row.teryt in existing:
            continue
        changes.append(_change(unit, UnitChangeKind.RECODED, unit.teryt, row.teryt, on, source))
        del existing[unit.teryt]
        unit.teryt = row.teryt
        unit.save(update_fields=["teryt"])
        existing[unit.teryt] = unit
    return changes


def _count(result: RegistryLoadResult, changes: list[UnitChange]) -> None:
    kinds = {change.kind for change in changes}
    if UnitChangeKind.RESTORED in kinds:
        result.restored += 1
    elif kinds & {UnitChangeKind.RENAMED, UnitChangeKind.RECODED}:
        result.renamed += 1
    elif kinds:
        result.changed += 1
    else:
        result.unchanged += 1


def _registry_apply(
    rows: Iterable[RegistryRow], *, on: date, source: str, abolish_missing: bool
) -> RegistryLoadResult:
    rows = list(rows)
    existing = {unit.teryt: unit for unit in Unit.objects.select_related("parent")}
    result = RegistryLoadResult()
    recoded = _recode(rows, existing, on, source)
    seen = set()
    # Parents before children: a new gmina's county is created before it.
    for tier in (2, 4, 7):
        new_units = []
        for row in (row for row in rows if len(row.teryt) == tier):
            seen.add(row.teryt)
            parent = existing.get(row.parent) if row.parent else None
            unit = existing.get(row.teryt)
            if unit is None:
                new_units.append(
                    Unit(
                        teryt=row.teryt,
                        name=row.name,
                        kind=row.kind,
                        parent=parent,
                        voivodeship=row.voivodeship,
                    )
                )
                continue
            changes = [c for c in recoded if c.unit is unit] + _apply_row(
                unit, row, parent, on, source
            )
            _count(result, changes)
            result.changes += changes
        for unit in Unit.objects.bulk_create(new_units):
            existing[unit.teryt] = unit
            result.changes.append(_change(unit, UnitChangeKind.CREATED, "", unit.name, on, source))
        result.created += len(new_units)
    if abolish_missing:
        for unit in existing.values():
            if unit.teryt not in seen and unit.abolished_on is None:
                unit.abolished_on = on
                unit.save(update_fields=["abolished_on"])
                result.changes.append(
                    _change(unit, UnitChangeKind.ABOLISHED, unit.name, "", on, source)
                )
                result.abolished += 1
    UnitChange.objects.bulk_create(result.changes)
    return result


@transaction.atomic
def unit_registry_load(
    *, gminy: Iterable[Mapping[str, str]], on: date = BUNDLED_STATE_ON, source: str = ""
) -> RegistryLoadResult:
    """Create or update the units of some gminas (and their counties and voivodeships).

    Matched by TERYT code; nothing attached to a unit is lost, and units not named are
    left as they are (use ``unit_registry_refresh`` for a whole register).
    """
    rows, problems = rows_from_bundled(enumerate(gminy, start=2))
    if problems:
        raise RegistryError(problems)
    return _registry_apply(rows, on=on, source=source or BUNDLED_GMINY.name, abolish_missing=False)


@transaction.atomic
def unit_registry_refresh(
    *, rows: list[RegistryRow], on: date, source: str, allow_mass_abolition: bool = False
) -> RegistryLoadResult:
    """Bring the registry to a whole register's state, matched by TERYT code.

    Renamed, re-kinded or moved units are updated in place with a ``UnitChange`` row;
    units missing from the register are marked abolished on ``on`` (never deleted:
    memberships, groups and values point at them); new units are created.
    """
    wanted = {row.teryt for row in rows}
    in_use = Unit.objects.filter(abolished_on__isnull=True)
    leaving = in_use.exclude(teryt__in=wanted).count()
    total = in_use.count()
    if not allow_mass_abolition and total and leaving > MAX_ABOLISHED_SHARE * total:
        message = _(
            "The file would abolish %(leaving)d of %(total)d units: is it the whole register? "
            "Nothing was changed (use --allow-mass-abolition if this is intended)."
        ) % {"leaving": leaving, "total": total}
        raise RegistryError([Problem(0, "", message)])
    return _registry_apply(rows, on=on, source=source, abolish_missing=True)


def unit_registry_load_bundled() -> RegistryLoadResult:
    with BUNDLED_GMINY.open(encoding="utf-8", newline="") as handle:
        return unit_registry_load(gminy=csv.DictReader(handle))
