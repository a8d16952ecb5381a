"""Did an action work? A unit's change of one indicator against its group's changes.

Plain arithmetic on small series (a year → value mapping per unit), for the plans'
"Did it work?" figures and the groups' "most improved" lists. Definitions:

- **Change** = latest value − baseline value; **relative change** = change / |baseline|
  · 100, None when the baseline is 0. Signs as computed, not turned by polarity
  (+5 means "5 more"), as the gaps of :mod:`benchlearn.engine.stats`.
- **The group's changes** are those of the members with a value at *both* years (the
  unit among them when the caller passes it: the selectors do, so that the group's
  median is the one the other pages show); ``members`` says how many. Fewer than
  :data:`MIN_MEMBERS` give no group figures (reason ``too_few_members``).
- **Median and quartiles** of the changes are Excel's ``QUARTILE.INC``, computed by
  :func:`~benchlearn.engine.stats.summary_of` as every other group statistic.
- **Difference** (difference-in-differences) = own change − the group's median change,
  and the same with relative changes (own % − median of the members' %, over those
  with a non-zero baseline).
- **Within normal variation**: the own change lies in the group's interquartile range
  of changes, Q1 ≤ change ≤ Q3 (both ends included).
- **Better or worse**: a positive difference is better for a higher-better indicator
  and worse for a lower-better one; a difference of (about) 0 is ``same``; a neutral
  indicator has no verdict, only the numbers. ``improved`` says the same of the own
  change alone.
- **Target met**: latest ≥ target (higher better) or ≤ target (lower better); for a
  neutral indicator the target's side of the baseline gives the direction (a target
  above the baseline is met at or above it, below at or below it, equal when equal).

"Most improved" (:func:`most_improved`) ranks the members by their *absolute* change,
turned by polarity so that a larger improvement is better. Absolute, not relative:
all members measure the same indicator in the same unit, so absolute changes are
comparable, while percentages inflate small baselines, are undefined at 0 and treat a
rise and an equal fall unequally (+50 % then −33 % is back where it started); dividing
by the group's spread would not change an order within one indicator. Ties share the
best rank (``RANK.EQ``, as the group ranks); members without a value at either year
are not ranked but listed with the missing year; neutral indicators have no ranking.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from benchlearn.engine.catalogue import Polarity
from benchlearn.engine.stats import summary_of

Series = Mapping[int, float | None]

# Below three members with both years a median and quartiles say nothing about
# "normal" variation (two members: the median is their mean and the band their span).
MIN_MEMBERS = 3

# Reason codes: why a result is missing or partial.
NO_BASELINE = "no_baseline"  # the unit has no value at the baseline year
NO_LATEST = "no_latest"  # the unit has no value at the latest year
NOT_LATER = "latest_not_after_baseline"  # latest year ≤ baseline year
TOO_FEW_MEMBERS = "too_few_members"  # fewer than MIN_MEMBERS with both years
NEUTRAL = "neutral"  # most improved: a neutral indicator has no direction

BETTER, WORSE, SAME = "better", "worse", "same"


def value_at(series: Series, year: int) -> float | None:
    """The series' value at ``year``, None when missing, NaN or infinite."""
    value = series.get(year)
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def relative(change: float, baseline: float) -> float | None:
    """change / |baseline| · 100, None when the baseline is 0."""
    if baseline == 0:
        return None
    found = change * (100.0 / abs(baseline))
    return found if math.isfinite(found) else None


def verdict(
    difference: float | None, polarity: Polarity | str, *, scale: float = 1.0
) -> str | None:
    """``better``, ``worse`` or ``same`` for a difference (or a change), by polarity;
    None for a neutral indicator or no difference. Within 1e-9 of ``scale`` (the size of
    the figures compared) counts as the same: medians are interpolated."""
    polarity = Polarity(polarity)
    if difference is None or polarity == Polarity.NEUTRAL:
        return None
    if abs(difference) <= 1e-9 * max(abs(scale), 1.0):
        return SAME
    up = difference > 0
    return BETTER if up == (polarity == Polarity.HIGHER_BETTER) else WORSE


def target_met(
    latest: float, target: float | None, polarity: Polarity | str, *, baseline: float
) -> bool | None:
    """Whether ``latest`` reached ``target`` (None without a target); see the module."""
    if target is None:
        return None
    polarity = Polarity(polarity)
    if polarity == Polarity.HIGHER_BETTER:
        return latest >= target
    if polarity == Polarity.LOWER_BETTER:
        return latest <= target
    if target > baseline:
        return latest >= target
    if target < baseline:
        return latest <= target
    return latest == target


@dataclass(frozen=True)
class Effect:
    """A unit's change of one indicator between two years against its group's.

    ``reason`` is None when every figure could be computed; ``no_baseline``,
    ``no_latest`` or ``latest_not_after_baseline`` leave every figure None;
    ``too_few_members`` keeps the unit's own figures and leaves the group's None."""

    baseline_year: int
    latest_year: int
    reason: str | None = None
    baseline: float | None = None
    latest: float | None = None
    target: float | None = None
    target_met: bool | None = None
    change: float | None = None
    change_pct: float | None = None
    improved: str | None = None  # better / worse / same by polarity; None when neutral
    members: int = 0  # members with a value at both years
    group_median_change: float | None = None
    group_q1_change: float | None = None
    group_q3_change: float | None = None
    group_median_change_pct: float | None = None
    members_pct: int = 0  # of them, with a non-zero baseline
    difference: float | None = None
    difference_pct: float | None = None
    within_normal: bool | None = None
    verdict: str | None = None  # of the difference: better / worse / same; None when neutral

    @property
    def measured(self) -> bool:
        """The unit's own change is known."""
        return self.change is not None

    @property
    def compared(self) -> bool:
        """The group's figures are known too."""
        return self.difference is not None


def changes(
    members: Mapping[str, Series], baseline_year: int, latest_year: int
) -> dict[str, tuple[float, float]]:
    """{member: (baseline, latest)} for the members with a value at both years."""
    found = {}
    for key, series in members.items():
        start, end = value_at(series, baseline_year), value_at(series, latest_year)
        if start is not None and end is not None:
            found[key] = (start, end)
    return found


def effect(
    own: Series,
    members: Mapping[str, Series],
    *,
    baseline_year: int,
    latest_year: int,
    polarity: Polarity | str,
    target: float | None = None,
) -> Effect:
    """The figures of the module docstring for the unit whose values are ``own``, in
    the group whose members' values are ``members`` (the unit among them, or not: the
    caller decides)."""
    polarity = Polarity(polarity)
    empty = Effect(baseline_year, latest_year, target=target)
    if latest_year <= baseline_year:
        return replace(empty, reason=NOT_LATER)
    baseline, latest = value_at(own, baseline_year), value_at(own, latest_year)
    if baseline is None:
        return replace(empty, reason=NO_BASELINE)
    if latest is None:
        return replace(empty, reason=NO_LATEST)
    change = latest - baseline
    scale = max(abs(baseline), abs(latest))
    pairs = changes(members, baseline_year, latest_year)
    found = replace(
        empty,
        baseline=baseline,
        latest=latest,
        target_met=target_met(latest, target, polarity, baseline=baseline),
        change=change,
        change_pct=relative(change, baseline),
        improved=verdict(change, polarity, scale=scale),
        members=len(pairs),
    )
    if len(pairs) < MIN_MEMBERS:
        return replace(found, reason=TOO_FEW_MEMBERS)
    summary = summary_of(np.array([end - start for start, end in pairs.values()]), polarity)
    median, q1, q3 = summary["median"], summary["q1"], summary["q3"]
    assert median is not None and q1 is not None and q3 is not None  # n ≥ MIN_MEMBERS
    difference = change - float(median)
    shares = [relative(end - start, start) for start, end in pairs.values()]
    pcts = [share for share in shares if share is not None]
    median_pct = summary_of(np.array(pcts), polarity)["median"] if pcts else None
    difference_pct = None
    if median_pct is not None and found.change_pct is not None:
        difference_pct = found.change_pct - float(median_pct)
    return replace(
        found,
        group_median_change=float(median),
        group_q1_change=float(q1),
        group_q3_change=float(q3),
        group_median_change_pct=None if median_pct is None else float(median_pct),
        members_pct=len(pcts),
        difference=difference,
        difference_pct=difference_pct,
        within_normal=float(q1) - 1e-9 * scale <= change <= float(q3) + 1e-9 * scale,
        verdict=verdict(difference, polarity, scale=scale),
    )


@dataclass(frozen=True)
class Improvement:
    """One member in a "most improved" ranking. ``rank`` 1 = most improved, ties share
    the best rank; ``improvement`` = the change turned by polarity (> 0 improved)."""

    key: str
    rank: int
    baseline: float
    latest: float
    change: float
    change_pct: float | None
    improvement: float


@dataclass(frozen=True)
class Ranking:
    """ "Most improved" in a group for one indicator and two years: ``ranked`` best
    first (ties by key), ``missing`` {member: the first year without a value}, and a
    ``reason`` when nothing is ranked (``neutral``, ``latest_not_after_baseline``)."""

    from_year: int
    to_year: int
    ranked: list[Improvement] = field(default_factory=list)
    missing: dict[str, int] = field(default_factory=dict)
    reason: str | None = None

    def top(self, count: int = 3) -> list[Improvement]:
        """The members ranked within the first ``count`` who improved (improvement > 0);
        ties at the cut all come (ranks 1, 2, 3, 3 give four)."""
        return [i for i in self.ranked if i.rank <= count and i.improvement > 0]


def most_improved(
    members: Mapping[str, Series], *, from_year: int, to_year: int, polarity: Polarity | str
) -> Ranking:
    """The members of a group ranked by improvement from ``from_year`` to ``to_year``
    (see the module docstring)."""
    polarity = Polarity(polarity)
    if to_year <= from_year:
        return Ranking(from_year, to_year, reason=NOT_LATER)
    pairs = changes(members, from_year, to_year)
    missing = {
        key: from_year if value_at(series, from_year) is None else to_year
        for key, series in sorted(members.items())
        if key not in pairs
    }
    if polarity == Polarity.NEUTRAL:
        return Ranking(from_year, to_year, missing=missing, reason=NEUTRAL)
    sign = 1.0 if polarity == Polarity.HIGHER_BETTER else -1.0
    rows = sorted(
        ((sign * (end - start), key, start, end) for key, (start, end) in pairs.items()),
        key=lambda row: (-row[0], row[1]),
    )
    ranked: list[Improvement] = []
    for place, (improvement, key, start, end) in enumerate(rows, start=1):
        tied = ranked and math.isclose(ranked[-1].improvement, improvement, rel_tol=1e-9)
        rank = ranked[-1].rank if tied else place
        change = end - start
        ranked.append(
            Improvement(key, rank, start, end, change, relative(change, start), improvement)
        )
    return Ranking(from_year, to_year, ranked=ranked, missing=missing)
