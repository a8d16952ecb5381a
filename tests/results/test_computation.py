"""Results are computed from approved values and kept, with the comparison groups,
their statistics and each unit's nearest neighbours."""

import numpy as np
import polars as pl
import pytest
from django.core.exceptions import PermissionDenied

from benchlearn.engine.stats import group_stats
from benchlearn.results import services
from benchlearn.results.models import (
    ComparisonGroup,
    ComparisonKind,
    Computation,
    ComputationState,
    GroupStat,
    Neighbour,
    Result,
)
from benchlearn.results.services import computation_request, computation_run


def compute(operator) -> Computation:
    requested = computation_request(user=operator, reason="test")
    done = computation_run(requested.pk)
    assert done is not None
    return done


def result(computation, unit, code, period):
    return Result.objects.get(
        computation=computation, unit=unit, indicator__code=code, period=period
    )


def test_indicators_of_approved_values_are_stored(computed_programme, operator):
    computation = compute(operator)
    assert computation.state == ComputationState.DONE, computation.error
    unit_a = computed_programme["unit_a"]
    # The fixture gives each unit numbers by its place among the eight.
    place = [u.pk for u in computed_programme["units"]].index(unit_a.pk)
    pupils = 900.0 * (1 + 0.4 * place) + 10
    expected = ((1_000_000 + 100_000 * place) * 1.05 - (600_000 + 10_000 * place)) / pupils
    assert result(computation, unit_a, "EDU_NET_COST", 2024).value == pytest.approx(expected)
    # Unit C's 2024 values are a draft: no result for 2024, but 2023's are there.
    unit_c = computed_programme["unit_c"]
    assert not Result.objects.filter(
        computation=computation, unit=unit_c, period=2024, indicator__code="EDU_NET_COST"
    ).exists()
    assert result(computation, unit_c, "EDU_NET_COST", 2023).value is not None
    assert computation.first_period == 2023 and computation.last_period == 2024
    assert computation.catalogue["EDU_NET_COST"] == 1
    assert computation.value_change > 0 and computation.data_as_of is not None
    assert computation.results == Result.objects.filter(computation=computation).count()


def test_comparison_groups_are_formed_with_their_members(computed_programme, operator, group):
    computation = compute(operator)
    groups = {
        (g.kind, g.key): set(g.members.values_list("teryt", flat=True))
        for g in ComparisonGroup.objects.filter(computation=computation)
    }
    every = {u.teryt for u in computed_programme["units"]}
    assert groups[(ComparisonKind.ALL, "all")] == every
    assert groups[(ComparisonKind.EXCHANGE, str(group.pk))] == set(
        group.units.values_list("teryt", flat=True)
    )
    voivodeships = [members for (kind, _k), members in groups.items() if kind == "voivodeship"]
    assert set().union(*voivodeships) == every
    bands = [(key, members) for (kind, key), members in groups.items() if kind == "band"]
    assert set().union(*(members for _key, members in bands)) == every
    for key, members in bands:  # one kind of gmina and one population band each
        kinds = {u.kind for u in computed_programme["units"] if u.teryt in members}
        assert kinds == {key.split(":")[0]}


def test_group_statistics_are_the_engines_with_sorted_values(computed_programme, operator):
    computation = compute(operator)
    stat = GroupStat.objects.get(
        group__computation=computation,
        group__kind=ComparisonKind.ALL,
        indicator__code="EDU_NET_COST",
        period=2024,
    )
    stored = pl.DataFrame(
        list(
            Result.objects.filter(
                computation=computation, indicator__code="EDU_NET_COST", period=2024
            ).values_list("unit__teryt", "value")
        ),
        schema=["unit", "value"],
        orient="row",
    )
    assert stat.n == stored.height == 7  # unit C's 2024 values are not approved
    assert stat.sorted_values().tolist() == sorted(stored["value"].to_list())
    assert stat.median == pytest.approx(float(np.median(stored["value"].to_numpy())))
    frame = stored.with_columns(period=pl.lit(2024), indicator=pl.lit("X"))
    engine = group_stats(
        frame, pl.DataFrame({"group": ["all"] * 8, "unit": [*stored["unit"].to_list(), "-"]}), {}
    ).row(0, named=True)
    for name in ("mean", "q1", "q3", "std", "min", "max"):
        mine = getattr(stat, {"min": "minimum", "max": "maximum"}.get(name, name))
        assert mine == pytest.approx(engine[name])
    # The aggregate is the ratio of the sums of the declared parts.
    teachers = GroupStat.objects.get(
        group__computation=computation,
        group__kind=ComparisonKind.ALL,
        indicator__code="TEACHERS_PER_100",
        period=2024,
    )
    parts = Result.objects.filter(
        computation=computation, indicator__code="TEACHERS_PER_100", period=2024
    ).values_list("numerator", "denominator")
    assert teachers.aggregate == pytest.approx(
        sum(n for n, _d in parts) / sum(d for _n, d in parts)
    )


def test_nearest_neighbours_are_kept_with_why(computed_programme, operator, settings):
    settings.NEIGHBOURS = 3
    computation = compute(operator)
    unit_a = computed_programme["unit_a"]
    peers = list(Neighbour.objects.filter(computation=computation, unit=unit_a))
    assert [p.rank for p in peers] == [1, 2, 3]
    assert all(p.peer_id != unit_a.pk for p in peers)
    assert [p.distance for p in peers] == sorted(p.distance for p in peers)
    for peer in peers:
        assert set(peer.shares) == {"POP", "AREA_KM2", "DENSITY"}
        assert sum(peer.shares.values()) == pytest.approx(1.0)


def test_a_new_computation_replaces_the_old_one(computed_programme, operator):
    first = compute(operator)
    second = compute(operator)
    assert second.state == ComputationState.DONE
    assert not Computation.objects.filter(pk=first.pk).exists()
    assert not Result.objects.filter(computation_id=first.pk).exists()


def test_a_failed_computation_keeps_the_previous_results(computed_programme, operator, monkeypatch):
    first = compute(operator)
    kept = Result.objects.filter(computation=first).count()

    def broken(*args, **kwargs):
        raise RuntimeError("the engine broke")

    monkeypatch.setattr(services, "group_stats", broken)
    failed = compute(operator)
    assert failed.state == ComputationState.FAILED
    assert "the engine broke" in failed.error
    assert not Result.objects.filter(computation=failed).exists()
    assert not ComparisonGroup.objects.filter(computation=failed).exists()
    assert Result.objects.filter(computation=first).count() == kept


def test_only_operators_ask_for_a_computation_and_one_waits_at_a_time(
    computed_programme, operator, participant_a
):
    with pytest.raises(PermissionDenied):
        computation_request(user=participant_a)
    first = computation_request(user=operator, reason="one")
    again = computation_request(user=operator, reason="two")
    assert first.pk == again.pk
    assert Computation.objects.filter(state=ComputationState.QUEUED).count() == 1


def test_nothing_to_compute_gives_an_empty_finished_computation(db, operator, settings):
    computation = compute(operator)
    assert computation.state == ComputationState.DONE, computation.error
    assert computation.results == 0 and computation.units == 0


def test_an_approval_by_itself_computes_nothing(computed_programme):
    # The fixture approved fifteen submissions through the service: the results app
    # reads collection, and whoever approves asks for a computation (the page does).
    assert not Computation.objects.exists()
