"""Peers of a unit for the plausibility checks: units of the same kind and population
band, with their last approved data, compared per service user or per resident.

A big city's raw counts are not compared with a small gmina's: a variable that declares
a basis in the catalogue (``Variable.compare``: per resident, i.e. per ``POP``, or per
service user, counted by the variable ``Variable.compare_per``) is compared as a ratio
to that basis, and only with units of the same kind and population band. Peers'
figures are each unit's newest approved value of the last ``LOOKBACK_YEARS`` years up
to the round's, not only those of the units taking part in the round.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db.models import FloatField
from django.db.models.functions import Cast

from benchlearn.catalogue.models import Source, Variable
from benchlearn.collection.models import Submission, SubmissionState, Value
from benchlearn.units.models import ContextValue
from benchlearn.units.selectors import POPULATION_BANDS

MIN_PEERS_FOR_FENCES = 5
FENCE_FACTOR = 1.5
LOOKBACK_YEARS = 3
POPULATION = "POP"
CACHE_SECONDS = 24 * 3600  # a fingerprint that no longer occurs just ages out


def basis_code(variable: Variable) -> str:
    """The code of the variable this one is compared per (its service users, or the
    residents), or "" to compare raw values (``Variable.compare``)."""
    compare = getattr(variable, "compare", "as_is")
    if compare == "per_resident":
        return POPULATION
    if compare == "per_user":
        return str(getattr(variable, "compare_per", "") or "")
    return ""


def population_band(population: float | None) -> str:
    """The code of the population band of ``POPULATION_BANDS`` ("" when unknown)."""
    if population is None:
        return ""
    for code, _label, low, high in POPULATION_BANDS:
        if (low is None or population >= low) and (high is None or population < high):
            return code
    return ""


@dataclass(frozen=True)
class PeerStats:
    """What the peers' values of a variable (or their ratios to its basis) look like."""

    count: int
    median: float
    q1: float
    q3: float
    low: float  # the interquartile fences: outside them, a value is unusual
    high: float
    basis: str = ""  # the code the ratios are per; "" for raw values


def stats_of(numbers: Iterable[float], basis: str = "") -> PeerStats | None:
    """Median, quartiles and fences of ``numbers``; None below ``MIN_PEERS_FOR_FENCES``."""
    found = np.array(list(numbers), dtype=np.float64)
    if found.shape[0] < MIN_PEERS_FOR_FENCES:
        return None
    q1, median, q3 = np.quantile(found, [0.25, 0.5, 0.75], method="linear")
    spread = FENCE_FACTOR * (q3 - q1)
    return PeerStats(
        count=int(found.shape[0]),
        median=float(median),
        q1=float(q1),
        q3=float(q3),
        low=float(q1 - spread),
        high=float(q3 + spread),
        basis=basis,
    )


def ratio(value: float | Decimal | None, basis: float | Decimal | None) -> float | None:
    """``value`` per unit of ``basis``; None without a positive basis."""
    if value is None or basis is None or float(basis) <= 0:
        return None
    return float(value) / float(basis)


Key = tuple[str, str]  # (unit kind, population band; "" when the unit's is unknown)


def bases_of(variables: Iterable[Variable]) -> dict[str, Variable]:
    """The variables these are compared per, by code."""
    codes = {basis_code(v) for v in variables} - {""}
    if not codes:
        return {}
    return {v.code: v for v in Variable.objects.filter(code__in=codes)}


def context_codes(bases: Mapping[str, Variable]) -> set[str]:
    """The bases that come from public statistics, not from the form."""
    return {code for code, v in bases.items() if v.source != Source.FORM}


def populations(kinds: Iterable[str], period: int) -> dict[int, float]:
    """The newest population up to ``period`` of every unit of these kinds, by unit id."""
    rows = (
        ContextValue.objects.filter(
            variable__code=POPULATION, unit__kind__in=list(kinds), year__lte=period
        )
        .order_by("year")
        .values_list("unit_id", "value")
    )
    return dict(rows)  # later years overwrite earlier ones


def key_of(kind: str, unit_id: int, population: Mapping[int, float]) -> Key:
    return kind, population_band(population.get(unit_id))


def peer_stats(
    keys: set[Key],
    period: int,
    variables: list[Variable],
    bases: Mapping[str, Variable],
    population: Mapping[int, float],
) -> dict[Key, dict[str, PeerStats]]:
    """For each peer group, per variable code, the stats of the peers' newest approved
    values (or ratios to the variable's basis) of the last ``LOOKBACK_YEARS`` years up
    to ``period``. A group of no band (a unit of unknown population) is every unit of
    its kind. ``bases`` as ``bases_of`` finds them; ``population`` covers the kinds.

    The stats are kept in Django's cache under a fingerprint of everything they are
    computed from except the values themselves: the approved submissions (each with its
    revision and approval time), the populations and other bases, the variables. The
    values of an approved submission are locked until it is reopened, and every step of
    a submission (approval, return, reopening, a saved value) raises its revision, so a
    changed input is a new fingerprint and the stats are computed afresh."""
    if not keys:
        return {}
    kinds = {kind for kind, _band in keys}
    from_context = context_codes(bases)
    # The approved (unit, year) pairs first: a correlated subquery per value took the
    # database seconds on a national round, and most rounds have few approvals yet.
    approved = sorted(
        Submission.objects.filter(
            unit__kind__in=list(kinds),
            round__period__lte=period,
            round__period__gt=period - LOOKBACK_YEARS,
            state=SubmissionState.APPROVED,
        ).values_list("unit_id", "round__period", "unit__kind", "pk", "revision", "approved_at")
    )
    if not approved:
        return {key: {} for key in keys}
    pairs = {(unit_id, year) for unit_id, year, *_rest in approved}
    context = _context_bases(kinds, period, from_context, population)
    fingerprint = _fingerprint(keys, period, variables, bases, population, context, approved)
    found: dict[Key, dict[str, PeerStats]] | None = cache.get(fingerprint)
    if found is None:
        found = _computed(keys, period, variables, bases, population, context, pairs)
        cache.set(fingerprint, found, CACHE_SECONDS)
    return found


def _fingerprint(
    keys: set[Key],
    period: int,
    variables: list[Variable],
    bases: Mapping[str, Variable],
    population: Mapping[int, float],
    context: Mapping[tuple[int, str], float],
    approved: list[tuple[Any, ...]],
) -> str:
    """The cache key of the stats computed from these inputs."""
    digest = hashlib.sha256()
    for part in (
        sorted(keys),
        period,
        (LOOKBACK_YEARS, MIN_PEERS_FOR_FENCES, FENCE_FACTOR),
        sorted((v.pk, v.code, basis_code(v)) for v in variables),
        sorted((code, v.pk, v.source) for code, v in bases.items()),
        sorted(population.items()),
        sorted(context.items()),
        [(*row[:-1], str(row[-1])) for row in approved],
    ):
        digest.update(repr(part).encode())
        digest.update(b"\n")
    return f"benchlearn:peer-stats:{digest.hexdigest()}"


def _computed(
    keys: set[Key],
    period: int,
    variables: list[Variable],
    bases: Mapping[str, Variable],
    population: Mapping[int, float],
    context: Mapping[tuple[int, str], float],
    pairs: set[tuple[int, int]],
) -> dict[Key, dict[str, PeerStats]]:
    """``peer_stats`` computed from the database: the approved ``pairs`` (unit, year)."""
    by_code = {v.code: v for v in variables}
    from_context = context_codes(bases)
    codes = {v.pk: v.code for v in variables}
    codes |= {v.pk: code for code, v in bases.items() if code not in from_context}
    rows = [
        row
        for row in Value.objects.filter(
            unit_id__in=sorted({unit_id for unit_id, _year in pairs}),
            period__in=sorted({year for _unit, year in pairs}),
            variable_id__in=list(codes),
            value__isnull=False,
        )
        .annotate(number=Cast("value", FloatField()))
        .order_by("period")
        .values_list("unit_id", "unit__kind", "variable_id", "period", "number")
        if (row[0], row[3]) in pairs
    ]
    newest: dict[tuple[int, str], tuple[str, int, float]] = {}
    of_year: dict[tuple[int, str, int], float] = {}
    for unit_id, kind, variable_id, year, number in rows:
        code = codes[variable_id]
        newest[unit_id, code] = (kind, year, number)
        of_year[unit_id, code, year] = number
    numbers: dict[Key, dict[str, list[float]]] = {key: {} for key in keys}
    for (unit_id, code), (kind, year, number) in newest.items():
        variable = by_code.get(code)
        if variable is None:
            continue
        basis = basis_code(variable)
        if basis:
            base = (
                context.get((unit_id, basis))
                if basis in from_context
                else of_year.get((unit_id, basis, year))
            )
            per = ratio(number, base)
            if per is None:
                continue
            number = per
        for key in {key_of(kind, unit_id, population), (kind, "")}:
            if key in numbers:
                numbers[key].setdefault(code, []).append(number)
    found: dict[Key, dict[str, PeerStats]] = {}
    for key, by_variable in numbers.items():
        found[key] = {}
        for code, values in by_variable.items():
            stats = stats_of(values, basis_code(by_code[code]))
            if stats is not None:
                found[key][code] = stats
    return found


def _context_bases(
    kinds: set[str], period: int, codes: set[str], population: Mapping[int, float]
) -> dict[tuple[int, str], float]:
    """Newest public-statistics bases up to ``period`` of the units of these kinds."""
    found: dict[tuple[int, str], float] = {}
    if POPULATION in codes:
        found |= {(unit_id, POPULATION): pop for unit_id, pop in population.items()}
    others = codes - {POPULATION}
    if others:
        rows = (
            ContextValue.objects.filter(
                variable__code__in=others, unit__kind__in=list(kinds), year__lte=period
            )
            .order_by("year")
            .values_list("unit_id", "variable__code", "value")
        )
        found |= {(unit_id, code): value for unit_id, code, value in rows}
    return found


def unit_context(unit_id: int, period: int) -> dict[str, float]:
    """A unit's newest public-statistics figures up to ``period``, by code (bases of
    comparison and figures the validation rules read, such as the population)."""
    rows = (
        ContextValue.objects.filter(unit_id=unit_id, year__lte=period)
        .order_by("year")
        .values_list("variable__code", "value")
    )
    return dict(rows)  # later years overwrite earlier ones
