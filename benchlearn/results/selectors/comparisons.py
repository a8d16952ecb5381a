"""Comparison groups a unit is compared in, their members, and how members are named
(names, or letters where names are not shown)."""

from __future__ import annotations

import math
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import Http404
from django.utils.translation import gettext as _

from benchlearn.accounts.access import Perm, may, names_shown, pseudonym_order
from benchlearn.results.cache import remembered
from benchlearn.results.models import (
    COUNTY_POOL,
    GMINA_POOL,
    ComparisonGroup,
    ComparisonKind,
    Computation,
    Neighbour,
)
from benchlearn.results.selectors.minimum import group_figures_withheld
from benchlearn.units.models import Unit, UnitKind
from benchlearn.units.selectors import POPULATION_BANDS

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


@dataclass(frozen=True)
class Comparison:
    """What a unit is compared with: ``choice`` is its value in URLs."""

    choice: str
    kind: str
    label: str
    group: ComparisonGroup | None  # None for the nearest neighbours
    names_shown: bool  # other members by name (else A, B, C…)
    # Why the group's statistics are not shown to the viewer ("": they are; see
    # ``minimum.group_figures_withheld``): ``comparison_stats`` then gives none.
    withheld: str = ""
    # The pool of the nearest neighbours (``results.models.peer_pools``).
    pool: str = GMINA_POOL


def _band_label(key: str) -> str:
    kind, _sep, band = key.partition(":")
    bands = {code: label for code, label, _low, _high in POPULATION_BANDS}
    kinds = dict(UnitKind.choices) | {COUNTY_POOL: _("counties and cities with county rights")}
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
            "exchange_group__programme"
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
                    group_figures_withheld(user, group, computation),
                )
            )
    by_kind = {g.kind: g for g in groups if g.kind != ComparisonKind.BAND}
    public = names_shown(user, None)  # the programme-wide comparisons
    # A city with county rights is in a band of gminas' and one of the county pool's
    # (the county sets' peers: counties and cities with county rights).
    bands = sorted(
        (g for g in groups if g.kind == ComparisonKind.BAND),
        key=lambda g: g.key.startswith(f"{COUNTY_POOL}:"),
    )
    for band in bands:
        choice = "band-county" if band.key.startswith(f"{COUNTY_POOL}:") else "band"
        found.append(Comparison(choice, band.kind, _band_label(band.key), band, public))
    pools = set(
        Neighbour.objects.filter(computation=computation, unit=unit)
        .values_list("pool", flat=True)
        .distinct()
    )
    if GMINA_POOL in pools:
        found.append(
            Comparison(
                "neighbours", ComparisonKind.NEIGHBOURS, _("nearest neighbours"), None, public
            )
        )
    if COUNTY_POOL in pools:
        label = _("nearest counties and cities with county rights")
        found.append(
            Comparison(
                "neighbours-county",
                ComparisonKind.NEIGHBOURS,
                label,
                None,
                public,
                pool=COUNTY_POOL,
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
    peers = Neighbour.objects.filter(
        computation=computation, unit=unit, pool=comparison.pool
    ).order_by("rank")
    return [unit.pk, *peers.values_list("peer_id", flat=True)]


def labels_for(
    comparison: Comparison,
    unit: Unit | None,
    units: Iterable[Unit],
    computation: Computation,
    *,
    by: Mapping[int, float] | None = None,
    topic: str = "",
) -> dict[int, str]:
    """How each unit is named on the page: by name where names are shown, else by a
    letter (``access.pseudonym_order``) in the order of ``by`` (see
    ``labels_from_names``); the viewer's unit always by name. ``unit`` None: a viewer
    with no unit of their own in the group (a group's report for its moderator)."""
    names = {u.pk: u.name for u in units}
    return labels_from_names(comparison, unit, names, computation, by=by, topic=topic)


def labels_from_names(
    comparison: Comparison,
    unit: Unit | None,
    names: dict[int, str],
    computation: Computation,
    *,
    by: Mapping[int, float] | None = None,
    topic: str = "",
) -> dict[int, str]:
    """``labels_for`` given the units' names by id (see ``unit_names``).

    ``by``: the order of the table the letters head, smallest first (``letter_order``:
    an indicator's values, best first), ``topic`` what it is of (an indicator and year):
    the letters then run A, B, C… down the table, the same for every viewer. Without
    ``by`` the letters follow a secret keyed order, one for the whole comparison."""
    return ordered_labels(comparison, unit, names, computation, by=by, topic=topic)[1]


def ordered_labels(
    comparison: Comparison,
    unit: Unit | None,
    names: dict[int, str],
    computation: Computation,
    *,
    by: Mapping[int, float] | None = None,
    topic: str = "",
) -> tuple[list[int], dict[int, str]]:
    """The units in the table's order (``by``, then the letters' keyed order or names)
    and ``labels_from_names``: a page lists its rows in this order, so that letters run
    A, B, C… down it."""
    if comparison.names_shown:
        order = sorted(
            names, key=lambda pk: (by is None or pk not in by, (by or {}).get(pk, 0.0), names[pk])
        )
        return order, dict(names)
    own = unit.pk if unit is not None else None
    scope = f"{computation.pk}:{comparison.choice}:{own if comparison.group is None else ''}"
    if topic:
        scope += f":{topic}"
    # Every member has its letter, the viewer's own unit too (shown by name instead), so
    # that every viewer sees the same unit under the same letter.
    ordered = pseudonym_order(names, scope=scope, by=by)
    labels = {pk: _letters(number) for number, pk in enumerate(ordered)}
    if unit is not None:
        labels[unit.pk] = unit.name
    return ordered, labels


def letter_order(values: Mapping[int, float | None], polarity: str) -> dict[int, float]:
    """The order in which a table of one indicator lists units (and letters them): the
    best first (the highest first for a neutral indicator); units without a value are
    left out (they come last)."""
    sign = 1.0 if polarity == "lower" else -1.0
    return {
        pk: sign * value
        for pk, value in values.items()
        if value is not None and not math.isnan(value)
    }


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
