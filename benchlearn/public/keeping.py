"""What the portal keeps of a publication: in the process (``results.cache.kept``: no
reading at all), and in Django's cache, which the server's processes share (files in
the data folder in production, or redis/memcached): a figure computed by one worker is
not computed again by the others. Keys always hold the publication's key, so nothing is
ever invalidated: a new publication or setting reads under new keys, old ones age out."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.core.cache import cache

from benchlearn.results.cache import kept

T = TypeVar("T")

# How long the shared cache keeps an entry (a publication lasts months; a day is
# enough for every worker to read it once).
SHARED_SECONDS = 24 * 60 * 60


def remembered(key: tuple[Hashable, ...], make: Callable[[], T], size: Callable[[T], int]) -> T:
    """``make()`` kept under ``key`` in the process and in the shared cache."""
    found = kept.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    name = "portal:" + hashlib.sha256(repr(key).encode()).hexdigest()
    value = cache.get(name)
    if value is None:
        value = make()
        cache.set(name, value, timeout=SHARED_SECONDS)
    kept.put(key, value, size(value))
    return value  # type: ignore[no-any-return]
