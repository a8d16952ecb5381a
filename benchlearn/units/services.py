"""Writes to the unit registry and to unit memberships."""

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.models import AccessChangeKind, User
from benchlearn.accounts.services import access_change_record
from benchlearn.catalogue.models import Source, Variable
from benchlearn.catalogue.services import variable_create
from benchlearn.units.bdl import BdlClient, BdlError, bdl_unit_to_teryt
from benchlearn.units.models import (
    ContextValue,
    ContextValueChange,
    Level,
    Unit,
    UnitChange,
    UnitChangeKind,
    UnitKind,
    UnitMembership,
)
from benchlearn.units.registry_io import Problem, RegistryRow, rows_from_bundled

BUNDLED_GMINY = Path(__file__).resolve().parent / "data" / "gminy_2024.csv"
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


@transaction.atomic
def _unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.teryt})"


@transaction.atomic
def unit_membership_set(
    *, user: User, unit: Unit, level: Level, by: User | None = None, via: str = ""
) -> UnitMembership:
    """Make ``user`` a participant of ``unit`` at ``level`` (or change their level);
    the change is recorded with the level before and after (``by`` None: the system)."""
    old = UnitMembership.objects.select_for_update().filter(user=user, unit=unit).first()
    membership, _ = UnitMembership.objects.update_or_create(
        user=user, unit=unit, defaults={"level": level}
    )
    old_level = old.level if old else ""
    if old_level != membership.level:
        access_change_record(
            kind=AccessChangeKind.UNIT_MEMBERSHIP,
            by=by,
            user=user,
            target=_unit_label(unit),
            old=old_level,
            new=membership.level,
            via=via,
        )
    return membership


@transaction.atomic
def unit_membership_remove(*, user: User, unit: Unit, by: User | None, via: str = "") -> None:
    """End ``user``'s participation in ``unit``, recorded with the level they had."""
    membership = UnitMembership.objects.select_for_update().filter(user=user, unit=unit).first()
    if membership is None:
        return
    membership.delete()
    access_change_record(
        kind=AccessChangeKind.UNIT_MEMBERSHIP,
        by=by,
        user=user,
        target=_unit_label(unit),
        old=membership.level,
        new="",
        via=via,
    )


# --- context values ----------------------------------------------------------------


@dataclass(frozen=True)
class ContextVariable:
    code: str
    name_pl: str
    name_en: str
    unit: str
    definition_pl: str
    definition_en: str
    minimum: float | None = 0
    maximum: float | None = None


CONTEXT_VARIABLES = {
    variable.code: variable
    for variable in (
        ContextVariable(
            "POP",
            "Ludność",
            "Population",
            "osoby",
            "Liczba ludności według faktycznego miejsca zamieszkania, stan na 31 grudnia (GUS).",
            "Population by actual place of residence on 31 December (Statistics Poland).",
        ),
        ContextVariable(
            "AREA_KM2",
            "Powierzchnia",
            "Area",
            "km²",
            "Powierzchnia ogólna jednostki w km².",
            "Total area of the unit in km².",
        ),
        ContextVariable(
            "DENSITY",
            "Gęstość zaludnienia",
            "Population density",
            "osoby/km²",
            "Liczba ludności na 1 km² powierzchni.",
            "Population per km² of area.",
        ),
        ContextVariable(
            "DEGURBA",
            "Stopień urbanizacji",
            "Degree of urbanisation",
            "1–3",
            "Klasyfikacja Eurostatu DEGURBA: 1 – miasta, 2 – małe miasta i przedmieścia, "
            "3 – obszary wiejskie.",
            "Eurostat DEGURBA: 1 – cities, 2 – towns and suburbs, 3 – rural areas.",
            minimum=1,
            maximum=3,
        ),
    )
}
BUNDLED_CONTEXT_YEAR = 2018
BUNDLED_CONTEXT_SOURCE = "GUS/Eurostat LAU 2019 (31.12.2018), gminy_2024.csv"


@dataclass
class ContextStoreResult:
    created: int = 0
    changed: int = 0
    unchanged: int = 0


def context_variable_ensure(*, code: str) -> Variable:
    """The catalogue's variable ``code``; a context variable is added when it is missing."""
    variable = Variable.objects.filter(code=code).first()
    if variable is not None:
        return variable
    spec = CONTEXT_VARIABLES[code]
    return variable_create(
        user=None,
        code=code,
        name_pl=spec.name_pl,
        name_en=spec.name_en,
        unit=spec.unit,
        source=Source.PUBLIC_STATISTICS,
        definition_pl=spec.definition_pl,
        definition_en=spec.definition_en,
        minimum=spec.minimum,
        maximum=spec.maximum,
    )


@transaction.atomic
def context_values_store(
    *,
    variable: Variable,
    values: Iterable[tuple[Unit, int, float]],
    source: str,
    origin: str,
    by: User | None = None,
    fetched_at: datetime | None = None,
) -> ContextStoreResult:
    """Store (unit, year, value) figures of ``variable``, with a history row per change."""
    now = timezone.now()
    fetched_at = fetched_at or now
    wanted = {(unit.pk, year): (unit, value) for unit, year, value in values}
    existing = {
        (cv.unit_id, cv.year): cv
        for cv in ContextValue.objects.filter(
            variable=variable, year__in={year for _unit, year in wanted}
        )
    }
    result = ContextStoreResult()
    new, changed, history = [], [], []
    for key, (unit, value) in wanted.items():
        current = existing.get(key)
        if current is None:
            new.append(
                ContextValue(
                    unit=unit,
                    variable=variable,
                    year=key[1],
                    value=value,
                    source=source,
                    fetched_at=fetched_at,
                    updated_at=now,
                )
            )
            continue
        if current.value == value:
            result.unchanged += 1
            continue
        history.append(
            ContextValueChange(
                context_value=current,
                old_value=current.value,
                new_value=value,
                changed_at=now,
                changed_by=by,
                origin=origin,
            )
        )
        current.value, current.source = value, source
        current.fetched_at, current.updated_at = fetched_at, now
        changed.append(current)
    for created in ContextValue.objects.bulk_create(new, batch_size=1000):
        history.append(
            ContextValueChange(
                context_value=created,
                old_value=None,
                new_value=created.value,
                changed_at=now,
                changed_by=by,
                origin=origin,
            )
        )
    ContextValue.objects.bulk_update(
        changed, ["value", "source", "fetched_at", "updated_at"], batch_size=1000
    )
    ContextValueChange.objects.bulk_create(history, batch_size=1000)
    result.created, result.changed = len(new), len(changed)
    return result


def _bundled_context(units: Mapping[str, Unit]) -> dict[str, list[tuple[Unit, int, float]]]:
    """Population, area, density and DEGURBA of gminas; sums for counties and voivodeships."""
    year = BUNDLED_CONTEXT_YEAR
    values: dict[str, list[tuple[Unit, int, float]]] = {code: [] for code in CONTEXT_VARIABLES}
    totals: dict[str, list[float]] = {}
    with BUNDLED_GMINY.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            population, area = float(row["population_2018_12_31"]), float(row["area_km2"])
            for teryt in {row["teryt7"], row["powiat_teryt4"], row["woj_teryt2"]}:
                total = totals.setdefault(teryt, [0.0, 0.0])
                total[0] += population
                total[1] += area
            if (unit := units.get(row["teryt7"])) is not None and row["degurba_2019"]:
                values["DEGURBA"].append((unit, year, float(row["degurba_2019"])))
    for teryt, (population, area) in totals.items():
        unit = units.get(teryt)
        if unit is None:
            continue  # a city's county code: the city is its gmina
        values["POP"].append((unit, year, population))
        values["AREA_KM2"].append((unit, year, round(area, 2)))
        values["DENSITY"].append((unit, year, round(population / area, 1)))
    return values


@transaction.atomic
def context_load_bundled() -> dict[str, ContextStoreResult]:
    """Load the bundled 2018 context values of every unit in the registry; idempotent."""
    units = {unit.teryt: unit for unit in Unit.objects.all()}
    return {
        code: context_values_store(
            variable=context_variable_ensure(code=code),
            values=rows,
            source=BUNDLED_CONTEXT_SOURCE,
            origin="context_load_bundled",
        )
        for code, rows in _bundled_context(units).items()
    }


@dataclass
class BdlFetchResult:
    stored: ContextStoreResult
    records: int
    skipped: list[str]  # BDL unit ids that are not units of the registry
    requests: int


def context_fetch_bdl(
    *,
    client: BdlClient,
    bdl_variable: int,
    variable: Variable,
    years: Sequence[int],
    unit_levels: Sequence[int] = (6,),
    by: User | None = None,
) -> BdlFetchResult:
    """Fetch a BDL variable for the years and store it as ``variable``'s context values.

    Every page is read before anything is written, so an error on any page (offline,
    malformed answer) leaves the database as it was.
    """
    units = {unit.teryt: unit for unit in Unit.objects.all()}
    # BDL's county level names a city with county rights by its county code.
    for city in [unit for unit in units.values() if unit.kind == UnitKind.CITY_COUNTY]:
        units.setdefault(city.teryt[:4], city)
    records = [
        record
        for level in unit_levels
        for record in client.data_by_variable(bdl_variable, years=years, unit_level=level)
    ]
    values: list[tuple[Unit, int, float]] = []
    skipped: list[str] = []
    for record in records:
        try:
            found = units.get(bdl_unit_to_teryt(record.unit_id))
        except BdlError:
            found = None
        if found is None:
            skipped.append(record.unit_id)
        else:
            values.append((found, record.year, record.value))
    stored = context_values_store(
        variable=variable,
        values=values,
        source=f"BDL {bdl_variable}",
        origin=f"bdl-fetch {bdl_variable}",
        by=by,
    )
    return BdlFetchResult(
        stored=stored, records=len(records), skipped=sorted(set(skipped)), requests=client.requests
    )
