"""Disclosure control: which averaged figures may be published without exposing a unit.

``disclosure_control(members, units, total=..., min_units=..., max_share=...)`` takes the
cells of one indicator in one year — the total (all units) and the classes of one or
more dimensions (unit kind, size band, voivodeship), each a set of units with a value —
and says which cells may be shown. A cell is shown, or hidden whole (its n, median,
quartiles and aggregate alike).

The rules, so that the office can explain every hidden figure:

1. **Threshold.** A shown cell has at least ``min_units`` units behind it.
2. **Dominance.** The aggregate is a ratio of sums: with public denominators (population,
   pupils) its numerator's sum can be recovered, so no single unit may make up more than
   ``max_share`` of a shown cell's numerator (absolute values; ``weight`` in ``units``).
   Indicators without a numerator have null weights and no dominance test.
3. **Units that agreed to be named** (``known``) publish their own values anyway: what
   must stay hidden is the rest. A cell whose *other* units are fewer than
   ``min_units`` (but not none) or dominated by one of them is hidden like a small one.
4. **Complementary suppression.** Sums can be subtracted. Every set a reader can derive
   from shown figures must pass the rules above (its unknown units none, or at least
   ``min_units`` and not dominated):

   - per dimension, the *residue*: the total minus its shown classes (the hidden classes
     together, and the units of no class, e.g. without a population);
   - for every two derivable sets one inside the other, the difference (a class with
     one more unit than a class nested in it gives that unit away).

   Where one fails, one more cell is hidden: the smallest shown class of the pair or
   the dimension (smallest n, then code), and everything is checked again.
5. **Audit.** Finally no unit outside ``known`` may be recoverable from any linear
   combination of shown sums: its indicator vector must lie outside the row space of
   the shown cells (restricted to the unknown units), checked by its leverage. Where
   one is, the smallest shown class holding it is hidden, and all is checked again.
6. Without the total nothing is shown: a total that fails the rules leaves every class
   derivable from the others.

Counts of units are not treated as sensitive; values and sums are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

# A unit's leverage at or above this is taken as 1: its value is recoverable.
_LEVERAGE_TOLERANCE = 1e-9

Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class _Cell:
    code: str
    dimension: str
    mask: Mask

    @property
    def n(self) -> int:
        return int(self.mask.sum())


@dataclass(frozen=True)
class _Rule:
    known: Mask
    weight: npt.NDArray[np.float64]
    min_units: int
    max_share: float

    def derivable_ok(self, mask: Mask) -> bool:
        """A set a reader can learn the sum of: its unknown units none, or enough and
        none of them dominant."""
        unknown = mask & ~self.known
        count = int(unknown.sum())
        if count == 0:
            return True
        if count < self.min_units:
            return False
        weights = self.weight[unknown]
        total = float(weights.sum())
        return total <= 0 or float(weights.max()) <= self.max_share * total

    def shown_ok(self, cell: _Cell) -> bool:
        return cell.n >= self.min_units and self.derivable_ok(cell.mask)


def disclosure_control(
    members: pl.DataFrame,
    units: pl.DataFrame,
    *,
    total: str,
    min_units: int,
    max_share: float,
) -> pl.DataFrame:
    """Which cells may be shown.

    ``members`` has ``cell``, ``dimension`` and ``unit`` (strings): one row per unit with a
    value in each cell; the ``total`` cell holds every unit of every class, and the cells
    of one dimension do not overlap. ``units`` has ``unit``, ``weight`` (|numerator|,
    null when unknown) and ``known`` (the unit publishes its own value). Returns one row
    per cell: ``cell``, ``dimension``, ``n`` and ``shown``, sorted by dimension and cell.
    Raises ValueError when a rule's parameter is out of range or ``total`` is missing.
    """
    if min_units < 1:
        raise ValueError("min_units must be at least 1")
    if not 0 < max_share <= 1:
        raise ValueError("max_share must be in (0, 1]")
    codes = sorted(set(members["unit"].to_list()) | set(units["unit"].to_list()))
    index = {code: i for i, code in enumerate(codes)}
    known = np.zeros(len(codes), dtype=bool)
    weight = np.zeros(len(codes), dtype=np.float64)
    for code, unit_weight, is_known in units.select("unit", "weight", "known").iter_rows():
        known[index[code]] = bool(is_known)
        if unit_weight is not None and np.isfinite(unit_weight):
            weight[index[code]] = abs(unit_weight)
    cells = _cells(members, index, len(codes))
    by_code = {cell.code: cell for cell in cells}
    if total not in by_code:
        raise ValueError(f"the total cell {total!r} is not among the cells")
    rule = _Rule(known=known, weight=weight, min_units=min_units, max_share=max_share)
    shown = _suppress(cells, by_code[total], rule)
    return pl.DataFrame(
        {
            "cell": [cell.code for cell in cells],
            "dimension": [cell.dimension for cell in cells],
            "n": [cell.n for cell in cells],
            "shown": [cell.code in shown for cell in cells],
        },
        schema={"cell": pl.String, "dimension": pl.String, "n": pl.Int64, "shown": pl.Boolean},
    ).sort("dimension", "cell")


def _cells(members: pl.DataFrame, index: dict[str, int], size: int) -> list[_Cell]:
    positions = members.select(
        "cell",
        "dimension",
        pl.col("unit").replace_strict(index, return_dtype=pl.Int64).alias("position"),
    )
    grouped = positions.group_by("cell", "dimension").agg("position").sort("cell", "dimension")
    cells = []
    for code, dimension, where in grouped.iter_rows():
        mask = np.zeros(size, dtype=bool)
        mask[np.asarray(where, dtype=np.int64)] = True
        cells.append(_Cell(code, dimension, mask))
    return cells


def _suppress(cells: list[_Cell], total: _Cell, rule: _Rule) -> set[str]:
    classes = [cell for cell in cells if cell.code != total.code]
    if not rule.shown_ok(total):
        return set()
    shown = {cell.code for cell in classes if rule.shown_ok(cell)}
    while True:
        victim = _next_victim(classes, total, shown, rule)
        if victim is None:
            return shown | {total.code}
        if victim == total.code:
            return set()
        shown.discard(victim)


def _smallest(cells: list[_Cell]) -> str | None:
    return min(cells, key=lambda cell: (cell.n, cell.code)).code if cells else None


def _next_victim(classes: list[_Cell], total: _Cell, shown: set[str], rule: _Rule) -> str | None:
    """One more cell to hide (the total: hide everything), or None when safe."""
    visible = [cell for cell in classes if cell.code in shown]
    dimensions = sorted({cell.dimension for cell in classes})
    residues: dict[str, Mask] = {}
    for dimension in dimensions:
        in_dimension = [cell for cell in visible if cell.dimension == dimension]
        residue = total.mask.copy()
        for cell in in_dimension:
            residue &= ~cell.mask
        if residue.any() and not rule.derivable_ok(residue):
            return _smallest(in_dimension) or total.code
        if residue.any():
            residues[dimension] = residue
    victim = _nested_victim(visible, total, residues, rule)
    if victim is not None:
        return victim
    return _audit_victim(visible, total, rule)


def _nested_victim(
    visible: list[_Cell], total: _Cell, residues: dict[str, Mask], rule: _Rule
) -> str | None:
    # Every derivable set: the shown cells (the total among them) and the residues.
    derivable: list[tuple[_Cell | None, str, Mask]] = [(c, c.dimension, c.mask) for c in visible]
    derivable.append((total, total.dimension, total.mask))
    derivable += [(None, dimension, mask) for dimension, mask in residues.items()]
    for inner_cell, inner_dimension, inner in derivable:
        for outer_cell, _outer_dimension, outer in derivable:
            if inner is outer or not _inside(inner, outer):
                continue
            if rule.derivable_ok(outer & ~inner):
                continue
            if inner_cell is not None and inner_cell is not total:
                return inner_cell.code
            if outer_cell is not None and outer_cell is not total:
                return outer_cell.code
            # Two residues, or a residue inside the total: hide more of its dimension.
            in_dimension = [cell for cell in visible if cell.dimension == inner_dimension]
            return _smallest(in_dimension) or total.code
    return None


def _inside(inner: Mask, outer: Mask) -> bool:
    """Strictly inside: a subset, and not the same set."""
    return bool(not (inner & ~outer).any() and (outer & ~inner).any())


def _audit_victim(visible: list[_Cell], total: _Cell, rule: _Rule) -> str | None:
    unknown = ~rule.known
    if not unknown.any():
        return None
    recoverable = recoverable_units([total.mask, *(c.mask for c in visible)], unknown)
    if not recoverable.any():
        return None
    unit = int(np.flatnonzero(recoverable)[0])
    holding = [cell for cell in visible if cell.mask[unit]]
    return _smallest(holding) or total.code


def recoverable_units(sums: list[Mask], unknown: Mask) -> Mask:
    """Which unknown units' values follow from published sums over these sets (the known
    units' values subtracted): those whose indicator vector lies in the sums' row space,
    i.e. whose leverage is 1."""
    matrix = np.array([mask[unknown] for mask in sums], dtype=np.float64)
    result = np.zeros(unknown.shape, dtype=bool)
    if matrix.size == 0:
        return result
    # Through the small Gram matrix (cells × cells): an SVD of the wide matrix costs a
    # hundred times more for the same row space.
    gram = matrix @ matrix.T
    eigenvalues, vectors = np.linalg.eigh(gram)
    keep = eigenvalues > max(float(eigenvalues.max()), 1.0) * len(gram) * 1e-12
    basis = (vectors[:, keep] / np.sqrt(eigenvalues[keep])).T @ matrix
    leverage = (basis**2).sum(axis=0)
    result[np.flatnonzero(unknown)] = leverage >= 1 - _LEVERAGE_TOLERANCE
    return result
