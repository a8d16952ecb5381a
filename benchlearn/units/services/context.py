"""Context values (population, area...) of the units: stored with their history, from
the bundled file or fetched from GUS BDL."""

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.catalogue.models import Source, Variable
from benchlearn.catalogue.services import variable_create
from benchlearn.units.bdl import BdlClient, BdlError, bdl_unit_to_teryt
from benchlearn.units.models import (
    ContextValue,
    ContextValueChange,
    Unit,
    UnitKind,
)
from benchlearn.units.services.register import (
    BUNDLED_GMINY,
)


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
    bdl_variable: int | Sequence[int],
    variable: Variable,
    years: Sequence[int],
    unit_levels: Sequence[int] = (6,),
    by: User | None = None,
) -> BdlFetchResult:
    """Fetch a BDL variable for the years and store it as ``variable``'s context values.

    Several BDL variables are added up (e.g. the single years of age 18 to 24 into one
    age band of a survey's population margins); a unit and year gets a value only where
    BDL has every one of them. Every page is read before anything is written, so an
    error on any page (offline, malformed answer) leaves the database as it was.
    """
    ids = [bdl_variable] if isinstance(bdl_variable, int) else list(dict.fromkeys(bdl_variable))
    if not ids:
        raise BdlError(_("Name at least one BDL variable."))
    units = {unit.teryt: unit for unit in Unit.objects.all()}
    # BDL's county level names a city with county rights by its county code.
    for city in [unit for unit in units.values() if unit.kind == UnitKind.CITY_COUNTY]:
        units.setdefault(city.teryt[:4], city)
    records = [
        (bdl_id, record)
        for bdl_id in ids
        for level in unit_levels
        for record in client.data_by_variable(bdl_id, years=years, unit_level=level)
    ]
    # Per unit and year: the BDL variables' values (a unit may come at two levels: keep
    # one value per variable).
    parts: dict[tuple[Unit, int], dict[int, float]] = {}
    skipped: list[str] = []
    for bdl_id, record in records:
        try:
            found = units.get(bdl_unit_to_teryt(record.unit_id))
        except BdlError:
            found = None
        if found is None:
            skipped.append(record.unit_id)
        else:
            parts.setdefault((found, record.year), {})[bdl_id] = record.value
    values = [
        (unit, year, float(sum(found.values())))
        for (unit, year), found in parts.items()
        if len(found) == len(ids)
    ]
    named = "+".join(str(bdl_id) for bdl_id in ids)
    stored = context_values_store(
        variable=variable,
        values=values,
        source=f"BDL {named}",
        origin=f"bdl-fetch {named}",
        by=by,
    )
    return BdlFetchResult(
        stored=stored, records=len(records), skipped=sorted(set(skipped)), requests=client.requests
    )
