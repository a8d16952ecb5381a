"""What the pages read of a finished computation, kept in the process that read it.

A finished computation never changes: its indicators' definitions, its groups'
statistics and sorted values are the same on every page view until a newer
computation replaces it. The comparison pages read them on every view (the sorted
values of a large group are most of a dashboard's reading: 76 indicators × 2,800
floats for all units), so each server process keeps what it has read, least recently
used dropped first, within a budget of bytes.

Keys start with :func:`computation_key` — the computation's id *and* the moment it
finished — so that an entry can never answer for another computation, not even one
that got the same id after a deletion (SQLite reuses the highest id). Only finished
computations are cached; nothing is ever invalidated, entries of older computations
just age out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from benchlearn.results.models import Computation, ComputationState

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

# Bytes a process keeps at most (each gunicorn worker keeps its own). About 5 MB holds
# one period of every standing group's sorted values on a national programme.
BUDGET_BYTES = 64 * 1024 * 1024


def computation_key(computation: Computation) -> tuple[int, str] | None:
    """The computation's part of a cache key; None when it may still change."""
    if computation.state != ComputationState.DONE or computation.finished_at is None:
        return None
    return (computation.pk, computation.finished_at.isoformat())


class Kept:
    """A least-recently-used map within a budget of bytes (each entry's size is given
    when it is stored), safe to share between threads."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        if size > self.budget:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.used -= old[1]
            self._entries[key] = (value, size)
            self.used += size
            while self.used > self.budget:
                _key, (_value, dropped) = self._entries.popitem(last=False)
                self.used -= dropped

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.used = 0

    def __len__(self) -> int:
        return len(self._entries)


kept = Kept(BUDGET_BYTES)


def remembered(
    computation: Computation, key: Hashable, make: Callable[[], T], size: Callable[[T], int]
) -> T:
    """``make()``, kept under ``key`` for a finished computation."""
    prefix = computation_key(computation)
    if prefix is None:
        return make()
    full = (prefix, key)
    found = kept.get(full)
    if found is not None:
        return found  # type: ignore[no-any-return]
    value = make()
    kept.put(full, value, size(value))
    return value


def remembered_many(
    computation: Computation,
    keys: list[K],
    make: Callable[[list[K]], dict[K, T]],
    size: Callable[[T], int],
) -> dict[K, T]:
    """key -> value for every key: those kept, and ``make(missing keys)`` for the rest
    (one read for all that are missing), kept for a finished computation. ``make``
    gives a value for every key it is asked for."""
    prefix = computation_key(computation)
    if prefix is None:
        return make(keys)
    found: dict[K, T] = {}
    missing = []
    for key in keys:
        value = kept.get((prefix, key))
        if value is None:
            missing.append(key)
        else:
            found[key] = value
    if missing:
        for key, value in make(missing).items():
            kept.put((prefix, key), value, size(value))
            found[key] = value
    return found
