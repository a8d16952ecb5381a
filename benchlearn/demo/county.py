"""The demo's county tasks: a county and two cities with county rights compare their
secondary schools (SET_SEC) and county roads (SET_CRD) in one exchange group, with
rounds from 2021 (closed) and last year's open one.

The rounds ask each unit the sets of its kind: the county (powiat bielski) the two
county sets; the cities (Bielsko-Biała, Tychy), which are gminas and counties at once,
also their gmina roads (SET_ROAD), so that they compare all the roads they manage.

The figures are invented but plausible, as those of ``history``: each unit keeps its
traits (seeded by its TERYT code), each year adds a little noise and spending follows
prices. A county has fewer pupils per resident than a city, whose schools also teach
the county's young people, and more kilometres of road per resident, cheaper to keep.

Two planted mistakes in last year's open round, each in a draft of a unit with a demo
participant, for the checks to catch (each value is outside its quantity's hard
range, an error the clerk corrects or explains before submitting):

- powiat bielski entered the length of its county roads in metres, not kilometres
  (``CRD_LENGTH_KM`` a thousand times too large);
- Bielsko-Biała entered the current expenditure on its secondary schools in thousands
  of złoty (``SEC_EXP_CUR`` a thousand times too small).

No other demo value breaks a hard range.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Mapping

from benchlearn.demo.finance import kind_of
from benchlearn.demo.history import (
    HISTORY_YEARS,
    OPEN_YEAR,
    Domain,
    Figures,
    decisions,
    of_year,
    unit_traits,
    year_noise,
)
from benchlearn.units.services.register import BUNDLED_GMINY

COUNTY = "2402"  # powiat bielski (śląskie)
COUNTY_CITIES = ["2461011", "2477011"]  # Bielsko-Biała, Tychy

# Current spending per pupil of a typical county's secondary schools, zł.
SEC_COST_PER_PUPIL = {2021: 12_500.0, 2022: 13_800.0, 2023: 16_300.0, 2024: 18_600.0}
# Round national pass rates of the matura (main session) and of the vocational exam, %:
# illustrative figures near those CKE announces, not its published ones.
MATURA_PASS_PL = {2021: 74.5, 2022: 78.0, 2023: 80.0, 2024: 82.0}
VOC_PASS_PL = {2021: 71.0, 2022: 73.0, 2023: 75.0, 2024: 76.0}
# Upkeep of a kilometre of county road in a county (a city's costs more), zł.
CRD_UPKEEP_PER_KM = {2021: 28_000.0, 2022: 32_000.0, 2023: 36_000.0, 2024: 39_000.0}
# Upkeep of a kilometre of gmina road in a city, zł.
ROAD_UPKEEP_PER_KM = {2021: 45_000.0, 2022: 51_000.0, 2023: 57_000.0, 2024: 61_000.0}

# (TERYT, variable) → the factor the open round's value was entered with by mistake.
PLANTED = {
    (COUNTY, "CRD_LENGTH_KM"): 1000.0,  # metres, not kilometres
    ("2461011", "SEC_EXP_CUR"): 0.001,  # thousands of złoty
}


def _national(table: Mapping[int, float], year: int) -> float:
    """A national rate of the year; later years repeat the last one known."""
    return table.get(year, table[max(table)])


def secondary_entered(teryt: str, residents: float, year: int) -> Figures:
    city = kind_of(teryt) == "mnpp"
    traits, wobble = unit_traits(teryt, "sec"), year_noise(teryt, "sec", year)
    since = year - HISTORY_YEARS[0]
    share = traits.uniform(0.048, 0.066) if city else traits.uniform(0.020, 0.032)
    class_size, per_teacher = traits.uniform(24.0, 29.0), traits.uniform(10.0, 12.5)
    cost_level, vocational = traits.uniform(0.9, 1.12), traits.uniform(0.14, 0.24)
    matura_own, voc_own = traits.uniform(-7, 7), traits.uniform(-9, 9)
    pupils = round(residents * share * (1 + 0.008 * since) * wobble(0.01))
    takers = round(pupils * traits.uniform(0.17, 0.21) * wobble(0.02))
    voc_takers = round(pupils * vocational * wobble(0.03))
    matura = min(98.0, _national(MATURA_PASS_PL, year) + matura_own + 1.5 * (wobble(1) - 1))
    voc = min(98.0, _national(VOC_PASS_PL, year) + voc_own + 2 * (wobble(1) - 1))
    spending = pupils * of_year(SEC_COST_PER_PUPIL, year) * cost_level * wobble(0.02)
    return {
        "SEC_EXP_CUR": round(spending, 2),
        "SEC_PUPILS": pupils,
        "SEC_TEACHERS_FTE": round(pupils / per_teacher * wobble(0.015), 1),
        "SEC_CLASSES": round(pupils / (class_size * wobble(0.01))),
        "SEC_MATURA_TAKERS": takers,
        "SEC_MATURA_PASSED": round(takers * matura / 100),
        "SEC_VOC_TAKERS": voc_takers,
        "SEC_VOC_PASSED": round(voc_takers * voc / 100),
        **decisions("SEC", residents * traits.uniform(0.0003, 0.0008), since, traits, wobble),
    }


def _roads(prefix: str, length: float, upkeep: float, teryt: str, year: int, since: int) -> Figures:
    """A road network's figures: surface, condition, works, upkeep (entered)."""
    traits = unit_traits(teryt, f"{prefix.lower()}-network")
    wobble = year_noise(teryt, f"{prefix.lower()}-network", year)
    hard, good = traits.uniform(0.90, 0.99), traits.uniform(0.45, 0.65)
    bad, rebuilt = traits.uniform(0.10, 0.22), traits.uniform(0.015, 0.035)
    hard_km = length * min(1.0, hard + 0.002 * since)
    good_km = hard_km * min(0.8, good + 0.01 * since) * wobble(0.02)
    return {
        f"{prefix}_LENGTH_KM": round(length, 1),
        f"{prefix}_HARD_KM": round(hard_km, 1),
        f"{prefix}_GOOD_KM": round(good_km, 1),
        f"{prefix}_BAD_KM": round(hard_km * bad * (1 - 0.02 * since) * wobble(0.03), 1),
        f"{prefix}_REBUILT_KM": round(length * rebuilt * wobble(0.05), 1),
        f"{prefix}_MAINT_EXP": round(length * upkeep * traits.uniform(0.85, 1.2) * wobble(0.03), 2),
    }


def county_roads_entered(teryt: str, residents: float, year: int) -> Figures:
    city = kind_of(teryt) == "mnpp"
    traits, wobble = unit_traits(teryt, "crd"), year_noise(teryt, "crd", year)
    since = year - HISTORY_YEARS[0]
    per_thousand = traits.uniform(0.35, 0.6) if city else traits.uniform(1.6, 2.3)
    length = residents * per_thousand / 1000
    upkeep = of_year(CRD_UPKEEP_PER_KM, year) * (2.5 if city else 1.0)
    return {
        **_roads("CRD", length, upkeep, teryt, year, since),
        **decisions("CRD", residents * traits.uniform(0.001, 0.003), since, traits, wobble),
    }


def gmina_roads_entered(teryt: str, residents: float, year: int) -> Figures:
    traits, wobble = unit_traits(teryt, "road"), year_noise(teryt, "road", year)
    since = year - HISTORY_YEARS[0]
    length = residents * traits.uniform(1.8, 2.8) / 1000
    upkeep = of_year(ROAD_UPKEEP_PER_KM, year)
    # Investment (60016 § 6xxx) of some 150–450 zł a resident, a part of it funded from
    # outside (the Government Road Development Fund, EU funds).
    capex = residents * traits.uniform(150, 450) * (1 + 0.05 * since) * wobble(0.08)
    return {
        **_roads("ROAD", length, upkeep, teryt, year, since),
        "ROAD_CAPEX": round(capex, 2),
        "ROAD_CAPEX_EXT": round(capex * traits.uniform(0.2, 0.5) * wobble(0.05), 2),
        **decisions("ROAD", residents * traits.uniform(0.003, 0.006), since, traits, wobble),
    }


def county_tasks_entered(teryt: str, residents: float, year: int) -> Figures:
    """A unit's values of the county round: the county sets, and a city's gmina roads;
    last year's with the planted mistakes."""
    figures = {
        **secondary_entered(teryt, residents, year),
        **county_roads_entered(teryt, residents, year),
    }
    if kind_of(teryt) == "mnpp":
        figures |= gmina_roads_entered(teryt, residents, year)
    if year == OPEN_YEAR:
        for (unit, code), factor in PLANTED.items():
            if unit == teryt:
                figures[code] = round(figures[code] * factor, 2)
    return figures


def county_tasks_context(teryt: str, residents: float, year: int) -> Figures:
    """The public statistics the county sets read: the national exam pass rates and
    the police's road accidents (county roads; a city's gmina roads too, and the
    killed and seriously injured on all its roads)."""
    traits, wobble = unit_traits(teryt, "accidents"), year_noise(teryt, "accidents", year)
    city = kind_of(teryt) == "mnpp"
    county_km = county_roads_entered(teryt, residents, year)["CRD_LENGTH_KM"]
    rate = traits.uniform(0.2, 0.45) if city else traits.uniform(0.08, 0.18)
    figures = {
        "SEC_MATURA_PASS_PL": _national(MATURA_PASS_PL, year),
        "SEC_VOC_PASS_PL": _national(VOC_PASS_PL, year),
        "CRD_ACCIDENTS": round(county_km * rate * wobble(0.1)),
    }
    if city:
        gmina_km = gmina_roads_entered(teryt, residents, year)["ROAD_LENGTH_KM"]
        figures["ROAD_ACCIDENTS"] = round(gmina_km * traits.uniform(0.1, 0.25) * wobble(0.1))
        # Killed and seriously injured on all the city's roads (SEWIK), per 100,000
        # residents some 20 to 60.
        figures["ROAD_KSI"] = round(residents * traits.uniform(20, 60) / 100_000 * wobble(0.1))
        figures["AREA_KM2"] = _areas()[teryt]  # the road density's, stored for each year
    return figures


@functools.cache
def _areas() -> dict[str, float]:
    """Each gmina's area in km² from the bundled register (unchanged since 2018)."""
    with BUNDLED_GMINY.open(encoding="utf-8", newline="") as handle:
        return {row["teryt7"]: float(row["area_km2"]) for row in csv.DictReader(handle)}


COUNTY_TASKS = Domain(
    "SET_SEC",
    "Zadania powiatowe — dane za {year} r.",
    "Zadania powiatowe — zbieranie danych za ubiegły rok",
    county_tasks_entered,
    county_tasks_context,
    more_sets=("SET_CRD", "SET_ROAD"),
)
