"""Every group's values in order, a block of cells at a time, with one row-wise sort
of integer keys (see :func:`sorted_blocks`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from benchlearn.engine.stats.common import Bools, Floats, Ints
from benchlearn.engine.stats.layout import Cube, Members

# A block of cells holds about this many (cell, unit) or (cell, membership) entries,
# so that its arrays stay in the CPU cache.
BLOCK_ENTRIES = 1 << 17


@dataclass(frozen=True)
class Block:
    """Some cells of the cube, every group's values sorted.

    Row r is cell ``cells[r]`` and column m is membership m: ``value[r, start[g]:…]``
    are group g's values in increasing order, missing ones (NaN) last, and ``unit``
    says whose they are; ``n[r, g]`` counts the values.
    """

    cells: Ints
    value: Floats
    unit: Ints
    n: Ints


def sorted_blocks(
    cube: Cube, members: Members, *, units: bool, cells: Ints | None = None
) -> Iterator[Block]:
    """The cube's cells (or ``cells``) a few at a time, with every group's values sorted
    (and whose they are, with ``units``; else ``unit`` is empty).

    Each membership gets one 64-bit sort key: its group in the top bits, then the top
    bits of its value in an order-preserving integer form (missing values last), then
    its place in the group. One row-wise sort of these integers puts every group's
    values in order at once, and the place bits say whose each one is. Values that
    differ only below the kept bits (a relative difference under about 10⁻¹⁰) may come
    out in the wrong order; the few rows where that happened are sorted again exactly.
    """
    keys = _SortKeys.of(members)
    memberships = len(members.unit)
    membership = members.matrix(cube.n_units, np.float32)
    step = max(1, BLOCK_ENTRIES // max(memberships, 1))
    for first in range(0, cube.cells if cells is None else len(cells), step):
        if cells is None:
            chosen = np.arange(first, min(first + step, cube.cells))
            rows = cube.values[first : first + step]
        else:
            chosen = cells[first : first + step]
            rows = cube.values[chosen]
        # How many members have a value: exact in float32 below 2²⁴ members.
        counts = np.rint((~np.isnan(rows)).astype(np.float32) @ membership).astype(np.int64)
        value = rows[:, members.unit]
        order = keys.order(value)
        value = value.ravel()[order + keys.row_offsets(len(value))]
        for row in np.flatnonzero(_unsorted(value, keys.same_group)):
            exact = np.lexsort((value[row], members.group))
            order[row], value[row] = order[row, exact], value[row, exact]
        unit = members.unit[order] if units else np.zeros((0, 0), dtype=np.int64)
        yield Block(chosen, value, unit, counts)


@dataclass(frozen=True)
class _SortKeys:
    """The constant parts of the memberships' sort keys (see :func:`sorted_blocks`)."""

    fixed: npt.NDArray[np.uint64]  # (memberships,): group bits | place bits
    value_shift: np.uint64  # low bits of a value's key dropped
    place_bits: np.uint64
    place_mask: np.uint64
    start: Ints  # (memberships,): the first membership of the group at each position
    same_group: Bools  # (memberships − 1,): positions m and m + 1 hold the same group

    @classmethod
    def of(cls, members: Members) -> _SortKeys:
        group_bits = int(max(len(members.names) - 1, 0)).bit_length()
        place_bits = int(max(int(members.width.max(initial=1)) - 1, 0)).bit_length()
        if group_bits + place_bits > 40:
            raise ValueError("too many groups or members to compute at once")
        place = np.arange(len(members.unit), dtype=np.int64) - members.start[members.group]
        fixed = place.astype(np.uint64)
        if group_bits:
            fixed |= members.group.astype(np.uint64) << np.uint64(64 - group_bits)
        return cls(
            fixed=fixed,
            value_shift=np.uint64(group_bits + place_bits),
            place_bits=np.uint64(place_bits),
            place_mask=np.uint64((1 << place_bits) - 1),
            start=members.start[members.group],
            same_group=members.group[1:] == members.group[:-1],
        )

    def row_offsets(self, rows: int) -> Ints:
        """Where each of ``rows`` rows of memberships starts in a flattened block."""
        return np.arange(rows, dtype=np.int64)[:, None] * len(self.fixed)

    def order(self, value: Floats) -> Ints:
        """Per row, the memberships in order of group, then value (missing last)."""
        key = value.view(np.uint64).copy()
        # Order-preserving: flip every bit of negative numbers, only the sign of others.
        flip = key >> np.uint64(63)
        np.negative(flip, out=flip)
        flip |= np.uint64(1 << 63)
        key ^= flip
        key[np.isnan(value)] = np.uint64(0xFFFF_FFFF_FFFF_FFFF)
        key >>= self.value_shift
        key <<= self.place_bits
        key |= self.fixed
        key.sort(axis=1)
        key &= self.place_mask
        order = key.view(np.int64)
        order += self.start
        return order


def _unsorted(value: Floats, same_group: Bools) -> Bools:
    """Rows where some group's values are out of order (NaN compares as in order)."""
    unsorted: Bools = np.any((value[:, 1:] < value[:, :-1]) & same_group, axis=1)
    return unsorted
