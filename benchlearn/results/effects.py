"""Did it work? The engine's effects (``benchlearn.engine.effects``) fed from stored
results: a unit's values of one indicator over the years and its comparison group's.

Both read the group's computation (the results it was stored with). The group's
members include the unit, so that the group's median change is over the same units as
the group's statistics on the other pages. Members are keyed by their unit id as a
string in the engine's answers (``int(key)`` gives the id back).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benchlearn.engine import effects as engine
from benchlearn.engine.effects import Effect, Ranking, Series, effect
from benchlearn.results.models import ComparisonGroup, Computation, Result
from benchlearn.results.selectors import IndicatorInfo, computed_indicators
from benchlearn.results.selectors.comparisons import IN_LIST_LIMIT
from benchlearn.units.models import Unit


def indicator_in(computation: Computation, code: str) -> IndicatorInfo:
    """The computed indicator ``code``; Http404 with a message when it is not computed."""
    info = computed_indicators(computation, language=get_language() or "pl").get(code)
    if info is None:
        raise Http404(_("There is no computed indicator %(code)s.") % {"code": code[:64]})
    return info


def series_of(
    computation: Computation,
    indicator_id: int,
    unit_ids: Iterable[int],
    periods: Iterable[int] | None = None,
) -> dict[int, dict[int, float | None]]:
    """Unit id -> {period: value} of one indicator for the units given (every stored
    period, or those in ``periods``); a unit without results has an empty series."""
    wanted = set(unit_ids)
    rows = Result.objects.filter(computation=computation, indicator_id=indicator_id)
    if periods is not None:
        rows = rows.filter(period__in=list(periods))
    if len(wanted) <= IN_LIST_LIMIT:
        rows = rows.filter(unit_id__in=wanted)
    found: dict[int, dict[int, float | None]] = defaultdict(dict)
    for unit_id, period, value in rows.values_list("unit_id", "period", "value"):
        if unit_id in wanted:
            found[unit_id][period] = value
    return {pk: found.get(pk, {}) for pk in wanted}


def _members(group: ComparisonGroup) -> list[int]:
    return list(group.members.values_list("pk", flat=True))


def keyed(series: dict[int, dict[int, float | None]]) -> dict[str, Series]:
    return {str(pk): values for pk, values in series.items()}


def action_effect(
    unit: Unit,
    group: ComparisonGroup,
    indicator_code: str,
    baseline_year: int,
    target: float | None = None,
) -> Effect:
    """``unit``'s change of the indicator from ``baseline_year`` to its latest year with
    a value, against ``group``'s (see ``benchlearn.engine.effects``). Without a value
    after the baseline year the latest year is the baseline year and the reason
    ``latest_not_after_baseline``: nothing to measure yet."""
    computation = group.computation
    info = indicator_in(computation, indicator_code)
    members = series_of(computation, info.pk, {*_members(group), unit.pk})
    own = members[unit.pk]
    later = [year for year, value in own.items() if value is not None and year > baseline_year]
    latest_year = max(later, default=baseline_year)
    return effect(
        own,
        keyed(members),
        baseline_year=baseline_year,
        latest_year=latest_year,
        polarity=info.polarity,
        target=target,
    )


def most_improved_in(
    computation: Computation,
    unit_ids: Iterable[int],
    info: IndicatorInfo,
    from_year: int,
    to_year: int,
) -> Ranking:
    """The engine's "most improved" ranking of the units given (keys: unit ids as text)."""
    values = series_of(computation, info.pk, unit_ids, periods=(from_year, to_year))
    return engine.most_improved(
        keyed(values), from_year=from_year, to_year=to_year, polarity=info.polarity
    )


def most_improved(
    group: ComparisonGroup, indicator_code: str, from_year: int, to_year: int
) -> Ranking:
    """``group``'s members ranked by improvement of the indicator from ``from_year`` to
    ``to_year`` (see ``benchlearn.engine.effects.most_improved``)."""
    info = indicator_in(group.computation, indicator_code)
    return most_improved_in(group.computation, _members(group), info, from_year, to_year)
