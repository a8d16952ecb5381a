"""Nearest peers on literal frames: hand-computed distances, weights, shares, exclusions,
ties and argument errors."""

import math

import numpy as np
import polars as pl
import pytest

from benchlearn.engine.peers import PeersResult, nearest_peers

# x and y are {0, 0, 2, 2} and {0, 2, 0, 2}: mean 1 and standard deviation 1, so the
# standardised values are ±1 and the units sit on the corners of a square:
#   a (−1, −1)   b (−1, +1)   c (+1, −1)   d (+1, +1)
SQUARE = {"a": (0.0, 0.0), "b": (0.0, 2.0), "c": (2.0, 0.0), "d": (2.0, 2.0)}


def context(units):
    """A context frame from {unit: {variable: value}}."""
    rows = [
        (unit, variable, value) for unit, data in units.items() for variable, value in data.items()
    ]
    return pl.DataFrame(
        rows, schema={"unit": pl.String, "variable": pl.String, "value": pl.Float64}, orient="row"
    )


def square(**extra):
    units = {unit: {"x": x, "y": y} for unit, (x, y) in SQUARE.items()}
    return context(units | extra)


def peers_of(result: PeersResult, unit):
    return result.peers.filter(unit=unit).sort("rank")


def test_hand_computed_distances():
    result = nearest_peers(square(), weights={"x": 1.0, "y": 1.0}, k=3)
    a = peers_of(result, "a")
    assert a["peer"].to_list() == ["b", "c", "d"]
    assert a["rank"].to_list() == [1, 2, 3]
    assert a["distance"].to_list() == pytest.approx([2.0, 2.0, math.sqrt(8)])


def test_weights_change_the_order():
    by_x = nearest_peers(square(), weights={"x": 4.0, "y": 1.0}, k=3)
    a = peers_of(by_x, "a")
    assert a["peer"].to_list() == ["b", "c", "d"]  # b differs in y only, the light one
    assert a["distance"].to_list() == pytest.approx([2.0, 4.0, math.sqrt(20)])
    by_y = nearest_peers(square(), weights={"x": 1.0, "y": 4.0}, k=3)
    assert peers_of(by_y, "a")["peer"].to_list() == ["c", "b", "d"]


def test_shares_sum_to_one_and_name_the_dominant_variable():
    result = nearest_peers(square(), weights={"x": 4.0, "y": 1.0}, k=3)
    pair = result.peers.filter(unit="a", peer="d").row(0, named=True)
    assert (pair["share_x"], pair["share_y"]) == pytest.approx((0.8, 0.2))  # 16 / 20, 4 / 20
    total = result.peers.select(pl.col("share_x") + pl.col("share_y"))
    assert total.to_series().to_list() == pytest.approx([1.0] * result.peers.height)
    nearest = result.peers.filter(unit="a", rank=1).row(0, named=True)
    assert (nearest["share_x"], nearest["share_y"]) == (0.0, 1.0)


def test_ties_are_broken_by_the_peers_code():
    result = nearest_peers(square(), weights={"x": 1.0, "y": 1.0}, k=2)
    assert peers_of(result, "d")["peer"].to_list() == ["b", "c"]  # both at distance 2
    assert peers_of(result, "a")["peer"].to_list() == ["b", "c"]


def test_a_unit_is_never_its_own_peer_even_when_identical():
    twins = square(e={"x": 0.0, "y": 0.0})  # the same as a
    result = nearest_peers(twins, weights={"x": 1.0, "y": 1.0}, k=4)
    assert result.peers.filter(pl.col("unit") == pl.col("peer")).height == 0
    nearest = peers_of(result, "a").row(0, named=True)
    assert (nearest["peer"], nearest["distance"]) == ("e", 0.0)
    assert (nearest["share_x"], nearest["share_y"]) == (None, None)  # nothing to explain


def test_k_larger_than_the_other_units_lists_them_all():
    result = nearest_peers(square(), weights={"x": 1.0, "y": 1.0}, k=10)
    assert result.peers.group_by("unit").len()["len"].to_list() == [3, 3, 3, 3]
    alone = nearest_peers(context({"a": {"x": 1.0}}), weights={"x": 1.0}, k=3)
    assert alone.peers.height == 0
    assert alone.peers.columns == ["unit", "peer", "rank", "distance", "share_x"]


def test_units_missing_a_weighted_variable_are_excluded_with_the_reason():
    frame = square(e={"x": 5.0}, f={"x": 1.0, "y": None}, g={"x": float("nan"), "y": 1.0})
    result = nearest_peers(frame, weights={"x": 1.0, "y": 1.0}, k=3)
    assert result.excluded.rows() == [("e", "missing y"), ("f", "missing y"), ("g", "missing x")]
    assert set(result.peers["unit"]) | set(result.peers["peer"]) == {"a", "b", "c", "d"}
    # The excluded units take no part in the standardisation either.
    assert peers_of(result, "a")["distance"].to_list() == pytest.approx([2.0, 2.0, math.sqrt(8)])


def test_a_variable_with_zero_weight_neither_counts_nor_excludes():
    frame = square(e={"x": 1.0, "y": 1.0}).vstack(context({"a": {"z": 100.0}, "b": {"z": -5.0}}))
    result = nearest_peers(frame, weights={"x": 1.0, "y": 1.0, "z": 0.0}, k=1)
    assert result.excluded.height == 0
    assert result.peers["share_z"].to_list() == [0.0] * 5


def test_log_transform():
    frame = context({"a": {"pop": 100.0}, "b": {"pop": 1_000.0}, "c": {"pop": 10_000.0}})
    logged = nearest_peers(frame, weights={"pop": 1.0}, k=2, log=["pop"])
    # ln 100, ln 1000, ln 10000 are evenly spaced: z = −√1.5, 0, +√1.5.
    b = peers_of(logged, "b")
    assert b["peer"].to_list() == ["a", "c"]  # a tie, broken by code
    assert b["distance"].to_list() == pytest.approx([math.sqrt(1.5)] * 2)
    plain = nearest_peers(frame, weights={"pop": 1.0}, k=2)
    assert peers_of(plain, "b")["peer"].to_list() == ["a", "c"]
    assert peers_of(plain, "b")["distance"][0] < peers_of(plain, "b")["distance"][1]


def test_non_positive_values_cannot_be_log_transformed():
    frame = context({"a": {"pop": 100.0}, "b": {"pop": 0.0}, "c": {"pop": 10.0}})
    result = nearest_peers(frame, weights={"pop": 1.0}, k=1, log=["pop"])
    assert result.excluded.rows() == [("b", "pop ≤ 0 cannot be log-transformed")]


def test_a_constant_variable_does_not_count():
    frame = context({u: {"x": x, "flat": 7.0} for u, x in zip("abcd", (0.0, 1.0, 3.0, 7.0))})
    result = nearest_peers(frame, weights={"x": 1.0, "flat": 1.0}, k=1)
    assert result.peers["share_flat"].to_list() == [0.0, 0.0, 0.0, 0.0]
    assert result.peers["peer"].to_list() == ["b", "a", "b", "c"]


def test_distances_are_symmetric_and_match_a_direct_computation():
    rng = np.random.default_rng(0)
    data = rng.normal(size=(30, 3)) * [1.0, 10.0, 100.0]
    frame = context({f"u{i:02d}": dict(zip("pqr", row, strict=True)) for i, row in enumerate(data)})
    weights = {"p": 1.0, "q": 2.0, "r": 0.5}
    result = nearest_peers(frame, weights=weights, k=29)
    z = (data - data.mean(axis=0)) / data.std(axis=0)
    w = np.array(list(weights.values()))
    for row in result.peers.sample(40, seed=1).iter_rows(named=True):
        i, j = int(row["unit"][1:]), int(row["peer"][1:])
        assert row["distance"] == pytest.approx(math.sqrt((w * (z[i] - z[j]) ** 2).sum()))
    pairs = result.peers.select("unit", "peer", "distance")
    back = pairs.join(pairs, left_on=["unit", "peer"], right_on=["peer", "unit"])
    assert back["distance"].to_list() == pytest.approx(back["distance_right"].to_list())
    ranked = result.peers.sort("unit", "rank")
    assert ranked.equals(result.peers)
    increasing = ranked.group_by("unit").agg(pl.col("distance").diff().drop_nulls().min())
    assert (increasing["distance"] >= 0).all()


@pytest.mark.parametrize(
    ("weights", "k", "log", "message"),
    [
        ({"x": 1.0, "nope": 1.0}, 1, (), "not in the context: nope"),
        ({"x": 1.0}, 0, (), "k must be at least 1"),
        ({"x": 1.0, "y": -1.0}, 1, (), "≥ 0; not for: y"),
        ({"x": float("nan")}, 1, (), "finite"),
        ({"x": 0.0, "y": 0.0}, 1, (), "all weights are zero"),
        ({}, 1, (), "no variable"),
        ({"x": 1.0}, 1, ("y",), "log names variables without a weight: y"),
    ],
)
def test_bad_arguments_are_refused(weights, k, log, message):
    with pytest.raises(ValueError, match=message):
        nearest_peers(square(), weights=weights, k=k, log=log)


def test_bad_context_is_refused():
    with pytest.raises(ValueError, match="two values of x for unit a"):
        nearest_peers(square().vstack(context({"a": {"x": 9.0}})), weights={"x": 1.0}, k=1)
    with pytest.raises(ValueError, match="lacks the column"):
        nearest_peers(square().drop("value"), weights={"x": 1.0}, k=1)


def test_result_frames_schema():
    result = nearest_peers(square(), weights={"x": 1.0, "y": 2.0}, k=2)
    assert result.peers.schema == pl.Schema(
        {
            "unit": pl.String,
            "peer": pl.String,
            "rank": pl.Int32,
            "distance": pl.Float64,
            "share_x": pl.Float64,
            "share_y": pl.Float64,
        }
    )
    assert result.excluded.schema == pl.Schema({"unit": pl.String, "reason": pl.String})
