"""Disclosure rules of access.py: who sees other units by name, and the letters given
to units where names are hidden."""

import hashlib

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
