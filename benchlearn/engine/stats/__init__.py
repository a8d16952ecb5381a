"""Statistics over comparison groups, and where each unit stands in its groups.

Two functions, frames in and frames out:

- :func:`group_stats` — one row per (group, indicator, period): n, mean, aggregate,
  quartiles, min/max, standard deviation, best and worst;
- :func:`unit_positions` — one row per (group, indicator, period, unit): rank,
  percentile, quartile, z-score, gaps to the median and to the best, change since the
  previous period.

Definitions, chosen so that an operator can reproduce every figure in Excel:

- **Missing values.** Null, NaN and infinite values count as missing: they are left
  out of ``n`` and of every statistic. A unit without a value gets no position. A
  figure that overflows a float (beyond about 10³⁰⁸) is null too: results never hold
  infinities.
- **Quartiles** (``q1``, ``median``, ``q3``) are Excel's ``QUARTILE.INC`` (the same as
  ``PERCENTILE.INC``, ``MEDIAN``, ``numpy.quantile`` and Polars'
  ``quantile(interpolation="linear")``): sort the n values x₀ ≤ … ≤ xₙ₋₁, take the
  position h = (n − 1)·p (p = 0.25, 0.5, 0.75) and interpolate linearly between the
  neighbouring values: x⌊h⌋ + (h − ⌊h⌋)·(x⌊h⌋₊₁ − x⌊h⌋). For {1, 2, 3, 4}: q1 = 1.75,
  q3 = 3.25; for a single value all three are that value.
- **Standard deviation** is the sample one (``STDEV.S``, n − 1 in the denominator),
  null when n < 2.
- **Aggregate** is the ratio of sums, Σ numerator / Σ denominator, over the units whose
  value, numerator and denominator are all present: the group taken as one big unit,
  which differs from the mean of the units' ratios. Null when the indicator declares
  no numerator and denominator or when the denominators sum to 0.
- **Best and worst** follow polarity: for higher-better indicators best = max and
  worst = min, for lower-better the reverse; for neutral ones both are null.
- **Rank**: 1 = best; tied units share the best rank of their tie ("min" ranking,
  Excel's ``RANK.EQ``: values 10, 10, 8 rank 1, 1, 3 when higher is better). Null for
  neutral indicators.
- **Percentile** = (n − rank) / (n − 1) · 100, and 100 in a group of one: the share of
  the *other* units in the group that this unit is better than or tied with (the best
  unit scores 100, the worst 0). For a higher-better indicator without ties it is
  Excel's ``PERCENTRANK.INC`` · 100; for lower-better it is counted from the other end.
  Null for neutral indicators.
- **Quartile** (1–4, 1 = the best quarter) = 4 − ⌊percentile / 25⌋, at least 1:
  1 for percentile ≥ 75, 2 for ≥ 50, 3 for ≥ 25, 4 below. This agrees with the box
  plot drawn from :func:`group_stats`: for a higher-better indicator quartile 1 ⇔
  value ≥ q3, 2 ⇔ median ≤ value < q3, 3 ⇔ q1 ≤ value < median, 4 ⇔ value < q1
  (mirrored for lower-better: 1 ⇔ value ≤ q1, …, 4 ⇔ value > q3). Null for neutral
  indicators.
- **z** = (value − mean) / std, null when std is null or 0.
- **Gaps** ``gap_median_pct`` and ``gap_best_pct`` = (value − reference) / |reference|
  · 100, with the sign as computed, *not* turned by polarity: +10 means "10 % above the
  median". So for a lower-better indicator (a cost) a negative gap is good; the gap to
  the best is ≤ 0 for higher-better and ≥ 0 for lower-better indicators, and null for
  neutral ones. Null when the reference is 0 or null.
- **Change** ``change_prev`` = value − the same unit's value of the indicator in period
  − 1 (null when that value is missing), and ``change_prev_pct`` = change / |previous
  value| · 100 (null when the previous value is 0). Same sign convention as the gaps.

How it is computed: the results are laid out as a dense NumPy array, one row per
(indicator, period) and one column per unit, which is what results look like (nearly
every unit has nearly every indicator). Each row is sorted once; the members of every
group are then ordered by their place in that sort with one more row-wise sort of
small integers, so every group's values come out sorted, and quantiles, ranks and ties
are index arithmetic. Means and variances are sums of deviations from the group's
median, exact for equal values and accurate for groups far from zero or from the
others. The aggregate is a matrix product with the (unit × group) membership matrix.
Nothing loops over units or groups in Python; rows are processed a few dozen cells at a
time only so that the work stays in the CPU cache. (Polars' own per-group sorts, ranks
and quantiles are much slower on the ≈ 33 million group-unit rows of a national
programme; ``bench/bench_stats.py`` measures this code.)

Where things are: ``layout`` lays results and groups out as arrays, ``sorting`` orders
every group's values, ``groups`` computes :func:`group_stats` and
:func:`unit_positions`, ``one_group`` places one value against a group's stored
statistics, ``common`` holds the column lists and the null-making arithmetic.

Codes (unit, indicator, group) are compared as strings, and come back as strings;
``period`` keeps its integer type.
"""

from benchlearn.engine.stats.common import GROUP_STATS_COLUMNS, UNIT_POSITIONS_COLUMNS
from benchlearn.engine.stats.groups import group_stats, unit_positions
from benchlearn.engine.stats.one_group import (
    Position,
    level_in_group,
    position_in_group,
    ranks_in_group,
    summary_of,
)

__all__ = [
    "GROUP_STATS_COLUMNS",
    "UNIT_POSITIONS_COLUMNS",
    "Position",
    "group_stats",
    "level_in_group",
    "position_in_group",
    "ranks_in_group",
    "summary_of",
    "unit_positions",
]
