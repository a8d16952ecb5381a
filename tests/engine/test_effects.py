"""The "Did it work?" figures and the "most improved" ranking against numbers worked by
hand, and properties that hold for any group."""

import random

import numpy as np
import pytest

from benchlearn.engine import effects
from benchlearn.engine.catalogue import Polarity
from benchlearn.engine.effects import effect, most_improved

HIGHER, LOWER, NEUTRAL = Polarity.HIGHER_BETTER, Polarity.LOWER_BETTER, Polarity.NEUTRAL

# A group of seven with a few missing years (None or absent).
GROUP = {
    "A": {2021: 9.0, 2022: 10.0, 2023: 12.0, 2024: 14.0},
    "B": {2021: 18.0, 2022: 20.0, 2024: 21.0},
    "C": {2022: 5.0, 2023: 4.0, 2024: 3.0},
    "D": {2022: None, 2023: 7.0, 2024: 8.0},  # no baseline in 2022
    "E": {2022: 0.0, 2024: 2.0},  # baseline 0: no relative change
    "F": {2022: 40.0, 2023: 41.0, 2024: 46.0},
    "G": {2022: 7.0, 2023: 7.5},  # no value in 2024
}
# Changes 2022 → 2024 of the members with both years (A, B, C, E, F; not D, G):
#   A 14 − 10 = 4, B 21 − 20 = 1, C 3 − 5 = −2, E 2 − 0 = 2, F 46 − 40 = 6.
# Sorted −2, 1, 2, 4, 6 (n = 5): QUARTILE.INC positions h = 4·p:
#   Q1 h = 1 → 1; median h = 2 → 2; Q3 h = 3 → 4.
# Relative changes (non-zero baseline: A, B, C, F): A 4/10 = 40 %, B 1/20 = 5 %,
#   C −2/5 = −40 %, F 6/40 = 15 %. Sorted −40, 5, 15, 40 (n = 4): median h = 1.5 →
#   5 + 0.5·(15 − 5) = 10 %.


def of(unit, polarity=HIGHER, *, baseline_year=2022, latest_year=2024, target=None):
    return effect(
        GROUP[unit],
        GROUP,
        baseline_year=baseline_year,
        latest_year=latest_year,
        polarity=polarity,
        target=target,
    )


def test_a_unit_better_than_its_group_on_the_edge_of_normal_variation():
    found = of("A")
    assert (found.baseline, found.latest, found.change) == (10.0, 14.0, 4.0)
    assert found.change_pct == pytest.approx(40.0)  # 4 / 10
    assert found.members == 5  # D (no 2022) and G (no 2024) left out
    assert found.group_median_change == 2.0
    assert (found.group_q1_change, found.group_q3_change) == (1.0, 4.0)
    assert found.difference == 2.0  # 4 − 2
    assert found.within_normal is True  # 1 ≤ 4 ≤ 4: Q3 itself is inside
    assert found.verdict == "better"
    assert found.improved == "better"
    assert found.members_pct == 4  # E's baseline is 0
    assert found.group_median_change_pct == pytest.approx(10.0)
    assert found.difference_pct == pytest.approx(30.0)  # 40 − 10
    assert found.reason is None
    assert found.measured and found.compared


def test_outside_normal_variation_on_both_sides():
    best, worst = of("F"), of("C")
    assert best.difference == 4.0  # 6 − 2
    assert best.within_normal is False  # 6 > Q3 = 4
    assert best.verdict == "better"
    assert worst.difference == -4.0  # −2 − 2
    assert worst.within_normal is False  # −2 < Q1 = 1
    assert worst.verdict == "worse"
    assert worst.difference_pct == pytest.approx(-50.0)  # −40 − 10


def test_the_median_unit_with_a_zero_baseline():
    found = of("E")
    assert found.change == 2.0
    assert found.difference == 0.0  # 2 − 2
    assert found.verdict == "same"
    assert found.within_normal is True
    assert found.change_pct is None  # baseline 0
    assert found.difference_pct is None
    assert found.group_median_change_pct == pytest.approx(10.0)  # still the group's


def test_lower_better_turns_better_into_worse():
    found = of("A", LOWER)
    assert found.difference == 2.0  # the same numbers
    assert found.verdict == "worse"  # 2 more of a lower-better indicator
    assert found.improved == "worse"
    assert of("C", LOWER).verdict == "better"  # −2 − 2 = −4: fell more than the group


def test_neutral_gives_the_numbers_without_a_verdict():
    found = of("A", NEUTRAL)
    assert (found.change, found.group_median_change, found.difference) == (4.0, 2.0, 2.0)
    assert found.within_normal is True
    assert found.verdict is None
    assert found.improved is None


def test_target_met_by_polarity():
    # A: 10 → 14.
    assert of("A", HIGHER, target=12).target_met is True  # 14 ≥ 12
    assert of("A", HIGHER, target=14).target_met is True  # reached exactly
    assert of("A", HIGHER, target=15).target_met is False  # 14 < 15
    assert of("A", LOWER, target=12).target_met is False  # 14 > 12
    assert of("A", LOWER, target=16).target_met is True  # 14 ≤ 16
    # Neutral: the target's side of the baseline (10) gives the direction.
    assert of("A", NEUTRAL, target=12).target_met is True  # above: 14 ≥ 12
    assert of("A", NEUTRAL, target=8).target_met is False  # below: 14 > 8
    assert of("A").target_met is None  # no target
    assert of("A", target=12).target == 12


def test_missing_years_of_the_unit_give_no_result_with_a_reason():
    no_baseline = of("D")
    assert no_baseline.reason == "no_baseline"
    assert no_baseline.change is None and no_baseline.difference is None
    assert not no_baseline.measured
    no_latest = of("G")
    assert no_latest.reason == "no_latest"
    assert no_latest.baseline is None and no_latest.difference is None
    backwards = of("A", baseline_year=2024, latest_year=2022)
    assert backwards.reason == "latest_not_after_baseline"
    assert of("A", baseline_year=2024, latest_year=2024).reason == "latest_not_after_baseline"


def test_too_few_members_keep_the_own_figures():
    # 2021 → 2024: only A (9 → 14) and B (18 → 21) have both years: 2 < 3.
    found = of("A", baseline_year=2021)
    assert found.reason == "too_few_members"
    assert found.members == 2
    assert found.change == 5.0  # 14 − 9
    assert found.change_pct == pytest.approx(500 / 9)  # 5 / 9 · 100 = 55.6 %
    assert found.group_median_change is None and found.difference is None
    assert found.within_normal is None and found.verdict is None
    assert found.measured and not found.compared


def test_an_intermediate_latest_year():
    # 2022 → 2023: A 10 → 12 (+2), C 5 → 4 (−1), F 40 → 41 (+1); B, E have no 2023;
    # G 7 → 7.5 (+0.5); D none in 2022. Changes −1, 0.5, 1, 2 (n = 4):
    # median h = 1.5 → 0.5 + 0.5·(1 − 0.5) = 0.75; Q1 h = 0.75 → −1 + 0.75·1.5 = 0.125;
    # Q3 h = 2.25 → 1 + 0.25·(2 − 1) = 1.25.
    found = of("A", latest_year=2023)
    assert found.members == 4
    assert found.group_median_change == pytest.approx(0.75)
    assert found.group_q1_change == pytest.approx(0.125)
    assert found.group_q3_change == pytest.approx(1.25)
    assert found.difference == pytest.approx(1.25)  # 2 − 0.75
    assert found.within_normal is False  # 2 > 1.25


def test_most_improved_higher_better_with_missing_years():
    ranking = most_improved(GROUP, from_year=2022, to_year=2024, polarity=HIGHER)
    # Improvements = changes: F 6, A 4, E 2, B 1, C −2.
    assert [(i.key, i.rank, i.improvement) for i in ranking.ranked] == [
        ("F", 1, 6.0),
        ("A", 2, 4.0),
        ("E", 3, 2.0),
        ("B", 4, 1.0),
        ("C", 5, -2.0),
    ]
    assert ranking.missing == {"D": 2022, "G": 2024}
    assert [i.key for i in ranking.top()] == ["F", "A", "E"]
    assert ranking.ranked[0].change_pct == pytest.approx(15.0)  # 6 / 40
    assert ranking.ranked[2].change_pct is None  # E from 0


def test_most_improved_lower_better_lists_only_who_improved():
    ranking = most_improved(GROUP, from_year=2022, to_year=2024, polarity=LOWER)
    # Improvements = −change: C 2, B −1, E −2, A −4, F −6.
    assert [(i.key, i.rank, i.improvement) for i in ranking.ranked] == [
        ("C", 1, 2.0),
        ("B", 2, -1.0),
        ("E", 3, -2.0),
        ("A", 4, -4.0),
        ("F", 5, -6.0),
    ]
    assert [i.key for i in ranking.top()] == ["C"]  # B and E got worse
    assert ranking.ranked[0].change == -2.0  # the change keeps its sign


def test_most_improved_ties_share_the_best_rank():
    group = {
        "P": {1: 1.0, 2: 4.0},  # +3
        "Q": {1: 5.0, 2: 8.0},  # +3
        "R": {1: 0.1, 2: 3.1},  # +3.0000000000000004 in floats: tied all the same
        "S": {1: 2.0, 2: 3.0},  # +1
        "T": {1: 2.0, 2: 2.5},  # +0.5
    }
    ranking = most_improved(group, from_year=1, to_year=2, polarity=HIGHER)
    assert [(i.key, i.rank) for i in ranking.ranked] == [
        ("P", 1),
        ("Q", 1),
        ("R", 1),
        ("S", 4),
        ("T", 5),
    ]
    assert [i.key for i in ranking.top(2)] == ["P", "Q", "R"]  # ties at the cut all come


def test_most_improved_neutral_and_backwards():
    neutral = most_improved(GROUP, from_year=2022, to_year=2024, polarity=NEUTRAL)
    assert neutral.reason == "neutral" and neutral.ranked == [] and neutral.top() == []
    assert neutral.missing == {"D": 2022, "G": 2024}
    backwards = most_improved(GROUP, from_year=2024, to_year=2022, polarity=HIGHER)
    assert backwards.reason == "latest_not_after_baseline"


def random_group(rng, size):
    group = {}
    for i in range(size):
        series = {year: rng.uniform(-50, 150) for year in (2020, 2021, 2022)}
        if rng.random() < 0.15:
            del series[rng.choice((2020, 2022))]
        group[f"u{i}"] = series
    return group


@pytest.mark.parametrize("seed", range(40))
def test_properties_on_random_groups(seed):
    rng = random.Random(seed)
    group = random_group(rng, rng.randint(3, 15))
    pairs = effects.changes(group, 2020, 2022)
    if len(pairs) < effects.MIN_MEMBERS:
        return
    median = float(np.quantile([b - a for a, b in pairs.values()], 0.5))
    # A unit changing exactly as the group's median has difference 0 ("same").
    twin = {2020: 10.0, 2022: 10.0 + median}
    found = effect(twin, group, baseline_year=2020, latest_year=2022, polarity=HIGHER)
    assert found.group_median_change == pytest.approx(median)
    assert found.difference == pytest.approx(0.0, abs=1e-9)
    assert found.verdict == "same" and found.within_normal is True
    for key, series in group.items():
        up = effect(series, group, baseline_year=2020, latest_year=2022, polarity=HIGHER)
        down = effect(series, group, baseline_year=2020, latest_year=2022, polarity=LOWER)
        flat = effect(series, group, baseline_year=2020, latest_year=2022, polarity=NEUTRAL)
        if key not in pairs:
            assert up.reason in ("no_baseline", "no_latest") and up.difference is None
            continue
        # Polarity changes the words, never the numbers; reversing it flips them.
        assert up.difference == down.difference == flat.difference
        flipped = {"better": "worse", "worse": "better", "same": "same"}
        assert down.verdict == flipped[up.verdict]
        assert flat.verdict is None
        # Inside the interquartile band ⇔ within normal variation.
        assert up.group_q1_change <= up.group_median_change <= up.group_q3_change
        assert up.within_normal == (up.group_q1_change <= up.change <= up.group_q3_change)
    ranking = most_improved(group, from_year=2020, to_year=2022, polarity=LOWER)
    improvements = [i.improvement for i in ranking.ranked]
    assert improvements == sorted(improvements, reverse=True)
    assert len(ranking.ranked) + len(ranking.missing) == len(group)
    assert all(i.improvement == -i.change for i in ranking.ranked)
