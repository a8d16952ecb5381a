"""Why these units: the nearest neighbours by context, as far as names may be shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benchlearn import charts
from benchlearn.accounts.access import Perm, may
from benchlearn.catalogue.models import Variable
from benchlearn.results.models import ComparisonKind, Neighbour
from benchlearn.results.pages.context import Context
from benchlearn.results.selectors import labels_from_names, unit_names
from benchlearn.units.models import ContextValue, Unit

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


@dataclass
class NeighbourRow:
    label: str
    unit: Unit | None  # linked where the viewer may open it
    distance: float
    shares: list[str]  # each context variable's part of the distance, in per cent
    values: list[str]  # the neighbour's context values


# A context figure's part of the differences, over all the neighbours, in words: where
# names are hidden nothing finer is shown (see ``Neighbours``).
WEIGHT_BANDS = ((0.5, "large"), (0.2, "moderate"), (0.0, "small"))


@dataclass
class Neighbours:
    """The unit's nearest neighbours by context and why: each variable's share of the
    (standardised, weighted) distance, neighbour by neighbour, where names are shown.

    Where names are hidden, no neighbour is shown at all, neither its figures nor its
    distance and shares: with the unit's own figures and the public register they
    point to the neighbour (a population is as telling as a name), and so to its letter
    on the other pages. Only each figure's part of the differences over all the
    neighbours is said, in words (``weights``), and how many they are."""

    variables: list[str]  # names with units of measure
    own: list[str]  # the unit's own context values
    rows: list[NeighbourRow]  # empty where names are hidden
    names_shown: bool
    weights: list[str] = field(default_factory=list)  # where names are hidden
    count: int = 0

    @property
    def own_figures(self) -> list[tuple[str, str, str]]:
        weights = self.weights or [""] * len(self.variables)
        return list(zip(self.variables, self.own, weights, strict=True))


def neighbours_for(user: AnyUser, context: Context) -> Neighbours | None:
    """For the nearest-neighbours comparison only (None otherwise)."""
    if context.comparison.kind != ComparisonKind.NEIGHBOURS:
        return None
    unit, computation = context.unit, context.computation
    stored = list(
        Neighbour.objects.filter(computation=computation, unit=unit, pool=context.comparison.pool)
        .select_related("peer")
        .order_by("rank")
    )
    codes = list(settings.NEIGHBOUR_WEIGHTS)
    english = (get_language() or "pl").startswith("en")
    variables = {v.code: v for v in Variable.objects.filter(code__in=codes)}

    def title(code: str) -> str:
        variable = variables.get(code)
        if variable is None:
            return code
        name = variable.name_en if english and variable.name_en else variable.name_pl
        return f"{name} ({variable.unit})" if variable.unit else name

    shown = context.comparison.names_shown
    units = [unit.pk, *(n.peer_id for n in stored)] if shown else [unit.pk]
    newest: dict[tuple[int, str], float] = {}
    for unit_id, code, value in (
        ContextValue.objects.filter(unit_id__in=units, variable__code__in=codes)
        .order_by("unit_id", "variable__code", "-year")
        .values_list("unit_id", "variable__code", "value")
    ):
        newest.setdefault((unit_id, code), value)
    number = charts.number_formatter()

    def figures(unit_id: int) -> list[str]:
        return [number(newest.get((unit_id, code)), 0 if code == "POP" else 1) for code in codes]

    own = figures(unit.pk)
    titles = [title(code) for code in codes]
    if not shown:
        weights = [_weight_band([(n.shares or {}).get(code) for n in stored]) for code in codes]
        return Neighbours(titles, own, [], False, weights, len(stored))
    labels = labels_from_names(context.comparison, unit, unit_names(units), computation)
    rows = []
    for neighbour in stored:
        peer = neighbour.peer
        shares = neighbour.shares or {}
        rows.append(
            NeighbourRow(
                label=labels.get(peer.pk, peer.name),
                unit=peer if may(user, Perm.UNIT_VIEW, peer) else None,
                distance=neighbour.distance,
                shares=[
                    "—" if shares.get(code) is None else f"{number(100 * shares[code], 0)} %"
                    for code in codes
                ],
                values=figures(peer.pk),
            )
        )
    return Neighbours(titles, own, rows, True, count=len(stored))


def _weight_band(shares: list[float | None]) -> str:
    """A figure's mean share of the neighbours' distances, in words."""
    known = [share for share in shares if share is not None]
    if not known:
        return "—"
    mean = sum(known) / len(known)
    words = {
        "large": _("a large part"),
        "moderate": _("a moderate part"),
        "small": _("a small part"),
    }
    return next(words[band] for low, band in WEIGHT_BANDS if mean >= low)
