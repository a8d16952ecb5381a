"""Resident survey figures: shares satisfied with honest intervals, means, and raking.

Frames in, frames (or arrays) out; every function works on all groups at once with
NumPy ``bincount`` so that 200,000 responses across 500 units take well under a second.
Definitions:

- **Valid answers.** Per question, a respondent counts when the answer is present
  (not null or NaN) and not one of the ``exclude`` codes (9 = "don't know"); the others
  are left out of that question's figures, not of the weighting.
- **n** is the number of valid answers; **share** the (weighted) share of them in the
  ``satisfied`` codes (top two boxes: 4, 5), a fraction; **mean** the (weighted) mean of
  the valid answers on the scale.
- **Effective sample size** (Kish): n_eff = (Σw)² / Σw² over the valid answers; it
  equals n when every weight is 1 (no weighting). The **design effect** is n / n_eff.
- **95 % interval**: Wilson's score interval on (share, n_eff) — for unweighted data the
  textbook Wilson interval, for weighted data Wilson on the Kish effective sample size
  (the Burgerpeiling's and ETC's practice). z = Φ⁻¹(0.975) = 1.959963984540054, kept as
  a constant so that the engine needs no SciPy; ``statsmodels``'
  ``proportion_confint(method="wilson")`` gives the same bounds (tests check it).
- **Raking** (iterative proportional fitting, Deming–Stephan) within each group: start
  from weight 1, scale the weights so that the weighted shares of each variable's
  categories match the margins, one variable after the other, and repeat until every
  margin is met within ``tolerance`` (1e-6, on the share scale); weights are then scaled
  to a mean of 1 within the group. A margin of a category with no respondent in the
  group cannot be met: that is reported before iterating; anything else that does not
  converge in ``max_iterations`` sweeps raises :class:`RakingError` too.
- **Respondents without a weighting answer** (no value, null or empty, in a raking
  variable: they did not give their sex or age band) are not raked: they keep weight 1,
  the mean weight, so they count as an average respondent and their answers stay in
  every figure; the margins are met among the respondents who gave every raking
  answer (``RakeResult.unweighted`` says who was not raked). Leaving them out would
  drop valid answers from people less willing to say their age; weighting them as
  if they were in some category would be a guess. A value the margins do not name
  (a typing or coding mistake such as ``K`` for ``F``) is an error, not a missing
  answer.
- **Trimming** (optional ``cap`` = k): after each sweep, weights above k × the group's
  mean weight are set to that limit and raking goes on, until the margins are met *and*
  no weight exceeds k × the mean (both within ``tolerance``). A cap too low for the
  margins never gets there and raises :class:`RakingError` ("raise the cap").
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import ArrayLike, NDArray

from benchlearn.engine.messages import Message, Problem, as_problems, gettext_noop

Floats = NDArray[np.float64]

# Φ⁻¹(0.975) = scipy.stats.norm.ppf(0.975), to the last digit of a double.
Z_95 = 1.959963984540054
TOLERANCE = 1e-6
MAX_ITERATIONS = 1000
# Shares of one variable's margins may be rounded (0.333, 0.333, 0.333): within this of 1
# they are taken, and scaled to add up to exactly 1.
MARGIN_SUM_TOLERANCE = 1e-3
ALL = "all"  # the group's name when there is no grouping column

STATS_COLUMNS = [
    "group",
    "question",
    "n",
    "n_effective",
    "share",
    "ci_low",
    "ci_high",
    "mean",
    "design_effect",
]

NO_MARGIN_COLUMN = gettext_noop("margins: no column %(variable)s in the responses")
MARGIN_SUM = gettext_noop("margins of %(variable)s in group %(group)s add up to %(total)s, not 1")
MARGIN_NEGATIVE = gettext_noop(
    "margin of %(variable)s = %(category)s in group %(group)s is negative or missing"
)
MARGIN_TWICE = gettext_noop(
    "margin of %(variable)s = %(category)s in group %(group)s is given more than once"
)
NO_GROUP_MARGINS = gettext_noop("group %(group)s has no margins")
GROUP_VARIABLES = gettext_noop(
    "group %(group)s has margins for %(found)s, other groups for %(expected)s"
)
EMPTY_CATEGORY = gettext_noop(
    "group %(group)s: no respondent has %(variable)s = %(category)s, "
    "whose margin is %(share)s: the margin cannot be met"
)
NO_CATEGORY = gettext_noop("%(variable)s is %(value)s, which has no margin in group %(group)s")
NOT_CONVERGED = gettext_noop(
    "raking did not meet the margins within %(tolerance)s after %(iterations)d iterations "
    "(largest gap %(gap)s in group %(group)s); check the margins or raise the cap"
)
BAD_CAP = gettext_noop("the cap on weights must be more than 1 (times the mean), not %(cap)s")


class RakingError(ValueError):
    """The margins cannot be met: every problem found, as :class:`Problem` objects
    (``found``, translatable; ``line`` is the respondent's row number plus
    ``first_line`` − 1 where a respondent is at fault) and in English (``problems``)."""

    def __init__(self, problems: Sequence[str | Message | Problem]) -> None:
        self.found = as_problems(problems)
        self.problems = [str(problem.located()) for problem in self.found]
        super().__init__("\n".join(self.problems))


def wilson_interval(share: ArrayLike, n: ArrayLike, *, z: float = Z_95) -> tuple[Floats, Floats]:
    """Wilson's score interval (low, high) for a share (a fraction) out of ``n``.

    Vectorised over arrays; ``n`` may be fractional (an effective sample size). Where
    n ≤ 0 or the share is NaN both bounds are NaN. Bounds are clipped to [0, 1]
    (rounding only)."""
    p = np.asarray(share, dtype=np.float64)
    size = np.asarray(n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        z2n = z * z / size
        centre = (p + z2n / 2) / (1 + z2n)
        half = z / (1 + z2n) * np.sqrt(p * (1 - p) / size + z2n / (4 * size))
        defined = (size > 0) & ~np.isnan(p)
        low = np.where(defined, np.clip(centre - half, 0.0, 1.0), np.nan)
        high = np.where(defined, np.clip(centre + half, 0.0, 1.0), np.nan)
    return low, high


def kish_effective_n(weights: ArrayLike) -> float:
    """Kish's effective sample size (Σw)² / Σw²; 0 for no (or all-zero) weights."""
    w = np.asarray(weights, dtype=np.float64)
    squares = float(np.dot(w, w))
    return float(w.sum()) ** 2 / squares if squares > 0 else 0.0


def design_effect(weights: ArrayLike) -> float:
    """Kish's design effect of weighting, n / n_eff (1 for equal weights; NaN if none)."""
    w = np.asarray(weights, dtype=np.float64)
    effective = kish_effective_n(w)
    return w.size / effective if effective > 0 else float("nan")


def weighted_share_interval(
    satisfied: ArrayLike, weights: ArrayLike, *, z: float = Z_95
) -> tuple[float, float, float, float]:
    """(share, n_eff, low, high) of one group's valid answers: ``satisfied`` is a boolean
    per answer, ``weights`` its weight (all 1 for an unweighted survey); the interval is
    Wilson on the weighted share with the Kish effective sample size."""
    w = np.asarray(weights, dtype=np.float64)
    hits = np.asarray(satisfied, dtype=bool)
    total = float(w.sum())
    share = float(w[hits].sum()) / total if total > 0 else float("nan")
    effective = kish_effective_n(w)
    low, high = wilson_interval(share, effective, z=z)
    return share, effective, float(low), float(high)


def scale_mean(answers: ArrayLike, weights: ArrayLike | None = None) -> float:
    """The (weighted) mean of the answers on the scale, NaN and missing left out."""
    x = np.asarray(answers, dtype=np.float64)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=np.float64)
    valid = ~np.isnan(x)
    total = float(w[valid].sum())
    return float(np.dot(w[valid], x[valid])) / total if total > 0 else float("nan")


def group_codes(frame: pl.DataFrame, group: str | None) -> tuple[NDArray[np.intp], list[str]]:
    """Each row's group number and the group names (sorted, as text); one group named
    :data:`ALL` when ``group`` is None."""
    if group is None:
        return np.zeros(frame.height, dtype=np.intp), [ALL]
    names = frame[group].cast(pl.String).fill_null("")
    labels = names.unique().sort()
    codes = names.to_frame("g").join(
        labels.to_frame("g").with_row_index("code"), on="g", how="left", maintain_order="left"
    )["code"]
    return codes.to_numpy().astype(np.intp), labels.to_list()


def survey_stats(
    answers: pl.DataFrame,
    *,
    questions: Sequence[str],
    satisfied: Collection[float],
    exclude: Collection[float] = (),
    group: str | None = None,
    weights: ArrayLike | None = None,
    z: float = Z_95,
) -> pl.DataFrame:
    """One row per (group, question): n, n_effective, share satisfied with its Wilson
    interval (fractions), mean and design effect (columns :data:`STATS_COLUMNS`).

    ``answers`` has a numeric column per question (null = no answer) and, with
    ``group``, the grouping column; ``weights`` (one per row, e.g. :func:`rake`'s) or
    none. Rows come by group (sorted as text) then question in the order given; a group
    with no valid answer to a question gets n = 0 and null figures."""
    codes, labels = group_codes(answers, group)
    count = len(labels)
    w = np.ones(answers.height) if weights is None else np.asarray(weights, dtype=np.float64)
    good = np.asarray(sorted(satisfied), dtype=np.float64)
    bad = np.asarray(sorted(exclude), dtype=np.float64)
    parts = []
    for question in questions:
        x = answers[question].cast(pl.Float64).fill_null(np.nan).to_numpy()
        valid = ~np.isnan(x) & ~np.isin(x, bad)
        wv = np.where(valid, w, 0.0)
        n = np.bincount(codes, weights=valid, minlength=count)
        total = np.bincount(codes, weights=wv, minlength=count)
        squares = np.bincount(codes, weights=wv * w, minlength=count)
        hits = np.bincount(codes, weights=np.where(np.isin(x, good), wv, 0.0), minlength=count)
        sums = np.bincount(codes, weights=np.where(valid, wv * x, 0.0), minlength=count)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(total > 0, hits / total, np.nan)
            mean = np.where(total > 0, sums / total, np.nan)
            effective = np.where(squares > 0, total * total / squares, 0.0)
            effect = np.where(effective > 0, n / effective, np.nan)
        if weights is None:
            effective = n  # exactly, not (Σ1)²/Σ1 in floating point
        low, high = wilson_interval(share, effective, z=z)
        parts.append(
            pl.DataFrame(
                {
                    "group": labels,
                    "question": [question] * count,
                    "n": n.astype(np.int64),
                    "n_effective": effective.astype(np.float64),
                    "share": share,
                    "ci_low": low,
                    "ci_high": high,
                    "mean": mean,
                    "design_effect": effect,
                }
            ).fill_nan(None)
        )
    if not parts:
        return pl.DataFrame(schema=dict.fromkeys(STATS_COLUMNS, pl.Float64)).select(STATS_COLUMNS)
    order = pl.DataFrame({"group": labels}).with_row_index("_g")
    joined = pl.concat(parts).with_row_index("_q").join(order, on="group")
    return joined.sort("_g", "_q").select(STATS_COLUMNS)


def weight_summary(
    respondents: pl.DataFrame, *, group: str | None = None, weights: ArrayLike
) -> pl.DataFrame:
    """Per group (sorted as text): respondents ``n``, Kish ``n_effective``, the
    ``design_effect`` n / n_eff of the weights, and the smallest and largest weight
    relative to the group's mean (``min_weight``, ``max_weight``)."""
    codes, labels = group_codes(respondents, group)
    count = len(labels)
    w = np.asarray(weights, dtype=np.float64)
    n = np.bincount(codes, minlength=count).astype(np.float64)
    total = np.bincount(codes, weights=w, minlength=count)
    squares = np.bincount(codes, weights=w * w, minlength=count)
    highest = np.full(count, -np.inf)
    lowest = np.full(count, np.inf)
    np.maximum.at(highest, codes, w)
    np.minimum.at(lowest, codes, w)
    with np.errstate(divide="ignore", invalid="ignore"):
        effective = np.where(squares > 0, total * total / squares, 0.0)
        mean = total / n
        return pl.DataFrame(
            {
                "group": labels,
                "n": n.astype(np.int64),
                "n_effective": effective,
                "design_effect": np.where(effective > 0, n / effective, np.nan),
                "min_weight": np.where(n > 0, lowest / mean, np.nan),
                "max_weight": np.where(n > 0, highest / mean, np.nan),
            }
        ).fill_nan(None)


@dataclass(frozen=True)
class RakeResult:
    """Raking's outcome: ``weights`` aligned with the respondents' rows (mean 1 within
    each group), the number of sweeps it took, and which respondents were not raked
    (``unweighted``: no value in a raking variable; their weight is 1)."""

    weights: Floats
    iterations: int
    unweighted: NDArray[np.bool_]

    @property
    def unweighted_count(self) -> int:
        return int(self.unweighted.sum())


@dataclass(frozen=True)
class _Variable:
    name: str
    cells: NDArray[np.intp]  # each respondent's cell: group × categories + category
    targets: Floats  # target share per cell (groups × categories, flattened)
    listed: NDArray[np.bool_]  # whether the margins name the cell
    categories: list[str]
    missing: NDArray[np.bool_]  # respondents with no value (null or empty)
    unlisted: NDArray[np.bool_]  # respondents with a value the margins do not name

    def placed(self, rows: NDArray[np.bool_]) -> _Variable:
        """The variable of the respondents ``rows`` only."""
        return _Variable(
            self.name,
            self.cells[rows],
            self.targets,
            self.listed,
            self.categories,
            self.missing[rows],
            self.unlisted[rows],
        )


def _margin_groups(margins: pl.DataFrame, labels: list[str], grouped: bool) -> pl.DataFrame:
    """The margins with a ``_g`` column: the group number (every group when the margins
    have no group column)."""
    order = pl.DataFrame({"group": labels}).with_row_index("_g")
    if not grouped:
        return margins.join(order, how="cross")
    return margins.with_columns(pl.col("group").cast(pl.String)).join(order, on="group")


def _check_margins(margins: pl.DataFrame, labels: list[str], grouped: bool) -> list[Message]:
    problems: list[Message] = []
    for row in margins.filter(pl.col("share").is_null() | (pl.col("share") < 0)).iter_rows(
        named=True
    ):
        params = {k: str(row[k]) for k in ("variable", "category", "group")}
        problems.append(Message(MARGIN_NEGATIVE, params))
    sums = margins.group_by("group", "variable", maintain_order=True).agg(pl.col("share").sum())
    for row in sums.filter((pl.col("share") - 1).abs() > MARGIN_SUM_TOLERANCE).iter_rows(
        named=True
    ):
        params = {"variable": row["variable"], "group": row["group"], "total": f"{row['share']:g}"}
        problems.append(Message(MARGIN_SUM, params))
    duplicated = margins.filter(pl.struct("group", "variable", "category").is_duplicated())
    for row in duplicated.unique(["group", "variable", "category"]).iter_rows(named=True):
        params = {k: str(row[k]) for k in ("variable", "category", "group")}
        problems.append(Message(MARGIN_TWICE, params))
    if grouped:
        known = set(margins["group"].to_list())
        problems += [Message(NO_GROUP_MARGINS, {"group": g}) for g in labels if g not in known]
        per_group = margins.group_by("group").agg(pl.col("variable").unique().sort())
        expected = sorted(set(margins["variable"].to_list()))
        for name, found in per_group.iter_rows():
            if name in labels and sorted(found) != expected:
                params = {"group": name, "found": ", ".join(found)}
                problems.append(
                    Message(GROUP_VARIABLES, params | {"expected": ", ".join(expected)})
                )
    return problems


def _variable(
    respondents: pl.DataFrame,
    margins: pl.DataFrame,
    name: str,
    codes: NDArray[np.intp],
    labels: list[str],
    first_line: int,
) -> tuple[_Variable, list[Message | Problem]]:
    own = margins.filter(pl.col("variable") == name)
    categories = own["category"].unique().sort().to_list()
    width = len(categories)
    index = {category: number for number, category in enumerate(categories)}
    cell = own["_g"].to_numpy().astype(np.intp) * width + np.asarray(
        [index[c] for c in own["category"].to_list()], dtype=np.intp
    )
    targets = np.zeros(len(labels) * width)
    listed = np.zeros(len(labels) * width, dtype=bool)
    totals = np.bincount(own["_g"].to_numpy().astype(np.intp), own["share"].to_numpy(), len(labels))
    targets[cell] = own["share"].to_numpy() / totals[own["_g"].to_numpy()]
    listed[cell] = True
    values = respondents[name].cast(pl.String).str.strip_chars()
    missing = (values.is_null() | (values == "")).to_numpy()
    category = values.replace_strict(
        categories, list(range(width)), default=-1, return_dtype=pl.Int64
    )
    found = category.to_numpy().astype(np.intp)
    cells = codes * width + np.maximum(found, 0)
    unlisted = ((found < 0) | ~listed[cells]) & ~missing
    problems: list[Message | Problem] = []
    for row in np.flatnonzero(unlisted)[:10]:
        params: dict[str, str | int | Message] = {"variable": name, "value": values[int(row)]}
        message = Message(NO_CATEGORY, params | {"group": labels[codes[row]]})
        problems.append(Problem(message, code=name, line=int(row) + first_line))
    if unlisted.sum() > 10:
        problems.append(Message.verbatim(f"… and {unlisted.sum() - 10} more respondents"))
    return _Variable(name, cells, targets, listed, categories, missing, unlisted), problems


def _empty_categories(variable: _Variable, labels: list[str]) -> list[Message]:
    """Margins no (placed) respondent can meet: a category nobody in the group is in."""
    width = len(variable.categories)
    counts = np.bincount(variable.cells, minlength=len(labels) * width)
    problems = []
    for empty in np.flatnonzero(variable.listed & (variable.targets > 0) & (counts == 0)):
        params: dict[str, str | int | Message] = {"group": labels[empty // width]}
        params |= {"variable": variable.name, "category": variable.categories[empty % width]}
        problems.append(Message(EMPTY_CATEGORY, params | {"share": f"{variable.targets[empty]:g}"}))
    return problems


def rake(
    respondents: pl.DataFrame,
    margins: pl.DataFrame,
    *,
    group: str | None = None,
    cap: float | None = None,
    tolerance: float = TOLERANCE,
    max_iterations: int = MAX_ITERATIONS,
    first_line: int = 1,
) -> RakeResult:
    """Raking weights, within each group, to ``margins``.

    ``margins`` has the columns ``variable, category, share`` (shares of one variable
    adding up to 1 within 0.001, scaled to exactly 1), and optionally ``group`` first
    for margins per group (then every group of the respondents needs them, for the
    same variables); without it the same margins hold in every group. Each ``variable``
    is a column of ``respondents``, whose values are compared with the categories as
    text (stripped). A value needs a category that has a margin in its group; a
    respondent with no value (null or empty) in some variable is not raked and keeps
    weight 1 (see the module's notes). ``cap`` (k > 1) trims weights to at most k × the
    group's mean weight (see the module's notes). Problems raise :class:`RakingError`,
    respondents named by row number counted from ``first_line`` (2 for a CSV file with
    a header line)."""
    if cap is not None and not cap > 1:
        raise RakingError([Message(BAD_CAP, {"cap": f"{cap:g}"})])
    codes, labels = group_codes(respondents, group)
    grouped = "group" in margins.columns
    margins = margins.with_columns(
        pl.col("variable").cast(pl.String).str.strip_chars(),
        pl.col("category").cast(pl.String).str.strip_chars(),
        pl.col("share").cast(pl.Float64),
    )
    if not grouped:
        margins = margins.with_columns(group=pl.lit(ALL))
    else:
        margins = margins.with_columns(pl.col("group").cast(pl.String).str.strip_chars())
    problems: list[Message | Problem] = [*_check_margins(margins, labels, grouped)]
    names = margins["variable"].unique(maintain_order=True).to_list()
    problems += [
        Message(NO_MARGIN_COLUMN, {"variable": name})
        for name in names
        if name not in respondents.columns
    ]
    if problems:
        raise RakingError(problems)
    placed = _margin_groups(margins.drop("group") if not grouped else margins, labels, grouped)
    variables = []
    for name in names:
        variable, found = _variable(respondents, placed, name, codes, labels, first_line)
        variables.append(variable)
        problems += found
    unweighted = np.zeros(respondents.height, dtype=bool)
    wrong = np.zeros(respondents.height, dtype=bool)
    for variable in variables:
        unweighted |= variable.missing
        wrong |= variable.unlisted
    raked = ~unweighted
    for variable in variables:
        problems += _empty_categories(variable.placed(raked & ~wrong), labels)
    if problems:
        raise RakingError(problems)
    variables = [variable.placed(raked) for variable in variables]
    weights = np.ones(respondents.height)
    weights[raked], iterations = _fit(
        codes[raked], labels, variables, cap, tolerance, max_iterations
    )
    return RakeResult(weights, iterations, unweighted)


def _fit(
    codes: NDArray[np.intp],
    labels: list[str],
    variables: list[_Variable],
    cap: float | None,
    tolerance: float,
    max_iterations: int,
) -> tuple[Floats, int]:
    count = len(labels)
    sizes = np.bincount(codes, minlength=count).astype(np.float64)
    weights = np.ones(codes.size)
    # Trimmed respondents keep the cap; the others are raked to what is left of the
    # margins. Once the margins are met a group's weights add up to its size, so the
    # mean is 1 and "k × the mean" is k.
    fixed = np.zeros(codes.size, dtype=bool)
    cell_group = [np.arange(v.targets.size) // (v.targets.size // count) for v in variables]
    for iteration in range(max_iterations + 1):
        gaps = _gaps(codes, count, variables, cell_group, weights)
        if gaps.max(initial=0.0) <= tolerance:
            if cap is None:
                break
            over = ~fixed & (weights > cap * (1 + tolerance))
            if not over.any():
                break
            fixed |= over
            weights[over] = cap
        elif iteration == max_iterations:
            worst = int(np.argmax(gaps))
            params: dict[str, str | int | Message] = {"tolerance": f"{tolerance:g}"}
            params |= {"iterations": max_iterations, "gap": f"{gaps[worst]:.3g}"}
            params["group"] = labels[worst]
            raise RakingError([Message(NOT_CONVERGED, params)])
        for variable, groups in zip(variables, cell_group, strict=True):
            free = np.where(fixed, 0.0, weights)
            sums = np.bincount(variable.cells, weights=free, minlength=variable.targets.size)
            wanted = variable.targets * sizes[groups]
            if cap is not None:
                kept = np.bincount(variable.cells, weights=weights - free, minlength=sums.size)
                wanted = np.maximum(wanted - kept, 0.0)
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(sums > 0, wanted / sums, 1.0)
            weights = np.where(fixed, weights, weights * factor[variable.cells])
    else:  # pragma: no cover - the loop always breaks or raises
        raise AssertionError
    totals = np.bincount(codes, weights=weights, minlength=count)
    with np.errstate(divide="ignore", invalid="ignore"):
        weights *= (sizes / totals)[codes]
    return weights, iteration


def _gaps(
    codes: NDArray[np.intp],
    count: int,
    variables: list[_Variable],
    cell_group: list[NDArray[np.intp]],
    weights: Floats,
) -> Floats:
    """Per group, the largest distance between a weighted share and its margin."""
    totals = np.bincount(codes, weights=weights, minlength=count)
    gaps = np.zeros(count)
    for variable, groups in zip(variables, cell_group, strict=True):
        sums = np.bincount(variable.cells, weights=weights, minlength=variable.targets.size)
        with np.errstate(divide="ignore", invalid="ignore"):
            gap = np.abs(sums / totals[groups] - variable.targets)
        gap = np.where(variable.listed, np.nan_to_num(gap, nan=np.inf), 0.0)
        np.maximum.at(gaps, groups, gap)
    return gaps
