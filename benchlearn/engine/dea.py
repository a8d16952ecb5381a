"""Data envelopment analysis (DEA): radial efficiency, slacks and peers.

The envelopment form with constant (CCR) or variable (BCC) returns to scale, input or
output orientation, solved in two stages for each unit:

1. the radial score: the smallest θ (input orientation) to which all inputs can be
   shrunk, or the largest φ (output orientation) by which all outputs can be grown,
   staying inside the technology spanned by the units;
2. with that score fixed, the largest sum of the remaining input and output slacks;
   the λ weights of this stage name the unit's peers.

Units that DEA cannot score (missing values, zero or negative inputs, negative outputs,
no output at all) are listed in ``excluded`` with the reason, never dropped silently.

Speed: one HiGHS model is built once and re-solved for every unit with only the unit's
own numbers changed, starting from the previous optimal basis. The model does not carry
one λ column per unit: it starts with the evaluated unit's own column and adds a unit's
column only when its reduced cost shows that it would improve the optimum (column
generation, priced over all units with NumPy). Every solution is therefore optimal for
the full envelopment LP, while the model holds little more than the frontier units
(tests compare it with the full LP solved unit by unit).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import highspy
import numpy as np
import numpy.typing as npt
import polars as pl

Rts = Literal["crs", "vrs"]
Orientation = Literal["input", "output"]
FloatArray = npt.NDArray[np.float64]

SCORE_TOLERANCE = 1e-6
"""A score within this distance of 1 counts as 1."""
SLACK_TOLERANCE = 1e-6
"""Slacks below this share of the variable's mean level count as 0."""
PEER_TOLERANCE = 1e-9
"""λ weights at or below this are not peers."""

_PRICING_TOLERANCE = 1e-9
_COLUMNS_PER_PRICING = 16
_INF = highspy.kHighsInf
_OPTIMAL = highspy.HighsModelStatus.kOptimal


@dataclass(frozen=True)
class DeaResult:
    """The outcome of :func:`dea`.

    ``scores``: one row per scored unit: ``id``, ``efficiency`` in (0, 1], the raw
    ``theta`` (input orientation) or ``phi`` (output orientation, efficiency = 1/φ),
    ``efficient`` (Pareto-Koopmans: score 1 and no slack), ``weakly_efficient`` (score 1
    but some slack left), then ``slack_<name>`` for every input and every output, in the
    variables' own units.

    ``peers``: ``id``, ``peer``, ``lambda``: the reference units of each scored unit with
    their weights from the slack stage (λ > 1e-9). An efficient unit is its own only peer.

    ``excluded``: ``id``, ``reason``: the units that could not be scored.
    """

    scores: pl.DataFrame
    peers: pl.DataFrame
    excluded: pl.DataFrame
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    rts: Rts
    orientation: Orientation


def dea(
    data: pl.DataFrame,
    *,
    id: str,
    inputs: Sequence[str],
    outputs: Sequence[str],
    rts: Rts = "crs",
    orientation: Orientation = "input",
) -> DeaResult:
    """Radial DEA efficiency, slacks and peers of every unit (row) of ``data``.

    ``id`` names the column identifying units; ``inputs`` and ``outputs`` name numeric
    columns. ``rts`` is ``"crs"`` (CCR) or ``"vrs"`` (BCC); ``orientation`` is
    ``"input"`` (shrink inputs, efficiency θ) or ``"output"`` (grow outputs,
    efficiency 1/φ). Slacks maximise the plain sum of slacks in the variables' units, as
    the R package Benchmarking does; scores never depend on units of measurement, but
    when several slack solutions are optimal, which one is reported may.

    Raises ``ValueError`` for unknown or non-numeric columns, no inputs or outputs, a
    column used twice, missing or duplicated ids, fewer than 2 scorable units, and a bad
    ``rts`` or ``orientation``.
    """
    inputs, outputs = tuple(inputs), tuple(outputs)
    _check_arguments(data, id, inputs, outputs, rts, orientation)
    reasons = _exclusion_reasons(data, id, inputs, outputs)
    excluded = reasons.filter(pl.col("reason") != "").rename({id: "id"}).select("id", "reason")
    usable = data.filter(reasons["reason"] == "")
    if usable.height < 2:
        raise ValueError(
            f"DEA needs at least 2 units with complete, valid data; found {usable.height} "
            f"({excluded.height} excluded)"
        )
    x = usable.select(inputs).cast(pl.Float64).to_numpy()
    y = usable.select(outputs).cast(pl.Float64).to_numpy()
    solutions = _solve_all(x, y, rts, orientation)
    ids = usable[id]
    return DeaResult(
        scores=_scores_frame(ids, solutions, inputs, outputs, orientation),
        peers=_peers_frame(ids, solutions),
        excluded=excluded,
        inputs=inputs,
        outputs=outputs,
        rts=rts,
        orientation=orientation,
    )


def min_units(inputs: int, outputs: int) -> int:
    """The fewest units a frontier of ``inputs`` inputs and ``outputs`` outputs needs
    by the usual rule of thumb, max(m·s, 3·(m + s)): with fewer, so many units are
    alone in some direction of the data that nearly all of them come out efficient."""
    if inputs < 1 or outputs < 1:
        raise ValueError("DEA needs at least one input and one output")
    return max(inputs * outputs, 3 * (inputs + outputs))


def dea_exclusions(
    data: pl.DataFrame, *, id: str, inputs: Sequence[str], outputs: Sequence[str]
) -> pl.DataFrame:
    """``id``, ``reason`` of the units of ``data`` that :func:`dea` would not score;
    the others are the units a frontier would be drawn from."""
    inputs, outputs = tuple(inputs), tuple(outputs)
    reasons = _exclusion_reasons(data, id, inputs, outputs)
    return reasons.filter(pl.col("reason") != "").rename({id: "id"}).select("id", "reason")


def peers_text(result: DeaResult) -> pl.DataFrame:
    """``id``, ``efficiency``, ``peers`` with peers written ``id:lambda;id:lambda``.

    Peers are listed by decreasing λ, each λ with 4 decimals.
    """
    listed: dict[object, list[tuple[float, str]]] = {}
    for unit, peer, weight in result.peers.iter_rows():
        listed.setdefault(unit, []).append((weight, f"{peer}:{weight:.4f}"))
    text = [
        ";".join(item for _, item in sorted(listed.get(unit, []), key=lambda pair: -pair[0]))
        for unit in result.scores["id"]
    ]
    return result.scores.select("id", "efficiency").with_columns(
        pl.Series("peers", text, dtype=pl.String)
    )


def dea_table(result: DeaResult) -> pl.DataFrame:
    """The table the CLI writes: ``id, efficiency, peers, slack_<input>…, slack_<output>…``."""
    slacks = [f"slack_{name}" for name in (*result.inputs, *result.outputs)]
    return peers_text(result).hstack(result.scores.select(slacks))


# --- checking and excluding ------------------------------------------------------------


def _check_arguments(
    data: pl.DataFrame,
    id: str,
    inputs: tuple[str, ...],
    outputs: tuple[str, ...],
    rts: str,
    orientation: str,
) -> None:
    if rts not in ("crs", "vrs"):
        raise ValueError(f"rts must be 'crs' or 'vrs', not {rts!r}")
    if orientation not in ("input", "output"):
        raise ValueError(f"orientation must be 'input' or 'output', not {orientation!r}")
    if not inputs:
        raise ValueError("DEA needs at least one input")
    if not outputs:
        raise ValueError("DEA needs at least one output")
    named = [id, *inputs, *outputs]
    unknown = [name for name in dict.fromkeys(named) if name not in data.columns]
    if unknown:
        raise ValueError(f"unknown column(s): {', '.join(unknown)}")
    repeated = sorted({name for name in named if named.count(name) > 1})
    if repeated:
        raise ValueError(f"column(s) used more than once as id, input or output: {repeated}")
    not_numeric = [name for name in (*inputs, *outputs) if not data.schema[name].is_numeric()]
    if not_numeric:
        raise ValueError(f"input and output columns must be numeric: {', '.join(not_numeric)}")
    _check_ids(data[id])


def _check_ids(ids: pl.Series) -> None:
    if ids.null_count():
        raise ValueError(f"the id column '{ids.name}' has {ids.null_count()} missing value(s)")
    duplicated = ids.filter(ids.is_duplicated()).unique(maintain_order=True)
    if duplicated.len():
        shown = ", ".join(str(value) for value in duplicated.head(5).to_list())
        raise ValueError(f"duplicated id(s) in '{ids.name}': {shown}")


def _exclusion_reasons(
    data: pl.DataFrame, id: str, inputs: tuple[str, ...], outputs: tuple[str, ...]
) -> pl.DataFrame:
    """``id`` and ``reason`` for every row; the reason is "" when the row can be scored.

    Zero inputs are excluded because a radial input contraction of a zero input says
    nothing, and a unit with a zero input is never dominated in it (it would be called
    efficient whatever its outputs). Zero outputs are allowed (standard DEA), but a unit
    with no output at all has no output to expand (φ is unbounded) and nothing to score.
    """
    messages = [_column_problem(name, is_input=name in inputs) for name in (*inputs, *outputs)]
    no_output = pl.all_horizontal([pl.col(name).cast(pl.Float64) == 0 for name in outputs])
    messages.append(pl.when(no_output).then(pl.lit("all outputs are zero")))
    return data.select(
        pl.col(id), pl.concat_str(messages, separator="; ", ignore_nulls=True).alias("reason")
    )


def _column_problem(name: str, *, is_input: bool) -> pl.Expr:
    value = pl.col(name).cast(pl.Float64)
    problem = (
        pl.when(value.is_null() | value.is_nan())
        .then(pl.lit(f"missing value in '{name}'"))
        .when(value.is_infinite())
        .then(pl.lit(f"infinite value in '{name}'"))
        .when(value < 0)
        .then(pl.lit(f"negative {'input' if is_input else 'output'} '{name}'"))
    )
    return problem.when(value == 0).then(pl.lit(f"zero input '{name}'")) if is_input else problem


# --- solving ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Solution:
    """One unit's optimum: its score (θ or φ), slacks (inputs then outputs), peers."""

    score: float
    slacks: FloatArray
    peers: dict[int, float]
    efficient: bool


def _solve_all(x: FloatArray, y: FloatArray, rts: Rts, orientation: Orientation) -> list[_Solution]:
    # Scale every variable to mean 1 for the solver; slacks are scaled back at the end.
    scale = np.concatenate([_column_scale(x), _column_scale(y)])
    # The slack stage maximises the plain sum in the variables' own units.
    model = _Envelopment(
        x / scale[: x.shape[1]], y / scale[x.shape[1] :], rts, orientation, scale / scale.max()
    )
    solutions = []
    for unit in range(x.shape[0]):
        solution = model.solve(unit)
        solutions.append(
            _Solution(solution.score, solution.slacks * scale, solution.peers, solution.efficient)
        )
    return solutions


def _column_scale(values: FloatArray) -> FloatArray:
    mean = np.abs(values).mean(axis=0)
    return np.where(mean > 0, mean, 1.0)


class _Envelopment:
    """The envelopment LP of one data set, re-solved unit by unit.

    Columns: the score (θ or φ), the evaluated unit's own λ, the input slacks, the
    output slacks, then the λ of every unit priced in so far. Rows, with the evaluated
    unit (x0, y0):

    - input i:  Σ λj xij + s⁻i − θ x0i = 0   (output orientation: Σ λj xij + s⁻i = x0i)
    - output r: Σ λj yrj − s⁺r = y0r         (output orientation: Σ λj yrj − s⁺r − φ y0r = 0)
    - with VRS: Σ λj = 1.

    Every λ column is (xj, yj, 1), so its reduced cost against the row duals π is
    −(xj, yj, 1)·π for all units at once.
    """

    def __init__(
        self,
        x: FloatArray,
        y: FloatArray,
        rts: Rts,
        orientation: Orientation,
        slack_weights: FloatArray,
    ) -> None:
        self.m, self.s = x.shape[1], y.shape[1]
        self.rows = self.m + self.s + (1 if rts == "vrs" else 0)
        self.units = x.shape[0]
        self.columns = np.hstack([x, y, np.ones((self.units, 1))])[:, : self.rows]
        self.input_oriented = orientation == "input"
        self.slack_weights = slack_weights
        self.members: list[int] = []
        self.in_model = np.zeros(self.units, dtype=bool)
        self.highs = _quiet_highs()
        self._build()

    def _build(self) -> None:
        highs = self.highs
        highs.addVar(0.0, _INF)  # the score: θ ≥ 0 or φ ≥ 0
        highs.addVar(0.0, _INF)  # the evaluated unit's own λ
        for _ in range(self.m + self.s):
            highs.addVar(0.0, _INF)
        for _ in range(self.rows):
            highs.addRow(0.0, 0.0, 0, np.array([], dtype=np.int32), np.array([]))
        for i in range(self.m):
            highs.changeCoeff(i, 2 + i, 1.0)
        for r in range(self.s):
            highs.changeCoeff(self.m + r, 2 + self.m + r, -1.0)
        if self.rows > self.m + self.s:
            highs.changeCoeff(self.m + self.s, 1, 1.0)
            highs.changeRowBounds(self.m + self.s, 1.0, 1.0)

    def solve(self, unit: int) -> _Solution:
        self._set_unit(unit)
        score = self._radial_stage(unit)
        slacks = self._slack_stage(unit, score)
        efficient = abs(score - 1.0) <= SCORE_TOLERANCE and not bool(np.any(slacks > 0))
        if efficient:
            # Any other convex combination reproducing this unit is an equally optimal
            # answer; the unit itself is the one that means something to its users.
            return _Solution(1.0, slacks, {unit: 1.0}, True)
        if abs(score - 1.0) <= SCORE_TOLERANCE:
            score = 1.0
        return _Solution(score, slacks, self._lambdas(unit), False)

    def _set_unit(self, unit: int) -> None:
        highs, m, s = self.highs, self.m, self.s
        x0, y0 = self.columns[unit, :m], self.columns[unit, m : m + s]
        for row in range(m + s):
            highs.changeCoeff(row, 1, float(self.columns[unit, row]))
        if self.input_oriented:
            for i in range(m):
                highs.changeCoeff(i, 0, -float(x0[i]))
            for r in range(s):
                highs.changeRowBounds(m + r, float(y0[r]), float(y0[r]))
        else:
            for r in range(s):
                highs.changeCoeff(m + r, 0, -float(y0[r]))
            for i in range(m):
                highs.changeRowBounds(i, float(x0[i]), float(x0[i]))

    def _radial_stage(self, unit: int) -> float:
        highs = self.highs
        highs.changeColBounds(0, 0.0, _INF)
        highs.changeColCost(0, 1.0 if self.input_oriented else -1.0)
        for column in range(2, 2 + self.m + self.s):
            highs.changeColCost(column, 0.0)
        self._optimise(unit)
        return float(highs.getSolution().col_value[0])

    def _slack_stage(self, unit: int, score: float) -> FloatArray:
        highs = self.highs
        highs.changeColCost(0, 0.0)
        for k, weight in enumerate(self.slack_weights):
            highs.changeColCost(2 + k, -float(weight))
        highs.changeColBounds(0, score, score)
        if not self._optimise(unit, required=False):
            # Fixing the score exactly can be infeasible by rounding; allow the last bit.
            low, high = sorted((score, score * (1 + 1e-9 if self.input_oriented else 1 - 1e-9)))
            highs.changeColBounds(0, low, high)
            self._optimise(unit)
        values = np.array(highs.getSolution().col_value[2 : 2 + self.m + self.s])
        return np.where(values > SLACK_TOLERANCE, values, 0.0)

    def _optimise(self, unit: int, *, required: bool = True) -> bool:
        """Solve, pricing in units' λ columns until none would improve the optimum."""
        highs = self.highs
        while True:
            highs.run()
            if highs.getModelStatus() != _OPTIMAL:
                if required:
                    status = highs.modelStatusToString(highs.getModelStatus())
                    raise RuntimeError(f"DEA LP for unit #{unit} ended with status {status}")
                return False
            duals = np.array(highs.getSolution().row_dual)
            if not self._price_in(duals):
                return True

    def _price_in(self, duals: FloatArray) -> bool:
        reduced = -(self.columns @ duals)
        reduced[self.in_model] = 0.0
        tolerance = _PRICING_TOLERANCE * max(1.0, float(np.abs(duals).max()))
        candidates = np.argsort(reduced)[:_COLUMNS_PER_PRICING]
        candidates = candidates[reduced[candidates] < -tolerance]
        rows = np.arange(self.rows, dtype=np.int32)
        for unit in candidates.tolist():
            self.highs.addCol(0.0, 0.0, _INF, self.rows, rows, self.columns[unit])
            self.members.append(unit)
            self.in_model[unit] = True
        return bool(candidates.size)

    def _lambdas(self, unit: int) -> dict[int, float]:
        values = self.highs.getSolution().col_value
        first = 2 + self.m + self.s
        weights: dict[int, float] = {}
        for member, value in zip([unit, *self.members], [values[1], *values[first:]], strict=True):
            if value > PEER_TOLERANCE:
                weights[member] = weights.get(member, 0.0) + float(value)
        return weights


class _QuietHighs(highspy.Highs):
    """HiGHS prints a copyright banner on standard output when the first solver of the
    process starts its callbacks (in ``__init__``); output switched off before then
    prints nothing, and nothing else of the process is touched."""

    def enableCallbacks(self) -> None:
        self.setOptionValue("output_flag", False)
        super().enableCallbacks()  # type: ignore[no-untyped-call]


def _quiet_highs() -> highspy.Highs:
    return _QuietHighs()  # type: ignore[no-untyped-call]  # highspy leaves __init__ untyped


# --- result frames ---------------------------------------------------------------------


def _scores_frame(
    ids: pl.Series,
    solutions: list[_Solution],
    inputs: tuple[str, ...],
    outputs: tuple[str, ...],
    orientation: Orientation,
) -> pl.DataFrame:
    score = np.array([solution.score for solution in solutions])
    slacks = np.vstack([solution.slacks for solution in solutions])
    efficient = np.array([solution.efficient for solution in solutions])
    at_one = score == 1.0
    frame = pl.DataFrame(
        {
            "id": ids,
            "efficiency": score if orientation == "input" else 1.0 / score,
            "theta" if orientation == "input" else "phi": score,
            "efficient": efficient,
            "weakly_efficient": at_one & ~efficient,
        }
    )
    return frame.with_columns(
        pl.Series(f"slack_{name}", slacks[:, k]) for k, name in enumerate((*inputs, *outputs))
    )


def _peers_frame(ids: pl.Series, solutions: list[_Solution]) -> pl.DataFrame:
    unit, peer, weight = [], [], []
    for k, solution in enumerate(solutions):
        for member, value in solution.peers.items():
            unit.append(k)
            peer.append(member)
            weight.append(value)
    return pl.DataFrame(
        {
            "id": ids.gather(unit),
            "peer": ids.gather(peer),
            "lambda": pl.Series(weight, dtype=pl.Float64),
        }
    )
