"""A programme's and a group's competency aggregates from the stored assessments: five
people behind a figure show it, four do not; the change from start to end; drafts and
superiors' second views never count; an assessment the office may not read one by one
still counts in the aggregates (they name nobody)."""

import pytest

from benchlearn.competencies.aggregates import (
    group_aggregates,
    may_see_group_aggregates,
    may_see_programme_aggregates,
    programme_aggregates,
    seats_with_gaps,
)
from benchlearn.competencies.models import Role
from benchlearn.groups.services import group_create, programme_create
from benchlearn.units.models import Level
from tests.competencies.cohort import END, START, assess, extra_units, seat_holders

OPERATIONAL, MIDDLE, STRATEGIC = Level.OPERATIONAL, Level.MIDDLE, Level.STRATEGIC


@pytest.fixture
def cohort(scheme, group, operator):
    """Five operational people (MEASURE expected at 3) assessed at the start and the end,
    four middle ones (expected 3) at the start only, in a programme's group."""
    programme = programme_create(
        name="Kompetencje", first_year=2026, last_year=2027, groups=[group]
    )
    units = extra_units(9)
    operational = seat_holders(group, OPERATIONAL, 5, by=operator, tag="op", units=units[:5])
    middle = seat_holders(group, MIDDLE, 4, by=operator, tag="mid", units=units[5:9])
    for number, (person, start, end) in enumerate(
        zip(operational, [1, 2, 2, 3, 4], [2, 3, 3, 3, 4], strict=True)
    ):
        # Whether the office may read them one by one does not matter to aggregates.
        seen = number % 2 == 0
        assess(person, group, scheme, START, {"MEASURE": start}, office_may_see=seen)
        assess(person, group, scheme, END, {"MEASURE": end}, office_may_see=seen)
    for person in middle:
        assess(person, group, scheme, START, {"MEASURE": 1, "LEAD": 2})
    return {"programme": programme, "operational": operational, "middle": middle, "units": units}


def _cell(found, code, seat):
    line = next(line for line in found.lines if line.code == code)
    return line.seats[[value for value, _label in found.seats].index(seat)]


def test_five_people_show_a_figure_and_the_change_from_start_to_end(cohort, group):
    found = programme_aggregates(cohort["programme"])
    cell = _cell(found, "MEASURE", OPERATIONAL)
    assert (cell.n, cell.n_start, cell.n_end, cell.n_both) == (5, 5, 5, 5)
    assert cell.mean_start == pytest.approx(2.4)
    assert cell.mean_end == pytest.approx(3.0)
    assert cell.mean_change == pytest.approx(0.6)
    # Only the one still below 3 at the end has a gap (1): 1/5.
    assert cell.mean_gap == pytest.approx(0.2)
    assert found.people == 9
    assert found.scheme.version == "2026.1"
    assert found.names["MEASURE"] == "Measuring and monitoring performance"


def test_four_people_withhold_every_mean_and_tell_the_count(cohort):
    found = programme_aggregates(cohort["programme"])
    cell = _cell(found, "MEASURE", MIDDLE)
    assert cell.n == 4
    assert (cell.mean_start, cell.mean_end, cell.mean_gap, cell.mean_change) == (None,) * 4
    lead = _cell(found, "LEAD", MIDDLE)
    assert lead.n == 4 and lead.mean_gap is None
    # Over all seats, nine people stand behind MEASURE: shown.
    overall = next(line for line in found.lines if line.code == "MEASURE").overall
    assert overall.n == 9 and overall.mean_start == pytest.approx((12 + 4) / 9)
    # Nobody of the strategic seat was assessed: no cell at all.
    assert _cell(found, "MEASURE", STRATEGIC) is None


def test_a_stage_with_four_people_is_withheld_even_where_the_other_is_shown(scheme, cohort, group):
    fifth_middle = seat_holders(
        group, MIDDLE, 1, by=group.moderator, tag="late", units=extra_units(10)[9:]
    )[0]
    assess(fifth_middle, group, scheme, START, {"MEASURE": 3})
    for person in cohort["middle"][:3]:
        assess(person, group, scheme, END, {"MEASURE": 3})
    cell = _cell(programme_aggregates(cohort["programme"]), "MEASURE", MIDDLE)
    assert (cell.n, cell.n_start, cell.n_end) == (5, 5, 3)
    assert cell.mean_start == pytest.approx((1 * 4 + 3) / 5)
    assert cell.mean_end is None and cell.mean_change is None
    assert cell.mean_gap is not None


def test_drafts_and_second_views_do_not_count(scheme, cohort, group):
    units = cohort["units"]
    draft_person = seat_holders(
        group, OPERATIONAL, 1, by=group.moderator, tag="draft", units=extra_units(10)[9:]
    )[0]
    assess(draft_person, group, scheme, START, {"MEASURE": 1}, submitted=False)
    # A second view of the first operational person by a strategic person of the unit.
    strategic = seat_holders(group, STRATEGIC, 1, by=group.moderator, tag="boss", units=units)[0]
    assess(
        cohort["operational"][0],
        group,
        scheme,
        START,
        {"MEASURE": 4},
        role=Role.SUPERIOR,
        assessor=strategic,
    )
    cell = _cell(programme_aggregates(cohort["programme"]), "MEASURE", OPERATIONAL)
    assert (cell.n, cell.n_start) == (5, 5)
    assert cell.mean_start == pytest.approx(2.4)


def test_one_withdrawn_person_leaves_four_and_the_figure_goes(scheme, cohort, group):
    cohort["operational"][0].competency_assessments.all().delete()
    cell = _cell(programme_aggregates(cohort["programme"]), "MEASURE", OPERATIONAL)
    assert cell.n == 4 and cell.mean_end is None and cell.mean_gap is None


def test_per_group_within_the_programme_and_a_small_groups_own_figures(
    scheme, cohort, group, operator, unit_c
):
    other = group_create(
        name="GWD Odpady", service="Odpady", cycle_start=2025, moderator=None, units=[unit_c]
    )
    cohort["programme"].groups.add(other)
    newcomers = seat_holders(other, OPERATIONAL, 3, by=operator, tag="new", units=cohort["units"])
    for person in newcomers:
        assess(person, other, scheme, START, {"MEASURE": 4})
    found = programme_aggregates(cohort["programme"])
    together = _cell(found, "MEASURE", OPERATIONAL)
    assert together.n_start == 8
    assert together.mean_start == pytest.approx((12 + 12) / 8)
    by_group = {entry.group.pk: entry for entry in found.groups}
    small = next(line for line in by_group[other.pk].lines if line.code == "MEASURE")
    assert small.seats[2].n == 3 and small.seats[2].mean_start is None
    assert by_group[other.pk].people == 3
    own = group_aggregates(other)
    assert _cell(own, "MEASURE", OPERATIONAL).mean_start is None
    assert _cell(group_aggregates(group), "MEASURE", OPERATIONAL).mean_start == pytest.approx(2.4)


def test_largest_gaps_per_seat_and_the_seats_a_training_is_for(scheme, cohort, group):
    found = programme_aggregates(cohort["programme"])
    largest = {seat: cells for seat, _label, cells in found.largest}
    assert [cell.competency for cell, _name in largest[OPERATIONAL]] == ["MEASURE"]
    # The middle seat's four people show no gap at all.
    assert MIDDLE not in largest
    assert seats_with_gaps(cohort["programme"], ["MEASURE"]) == [OPERATIONAL]
    assert seats_with_gaps(cohort["programme"], ["LEAD"]) == []


def test_who_may_see_the_aggregates(group, programme, unit_c):
    people = programme
    other = group_create(name="Inna", service="Odpady", cycle_start=2025, moderator=None)
    owner = programme_create(name="P", first_year=2026, last_year=2027, groups=[group])
    assert may_see_programme_aggregates(people["operator"], owner)
    for role in ("moderator", "participant_a", "stranger", "nobody"):
        assert not may_see_programme_aggregates(people[role], owner), role
    assert may_see_group_aggregates(people["operator"], group)
    assert may_see_group_aggregates(people["moderator"], group)
    assert not may_see_group_aggregates(people["moderator"], other)
    for role in ("participant_a", "participant_b", "stranger", "nobody"):
        assert not may_see_group_aggregates(people[role], group), role
