"""Reads of stored results for the comparison pages, each taking the viewer.

Nothing here runs the engine over the programme: pages read the newest finished
computation. A unit is placed in its group from the group's stored statistics and
sorted values (``position_in_group``); only the nearest-neighbours comparison, a
group of its own for every unit, is summarised here from the neighbours' stored
results (a dozen values per indicator).
"""

from __future__ import annotations

import dataclasses
import math
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from django.http import Http404
from django.utils.translation import gettext as _

from benchlearn.accounts.access import Perm, may, names_shown, pseudonym_order, units_visible_to
from benchlearn.catalogue.models import Domain, IndicatorSetEntry, IndicatorVersion
from benchlearn.engine.stats import Position, position_in_group, summary_of
from benchlearn.groups.models import ExchangeGroup
from benchlearn.results.cache import remembered, remembered_many
from benchlearn.results.models import (
    ComparisonGroup,
    ComparisonKind,
    Computation,
    ComputationState,
    GroupStat,
    Neighbour,
    Result,
)
from benchlearn.units.models import Unit, UnitKind
from benchlearn.units.selectors import POPULATION_BANDS

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


def current_computation() -> Computation | None:
    """The newest finished computation: what every page shows."""
    return (
        Computation.objects.filter(state=ComputationState.DONE)
        .order_by("-finished_at", "-pk")
        .first()
    )


def computation_latest() -> Computation | None:
    """The newest computation in any state (for the operator's progress)."""
    return Computation.objects.order_by("-created_at", "-pk").first()


@dataclass
class GroupResults:
    """What an exchange group's page says of its results."""

    # The computation holding the group's results; None while there is none, and the
    # report downloads would only answer 404.
    computation: Computation | None = None
    # Member units whose results the viewer may open compared with this group.
    with_results: set[int] = field(default_factory=set)
    comparison: str = ""  # the group as the results pages name it in their ``?group=``


def group_results_for(user: AnyUser, group: ExchangeGroup) -> GroupResults:
    """The current computation if it holds what the group's reports read (the group
    stored with members and statistics), and the member units with results there that
    ``user`` may open: a unit that joined after the computation is not in it yet."""
    found = GroupResults(comparison=f"exchange-{group.pk}")
    computation = current_computation()
    if computation is None:
        return found
    stored = ComparisonGroup.objects.filter(
        computation=computation, kind=ComparisonKind.EXCHANGE, exchange_group=group
    ).first()
    if stored is None or not GroupStat.objects.filter(group=stored).exists():
        return found
    members = list(stored.members.values_list("pk", flat=True))
    computed = Result.objects.filter(computation=computation, unit_id__in=members).values("unit_id")
    openable = units_visible_to(user).filter(pk__in=computed).values_list("pk", flat=True)
    found.computation, found.with_results = computation, set(openable)
    return found


# --- Comparison groups ------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """What a unit is compared with: ``choice`` is its value in URLs."""

    choice: str
    kind: str
    label: str
    group: ComparisonGroup | None  # None for the nearest neighbours
    names_shown: bool  # other members by name (else A, B, C…)


def _band_label(key: str) -> str:
    kind, _sep, band = key.partition(":")
    bands = {code: label for code, label, _low, _high in POPULATION_BANDS}
    kinds = dict(UnitKind.choices)
    return _("%(kind)s, %(band)s residents") % {
        "kind": kinds.get(kind, kind),
        "band": bands.get(band, band),
    }


def comparisons_for(user: AnyUser, unit: Unit, computation: Computation) -> list[Comparison]:
    """The comparisons offered for ``unit`` to ``user``, most specific first: its
    exchange groups the viewer may see, its kind and population band, its nearest
    neighbours, its voivodeship, all units."""
    groups = list(
        ComparisonGroup.objects.filter(computation=computation, members=unit).select_related(
            "exchange_group"
        )
    )
    found: list[Comparison] = []
    for group in sorted(groups, key=lambda g: (g.kind != ComparisonKind.EXCHANGE, g.key)):
        if group.kind == ComparisonKind.EXCHANGE:
            exchange = group.exchange_group
            if exchange is None or not may(user, Perm.GROUP_VIEW, exchange):
                continue
            found.append(
                Comparison(
                    f"exchange-{exchange.pk}",
                    group.kind,
                    exchange.name,
                    group,
                    names_shown(user, exchange),
                )
            )
    by_kind = {g.kind: g for g in groups}
    public = names_shown(user, None)  # the programme-wide comparisons
    if band := by_kind.get(ComparisonKind.BAND):
        found.append(Comparison("band", band.kind, _band_label(band.key), band, public))
    if Neighbour.objects.filter(computation=computation, unit=unit).exists():
        found.append(
            Comparison(
                "neighbours", ComparisonKind.NEIGHBOURS, _("nearest neighbours"), None, public
            )
        )
    if voivodeship := by_kind.get(ComparisonKind.VOIVODESHIP):
        label = _("voivodeship %(name)s") % {"name": voivodeship.key}
        found.append(Comparison("voivodeship", voivodeship.kind, label, voivodeship, public))
    if everyone := by_kind.get(ComparisonKind.ALL):
        found.append(Comparison("all", everyone.kind, _("all units"), everyone, public))
    return found


def comparison_get(
    user: AnyUser, unit: Unit, computation: Computation, choice: str
) -> tuple[Comparison, list[Comparison]]:
    """The comparison ``choice`` of ``unit`` (the first offered when empty) and all
    offered; Http404 with a message for a comparison that is not offered."""
    offered = comparisons_for(user, unit, computation)
    if not offered:
        raise Http404(_("There are no results for %(unit)s yet.") % {"unit": unit.name})
    if not choice:
        return offered[0], offered
    for comparison in offered:
        if comparison.choice == choice:
            return comparison, offered
    raise Http404(
        _("%(unit)s cannot be compared with “%(choice)s”: choose one of the groups offered.")
        % {"unit": unit.name, "choice": choice[:40]}
    )


def member_ids(comparison: Comparison, unit: Unit, computation: Computation) -> list[int]:
    """The units of a comparison (the unit and its neighbours, for neighbours); kept per
    process for a group of a finished computation: callers must not change the list."""
    group = comparison.group
    if group is not None:
        return remembered(
            computation,
            ("members", group.pk),
            lambda: list(group.members.values_list("pk", flat=True)),
            lambda members: 40 * len(members) + 100,
        )
    peers = Neighbour.objects.filter(computation=computation, unit=unit).order_by("rank")
    return [unit.pk, *peers.values_list("peer_id", flat=True)]


def labels_for(
    comparison: Comparison, unit: Unit | None, units: Iterable[Unit], computation: Computation
) -> dict[int, str]:
    """How each unit is named on the page: by name where names are shown, else by a
    letter that is the same for a unit throughout one computation and comparison (for
    every viewer) but says nothing of who it is (``access.pseudonym_order``); the
    viewer's unit always by name. ``unit`` None: a viewer
    with no unit of their own in the group (a group's report for its moderator)."""
    return labels_from_names(comparison, unit, {u.pk: u.name for u in units}, computation)


def labels_from_names(
    comparison: Comparison, unit: Unit | None, names: dict[int, str], computation: Computation
) -> dict[int, str]:
    """``labels_for`` given the units' names by id (see ``unit_names``)."""
    if comparison.names_shown:
        return dict(names)
    own = unit.pk if unit is not None else None
    scope = f"{computation.pk}:{comparison.choice}:{own if comparison.group is None else ''}"
    # Every member has its letter, the viewer's own unit too (shown by name instead), so
    # that every viewer sees the same unit under the same letter.
    ordered = pseudonym_order(names, scope=scope)
    labels = {pk: _letters(number) for number, pk in enumerate(ordered)}
    if unit is not None:
        labels[unit.pk] = unit.name
    return labels


# Above this many ids a query reads every row and keeps the wanted ones: a list of
# thousands of ids costs the database more to read than the rows it saves.
IN_LIST_LIMIT = 300


def unit_names(unit_ids: Iterable[int]) -> dict[int, str]:
    """Unit id -> name."""
    wanted = set(unit_ids)
    units = Unit.objects.all()
    if len(wanted) <= IN_LIST_LIMIT:
        units = units.filter(pk__in=wanted)
    return {pk: name for pk, name in units.values_list("pk", "name") if pk in wanted}


def _letters(number: int) -> str:
    """A, B, … Z, AA, AB, …"""
    letters = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = string.ascii_uppercase[rest] + letters
    return letters


# --- Indicators -------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorInfo:
    code: str
    name: str
    unit: str
    decimals: int
    polarity: str
    category: str
    category_label: str
    domain: str
    domain_name: str
    formula: str
    numerator: str
    denominator: str
    notes: str
    version: int
    pk: int


def result_periods(computation: Computation, unit: Unit) -> list[int]:
    """The periods in which ``unit`` has results, in order."""
    return remembered(
        computation,
        ("periods", unit.pk),
        lambda: sorted(
            set(
                Result.objects.filter(computation=computation, unit=unit)
                .values_list("period", flat=True)
                .distinct()
            )
        ),
        lambda periods: 40 * len(periods) + 100,
    )


def computed_indicators(computation: Computation, *, language: str) -> dict[str, IndicatorInfo]:
    """The indicators of a computation in the versions it used, in catalogue order
    (kept per process for a finished computation: callers must not change it)."""
    return remembered(
        computation,
        ("indicators", language),
        lambda: _computed_indicators(computation, language=language),
        lambda found: 2_000 * len(found),
    )


def _computed_indicators(computation: Computation, *, language: str) -> dict[str, IndicatorInfo]:
    versions = computation.catalogue
    chosen = IndicatorVersion.objects.filter(indicator__code__in=list(versions)).select_related(
        "indicator__domain"
    )
    english = language.startswith("en")
    found: dict[str, IndicatorInfo] = {}
    for version in sorted(chosen, key=lambda v: (v.indicator.position, v.indicator.code, v.number)):
        indicator = version.indicator
        if versions.get(indicator.code) != version.number:
            continue
        domain = indicator.domain
        found[indicator.code] = IndicatorInfo(
            code=indicator.code,
            name=(version.name_en if english and version.name_en else version.name_pl),
            unit=version.unit,
            decimals=version.decimals,
            polarity=version.polarity,
            category=version.category,
            category_label=str(version.get_category_display()),
            domain=domain.code if domain else "",
            domain_name=(
                (domain.name_en if english and domain.name_en else domain.name_pl) if domain else ""
            ),
            formula=version.formula,
            numerator=version.numerator,
            denominator=version.denominator,
            notes=(version.notes_en if english and version.notes_en else version.notes_pl),
            version=version.number,
            pk=indicator.pk,
        )
    return found


def unit_indicator_codes(*units: Unit) -> set[str]:
    """Codes of the indicators in the indicator sets (as pinned when each round opened)
    of the collection rounds any of ``units`` takes part in."""
    return set(
        IndicatorSetEntry.objects.filter(set_version__rounds__units__in=units)
        .values_list("indicator_version__indicator__code", flat=True)
        .distinct()
    )


def domains_in(indicators: Iterable[IndicatorInfo], *, language: str) -> list[tuple[str, str]]:
    """(code, name) of the domains of these indicators, in catalogue order."""
    codes = {i.domain for i in indicators if i.domain}
    english = language.startswith("en")
    return [
        (d.code, d.name_en if english and d.name_en else d.name_pl)
        for d in Domain.objects.filter(code__in=codes).order_by("position", "code")
    ]


# --- Statistics of a comparison ---------------------------------------------------------


@dataclass
class Stat:
    """A group's statistics of one indicator in one period (see GroupStat)."""

    n: int
    mean: float | None
    aggregate: float | None
    median: float | None
    q1: float | None
    q3: float | None
    minimum: float | None
    maximum: float | None
    std: float | None
    best: float | None
    worst: float | None
    values: np.ndarray = field(repr=False)


_NO_VALUES = np.zeros(0)
_STAT_FIELDS = [
    *("n", "mean", "aggregate", "median", "q1", "q3", "minimum", "maximum"),
    *("std", "best", "worst"),
]


def comparison_stats(
    comparison: Comparison,
    unit: Unit,
    computation: Computation,
    indicators: dict[str, IndicatorInfo],
    periods: list[int],
    *,
    sorted_values: Iterable[int] | None = None,
) -> dict[tuple[str, int], Stat]:
    """(indicator code, period) -> the comparison's statistics.

    ``sorted_values``: the periods whose statistics need the group's sorted values (to
    place units with ``place``); by default all. Those of a large group are most of what
    is read (2,800 floats an indicator and period for all units), so a page that places
    units in one period only reads them for that one; the others' ``values`` are empty.
    """
    by_pk = {info.pk: code for code, info in indicators.items()}
    if comparison.group is not None:
        group = comparison.group
        placed = set(periods if sorted_values is None else sorted_values)
        by_period = remembered_many(
            computation,
            [("stats", group.pk, period) for period in periods],
            lambda keys: _group_stats(group, keys),
            lambda stats: 300 * len(stats),
        )
        wanted = [
            ("values", group.pk, period, pk)
            for (_kind, _group, period), stats in by_period.items()
            if period in placed
            for pk in stats
            if pk in by_pk
        ]
        sorted_by_key = remembered_many(
            computation, wanted, lambda keys: _group_values(group, keys), _array_size
        )
        found: dict[tuple[str, int], Stat] = {}
        for (_kind, _group, period), stats in by_period.items():
            for pk, stat in stats.items():
                if pk in by_pk:
                    values = sorted_by_key.get(("values", group.pk, period, pk))
                    found[(by_pk[pk], period)] = (
                        stat if values is None else dataclasses.replace(stat, values=values)
                    )
        return found
    return _neighbour_stats(unit, computation, indicators, periods)


def _group_stats(
    group: ComparisonGroup, keys: list[tuple[str, int, int]]
) -> dict[tuple[str, int, int], dict[int, Stat]]:
    """("stats", group, period) -> indicator id -> the statistics (without the sorted
    values), every indicator of the group in each period asked for."""
    found: dict[tuple[str, int, int], dict[int, Stat]] = {key: {} for key in keys}
    rows = GroupStat.objects.filter(group=group, period__in=[period for _k, _g, period in keys])
    for pk, period, *figures in rows.values_list("indicator_id", "period", *_STAT_FIELDS):
        found[("stats", group.pk, period)][pk] = Stat(*figures, values=_NO_VALUES)  # type: ignore[misc]
    return found


def _group_values(
    group: ComparisonGroup, keys: list[tuple[str, int, int, int]]
) -> dict[tuple[str, int, int, int], np.ndarray]:
    """("values", group, period, indicator id) -> the group's sorted values."""
    found = {key: _NO_VALUES for key in keys}
    rows = GroupStat.objects.filter(
        group=group,
        period__in={period for _k, _g, period, _i in keys},
        indicator_id__in={pk for _k, _g, _p, pk in keys},
    ).values_list("period", "indicator_id", "values")
    for period, pk, blob in rows:
        key = ("values", group.pk, period, pk)
        if key in found:
            found[key] = np.frombuffer(bytes(blob), dtype="<f8")
    return found


def _array_size(values: np.ndarray) -> int:
    return int(values.nbytes) + 120


def _neighbour_stats(
    unit: Unit, computation: Computation, indicators: dict[str, IndicatorInfo], periods: list[int]
) -> dict[tuple[str, int], Stat]:
    """The statistics of a unit with its nearest neighbours, from their stored results
    (the engine's definitions, on a dozen values per indicator)."""
    members = [
        unit.pk,
        *Neighbour.objects.filter(computation=computation, unit=unit).values_list(
            "peer_id", flat=True
        ),
    ]
    by_pk = {info.pk: code for code, info in indicators.items()}
    rows = Result.objects.filter(
        computation=computation,
        unit_id__in=members,
        period__in=periods,
        indicator_id__in=list(by_pk),
    ).values_list("indicator_id", "period", "value", "numerator", "denominator")
    cells: dict[tuple[int, int], list[tuple[float | None, ...]]] = {}
    for pk, period, *figures in rows:
        cells.setdefault((pk, period), []).append(tuple(figures))
    found: dict[tuple[str, int], Stat] = {}
    for (pk, period), cell in cells.items():
        # None becomes NaN: missing, as the engine counts it.
        value, numerator, denominator = np.array(cell, dtype=np.float64).T
        summary = summary_of(
            value,
            indicators[by_pk[pk]].polarity,
            numerators=numerator,
            denominators=denominator,
        )
        found[(by_pk[pk], period)] = Stat(
            n=int(summary["n"] or 0),
            mean=summary["mean"],
            aggregate=summary["aggregate"],
            median=summary["median"],
            q1=summary["q1"],
            q3=summary["q3"],
            minimum=summary["min"],
            maximum=summary["max"],
            std=summary["std"],
            best=summary["best"],
            worst=summary["worst"],
            values=np.sort(value[np.isfinite(value)]),
        )
    return found


def place(value: float | None, stat: Stat | None, polarity: str) -> Position | None:
    """Where a unit's value stands in its comparison (None without a value)."""
    if value is None or stat is None or math.isnan(value) or stat.n == 0:
        return None
    return position_in_group(
        value,
        stat.values,
        polarity,
        mean=stat.mean,
        std=stat.std,
        median=stat.median,
        best=stat.best,
    )


def unit_results(
    computation: Computation,
    unit_ids: list[int],
    indicator_ids: list[int],
    periods: list[int] | None = None,
) -> dict[tuple[int, int, int], tuple[float | None, str]]:
    """(unit id, indicator id, period) -> (value, flag) from stored results."""
    rows = Result.objects.filter(
        computation=computation, unit_id__in=unit_ids, indicator_id__in=indicator_ids
    )
    if periods is not None:
        rows = rows.filter(period__in=periods)
    return {
        (u, i, p): (v, f)
        for u, i, p, v, f in rows.values_list("unit_id", "indicator_id", "period", "value", "flag")
    }


def indicator_values(
    computation: Computation, indicator_id: int, period: int, unit_ids: Iterable[int]
) -> dict[int, tuple[float | None, str]]:
    """Unit id -> (value, flag) of one indicator in one period, for the units given
    that have a stored result."""
    wanted = set(unit_ids)
    rows = Result.objects.filter(computation=computation, indicator_id=indicator_id, period=period)
    if len(wanted) <= IN_LIST_LIMIT:
        rows = rows.filter(unit_id__in=wanted)
    return {u: (v, f) for u, v, f in rows.values_list("unit_id", "value", "flag") if u in wanted}
