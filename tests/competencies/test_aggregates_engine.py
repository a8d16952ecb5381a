"""The engine's aggregates: gaps against the seat's expectation, change between the
stages for those assessed twice, and every mean withheld below five people."""

import pytest

from benchlearn.engine.competencies import RatingRow, gap, largest_gaps, summarise


def rows(stage, levels, *, seat="middle", expected=3, competency="MEASURE", start_at=0):
    return [
        RatingRow(
            person=start_at + i,
            seat=seat,
            competency=competency,
            stage=stage,
            level=level,
            expected=expected,
        )
        for i, level in enumerate(levels)
    ]


def test_gap_counts_only_the_shortfall():
    assert gap(1, 3) == 2
    assert gap(3, 3) == 0
    assert gap(4, 3) == 0


def test_means_gap_and_change_with_five_people():
    data = rows("start", [1, 2, 2, 3, 4]) + rows("end", [2, 3, 3, 3, 4])
    (cell,) = summarise(data, min_people=5)
    assert (cell.n, cell.n_start, cell.n_end, cell.n_both) == (5, 5, 5, 5)
    assert cell.mean_start == pytest.approx(2.4)
    assert cell.mean_end == pytest.approx(3.0)
    # The gap is taken at each person's latest stage: 1, 0, 0, 0, 0 below 3.
    assert cell.mean_gap == pytest.approx(0.2)
    assert cell.mean_change == pytest.approx(0.6)


def test_four_people_show_the_count_and_no_figure():
    (cell,) = summarise(rows("start", [1, 1, 2, 4]), min_people=5)
    assert cell.n == 4
    assert cell.mean_start is None and cell.mean_gap is None and cell.mean_end is None
    assert not cell.shown


def test_each_figure_needs_its_own_five_people():
    # Seven at the start, three of them again at the end: the start and the gap are
    # shown, the end and the change are not.
    data = rows("start", [1, 2, 2, 2, 3, 3, 3]) + rows("end", [3, 3, 4])
    (cell,) = summarise(data, min_people=5)
    assert cell.n == 7 and cell.n_end == 3 and cell.n_both == 3
    assert cell.mean_start == pytest.approx(16 / 7)
    assert cell.mean_end is None and cell.mean_change is None
    # Latest: 3, 3, 4 (end) and 2, 3, 3, 3 (start) against 3: gaps 0,0,0,1,0,0,0.
    assert cell.mean_gap == pytest.approx(1 / 7)


def test_seats_are_apart_and_together_on_request():
    data = rows("start", [1] * 5, seat="strategic", expected=4) + rows(
        "start", [3] * 5, seat="operational", expected=3, start_at=100
    )
    by_seat = {cell.seat: cell for cell in summarise(data, min_people=5)}
    assert by_seat["strategic"].mean_gap == pytest.approx(3.0)
    assert by_seat["operational"].mean_gap == pytest.approx(0.0)
    (together,) = summarise(data, min_people=5, by_seat=False)
    assert together.n == 10 and together.mean_gap == pytest.approx(1.5)


def test_largest_gaps_per_seat_skip_withheld_and_zero_gaps():
    data = (
        rows("start", [1] * 5, competency="LEAD", expected=4)
        + rows("start", [2] * 5, competency="MEASURE", expected=3)
        + rows("start", [3] * 5, competency="PROCESS", expected=3)
        + rows("start", [1] * 4, competency="ANALYSE", expected=4)
    )
    largest = largest_gaps(summarise(data, min_people=5))
    assert [cell.competency for cell in largest["middle"]] == ["LEAD", "MEASURE"]
