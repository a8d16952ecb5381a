"""What a server process keeps of a finished computation: never another computation's
figures, and never more than its budget."""

import datetime as dt

from benchlearn.results.cache import Kept, computation_key, remembered
from benchlearn.results.models import Computation, ComputationState


def test_the_least_recently_used_entries_go_first_within_the_budget():
    kept = Kept(budget=100)
    kept.put("a", 1, 40)
    kept.put("b", 2, 40)
    assert kept.get("a") == 1  # "b" is now the least recently used
    kept.put("c", 3, 40)
    assert kept.get("b") is None and kept.get("a") == 1 and kept.get("c") == 3
    assert kept.used == 80
    kept.put("huge", 4, 101)  # larger than the whole budget: not kept, nothing dropped
    assert kept.get("huge") is None and len(kept) == 2


def test_an_unfinished_computation_is_read_afresh_every_time():
    running = Computation(pk=1, state=ComputationState.RUNNING)
    calls = []
    for _ in range(2):
        remembered(running, "x", lambda: calls.append(1) or len(calls), lambda _v: 1)
    assert len(calls) == 2 and computation_key(running) is None


def test_a_computation_with_a_reused_id_gets_its_own_entries():
    second = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    first = Computation(
        pk=7, state=ComputationState.DONE, finished_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    again = Computation(pk=7, state=ComputationState.DONE, finished_at=second)
    assert remembered(first, "answer", lambda: "first", lambda _v: 1) == "first"
    assert remembered(first, "answer", lambda: "other", lambda _v: 1) == "first"
    assert remembered(again, "answer", lambda: "second", lambda _v: 1) == "second"
