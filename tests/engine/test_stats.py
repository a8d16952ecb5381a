"""Group statistics and unit positions on literal frames, with hand-computed numbers, and
the vectorised engine against a plain Polars reference on random data."""

import math

import numpy as np
import polars as pl
import pytest

from benchlearn.engine import stats
from benchlearn.engine.catalogue import Polarity
from benchlearn.engine.stats import (
    GROUP_STATS_COLUMNS,
    UNIT_POSITIONS_COLUMNS,
    group_stats,
    sorting,
    unit_positions,
)

HIGHER, LOWER, NEUTRAL = Polarity.HIGHER_BETTER, Polarity.LOWER_BETTER, Polarity.NEUTRAL
NAN, INF = float("nan"), float("inf")


def results(rows, *, parts=False):
    """Results from (unit, period, indicator, value[, numerator, denominator]) tuples."""
    schema = {"unit": pl.String, "period": pl.Int64, "indicator": pl.String, "value": pl.Float64}
    if parts:
        schema |= {"numerator": pl.Float64, "denominator": pl.Float64}
    return pl.DataFrame(rows, schema=schema, orient="row")


def values(unit_values, *, indicator="x", period=2024):
    """Results of one indicator and period from {unit: value}."""
    return results([(unit, period, indicator, value) for unit, value in unit_values.items()])


def groups(members):
    """Groups from {group: [units]}."""
    pairs = [(group, unit) for group, units in members.items() for unit in units]
    return pl.DataFrame(pairs, schema={"group": pl.String, "unit": pl.String}, orient="row")


def everyone(frame):
    """One group "G" holding every unit of ``frame``."""
    return groups({"G": frame["unit"].unique().to_list()})


def one(frame, **keys):
    """The only row of ``frame`` matching ``keys``, as a dict."""
    matching = frame.filter(**keys)
    assert matching.height == 1, matching
    return matching.row(0, named=True)


def stats_of(unit_values, polarity=HIGHER):
    frame = values(unit_values)
    return one(group_stats(frame, everyone(frame), {"x": polarity}), group="G")


def positions_of(unit_values, polarity=HIGHER):
    """{unit: position row} for one indicator, period and group."""
    frame = values(unit_values)
    positions = unit_positions(frame, everyone(frame), {"x": polarity})
    return {row["unit"]: row for row in positions.iter_rows(named=True)}


# --- group_stats --------------------------------------------------------------------


def test_n_mean_median_min_max():
    row = stats_of({"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0})
    assert row["n"] == 4
    assert row["mean"] == pytest.approx(2.5)
    assert row["median"] == 2.5
    assert (row["min"], row["max"]) == (1.0, 4.0)


@pytest.mark.parametrize(
    ("numbers", "q1", "median", "q3"),
    [
        ([1, 2, 3, 4], 1.75, 2.5, 3.25),  # =QUARTILE.INC({1,2,3,4}, 1) etc.
        ([7, 15, 36, 39, 40, 41], 20.25, 37.5, 39.75),
        ([41, 7, 39, 15, 40, 36], 20.25, 37.5, 39.75),  # order does not matter
        ([5], 5, 5, 5),
        ([10, 20], 12.5, 15, 17.5),
        ([1, 2, 3, 4, 5], 2, 3, 4),  # positions land on values: no interpolation
        ([3, 3, 3, 9], 3, 3, 4.5),
    ],
)
def test_quartiles_are_excel_quartile_inc(numbers, q1, median, q3):
    row = stats_of({f"u{i}": float(v) for i, v in enumerate(numbers)})
    assert (row["q1"], row["median"], row["q3"]) == pytest.approx((q1, median, q3))


def test_aggregate_is_the_ratio_of_sums_not_the_mean_of_ratios():
    frame = results(
        [
            ("a", 2024, "x", 1.0, 1.0, 1.0),
            ("b", 2024, "x", 3.0, 30.0, 10.0),
            ("c", 2024, "x", 5.0, None, 2.0),  # no numerator: in the mean, not the aggregate
        ],
        parts=True,
    )
    row = one(group_stats(frame, everyone(frame), {"x": HIGHER}), group="G")
    assert row["mean"] == pytest.approx(3.0)  # (1 + 3 + 5) / 3
    assert row["aggregate"] == pytest.approx(31 / 11)  # (1 + 30) / (1 + 10)


def test_aggregate_ignores_units_without_a_value():
    frame = results(
        [("a", 2024, "x", 2.0, 2.0, 1.0), ("b", 2024, "x", None, 100.0, 1.0)], parts=True
    )
    row = one(group_stats(frame, everyone(frame), {}), group="G")
    assert row["aggregate"] == 2.0


def test_aggregate_is_null_without_parts_or_with_a_zero_denominator_sum():
    plain = values({"a": 1.0, "b": 2.0})
    assert one(group_stats(plain, everyone(plain), {}), group="G")["aggregate"] is None
    zero = results([("a", 2024, "x", 1.0, 1.0, 0.0), ("b", 2024, "x", 2.0, 1.0, 0.0)], parts=True)
    assert one(group_stats(zero, everyone(zero), {}), group="G")["aggregate"] is None
    undeclared = results([("a", 2024, "x", 1.0, None, None)], parts=True)
    assert one(group_stats(undeclared, everyone(undeclared), {}), group="G")["aggregate"] is None


def test_best_and_worst_follow_polarity():
    numbers = {"a": 1.0, "b": 7.0, "c": 4.0}
    higher, lower = stats_of(numbers, HIGHER), stats_of(numbers, LOWER)
    assert (higher["best"], higher["worst"]) == (7.0, 1.0)
    assert (lower["best"], lower["worst"]) == (1.0, 7.0)


def test_neutral_and_unknown_indicators_have_no_best_or_worst():
    for polarity in ({"x": NEUTRAL}, {}):
        frame = values({"a": 1.0, "b": 7.0})
        row = one(group_stats(frame, everyone(frame), polarity), group="G")
        assert (row["best"], row["worst"]) == (None, None)
        assert row["max"] == 7.0


def test_polarity_may_be_given_as_plain_strings():
    frame = values({"a": 1.0, "b": 7.0})
    row = one(group_stats(frame, everyone(frame), {"x": "lower"}), group="G")
    assert row["best"] == 1.0


def test_missing_values_are_left_out_of_n_and_every_statistic():
    row = stats_of({"a": 1.0, "b": None, "c": NAN, "d": INF, "e": 3.0})
    assert row["n"] == 2
    assert (row["mean"], row["median"], row["min"], row["max"]) == (2.0, 2.0, 1.0, 3.0)


def test_sample_standard_deviation_and_none_for_a_single_value():
    assert stats_of({"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0})["std"] == pytest.approx(
        math.sqrt(5 / 3)  # =STDEV.S(1,2,3,4)
    )
    assert stats_of({"a": 3.0, "b": 5.0})["std"] == pytest.approx(math.sqrt(2))
    assert stats_of({"a": 3.0})["std"] is None


def test_variance_stays_accurate_for_large_values_far_from_the_cell_mean():
    big = [("a", 2024, "x", 1e9 + 1), ("b", 2024, "x", 1e9 + 2), ("c", 2024, "x", 1e9 + 3)]
    frame = results([*big, ("z", 2024, "x", 0.0)])
    row = one(group_stats(frame, groups({"G": ["a", "b", "c"]}), {}), group="G")
    assert row["std"] == pytest.approx(1.0, rel=1e-9)
    assert row["mean"] == 1e9 + 2


def test_equal_values_have_exactly_zero_spread():
    frame = values({"a": 0.7, "b": 0.7, "c": 0.7, "z": 123.4})
    membership = groups({"G": ["a", "b", "c"]})
    row = one(group_stats(frame, membership, {}), group="G")
    assert (row["mean"], row["std"]) == (0.7, 0.0)
    assert unit_positions(frame, membership, {})["z"].to_list() == [None, None, None]


def test_a_unit_in_two_groups_counts_in_both():
    frame = values({"a": 1.0, "b": 5.0, "c": 9.0})
    found = group_stats(frame, groups({"small": ["a", "b"], "all": ["a", "b", "c"]}), {})
    assert one(found, group="small")["mean"] == 3.0
    assert one(found, group="all")["mean"] == 5.0
    positions = unit_positions(frame, groups({"small": ["a", "b"], "all": ["a", "b", "c"]}), {})
    assert positions.filter(unit="a")["group"].sort().to_list() == ["all", "small"]


def test_groups_without_values_get_a_row_with_n_zero():
    frame = results(
        [
            ("a", 2023, "x", 1.0),
            ("b", 2023, "x", 2.0),
            ("a", 2024, "x", 4.0),
            ("b", 2024, "x", None),
        ]
    )
    found = group_stats(frame, groups({"A": ["a"], "B": ["b"], "outside": ["nobody"]}), {})
    assert found.height == 6  # 3 groups × 2 periods
    empty = one(found, group="B", period=2024)
    assert empty["n"] == 0
    assert all(empty[name] is None for name in GROUP_STATS_COLUMNS[4:])
    assert one(found, group="outside", period=2023)["n"] == 0
    positions = unit_positions(frame, groups({"A": ["a"], "B": ["b"], "outside": ["nobody"]}), {})
    assert positions.filter(group="B")["period"].to_list() == [2023]
    assert positions.filter(group="outside").height == 0


def test_only_indicator_and_period_pairs_found_in_results_get_rows():
    frame = results([("a", 2023, "x", 1.0), ("a", 2024, "y", 2.0)])
    found = group_stats(frame, everyone(frame), {})
    assert found.select("indicator", "period").rows() == [("x", 2023), ("y", 2024)]


def test_columns_types_and_order():
    frame = results([("b", 2024, "y", 1.0), ("a", 2024, "x", 2.0), ("a", 2023, "x", 3.0)])
    found = group_stats(frame, groups({"H": ["a"], "G": ["a", "b"]}), {})
    assert found.columns == list(GROUP_STATS_COLUMNS)
    assert found.schema["n"] == pl.Int32
    assert found.select("indicator", "period", "group").rows() == [
        ("x", 2023, "G"),
        ("x", 2023, "H"),
        ("x", 2024, "G"),
        ("x", 2024, "H"),
        ("y", 2024, "G"),
        ("y", 2024, "H"),
    ]
    positions = unit_positions(frame, groups({"H": ["a"], "G": ["a", "b"]}), {})
    assert positions.columns == list(UNIT_POSITIONS_COLUMNS)
    assert positions.schema["period"] == pl.Int64
    assert positions.schema["quartile"] == pl.Int8


def test_period_keeps_its_integer_type():
    frame = values({"a": 1.0}).with_columns(pl.col("period").cast(pl.Int16))
    assert group_stats(frame, everyone(frame), {}).schema["period"] == pl.Int16


def test_empty_results_give_empty_frames():
    frame = results([])
    assert group_stats(frame, groups({"G": ["a"]}), {}).columns == list(GROUP_STATS_COLUMNS)
    assert group_stats(frame, groups({"G": ["a"]}), {}).height == 0
    empty = unit_positions(frame, groups({"G": ["a"]}), {})
    assert empty.height == 0
    assert empty.schema == unit_positions(values({"a": 1.0}), groups({"G": ["a"]}), {}).schema
    assert unit_positions(values({"a": 1.0}), groups({}), {}).height == 0


def test_two_values_for_one_unit_indicator_and_period_are_refused():
    frame = results([("a", 2024, "x", 1.0), ("a", 2024, "x", 2.0)])
    with pytest.raises(ValueError, match="two values"):
        group_stats(frame, everyone(frame), {})


def test_missing_columns_and_keys_are_refused():
    with pytest.raises(ValueError, match="results lacks the column"):
        group_stats(values({"a": 1.0}).drop("value"), groups({"G": ["a"]}), {})
    with pytest.raises(ValueError, match="groups lacks the column"):
        group_stats(values({"a": 1.0}), groups({"G": ["a"]}).drop("group"), {})
    with pytest.raises(ValueError, match="without a unit"):
        group_stats(results([(None, 2024, "x", 1.0)]), groups({"G": ["a"]}), {})


# --- unit_positions -----------------------------------------------------------------


def test_ties_share_the_best_rank_when_higher_is_better():
    found = positions_of({"a": 10.0, "b": 10.0, "c": 8.0}, HIGHER)
    assert {unit: row["rank"] for unit, row in found.items()} == {"a": 1, "b": 1, "c": 3}


def test_ties_share_the_best_rank_when_lower_is_better():
    found = positions_of({"a": 10.0, "b": 10.0, "c": 8.0}, LOWER)
    assert {unit: row["rank"] for unit, row in found.items()} == {"a": 2, "b": 2, "c": 1}
    found = positions_of({"a": 5.0, "b": 5.0, "c": 9.0, "d": 9.0, "e": 12.0}, LOWER)
    assert [found[u]["rank"] for u in "abcde"] == [1, 1, 3, 3, 5]


def test_percentile_counts_the_others_a_unit_beats_or_ties():
    found = positions_of({"a": 4.0, "b": 3.0, "c": 2.0, "d": 1.0}, HIGHER)
    assert [found[u]["percentile"] for u in "abcd"] == pytest.approx([100, 200 / 3, 100 / 3, 0])
    tied = positions_of({"a": 10.0, "b": 10.0, "c": 8.0}, HIGHER)
    assert [tied[u]["percentile"] for u in "abc"] == [100.0, 100.0, 0.0]
    assert positions_of({"a": 4.0}, LOWER)["a"]["percentile"] == 100.0
    lower = positions_of({"a": 4.0, "b": 3.0, "c": 2.0, "d": 1.0}, LOWER)
    assert lower["d"]["percentile"] == 100.0
    assert lower["a"]["percentile"] == 0.0


def test_quartile_positions_from_the_percentile():
    found = positions_of({f"u{i}": float(i) for i in range(1, 6)}, HIGHER)
    # ranks 5..1 → percentiles 0, 25, 50, 75, 100
    assert [found[f"u{i}"]["quartile"] for i in range(1, 6)] == [4, 3, 2, 1, 1]
    found = positions_of({f"u{i}": float(i) for i in range(1, 5)}, LOWER)
    assert [found[f"u{i}"]["quartile"] for i in range(1, 5)] == [1, 2, 3, 4]
    assert positions_of({"a": 1.0}, HIGHER)["a"]["quartile"] == 1


@pytest.mark.parametrize("polarity", [HIGHER, LOWER])
def test_quartile_positions_agree_with_the_box_plot(polarity):
    rng = np.random.default_rng(3)
    for size in (1, 2, 3, 4, 5, 7, 12, 31):
        numbers = {f"u{i}": float(v) for i, v in enumerate(rng.integers(0, 6, size))}
        frame = values(numbers)
        box = one(group_stats(frame, everyone(frame), {"x": polarity}), group="G")
        for row in positions_of(numbers, polarity).values():
            value, q1, median, q3 = row["value"], box["q1"], box["median"], box["q3"]
            if polarity == HIGHER:
                expected = 1 if value >= q3 else 2 if value >= median else 3 if value >= q1 else 4
            else:
                expected = 1 if value <= q1 else 2 if value <= median else 3 if value <= q3 else 4
            assert row["quartile"] == expected, (numbers, row)


def test_neutral_indicators_have_no_rank_percentile_or_quartile():
    found = positions_of({"a": 1.0, "b": 2.0, "c": 3.0}, NEUTRAL)
    for row in found.values():
        assert (row["rank"], row["percentile"], row["quartile"]) == (None, None, None)
        assert row["gap_best_pct"] is None
        assert row["n"] == 3
    assert found["c"]["gap_median_pct"] == 50.0
    assert found["a"]["z"] == pytest.approx(-1.0)


def test_z_score():
    found = positions_of({"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0})
    std = math.sqrt(5 / 3)
    assert found["d"]["z"] == pytest.approx(1.5 / std)
    assert found["a"]["z"] == pytest.approx(-1.5 / std)
    assert positions_of({"a": 5.0})["a"]["z"] is None  # std is null
    assert positions_of({"a": 5.0, "b": 5.0})["a"]["z"] is None  # std is 0


def test_gaps_to_the_median_and_the_best_keep_their_sign():
    higher = positions_of({"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0}, HIGHER)
    assert higher["d"]["gap_median_pct"] == pytest.approx(60.0)  # (4 − 2.5) / 2.5
    assert higher["a"]["gap_median_pct"] == pytest.approx(-60.0)
    assert higher["a"]["gap_best_pct"] == pytest.approx(-75.0)  # (1 − 4) / 4
    assert higher["d"]["gap_best_pct"] == 0.0
    lower = positions_of({"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0}, LOWER)
    assert lower["d"]["gap_best_pct"] == pytest.approx(300.0)  # (4 − 1) / 1: a cost 4× the best
    negative = positions_of({"a": -4.0, "b": -2.0}, HIGHER)
    assert negative["a"]["gap_best_pct"] == pytest.approx(-100.0)  # (−4 − −2) / |−2|


def test_gaps_are_null_when_the_reference_is_zero():
    found = positions_of({"a": -1.0, "b": 0.0, "c": 1.0}, HIGHER)
    assert found["c"]["gap_median_pct"] is None
    assert found["a"]["gap_best_pct"] == pytest.approx(-200.0)


def test_change_from_the_previous_period():
    frame = results(
        [
            ("a", 2022, "x", 0.0),
            ("a", 2023, "x", 10.0),
            ("a", 2024, "x", 12.0),
            ("b", 2022, "x", 5.0),
            ("b", 2024, "x", 6.0),  # no 2023 value
            ("c", 2023, "x", 3.0),
        ]
    )
    positions = unit_positions(frame, everyone(frame), {"x": HIGHER})
    a_2024, a_2023 = one(positions, unit="a", period=2024), one(positions, unit="a", period=2023)
    assert (a_2024["change_prev"], a_2024["change_prev_pct"]) == pytest.approx((2.0, 20.0))
    assert a_2023["change_prev"] == 10.0
    assert a_2023["change_prev_pct"] is None  # from 0
    assert one(positions, unit="b", period=2024)["change_prev"] is None
    assert one(positions, unit="a", period=2022)["change_prev"] is None  # first period


def test_change_needs_the_period_just_before():
    frame = results([("a", 2020, "x", 1.0), ("a", 2024, "x", 3.0)])
    positions = unit_positions(frame, everyone(frame), {})
    assert positions["change_prev"].to_list() == [None, None]
    far = results([("a", 1, "x", 1.0), ("a", 2, "x", 3.0), ("a", 5000, "x", 4.0)])
    positions = unit_positions(far, everyone(far), {})  # periods spread: no dense range
    assert positions.sort("period")["change_prev"].to_list() == [None, 2.0, None]


def test_change_is_the_units_own_across_indicators():
    frame = results(
        [
            ("a", 2023, "x", 1.0),
            ("a", 2024, "x", 2.0),
            ("a", 2023, "y", 10.0),
            ("a", 2024, "y", 30.0),
        ]
    )
    positions = unit_positions(frame, everyone(frame), {})
    assert one(positions, indicator="y", period=2024)["change_prev"] == 20.0


def test_missing_values_get_no_position():
    found = positions_of({"a": 1.0, "b": None, "c": NAN, "d": 2.0})
    assert sorted(found) == ["a", "d"]
    assert found["a"]["n"] == 2


# --- Against a plain Polars reference ------------------------------------------------


def random_programme(seed, *, units=40, indicators=4, periods=3, groups_count=5):
    rng = np.random.default_rng(seed)
    unit_codes = [f"U{i:03d}" for i in range(units)]
    rows = []
    for unit in unit_codes:
        for period in range(2020, 2020 + periods):
            for i in range(indicators):
                value = float(rng.integers(0, 8)) if i % 2 else float(rng.normal(50, 20))
                if rng.random() < 0.15:
                    value = None
                denominator = float(rng.integers(0, 5))
                rows.append((unit, period, f"I{i}", value, value, denominator))
    frame = results(rows, parts=True).sample(fraction=1.0, shuffle=True, seed=seed)
    pairs = {
        f"G{g}": [u for u in unit_codes if rng.random() < 0.3 + 0.1 * g]
        for g in range(groups_count)
    }
    pairs["G0"] = pairs["G0"][:1]  # a group of one
    polarity = {"I0": HIGHER, "I1": LOWER, "I2": NEUTRAL}
    return frame, groups(pairs), polarity


def reference(frame, membership):
    joined = frame.filter(pl.col("value").is_finite()).join(membership, on="unit")
    return joined.group_by("group", "indicator", "period").agg(
        n=pl.len(),
        mean=pl.col("value").mean(),
        median=pl.col("value").median(),
        q1=pl.col("value").quantile(0.25, "linear"),
        q3=pl.col("value").quantile(0.75, "linear"),
        min=pl.col("value").min(),
        max=pl.col("value").max(),
        std=pl.col("value").std(),
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("block_entries", [1, 50, 1 << 17])
def test_group_stats_match_a_polars_reference(seed, block_entries, monkeypatch):
    monkeypatch.setattr(sorting, "BLOCK_ENTRIES", block_entries)
    frame, membership, polarity = random_programme(seed)
    found = group_stats(frame, membership, polarity).filter(pl.col("n") > 0)
    expected = reference(frame, membership)
    both = found.join(expected, on=["group", "indicator", "period"], suffix="_ref")
    assert both.height == expected.height == found.height
    for name in ("n", "mean", "median", "q1", "q3", "min", "max", "std"):
        left, right = both[name].to_numpy(), both[f"{name}_ref"].to_numpy()
        np.testing.assert_allclose(left.astype(float), right.astype(float), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("block_entries", [1, 50, 1 << 17])
def test_unit_positions_match_a_polars_reference(seed, block_entries, monkeypatch):
    monkeypatch.setattr(sorting, "BLOCK_ENTRIES", block_entries)
    frame, membership, polarity = random_programme(seed)
    found = unit_positions(frame, membership, polarity)
    keys = ["group", "indicator", "period"]
    joined = frame.filter(pl.col("value").is_finite()).join(membership, on="unit")
    value = pl.col("value")
    expected = joined.with_columns(
        higher=value.rank("min", descending=True).over(keys).cast(pl.Int32),
        lower=value.rank("min").over(keys).cast(pl.Int32),
        ref_n=pl.len().over(keys).cast(pl.Int32),
        ref_z=(value - value.mean().over(keys)) / value.std().over(keys),
    )
    both = found.join(expected, on=[*keys, "unit"], how="full", validate="1:1")
    assert both.height == found.height == expected.height
    assert (both["n"] == both["ref_n"]).all()
    rank = pl.when(pl.col("indicator") == "I0").then("higher")
    rank = rank.when(pl.col("indicator") == "I1").then("lower")
    assert both.select((pl.col("rank").eq_missing(rank)).all()).item()
    z = both.filter(pl.col("ref_z").is_finite())
    np.testing.assert_allclose(z["z"].to_numpy(), z["ref_z"].to_numpy(), rtol=1e-9)
    previous = frame.select("unit", "indicator", pl.col("period") + 1, before=value)
    changes = found.join(previous, on=["unit", "indicator", "period"], how="left")
    expected_change = (pl.col("value") - pl.col("before")).fill_nan(None)
    assert changes.select(pl.col("change_prev").eq_missing(expected_change).all()).item()


def test_rows_come_sorted_by_indicator_period_group_and_value():
    frame, membership, polarity = random_programme(5)
    found = unit_positions(frame, membership, polarity)
    assert found.equals(found.sort("indicator", "period", "group", "value", maintain_order=True))


def test_categorical_codes_give_the_same_statistics_and_positions_as_text():
    # evaluate hands large programmes over with Categorical codes; the process-wide
    # categories also hold codes these results do not use.
    pl.Series(["ZZ_UNUSED", "AA_UNUSED"]).cast(pl.Categorical)
    frame, membership, polarity = random_programme(3)
    expected_stats = group_stats(frame, membership, polarity)
    expected_positions = unit_positions(frame, membership, polarity)
    # Shuffled rows, and rows sorted as evaluate gives them (runs of one code).
    for rows in (frame, frame.sort("indicator", "unit", "period")):
        coded = rows.with_columns(pl.col("unit", "indicator").cast(pl.Categorical))
        assert group_stats(coded, membership, polarity).equals(expected_stats)
        assert unit_positions(coded, membership, polarity).equals(expected_positions)


def test_codes_are_compared_as_strings():
    frame = pl.DataFrame(
        {"unit": [2461011, 2466011], "period": [2024, 2024], "indicator": ["x", "x"]}
    ).with_columns(value=pl.Series([1.0, 3.0]))
    found = group_stats(frame, groups({"G": ["2461011", "2466011"]}), {})
    assert one(found, group="G")["mean"] == 2.0
    assert unit_positions(frame, groups({"G": ["2461011"]}), {})["unit"].to_list() == ["2461011"]


def test_values_differing_only_in_their_last_bits_are_still_ordered_exactly():
    # The sort keys keep only the top bits of a value; nearly equal values must still
    # be ranked and placed in quartiles by their exact order.
    base = 1234.5678
    close = [base, np.nextafter(base, 0), np.nextafter(np.nextafter(base, 0), 0), base * 2]
    unit_values = {f"u{i}": value for i, value in enumerate(close)}
    found = positions_of(unit_values, HIGHER)
    assert [found[f"u{i}"]["rank"] for i in range(4)] == [2, 3, 4, 1]
    summary = stats_of(unit_values, HIGHER)
    assert summary["min"] == close[2]
    assert summary["median"] == (close[0] + close[1]) / 2


def test_negative_values_zeros_and_signed_zeros_sort_in_numeric_order():
    unit_values = {"a": -5.0, "b": -0.0, "c": 0.0, "d": 3.0, "e": -1e300, "f": 1e-300}
    found = positions_of(unit_values, LOWER)
    assert {unit: row["rank"] for unit, row in found.items()} == {
        "e": 1, "a": 2, "b": 3, "c": 3, "f": 5, "d": 6,
    }  # fmt: skip
    assert stats_of(unit_values)["median"] == 0.0


def test_positions_of_chosen_periods_equal_those_of_all_periods():
    frame, membership, polarity = random_programme(3)
    everything = unit_positions(frame, membership, polarity)
    chosen = unit_positions(frame, membership, polarity, periods=[2021])
    assert chosen["period"].unique().to_list() == [2021]
    assert chosen.height > 0
    assert chosen.equals(everything.filter(pl.col("period") == 2021))
    # 2020 is still there as the previous period: changes are known.
    assert chosen["change_prev"].null_count() < chosen.height


def test_positions_of_a_period_without_results_are_empty():
    frame, membership, polarity = random_programme(3)
    found = unit_positions(frame, membership, polarity, periods=[1999])
    assert found.height == 0
    assert found.columns == list(UNIT_POSITIONS_COLUMNS)


@pytest.mark.parametrize("seed", [0, 1, 4])
def test_position_from_stored_statistics_equals_unit_positions(seed):
    # Pages place a unit from the stored statistics and sorted values of its group.
    frame, membership, polarity = random_programme(seed)
    found = group_stats(frame, membership, polarity)
    positions = unit_positions(frame, membership, polarity)
    joined = frame.filter(pl.col("value").is_finite()).join(membership, on="unit")
    sorted_values = {
        (group, indicator, period): np.sort(np.array(values))
        for group, indicator, period, values in joined.group_by("group", "indicator", "period")
        .agg(pl.col("value"))
        .iter_rows()
    }
    stats_by_key = {
        (r["group"], r["indicator"], r["period"]): r for r in found.iter_rows(named=True)
    }
    checked = 0
    for row in positions.iter_rows(named=True):
        key = (row["group"], row["indicator"], row["period"])
        stat = stats_by_key[key]
        position = stats.position_in_group(
            row["value"],
            sorted_values[key],
            polarity.get(row["indicator"], NEUTRAL),
            mean=stat["mean"],
            std=stat["std"],
            median=stat["median"],
            best=stat["best"],
        )
        assert (position.rank, position.n, position.quartile) == (
            row["rank"],
            row["n"],
            row["quartile"],
        )
        for name in ("percentile", "z", "gap_median_pct", "gap_best_pct"):
            mine, theirs = getattr(position, name), row[name]
            assert (mine is None) == (theirs is None), (name, mine, theirs)
            if mine is not None:
                assert mine == pytest.approx(theirs, rel=1e-12, abs=1e-12)
        checked += 1
    assert checked == positions.height > 100


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("polarity", ["higher", "lower", "neutral"])
def test_summary_of_one_small_group_is_what_group_stats_gives(seed, polarity):
    """The figures a page works out for a dozen neighbours are group_stats' figures:
    ties, missing values, parts missing here and there, a single value, none at all."""
    rng = np.random.default_rng(seed)
    n = [0, 1, 2, 5, 12, 13][seed]
    value = np.round(rng.normal(100, 30, n), 0)  # rounded: ties happen
    value[rng.random(n) < 0.2] = np.nan
    numerator = np.where(rng.random(n) < 0.2, np.nan, value * 7)
    denominator = np.where(rng.random(n) < 0.2, np.nan, 7.0)
    units = [f"u{k}" for k in range(n)]
    results = pl.DataFrame(
        {
            "unit": units,
            "period": [2024] * n,
            "indicator": ["I"] * n,
            "value": value,
            "numerator": numerator,
            "denominator": denominator,
        },
        schema_overrides={"unit": pl.String, "indicator": pl.String, "period": pl.Int64},
    ).with_columns(pl.col("value", "numerator", "denominator").fill_nan(None))
    expected_rows = stats.group_stats(
        results, pl.DataFrame({"group": ["g"] * n, "unit": units}), {"I": Polarity(polarity)}
    ).to_dicts()
    found = stats.summary_of(value, polarity, numerators=numerator, denominators=denominator)
    if not expected_rows:  # no results at all: group_stats has no row, summary n = 0
        assert n == 0 and found["n"] == 0 and found["median"] is None
        return
    expected = expected_rows[0]
    for name in ("n", "aggregate", "median", "q1", "q3", "min", "max", "best", "worst"):
        assert found[name] == expected[name], name
    for name in ("mean", "std"):
        if expected[name] is None:
            assert found[name] is None, name
        else:
            assert found[name] == pytest.approx(expected[name], rel=1e-12), name
