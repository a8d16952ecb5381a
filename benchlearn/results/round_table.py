"""A collection round's indicators as stored by the newest finished computation: the
round's indicators (its sets' members and what their formulas use) for the round's
approved units the viewer may see, in the round's year.

Nothing is evaluated here: a computation runs after each approval (or on an operator's
request) and the page says which one it shows, whether a newer one is under way, and
which approved units it does not contain yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from benchlearn.catalogue.models import IndicatorVersion
from benchlearn.catalogue.selectors import version_for_year
from benchlearn.collection.models import Round, SubmissionState
from benchlearn.collection.selectors import round_indicator_versions, submissions_visible_to
from benchlearn.engine.evaluate import DIV0
from benchlearn.results.models import Computation, ComputationState, Result
from benchlearn.results.selectors import current_computation
from benchlearn.units.models import Unit

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


@dataclass(frozen=True)
class ResultCell:
    value: float | None
    decimals: int
    div0: bool  # missing because a denominator was zero (else: because an input is)


@dataclass(frozen=True)
class ResultRow:
    unit: Unit
    cells: list[ResultCell]
    computed: bool  # False: approved after the computation shown, not in it yet


@dataclass(frozen=True)
class ResultColumn:
    version: IndicatorVersion  # the version the round asks for
    computed_number: int | None  # the version the computation used; None: not computed

    @property
    def other_version(self) -> bool:
        return self.computed_number is not None and self.computed_number != self.version.number


@dataclass(frozen=True)
class RoundResultsTable:
    columns: list[ResultColumn]
    rows: list[ResultRow]  # approved units the user may see, by name
    waiting: int  # units the user may see whose submission is not approved yet
    computation: Computation | None  # whose stored results are shown
    pending: Computation | None  # a newer computation, queued or running

    @property
    def not_computed(self) -> int:
        return sum(1 for row in self.rows if not row.computed)

    @property
    def has_div0(self) -> bool:
        return any(c.div0 for row in self.rows for c in row.cells)

    @property
    def has_missing(self) -> bool:
        return any(
            c.value is None and not c.div0 for row in self.rows if row.computed for c in row.cells
        )


def round_results_table(user: AnyUser, round_: Round) -> RoundResultsTable:
    """The round's stored indicators for every approved unit the user may see
    (operators: all; participants and moderators: their own units)."""
    visible = submissions_visible_to(user, round_)
    approved = list(
        visible.filter(state=SubmissionState.APPROVED).select_related(None).select_related("unit")
    )
    waiting = visible.exclude(state=SubmissionState.APPROVED).count()
    computation = current_computation()
    pending = _pending(computation)
    versions = round_indicator_versions(round_)
    used = computation.catalogue if computation is not None else {}
    used = _used_in_year(used, versions, round_.period)
    columns = [ResultColumn(v, used.get(v.indicator.code)) for v in versions]
    found = _stored(computation, round_, [s.unit_id for s in approved], versions)
    computed_units = {unit for unit, _indicator in found}
    rows = []
    for submission in sorted(approved, key=lambda s: (s.unit.name.casefold(), s.unit.teryt)):
        unit = submission.unit
        cells = []
        for version in versions:
            value, flag = found.get((unit.pk, version.indicator_id), (None, ""))
            cells.append(ResultCell(value=value, decimals=version.decimals, div0=flag == DIV0))
        rows.append(ResultRow(unit, cells, computed=unit.pk in computed_units))
    return RoundResultsTable(columns, rows, waiting, computation, pending)


def _used_in_year(
    used: dict[str, int], versions: list[IndicatorVersion], period: int
) -> dict[str, int]:
    """The version numbers a computation used for the round's year: it records each
    indicator's newest; where definitions change with the data year, the year took the
    highest-numbered published version valid in it up to that one (given as the round's
    own version where both compute the same)."""
    asked = {v.indicator.code: v for v in versions}
    limited = [
        v.indicator_id for v in versions if used.get(v.indicator.code) not in (None, v.number)
    ]
    if not limited:
        return used
    by_indicator: dict[str, list[IndicatorVersion]] = {}
    for version in IndicatorVersion.objects.filter(
        indicator_id__in=limited, published_at__isnull=False
    ).select_related("indicator"):
        if version.number <= used[version.indicator.code]:
            by_indicator.setdefault(version.indicator.code, []).append(version)
    found = dict(used)
    for code, candidates in by_indicator.items():
        chosen = version_for_year(candidates, period)
        if chosen is not None:
            same = _computes(chosen) == _computes(asked[code])
            found[code] = asked[code].number if same else chosen.number
    return found


def _computes(version: IndicatorVersion) -> tuple[str, str, str]:
    return version.formula, version.numerator, version.denominator


def _pending(shown: Computation | None) -> Computation | None:
    """The newest computation waiting or running that is newer than the one shown."""
    later = Computation.objects.filter(
        state__in=(ComputationState.QUEUED, ComputationState.RUNNING)
    )
    if shown is not None:
        later = later.filter(Q(created_at__gt=shown.created_at) | Q(pk__gt=shown.pk))
    return later.order_by("-created_at", "-pk").first()


def _stored(
    computation: Computation | None,
    round_: Round,
    unit_ids: list[int],
    versions: list[IndicatorVersion],
) -> dict[tuple[int, int], tuple[float | None, str]]:
    """(unit id, indicator id) -> (value, flag) of the computation, in the round's year."""
    if computation is None or not unit_ids or not versions:
        return {}
    rows = Result.objects.filter(
        computation=computation,
        unit_id__in=unit_ids,
        indicator_id__in=[v.indicator_id for v in versions],
        period=round_.period,
    ).values_list("unit_id", "indicator_id", "value", "flag")
    return {(unit, indicator): (value, flag) for unit, indicator, value, flag in rows}
