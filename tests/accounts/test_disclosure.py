"""Disclosure rules of access.py: who sees other units by name, and the letters given
to units where names are hidden."""

import hashlib
import math

import pytest
from django.test import override_settings

from benchlearn.accounts.access import names_shown, pseudonym_order
from benchlearn.results.models import ComparisonKind, Computation
from benchlearn.results.selectors import Comparison, labels_from_names
from benchlearn.units.models import Unit


def test_names_are_shown_to_operators_and_in_open_exchange_groups_only(programme, group):
    participant, operator = programme["participant_a"], programme["operator"]
    assert names_shown(operator, None) and names_shown(operator, group)
    assert names_shown(participant, group) and names_shown(programme["moderator"], group)
    assert not names_shown(participant, None)  # band, neighbours, voivodeship, all units
    group.anonymised = True
    assert not names_shown(participant, group) and names_shown(operator, group)
    operator.is_active = False
    assert not names_shown(operator, None)


NAMES = {pk: f"Gmina {pk}" for pk in range(101, 121)}


def _labels(viewer: int, comparison: Comparison) -> dict[int, str]:
    own = Unit(pk=viewer, name=NAMES[viewer])
    return labels_from_names(comparison, own, NAMES, Computation(pk=7))


def _anonymised_group() -> Comparison:
    # A stored group: its letters are shared by every member (not a unit's neighbours).
    return Comparison("exchange-3", ComparisonKind.EXCHANGE, "GWD", object(), False)  # type: ignore[arg-type]


def test_letters_are_the_same_for_every_viewer_of_a_comparison():
    comparison = _anonymised_group()
    first, second = _labels(101, comparison), _labels(102, comparison)
    assert first[101] == NAMES[101] and second[102] == NAMES[102]  # one's own unit by name
    others = set(NAMES) - {101, 102}
    assert {pk: first[pk] for pk in others} == {pk: second[pk] for pk in others}
    # Each viewer's own letter is the one not listed: theirs is shown by name.
    letters = set("ABCDEFGHIJKLMNOPQRST")
    assert set(first.values()) == letters - {second[101]} | {NAMES[101]}


def test_letters_cannot_be_recomputed_without_the_servers_secret():
    comparison = _anonymised_group()
    with override_settings(SECRET_KEY="a" * 50):
        one = _labels(101, comparison)
        assert _labels(101, comparison) == one  # stable under one secret
    with override_settings(SECRET_KEY="b" * 50):
        other = _labels(101, comparison)
    assert one != other
    # The order an unkeyed hash of public data gave (what a participant could compute).
    salt = "7:exchange-3:"
    public = sorted(
        (pk for pk in NAMES if pk != 101),
        key=lambda pk: hashlib.sha256(f"{salt}:{pk}".encode()).hexdigest(),
    )
    assert [pk for pk in sorted(one, key=one.__getitem__) if pk != 101] != public


@pytest.mark.parametrize("scope", ["7:all:", "7:neighbours:101"])
def test_pseudonym_order_depends_on_the_scope(scope):
    ids = list(NAMES)
    assert sorted(pseudonym_order(ids, scope=scope)) == ids
    assert pseudonym_order(ids, scope=scope) != pseudonym_order(ids, scope="8:all:")


# Values of one indicator (lower is better: a cost), with two ties and one unit without.
COSTS = {pk: float(1000 + 10 * ((pk * 7) % 13)) for pk in NAMES if pk != 120}


def _lettered(viewer: int | None, comparison: Comparison) -> dict[int, str]:
    from benchlearn.results.selectors import letter_order

    own = Unit(pk=viewer, name=NAMES[viewer]) if viewer else None
    return labels_from_names(
        comparison,
        own,
        NAMES,
        Computation(pk=7),
        by=letter_order(dict(COSTS), "lower"),
        topic="EDU_COST:2024",
    )


def test_letters_run_down_the_table_best_value_first():
    comparison = _anonymised_group()
    labels = _lettered(None, comparison)  # a moderator with no unit of their own
    by_letter = sorted(labels, key=lambda pk: (len(labels[pk]), labels[pk]))
    costs = [COSTS.get(pk, math.inf) for pk in by_letter]
    assert costs == sorted(costs)  # A is the lowest cost; the unit without one is last
    assert labels[120] == "T"


def test_letters_by_value_are_the_same_for_every_viewer_and_name_only_ones_own():
    comparison = _anonymised_group()
    seen = {viewer: _lettered(viewer, comparison) for viewer in (101, 105, 117)}
    nobody = _lettered(None, comparison)
    for viewer, labels in seen.items():
        assert labels[viewer] == NAMES[viewer]
        # Another viewer's unit is a letter to this one: no name but one's own.
        assert all(labels[pk] not in NAMES.values() for pk in NAMES if pk != viewer)
        assert {pk: labels[pk] for pk in NAMES if pk != viewer} == {
            pk: nobody[pk] for pk in NAMES if pk != viewer
        }


def test_ties_are_broken_by_the_secret_not_by_public_ids():
    comparison = _anonymised_group()
    tied = [pk for pk in COSTS if list(COSTS.values()).count(COSTS[pk]) > 1]
    assert len(tied) >= 2

    def tie_order() -> list[int]:
        labels = _lettered(None, comparison)
        return sorted(tied, key=lambda pk: (COSTS[pk], len(labels[pk]), labels[pk]))

    orders = set()
    for secret in "abcdefgh":
        with override_settings(SECRET_KEY=secret * 50):
            assert tie_order() == tie_order()  # stable under one secret
            orders.add(tuple(tie_order()))
    # Under some secret the ties are not in the order of the units' ids (or its reverse).
    assert len(orders) > 1


def test_letters_of_one_indicator_do_not_follow_a_unit_to_another():
    from benchlearn.results.selectors import letter_order

    comparison = _anonymised_group()
    # A unit recognised by its population (public) is not thereby known on its costs.
    population = {pk: float(pk) for pk in NAMES}
    on_population = labels_from_names(
        comparison, None, NAMES, Computation(pk=7), by=letter_order(population, "neutral")
    )
    on_costs = _lettered(None, comparison)
    assert on_population != on_costs
    assert on_population[120] == "A"  # the most populous first (a neutral: highest first)
