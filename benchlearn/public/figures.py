"""Published averaged results (reads): per indicator and year, the median, quartiles,
ratio-of-sums aggregate and n of all units and of each unit kind, population band and
voivodeship, from the published computation only, with disclosure control applied.

The figures of one indicator and year are computed together (the disclosure rules must
see every table a reader can combine) and kept in the process under the publication's
key (the computation's id, when it finished and when it was published) and the
programmes' public settings: a withdrawal or a changed setting is read on the next
request, and nothing can answer for another publication.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db.models import Max

from benchlearn.engine.catalogue import Polarity
from benchlearn.engine.disclosure import disclosure_control
from benchlearn.engine.stats import group_stats
from benchlearn.groups.models import (
    PUBLIC_MAX_SHARE_DEFAULT,
    PUBLIC_MIN_UNITS_DEFAULT,
    ExchangeGroup,
    Programme,
)
from benchlearn.results.cache import kept
from benchlearn.results.models import ComparisonGroup, ComparisonKind, Computation, Result
from benchlearn.results.publication import published_computation
from benchlearn.units.models import Unit

TOTAL = "all"
KIND, BAND, VOIVODESHIP = "kind", "band", "voivodeship"
DIMENSIONS = (KIND, BAND, VOIVODESHIP)


@dataclass(frozen=True)
class Publication:
    computation: Computation
    key: tuple[Any, ...]

    @property
    def years(self) -> tuple[int, int] | None:
        first, last = self.computation.first_period, self.computation.last_period
        return (first, last) if first is not None and last is not None else None


def publication() -> Publication | None:
    """The published computation and its cache key; None when nothing is published."""
    computation = published_computation()
    if computation is None or computation.published_at is None:
        return None
    finished = computation.finished_at.isoformat() if computation.finished_at else ""
    key = ("public", computation.pk, finished, computation.published_at.isoformat())
    return Publication(computation, key)


@dataclass(frozen=True)
class Rules:
    """The programmes' public settings, the strictest of them: every programme's promise
    holds for its units, whichever figures they are in."""

    min_units: int
    max_share: float
    named: frozenset[int]  # units whose every programme agreed to publish names
    fingerprint: tuple[Any, ...] = field(compare=False)


def public_rules() -> Rules:
    programmes = list(
        Programme.objects.values_list(
            "pk", "public_names", "public_min_units", "public_max_share", "updated_at"
        )
    )
    groups_changed = ExchangeGroup.objects.aggregate(last=Max("updated_at"))["last"]
    fingerprint = (tuple(programmes), groups_changed)
    found = kept.get(("public-rules", fingerprint))
    if isinstance(found, Rules):
        return found
    min_units = max([p[2] for p in programmes], default=PUBLIC_MIN_UNITS_DEFAULT)
    max_share = min([p[3] for p in programmes], default=PUBLIC_MAX_SHARE_DEFAULT)
    agreed: set[int] = set()
    refused: set[int] = set()
    for unit_id, names in ExchangeGroup.units.through.objects.filter(
        exchangegroup__programme__isnull=False
    ).values_list("unit_id", "exchangegroup__programme__public_names"):
        (agreed if names else refused).add(unit_id)
    rules = Rules(min_units, max_share, frozenset(agreed - refused), fingerprint)
    kept.put(("public-rules", fingerprint), rules, 64 * len(agreed) + 1000)
    return rules


@dataclass(frozen=True)
class Figure:
    """One cell: all units (``dimension`` ""), or one class of a dimension. Withheld
    cells have every figure None, ``n`` included."""

    dimension: str
    key: str
    n: int | None
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    aggregate: float | None = None

    @property
    def shown(self) -> bool:
        return self.n is not None


@dataclass(frozen=True)
class NamedValue:
    teryt: str
    name: str
    kind: str
    value: float


@dataclass(frozen=True)
class YearFigures:
    indicator: str
    year: int
    total: Figure
    classes: dict[str, list[Figure]]
    named: list[NamedValue]
    min_units: int
    max_share: float
    rules_key: int  # which public settings the figures were decided under


@dataclass(frozen=True)
class _Place:
    teryt: str
    name: str
    kind: str
    band: str
    voivodeship: str


def _places(pub: Publication) -> dict[int, _Place]:
    """Every unit with results, in the classes it had at the computation."""
    key = (*pub.key, "places")
    found = kept.get(key)
    if isinstance(found, dict):
        return found
    bands: dict[int, str] = {}
    voivodeships: dict[int, str] = {}
    through = ComparisonGroup.members.through
    for unit_id, kind, group_key in through.objects.filter(
        comparisongroup__computation=pub.computation,
        comparisongroup__kind__in=[ComparisonKind.BAND, ComparisonKind.VOIVODESHIP],
    ).values_list("unit_id", "comparisongroup__kind", "comparisongroup__key"):
        if kind == ComparisonKind.BAND:
            bands[unit_id] = group_key.rsplit(":", 1)[-1]
        else:
            voivodeships[unit_id] = group_key
    members = through.objects.filter(
        comparisongroup__computation=pub.computation, comparisongroup__kind=ComparisonKind.ALL
    ).values("unit_id")
    places = {
        pk: _Place(teryt, name, kind, bands.get(pk, ""), voivodeships.get(pk, ""))
        for pk, teryt, name, kind in Unit.objects.filter(pk__in=members).values_list(
            "pk", "teryt", "name", "kind"
        )
    }
    kept.put(key, places, 300 * len(places) + 1000)
    return places


def result_years(pub: Publication, indicator_id: int) -> list[int]:
    """The years the published computation has values of the indicator in."""
    key = (*pub.key, "years", indicator_id)
    found = kept.get(key)
    if isinstance(found, list):
        return found
    years = sorted(
        Result.objects.filter(
            computation=pub.computation, indicator_id=indicator_id, value__isnull=False
        )
        .values_list("period", flat=True)
        .distinct()
    )
    kept.put(key, years, 64 * len(years) + 100)
    return years


def year_figures(pub: Publication, indicator_id: int, code: str, year: int) -> YearFigures:
    """The published figures of one indicator in one year (see the module docstring)."""
    rules = public_rules()
    key = (*pub.key, "figures", rules.fingerprint, indicator_id, year)
    found = kept.get(key)
    if isinstance(found, YearFigures):
        return found
    figures = _figures(pub, indicator_id, code, year, rules)
    kept.put(key, figures, 400 * (len(figures.named) + 40) + 2000)
    return figures


def _figures(
    pub: Publication, indicator_id: int, code: str, year: int, rules: Rules
) -> YearFigures:
    places = _places(pub)
    rows = [
        (unit_id, value, numerator, denominator)
        for unit_id, value, numerator, denominator in Result.objects.filter(
            computation=pub.computation, indicator_id=indicator_id, period=year
        ).values_list("unit_id", "value", "numerator", "denominator")
        if value is not None and math.isfinite(value) and unit_id in places
    ]
    results = pl.DataFrame(
        {
            "unit": [str(r[0]) for r in rows],
            "period": [year] * len(rows),
            "indicator": [code] * len(rows),
            "value": [r[1] for r in rows],
            "numerator": [r[2] for r in rows],
            "denominator": [r[3] for r in rows],
        },
        schema={
            "unit": pl.String,
            "period": pl.Int64,
            "indicator": pl.String,
            "value": pl.Float64,
            "numerator": pl.Float64,
            "denominator": pl.Float64,
        },
    )
    members = _members(rows, places)
    shown = _shown(rows, members, rules)
    stats = _stats(results, members, code)
    total = _figure("", TOTAL, stats, shown)
    classes: dict[str, list[Figure]] = {}
    for cell, dimension in members.select("cell", "dimension").unique().iter_rows():
        if dimension:
            classes.setdefault(dimension, []).append(
                _figure(dimension, cell.split(":", 1)[1], stats, shown)
            )
    named = sorted(
        (
            NamedValue(places[u].teryt, places[u].name, places[u].kind, v)
            for u, v, _n, _d in rows
            if u in rules.named
        ),
        key=lambda named: (named.name, named.teryt),
    )
    return YearFigures(
        code,
        year,
        total,
        classes,
        named,
        rules.min_units,
        rules.max_share,
        hash(rules.fingerprint),
    )


def _members(rows: list[tuple[int, float, Any, Any]], places: dict[int, _Place]) -> pl.DataFrame:
    cells: list[tuple[str, str, str]] = []
    for unit_id, *_rest in rows:
        place, unit = places[unit_id], str(unit_id)
        cells.append((TOTAL, "", unit))
        for dimension, value in ((KIND, place.kind), (BAND, place.band)):
            if value:
                cells.append((f"{dimension}:{value}", dimension, unit))
        if place.voivodeship:
            cells.append((f"{VOIVODESHIP}:{place.voivodeship}", VOIVODESHIP, unit))
    schema = {"cell": pl.String, "dimension": pl.String, "unit": pl.String}
    return pl.DataFrame(cells, schema=schema, orient="row")


def _shown(
    rows: list[tuple[int, float, Any, Any]], members: pl.DataFrame, rules: Rules
) -> set[str]:
    if not rows:
        return set()
    units = pl.DataFrame(
        {
            "unit": [str(r[0]) for r in rows],
            "weight": [r[2] if r[2] is not None and r[3] is not None else None for r in rows],
            "known": [r[0] in rules.named for r in rows],
        },
        schema={"unit": pl.String, "weight": pl.Float64, "known": pl.Boolean},
    )
    decided = disclosure_control(
        members, units, total=TOTAL, min_units=rules.min_units, max_share=rules.max_share
    )
    return set(decided.filter(pl.col("shown"))["cell"].to_list())


def _stats(results: pl.DataFrame, members: pl.DataFrame, code: str) -> dict[str, dict[str, Any]]:
    if results.height == 0:
        return {}
    stats = group_stats(
        results, members.select(pl.col("cell").alias("group"), "unit"), {code: Polarity.NEUTRAL}
    )
    return {row["group"]: row for row in stats.iter_rows(named=True)}


def _figure(dimension: str, key: str, stats: dict[str, dict[str, Any]], shown: set[str]) -> Figure:
    cell = TOTAL if not dimension else f"{dimension}:{key}"
    row = stats.get(cell)
    if row is None or cell not in shown:
        return Figure(dimension, key, None)
    return Figure(
        dimension, key, int(row["n"]), row["median"], row["q1"], row["q3"], row["aggregate"]
    )
