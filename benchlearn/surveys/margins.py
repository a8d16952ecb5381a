"""The population margins a unit's survey answers are raked to: adults by sex and by
age band, kept as the unit's context values (public statistics: fetched from GUS BDL
or entered by the office: ``margins_entry``), one variable per category.

The categories are the answer codes of the shipped questionnaires' weighting
questions (role ``sex``: F, M; role ``age``: 18-24 … 65+); a questionnaire whose
weighting questions use other codes is not weighted (its results say so)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from benchlearn.units.models import ContextValue, Unit


@dataclass(frozen=True)
class MarginVariable:
    code: str
    role: str  # the question's role: "sex" or "age"
    category: str  # the answer code it is the population of
    name_pl: str
    name_en: str


MARGIN_VARIABLES = (
    MarginVariable("POP_F_18PLUS", "sex", "F", "Kobiety w wieku 18+", "Women aged 18+"),
    MarginVariable("POP_M_18PLUS", "sex", "M", "Mężczyźni w wieku 18+", "Men aged 18+"),
    MarginVariable("POP_18_24", "age", "18-24", "Ludność w wieku 18–24", "Population aged 18–24"),
    MarginVariable("POP_25_34", "age", "25-34", "Ludność w wieku 25–34", "Population aged 25–34"),
    MarginVariable("POP_35_44", "age", "35-44", "Ludność w wieku 35–44", "Population aged 35–44"),
    MarginVariable("POP_45_54", "age", "45-54", "Ludność w wieku 45–54", "Population aged 45–54"),
    MarginVariable("POP_55_64", "age", "55-64", "Ludność w wieku 55–64", "Population aged 55–64"),
    MarginVariable(
        "POP_65PLUS", "age", "65+", "Ludność w wieku 65 lat i więcej", "Population aged 65 and over"
    ),
)
MARGIN_CODES = [variable.code for variable in MARGIN_VARIABLES]
# The raking variables, as the respondents' frame names its columns.
SEX, AGE = "sex", "age"


@dataclass(frozen=True)
class UnitMargins:
    """A unit's margins for raking (``variable, category, share``) and their year."""

    year: int
    frame: pl.DataFrame


def unit_margins(units: list[Unit], period: int) -> dict[int, UnitMargins]:
    """Per unit id, the margins of the latest year up to ``period`` (else the earliest
    after it) in which every margin variable has a value; units without are left out."""
    rows = ContextValue.objects.filter(unit__in=units, variable__code__in=MARGIN_CODES).values_list(
        "unit_id", "year", "variable__code", "value"
    )
    by_unit: dict[int, dict[int, dict[str, float]]] = {}
    for unit_id, year, code, value in rows:
        by_unit.setdefault(unit_id, {}).setdefault(year, {})[code] = value
    found: dict[int, UnitMargins] = {}
    for unit_id, years in by_unit.items():
        complete = [y for y, values in years.items() if len(values) == len(MARGIN_CODES)]
        complete = [y for y in complete if _usable(years[y])]
        if not complete:
            continue
        before = [y for y in complete if y <= period]
        year = max(before) if before else min(complete)
        found[unit_id] = UnitMargins(year, _frame(years[year]))
    return found


def _usable(values: Mapping[str, float]) -> bool:
    return all(
        sum(values[v.code] for v in MARGIN_VARIABLES if v.role == role) > 0 for role in (SEX, AGE)
    )


def _frame(values: Mapping[str, float]) -> pl.DataFrame:
    rows = []
    for role in (SEX, AGE):
        specs = [v for v in MARGIN_VARIABLES if v.role == role]
        total = sum(values[v.code] for v in specs)
        rows += [(role, v.category, values[v.code] / total) for v in specs]
    return pl.DataFrame(rows, schema=["variable", "category", "share"], orient="row")
