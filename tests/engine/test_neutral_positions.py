"""A neutral indicator (current expenditure per pupil) has no rank, but still a
position: its side of the median, its quarter of the values and its percentile from the
lowest, worded without "best" or "worst"."""

import numpy as np
import pytest

from benchlearn.engine.stats import level_in_group, position_in_group, summary_of

# Nine units' current expenditure per pupil (zł): median 10 000, Q1 9 000, Q3 11 000.
SPENDING = np.array([7_000, 8_000, 9_000, 9_500, 10_000, 10_500, 11_000, 12_000, 14_000.0])


def _position(value: float, polarity: str = "neutral"):
    figures = summary_of(SPENDING, polarity)
    return position_in_group(
        value,
        SPENDING,
        polarity,
        mean=figures["mean"],
        std=figures["std"],
        median=figures["median"],
        best=figures["best"],
        q1=figures["q1"],
        q3=figures["q3"],
    )


@pytest.mark.parametrize(
    ("value", "side", "band", "level"),
    [
        (7_000, "below", 1, 0.0),
        (9_000, "below", 2, 25.0),  # on Q1: the quarter nearer the median
        (9_500, "below", 2, 37.5),
        (10_000, "around", 3, 50.0),
        (10_500, "above", 3, 62.5),
        (12_000, "above", 4, 87.5),
        (14_000, "above", 4, 100.0),
    ],
)
def test_a_neutral_indicator_is_placed_against_the_median(value, side, band, level):
    position = _position(value)
    assert (position.rank, position.percentile, position.quartile) == (None, None, None)
    assert not position.ranked
    assert (position.side, position.band, position.level) == (side, band, level)
    assert position.n == 9


def test_around_the_median_is_within_a_tenth_of_the_quartile_range():
    # Q3 - Q1 = 2 000: up to 200 from the median is around it.
    for value, side in (
        (10_200.0, "around"),
        (9_800.0, "around"),
        (10_250.0, "above"),
        (9_750.0, "below"),
    ):
        values = np.sort(np.append(SPENDING[SPENDING != 10_500], value))
        found = level_in_group(value, values, median=10_000, q1=9_000, q3=11_000)
        assert found[0] == side


def test_ranked_indicators_keep_their_rank_and_get_the_same_side():
    higher, lower = _position(12_000, "higher"), _position(12_000, "lower")
    assert higher.ranked and higher.rank == 2 and higher.quartile == 1
    assert lower.ranked and lower.rank == 8 and lower.quartile == 4
    assert (higher.side, higher.band) == (lower.side, lower.band) == ("above", 4)


def test_a_group_of_one_is_around_its_own_median():
    alone = np.array([5.0])
    assert level_in_group(5.0, alone, median=5.0, q1=5.0, q3=5.0) == ("around", 3, 50.0)
    assert level_in_group(5.0, np.array([]), median=None) == (None, None, None)
