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

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from django.db.models import Max

from benchlearn.engine.catalogue import Polarity
from benchlearn.engine.disclosure import Atoms, atom_masks, cells_shown
from benchlearn.engine.stats import group_stats
from benchlearn.groups.models import (
    PUBLIC_MAX_SHARE_DEFAULT,
    PUBLIC_MIN_UNITS_DEFAULT,
    ExchangeGroup,
    Programme,
)
from benchlearn.public.keeping import remembered
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
    named: frozenset[int]  # units whose every programme agreed to publish names, in no
    # group that anonymises its members
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
    # A unit of a group that shows its members by letters is not named in public
    # either, whatever its programme says.
    for unit_id, names, anonymised in ExchangeGroup.units.through.objects.filter(
        exchangegroup__programme__isnull=False
    ).values_list("unit_id", "exchangegroup__programme__public_names", "exchangegroup__anonymised"):
        (agreed if names and not anonymised else refused).add(unit_id)
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


@dataclass(frozen=True)
class _Layout:
    """Every unit with results in the classes it had at the computation, laid out once
    per publication: each unit's atom (its combination of classes), each cell's atoms,
    and the (cell, unit) pairs the statistics are computed over."""

    places: dict[int, _Place]
    atom_of: dict[int, int]  # unit id -> atom
    masks: dict[str, Any]  # cell -> atoms (engine.disclosure.atom_masks)
    dimensions: dict[str, str]  # cell -> dimension
    pairs: pl.DataFrame  # group (cell), unit (id as text)


def _cells_of(place: _Place) -> list[str]:
    cells = [TOTAL, f"{KIND}:{place.kind}"]
    if place.band:
        cells.append(f"{BAND}:{place.band}")
    if place.voivodeship:
        cells.append(f"{VOIVODESHIP}:{place.voivodeship}")
    return cells


def _layout(pub: Publication) -> _Layout:
    return remembered(
        (*pub.key, "layout"),
        lambda: _layout_make(pub),
        lambda layout: 400 * len(layout.places) + 1000,
    )


def _layout_make(pub: Publication) -> _Layout:
    places = _places(pub)
    signatures: dict[tuple[str, ...], int] = {}
    atom_of = {}
    pairs: list[tuple[str, str]] = []
    for unit_id, place in places.items():
        cells = tuple(_cells_of(place))
        atom_of[unit_id] = signatures.setdefault(cells, len(signatures))
        pairs += [(cell, str(unit_id)) for cell in cells]
    dimensions = {
        cell: cell.split(":", 1)[0] if cell != TOTAL else ""
        for cells in signatures
        for cell in cells
    }
    return _Layout(
        places,
        atom_of,
        atom_masks(list(signatures)),
        dimensions,
        pl.DataFrame(pairs, schema={"group": pl.String, "unit": pl.String}, orient="row"),
    )


def _places(pub: Publication) -> dict[int, _Place]:
    """Every unit with results, in the classes it had at the computation."""
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
    return {
        pk: _Place(teryt, name, kind, bands.get(pk, ""), voivodeships.get(pk, ""))
        for pk, teryt, name, kind in Unit.objects.filter(pk__in=members).values_list(
            "pk", "teryt", "name", "kind"
        )
    }


def result_years(pub: Publication, indicator_id: int) -> list[int]:
    """The years the published computation has values of the indicator in."""
    return published_years(pub).get(indicator_id, [])


def published_years(pub: Publication) -> dict[int, list[int]]:
    """indicator id -> the years the published computation has its values in."""
    return remembered(
        (*pub.key, "years"),
        lambda: _years_make(pub),
        lambda years: 100 * sum(len(y) + 1 for y in years.values()) + 100,
    )


def _years_make(pub: Publication) -> dict[int, list[int]]:
    years: dict[int, list[int]] = {}
    for indicator_id, period in (
        Result.objects.filter(computation=pub.computation, value__isnull=False)
        .values_list("indicator_id", "period")
        .distinct()
        .order_by("indicator_id", "period")
    ):
        years.setdefault(indicator_id, []).append(period)
    return years


def year_figures(pub: Publication, indicator_id: int, code: str, year: int) -> YearFigures:
    """The published figures of one indicator in one year (see the module docstring)."""
    rules = public_rules()
    return remembered(
        (*pub.key, "figures", rules.fingerprint, indicator_id, year),
        lambda: _computed(pub, rules, year, {indicator_id: code})[0],
        _size,
    )


def year_all_figures(pub: Publication, year: int, codes: dict[int, str]) -> list[YearFigures]:
    """The published figures of every indicator (id -> code) in one year, read and
    summarised together (the bulk downloads), in the order of ``codes``; indicators
    without a value that year are left out."""
    return [
        f for f in _computed(pub, public_rules(), year, codes) if f.total.n is not None or f.classes
    ]


_SCHEMA = {
    "indicator": pl.Int64,
    "unit_id": pl.Int64,
    "value": pl.Float64,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
}


def _computed(
    pub: Publication, rules: Rules, year: int, codes: dict[int, str]
) -> list[YearFigures]:
    """One read of the year's results of these indicators, their statistics in one
    ``group_stats`` and each indicator's disclosure decided on arrays (no loop over
    units in Python: a year of a national programme is 200,000 results)."""
    layout = _layout(pub)
    rows = Result.objects.filter(
        computation=pub.computation, period=year, indicator_id__in=list(codes)
    ).values_list("indicator_id", "unit_id", "value", "numerator", "denominator")
    frame = (
        pl.DataFrame(list(rows), schema=_SCHEMA, orient="row")
        .filter(pl.col("value").is_finite() & pl.col("unit_id").is_in(list(layout.atom_of)))
        .with_columns(
            pl.col("indicator").replace_strict(codes, return_dtype=pl.String),
            pl.col("unit_id").replace_strict(layout.atom_of, return_dtype=pl.Int64).alias("atom"),
            pl.col("unit_id").is_in(list(rules.named)).alias("known"),
            pl.when(pl.col("numerator").is_finite() & pl.col("denominator").is_not_null())
            .then(pl.col("numerator").abs())
            .otherwise(0.0)
            .alias("weight"),
        )
    )
    results = frame.select(
        pl.col("unit_id").cast(pl.String).alias("unit"),
        pl.lit(year, dtype=pl.Int64).alias("period"),
        "indicator",
        "value",
        "numerator",
        "denominator",
    )
    stats = _stats(results, layout)
    parts = {key[0]: part for key, part in frame.partition_by(["indicator"], as_dict=True).items()}
    empty = frame.clear()
    return [
        _decide(layout, rules, code, year, parts.get(code, empty), stats.get(code, {}))
        for code in codes.values()
    ]


def _size(figures: YearFigures) -> int:
    return 400 * (len(figures.named) + 40) + 2000


def _stats(results: pl.DataFrame, layout: _Layout) -> dict[str, dict[str, dict[str, Any]]]:
    """indicator code -> cell -> its statistics (``engine.stats.group_stats``)."""
    if results.height == 0:
        return {}
    codes = results["indicator"].unique().to_list()
    stats = group_stats(results, layout.pairs, dict.fromkeys(codes, Polarity.NEUTRAL))
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for row in stats.filter(pl.col("n") > 0).iter_rows(named=True):
        found.setdefault(row["indicator"], {})[row["group"]] = row
    return found


def _decide(
    layout: _Layout,
    rules: Rules,
    code: str,
    year: int,
    part: pl.DataFrame,
    stats: dict[str, dict[str, Any]],
) -> YearFigures:
    shown = _shown(layout, part, rules)
    total = _figure("", TOTAL, stats, shown)
    classes: dict[str, list[Figure]] = {}
    for cell in stats:
        dimension = layout.dimensions.get(cell, "")
        if dimension:
            classes.setdefault(dimension, []).append(
                _figure(dimension, cell.split(":", 1)[1], stats, shown)
            )
    places = layout.places
    named = sorted(
        (
            NamedValue(places[u].teryt, places[u].name, places[u].kind, v)
            for u, v in part.filter(pl.col("known")).select("unit_id", "value").iter_rows()
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


def _shown(layout: _Layout, part: pl.DataFrame, rules: Rules) -> set[str]:
    if part.height == 0:
        return set()
    size = len(next(iter(layout.masks.values())))
    atom = part["atom"].to_numpy()
    known = part["known"].to_numpy()
    weight = part["weight"].to_numpy()
    hidden_atoms, hidden_weight = atom[~known], weight[~known]
    weight_max = np.zeros(size, dtype=np.float64)
    np.maximum.at(weight_max, hidden_atoms, hidden_weight)
    atoms = Atoms(
        count=np.bincount(atom, minlength=size).astype(np.int64),
        unknown=np.bincount(hidden_atoms, minlength=size).astype(np.int64),
        weight_sum=np.bincount(hidden_atoms, weights=hidden_weight, minlength=size).astype(
            np.float64
        ),
        weight_max=weight_max,
    )
    return cells_shown(
        layout.masks,
        layout.dimensions,
        atoms,
        total=TOTAL,
        min_units=rules.min_units,
        max_share=rules.max_share,
    )


def _figure(dimension: str, key: str, stats: dict[str, dict[str, Any]], shown: set[str]) -> Figure:
    cell = TOTAL if not dimension else f"{dimension}:{key}"
    row = stats.get(cell)
    if row is None or cell not in shown:
        return Figure(dimension, key, None)
    return Figure(
        dimension, key, int(row["n"]), row["median"], row["q1"], row["q3"], row["aggregate"]
    )
