"""Disclosure control of published averages: literal cases, then properties over random
programmes and thresholds (seeded, so a failure is reproducible)."""

import numpy as np
import polars as pl
import pytest

from benchlearn.engine.disclosure import disclosure_control

TOTAL = "all"


def _frames(classes: dict[str, dict[str, str]], weights=None, known=()):
    """``classes``: dimension -> {unit: class}; every unit is in the total."""
    units = sorted({u for mapping in classes.values() for u in mapping})
    rows = [(TOTAL, "", u) for u in units]
    for dimension, mapping in classes.items():
        rows += [(f"{dimension}:{c}", dimension, u) for u, c in mapping.items()]
    members = pl.DataFrame(rows, schema=["cell", "dimension", "unit"], orient="row")
    weights = weights or {}
    frame = pl.DataFrame(
        {
            "unit": units,
            "weight": [weights.get(u) for u in units],
            "known": [u in known for u in units],
        },
        schema={"unit": pl.String, "weight": pl.Float64, "known": pl.Boolean},
    )
    return members, frame


def _shown(classes, *, min_units=5, max_share=0.5, weights=None, known=()):
    members, units = _frames(classes, weights, known)
    result = disclosure_control(
        members, units, total=TOTAL, min_units=min_units, max_share=max_share
    )
    return {cell for cell, shown in result.select("cell", "shown").iter_rows() if shown}


def _units(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{i:02d}" for i in range(count)]


def test_a_class_below_the_threshold_is_hidden_and_one_more_beside_it():
    kinds = {u: "gw" for u in _units("w", 10)}
    kinds |= {u: "gm" for u in _units("m", 6)}
    kinds |= {u: "mnpp" for u in _units("c", 2)}
    shown = _shown({"kind": kinds})
    # 2 cities are below 5; the total minus the other two classes would give them away,
    # so the smaller of the others (6 urban gminas) is hidden too.
    assert shown == {TOTAL, "kind:gw"}


def test_everything_is_shown_when_every_class_is_large_enough():
    kinds = {u: "gw" for u in _units("w", 10)} | {u: "gm" for u in _units("m", 6)}
    assert _shown({"kind": kinds}) == {TOTAL, "kind:gw", "kind:gm"}


def test_the_hidden_classes_together_must_pass_the_threshold():
    kinds = {u: "gw" for u in _units("w", 10)}
    kinds |= {u: "a" for u in _units("a", 1)} | {u: "b" for u in _units("b", 1)}
    kinds |= {u: "c" for u in _units("c", 6)}
    # a and b (2 units) together are still below 5: the 6 of c are hidden with them.
    assert _shown({"kind": kinds}) == {TOTAL, "kind:gw"}


def test_a_total_below_the_threshold_shows_nothing():
    assert _shown({"kind": {u: "gw" for u in _units("w", 4)}}) == set()


def test_a_class_with_one_unit_more_than_a_class_nested_in_it_is_not_both_shown():
    units = _units("u", 20)
    kinds = {u: "gw" if i < 10 else "gm" for i, u in enumerate(units)}
    # The voivodeship holds the ten rural gminas and one urban one: 11 − 10 = 1 unit.
    voivodeships = {u: "slaskie" if i < 11 else "opolskie" for i, u in enumerate(units)}
    shown = _shown({"kind": kinds, "voivodeship": voivodeships})
    assert not {"kind:gw", "voivodeship:slaskie"} <= shown
    assert TOTAL in shown


def test_a_dominant_unit_hides_its_class():
    units = _units("u", 12)
    kinds = {u: "gw" if i < 6 else "gm" for i, u in enumerate(units)}
    weights = dict.fromkeys(units, 1.0)
    weights["u00"] = 100.0  # more than half of the rural gminas' numerator
    shown = _shown({"kind": kinds}, weights=weights)
    assert "kind:gw" not in shown
    # The total: 100 of 111 is more than half too, so nothing is shown.
    assert shown == set()


def test_dominance_at_a_laxer_share_lets_the_class_through():
    units = _units("u", 12)
    kinds = {u: "gw" if i < 6 else "gm" for i, u in enumerate(units)}
    weights = dict.fromkeys(units, 1.0) | {"u00": 3.0}  # 3 of 8 in its class, 3 of 14
    assert _shown({"kind": kinds}, weights=weights, max_share=0.5) == {
        TOTAL,
        "kind:gw",
        "kind:gm",
    }
    # At 0.3 the rural gminas' class is dominated (3 of 8), and so the other class goes
    # with it; the total (3 of 14) stays.
    assert _shown({"kind": kinds}, weights=weights, max_share=0.3) == {TOTAL}


def test_units_that_publish_their_values_do_not_count_towards_hiding_the_others():
    units = _units("u", 12)
    kinds = {u: "gw" if i < 6 else "gm" for i, u in enumerate(units)}
    # Four of the six rural gminas are named: the other two would follow from the mean.
    shown = _shown({"kind": kinds}, known={"u00", "u01", "u02", "u03"})
    assert "kind:gw" not in shown
    # All six named: nothing of anyone else can be learned from that class.
    everyone_named = _shown({"kind": kinds}, known=set(units[:6]))
    assert "kind:gw" in everyone_named


def test_units_without_a_class_form_a_residue_that_must_pass():
    units = _units("u", 16)
    bands = {u: "small" if i < 8 else "large" for i, u in enumerate(units[:14])}
    kinds = dict.fromkeys(units, "gw")
    # Two units have no band: total − small − large = those two.
    shown = _shown({"band": bands, "kind": kinds})
    assert not {"band:small", "band:large"} <= shown


def test_bad_parameters_are_refused():
    members, units = _frames({"kind": {"a": "x"}})
    with pytest.raises(ValueError, match="min_units"):
        disclosure_control(members, units, total=TOTAL, min_units=0, max_share=0.5)
    with pytest.raises(ValueError, match="max_share"):
        disclosure_control(members, units, total=TOTAL, min_units=5, max_share=0)
    with pytest.raises(ValueError, match="total"):
        disclosure_control(members, units, total="none", min_units=5, max_share=0.5)


# --- Properties over random programmes -----------------------------------------------------


def _random_case(rng: np.random.Generator):
    count = int(rng.integers(1, 60))
    units = _units("u", count)
    classes: dict[str, dict[str, str]] = {}
    for dimension, choices in (("kind", 4), ("band", 5), ("voivodeship", 8)):
        assigned = rng.integers(0, int(rng.integers(1, choices + 1)), size=count)
        missing = rng.random(count) < (0.1 if dimension == "band" else 0.0)
        classes[dimension] = {u: f"c{a}" for u, a, m in zip(units, assigned, missing) if not m}
    weights = {u: float(w) for u, w in zip(units, rng.pareto(1.5, size=count) + 0.01)}
    known = {u for u in units if rng.random() < 0.15}
    return classes, weights, known


def _check(classes, weights, known, min_units, max_share):
    members, units = _frames(classes, weights, known)
    result = disclosure_control(
        members, units, total=TOTAL, min_units=min_units, max_share=max_share
    )
    shown = {c for c, s in result.select("cell", "shown").iter_rows() if s}
    all_units = sorted(units["unit"].to_list())
    sets = {
        cell: {u for c, u in members.select("cell", "unit").iter_rows() if c == cell}
        for cell in set(members["cell"].to_list())
    }

    def passes(group: set[str]) -> bool:
        unknown = [u for u in group if u not in known]
        if not unknown:
            return True
        if len(unknown) < min_units:
            return False
        total = sum(weights[u] for u in unknown)
        return max(weights[u] for u in unknown) <= max_share * total

    for cell in shown:
        assert len(sets[cell]) >= min_units, cell
        assert passes(sets[cell]), cell
    if shown and TOTAL not in shown:
        pytest.fail("classes shown without the total")
    # Residues of each dimension and differences of nested shown cells.
    derivable = [sets[c] for c in shown]
    if TOTAL in shown:
        for dimension in classes:
            residue = set(sets[TOTAL])
            for cell in shown:
                if cell.startswith(f"{dimension}:"):
                    residue -= sets[cell]
            if residue:
                assert passes(residue), (dimension, residue)
                derivable.append(residue)
    for inner in derivable:
        for outer in derivable:
            if inner < outer:
                assert passes(outer - inner), (inner, outer)
    # No unknown unit recoverable from any combination of the shown sums (least squares,
    # independently of the code under test).
    unknown = [u for u in all_units if u not in known]
    if shown and unknown:
        matrix = np.array([[1.0 if u in sets[c] else 0.0 for u in unknown] for c in shown])
        for i, unit in enumerate(unknown):
            target = np.zeros(len(unknown))
            target[i] = 1.0
            solution, *_ = np.linalg.lstsq(matrix.T, target, rcond=None)
            assert np.linalg.norm(matrix.T @ solution - target) > 1e-6, unit


@pytest.mark.parametrize("seed", range(300))
def test_no_published_figure_rests_on_too_few_units_nor_gives_one_away(seed):
    rng = np.random.default_rng(seed)
    classes, weights, known = _random_case(rng)
    min_units = int(rng.integers(2, 8))
    max_share = float(rng.choice([0.3, 0.5, 0.7, 1.0]))
    _check(classes, weights, known, min_units, max_share)
