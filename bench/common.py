"""What every benchmark module shares: a row of the printed table, timing and memory."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import vl_convert

T = TypeVar("T")


@dataclass(frozen=True)
class BenchRow:
    """One line of `make bench`: what was measured, its figure, the target, and whether met."""

    name: str
    figure: str
    target: str
    ok: bool


def timed(function: Callable[[], T], *, repeat: int = 1) -> tuple[T, float]:
    """The result of ``function`` and its best wall-clock time in seconds over ``repeat`` runs."""
    best = float("inf")
    result: T
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return result, best


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# A tiny chart to draw first: vl-convert's first conversion starts its JavaScript
# engine, which a running server has done long before.
_WARM_UP = {"data": {"values": [{"x": 1}]}, "mark": "point", "encoding": {"x": {"field": "x"}}}


def vl_convert_warm_up() -> None:
    """Start vl-convert's engine, as a server that drew a chart before has."""
    vl_convert.vegalite_to_svg(_WARM_UP)
