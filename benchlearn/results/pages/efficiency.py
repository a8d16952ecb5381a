"""Efficiency (DEA): a model's scores in the comparison and the unit's efficient peers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import Http404
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from benchlearn import charts
from benchlearn.accounts.access import Perm, may
from benchlearn.results.models import Computation, EfficiencyModel, EfficiencyScore, Reference
from benchlearn.results.pages.context import Context, context_for
from benchlearn.results.selectors import (
    current_computation,
    letter_order,
    member_ids,
    ordered_labels,
    unit_names,
)
from benchlearn.units.models import Unit, UnitKind

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


# The engine's reasons for not scoring a unit (engine.dea._exclusion_reasons), as
# people read them; any other text is shown as it is.
_REASONS = [
    (re.compile(r"missing value in '(?P<code>[^']+)'"), gettext_lazy("no value of %(code)s")),
    (re.compile(r"infinite value in '(?P<code>[^']+)'"), gettext_lazy("%(code)s is not a number")),
    (re.compile(r"negative input '(?P<code>[^']+)'"), gettext_lazy("%(code)s is negative")),
    (re.compile(r"negative output '(?P<code>[^']+)'"), gettext_lazy("%(code)s is negative")),
    (re.compile(r"zero input '(?P<code>[^']+)'"), gettext_lazy("%(code)s is zero")),
    (re.compile(r"all outputs are zero"), gettext_lazy("every output is zero")),
]


def reason_text(excluded: str) -> str:
    """Why a unit was not scored, in the reader's language."""
    parts = []
    for part in excluded.split("; "):
        for pattern, text in _REASONS:
            found = pattern.fullmatch(part)
            if found:
                parts.append(str(text) % found.groupdict())
                break
        else:
            parts.append(part)
    return "; ".join(parts)


@dataclass
class EfficiencyRow:
    label: str
    own: bool
    score: float | None
    efficient: bool
    excluded: str

    def __post_init__(self) -> None:
        self.excluded = reason_text(self.excluded) if self.excluded else ""

    @property
    def score_text(self) -> str:
        return charts.score_text(self.score, self.efficient)

    @property
    def frontier_text(self) -> str:
        return charts.frontier_text(self.score, self.efficient)


@dataclass
class TooFew:
    """Why no efficiency is shown: the unit's reference set is below the rule of thumb."""

    size: int
    needed: int
    inputs: int
    outputs: int
    kind: str  # the units of the set, e.g. "rural gminas"; "" for all units


@dataclass
class Peer:
    label: str
    weight: float
    unit: Unit | None  # None where names are hidden: the peer's page is not linked


@dataclass
class EfficiencyPage:
    context: Context
    model: EfficiencyModel
    model_name: str
    inputs: list[str]
    outputs: list[str]
    own: EfficiencyRow | None
    peers: list[Peer]
    rows: list[EfficiencyRow]
    chart: charts.Chart | None
    models: list[EfficiencyModel]
    too_few: TooFew | None = None
    latest_year: int | None = None  # the latest year with the unit's data for the model


def efficiency_page_for(
    user: AnyUser, unit: Unit, code: str, *, choice: str, year: str
) -> EfficiencyPage:
    """A DEA model's scores for the comparison's units, the unit's own score and its
    efficient peers with their weights (who to learn from). Each unit is scored against
    the frontier of its reference set in that year (see ``results.efficiency``); where
    the unit's set is too small for the model, no score is shown, only why. A unit
    without any data for the model finds no page (404), as if the model did not exist."""
    model = EfficiencyModel.objects.filter(code=code).first()
    computation = current_computation()
    latest = (
        EfficiencyScore.objects.filter(computation=computation, model=model, unit=unit)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
        if model is not None and computation is not None
        else None
    )
    if latest is None:  # no such model, or none of its data: nothing to say about it
        context_for(user, unit, choice=choice, year=year)  # its 404s come first
        raise Http404(_("There is no efficiency model %(code)s.") % {"code": code[:64]})
    assert model is not None
    # Unless asked otherwise, the latest year with the unit's data for the model.
    context = context_for(user, unit, choice=choice, year=year or str(latest))
    computation = context.computation
    language = get_language() or "pl"
    name = model.name(language)
    models = efficiency_models_for(computation, unit)
    mine_first = EfficiencyScore.objects.filter(
        computation=computation, model=model, period=context.year, unit=unit
    ).first()
    if mine_first is not None and mine_first.too_few:
        too_few = TooFew(
            mine_first.reference_size,
            mine_first.reference_needed,
            len(model.inputs),
            len(model.outputs),
            str(KIND_PLURAL[unit.kind]) if model.reference == Reference.KIND else "",
        )
        return EfficiencyPage(
            context,
            model,
            name,
            list(model.inputs),
            list(model.outputs),
            None,
            [],
            [],
            None,
            models,
            too_few,
            latest,
        )
    members = member_ids(context.comparison, unit, computation)
    scores = {
        s.unit_id: s
        for s in EfficiencyScore.objects.filter(
            computation=computation, model=model, period=context.year, unit_id__in=members
        )
    }
    mine = scores.get(unit.pk)
    weights = {int(pk): float(weight) for pk, weight in mine.peers} if mine else {}
    weights.pop(unit.pk, None)
    # Peers come from the frontier of all units. Where names are hidden, a peer in the
    # comparison has the letter of its row and one outside it is said to be so; their
    # pages are not linked.
    # Letters run down the table (most efficient first), the same for every viewer of
    # the comparison: the rows are listed in the letters' order.
    ordered, labels = ordered_labels(
        context.comparison,
        unit,
        unit_names([*members, unit.pk]),
        computation,
        by=letter_order({pk: s.score for pk, s in scores.items()}, "higher"),
        topic=f"efficiency:{model.code}:{context.year}",
    )
    rows = [
        EfficiencyRow(labels[pk], pk == unit.pk, s.score, s.efficient, s.excluded)
        for pk, s in ((pk, scores[pk]) for pk in ordered if pk in scores)
    ]
    own = next((r for r in rows if r.own), None)
    peers = []
    if weights:
        peer_units = Unit.objects.in_bulk(list(weights)) if context.comparison.names_shown else {}
        for pk, weight in weights.items():
            peer = peer_units.get(pk)
            openable = peer is not None and may(user, Perm.UNIT_VIEW, peer)
            label = labels.get(pk) or (
                peer.name if peer is not None else _("a unit outside this comparison")
            )
            peers.append(Peer(label, weight, peer if openable else None))
        peers.sort(key=lambda p: (-p.weight, p.label))
    chart = charts.efficiency_chart(
        title=_("%(model)s, %(year)s: %(group)s")
        % {"model": name, "year": context.year, "group": context.comparison.label},
        items=[charts.EfficiencyItem(r.label, r.score, r.efficient, r.own) for r in rows],
    )
    return EfficiencyPage(
        context,
        model,
        name,
        list(model.inputs),
        list(model.outputs),
        own,
        peers,
        rows,
        chart,
        models,
        latest_year=latest,
    )


KIND_PLURAL: dict[str, object] = {
    UnitKind.URBAN_GMINA: gettext_lazy("urban gminas"),
    UnitKind.RURAL_GMINA: gettext_lazy("rural gminas"),
    UnitKind.URBAN_RURAL_GMINA: gettext_lazy("urban-rural gminas"),
    UnitKind.CITY_COUNTY: gettext_lazy("cities with county rights"),
    UnitKind.COUNTY: gettext_lazy("counties"),
    UnitKind.VOIVODESHIP: gettext_lazy("voivodeships"),
}


def efficiency_models_for(computation: Computation, unit: Unit) -> list[EfficiencyModel]:
    """The models offered to a unit: those it has data for, by name."""
    with_data = EfficiencyScore.objects.filter(computation=computation, unit=unit).values("model")
    return list(EfficiencyModel.objects.filter(pk__in=with_data).order_by("name_pl", "code"))
