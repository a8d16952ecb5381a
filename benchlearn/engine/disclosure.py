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
   combination of shown sums: units in the same cells (an *atom*) can only be summed
   together, and an atom whose indicator vector lies in the row space of the shown
   cells has a derivable sum, which must pass like the others.
   Where one does not, the smallest shown class holding it is hidden, and all is
   checked again.
6. Without the total nothing is shown: a total that fails the rules leaves every class
   derivable from the others.

Counts of units are not treated as sensitive; values and sums are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

# Below this an entry of the reduced matrix is zero (entries are sums of 0s and 1s).
_TOLERANCE = 1e-9
_SEPARATOR = "\x1f"

Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class _Cell:
    code: str
    dimension: str
    mask: Mask  # over atoms
    n: int


@dataclass(frozen=True)
class Atoms:
    """Units with the same cells are alike to every sum a reader can form, so the sets
    are worked out over these atoms (a few hundred, not thousands of units): for each,
    its units, its units not named, and their weights' sum and largest."""

    count: npt.NDArray[np.int64]
    unknown: npt.NDArray[np.int64]
    weight_sum: npt.NDArray[np.float64]
    weight_max: npt.NDArray[np.float64]


@dataclass(frozen=True)
class _Rule:
    atoms: Atoms
    min_units: int
    max_share: float

    def derivable_ok(self, mask: Mask) -> bool:
        """A set a reader can learn the sum of: its unknown units none, or enough and
        none of them dominant."""
        count = int(self.atoms.unknown[mask].sum())
        if count == 0:
            return True
        if count < self.min_units:
            return False
        total = float(self.atoms.weight_sum[mask].sum())
        return total <= 0 or float(self.atoms.weight_max[mask].max()) <= self.max_share * total

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
    null when unknown) and ``known`` (the unit publishes its own value); a unit missing
    there is not known and has no weight. Returns one row per cell: ``cell``,
    ``dimension``, ``n`` and ``shown``, sorted by dimension and cell. Raises ValueError
    when a rule's parameter is out of range or ``total`` is missing.
    """
    if min_units < 1:
        raise ValueError("min_units must be at least 1")
    if not 0 < max_share <= 1:
        raise ValueError("max_share must be in (0, 1]")
    if total not in set(members["cell"].to_list()):
        raise ValueError(f"the total cell {total!r} is not among the cells")
    atoms, signatures = _atoms(members, units)
    dimensions = dict(members.select("cell", "dimension").unique().iter_rows())
    masks = atom_masks(signatures)
    cells = [
        _Cell(code, dimensions[code], mask, int(atoms.count[mask].sum()))
        for code, mask in sorted(masks.items(), key=lambda item: (dimensions[item[0]], item[0]))
    ]
    shown = _suppress(
        cells, next(c for c in cells if c.code == total), _rule(atoms, min_units, max_share)
    )
    return pl.DataFrame(
        {
            "cell": [cell.code for cell in cells],
            "dimension": [cell.dimension for cell in cells],
            "n": [cell.n for cell in cells],
            "shown": [cell.code in shown for cell in cells],
        },
        schema={"cell": pl.String, "dimension": pl.String, "n": pl.Int64, "shown": pl.Boolean},
    ).sort("dimension", "cell")


def _atoms(members: pl.DataFrame, units: pl.DataFrame) -> tuple[Atoms, list[list[str]]]:
    signed = members.group_by("unit").agg(
        pl.col("cell").unique().sort().str.join(_SEPARATOR).alias("signature")
    )
    facts = units.select(
        pl.col("unit").cast(pl.String),
        pl.col("known").cast(pl.Boolean).fill_null(False),
        pl.col("weight").cast(pl.Float64).abs(),
    )
    joined = signed.join(facts, on="unit", how="left").with_columns(
        pl.col("known").fill_null(False),
        pl.when(pl.col("weight").is_finite()).then(pl.col("weight")).otherwise(0.0),
    )
    unknown_weight = pl.when(~pl.col("known")).then(pl.col("weight")).otherwise(0.0)
    grouped = (
        joined.group_by("signature")
        .agg(
            pl.len().alias("count"),
            (~pl.col("known")).sum().alias("unknown"),
            unknown_weight.sum().alias("weight_sum"),
            unknown_weight.max().alias("weight_max"),
        )
        .sort("signature")
    )
    atoms = Atoms(
        count=grouped["count"].to_numpy().astype(np.int64),
        unknown=grouped["unknown"].to_numpy().astype(np.int64),
        weight_sum=grouped["weight_sum"].fill_null(0.0).to_numpy().astype(np.float64),
        weight_max=grouped["weight_max"].fill_null(0.0).to_numpy().astype(np.float64),
    )
    return atoms, [signature.split(_SEPARATOR) for signature in grouped["signature"]]


def atom_masks(signatures: Sequence[Sequence[str]]) -> dict[str, Mask]:
    """Each cell's atoms, from each atom's cells."""
    masks: dict[str, Mask] = {}
    size = len(signatures)
    for atom, cells in enumerate(signatures):
        for code in cells:
            masks.setdefault(code, np.zeros(size, dtype=bool))[atom] = True
    return masks


def _rule(atoms: Atoms, min_units: int, max_share: float) -> _Rule:
    if min_units < 1:
        raise ValueError("min_units must be at least 1")
    if not 0 < max_share <= 1:
        raise ValueError("max_share must be in (0, 1]")
    return _Rule(atoms=atoms, min_units=min_units, max_share=max_share)


def cells_shown(
    masks: Mapping[str, Mask],
    dimensions: Mapping[str, str],
    atoms: Atoms,
    *,
    total: str,
    min_units: int,
    max_share: float,
) -> set[str]:
    """``disclosure_control`` on atoms laid out by the caller: ``masks`` gives each cell's
    atoms (``atom_masks``), ``dimensions`` each cell's dimension, ``atoms`` the units of
    each atom that have a value. For callers deciding many indicators over the same
    classification (the atoms stay, only their counts and weights change). Returns the
    codes of the cells that may be shown."""
    if total not in masks:
        raise ValueError(f"the total cell {total!r} is not among the cells")
    cells = [
        _Cell(code, dimensions[code], mask, int(atoms.count[mask].sum()))
        for code, mask in sorted(masks.items(), key=lambda item: (dimensions[item[0]], item[0]))
    ]
    total_cell = next(c for c in cells if c.code == total)
    return _suppress(cells, total_cell, _rule(atoms, min_units, max_share))


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
    # Every derivable set: the shown cells (the total among them) and the residues, with
    # their atoms as the bits of an integer too (a subset test is then one operation on
    # Python integers, not two array operations: pairs are a thousand per decision).
    derivable: list[tuple[_Cell | None, str, Mask]] = [(c, c.dimension, c.mask) for c in visible]
    derivable.append((total, total.dimension, total.mask))
    derivable += [(None, dimension, mask) for dimension, mask in residues.items()]
    bits = [_bits(mask) for _cell, _dimension, mask in derivable]
    for (inner_cell, inner_dimension, inner), inner_bits in zip(derivable, bits, strict=True):
        for (outer_cell, _outer, outer), outer_bits in zip(derivable, bits, strict=True):
            if inner_bits & ~outer_bits or inner_bits == outer_bits:
                continue  # not strictly inside
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


def _bits(mask: Mask) -> int:
    return int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")


def _audit_victim(visible: list[_Cell], total: _Cell, rule: _Rule) -> str | None:
    """A cell to hide when some atom's sum follows from the shown sums and fails the
    rules (one unit alone, or fewer than the threshold, or a dominant one)."""
    atoms = rule.atoms
    unknown = atoms.unknown > 0
    if not unknown.any():
        return None
    recoverable = recoverable_units([total.mask, *(c.mask for c in visible)], unknown)
    for atom in np.flatnonzero(recoverable):
        alone = np.zeros(len(unknown), dtype=bool)
        alone[atom] = True
        if not rule.derivable_ok(alone):
            holding = [cell for cell in visible if cell.mask[atom]]
            return _smallest(holding) or total.code
    return None


def recoverable_units(sums: list[Mask], unknown: Mask) -> Mask:
    """Which of the ``unknown`` columns' values follow from published sums over these
    sets (the other columns' values known and subtracted): those whose indicator
    vector lies in the sums' row space. Columns are units, or atoms of alike units
    (then it is their sum that follows)."""
    matrix = np.array([mask[unknown] for mask in sums], dtype=np.float64)
    result = np.zeros(unknown.shape, dtype=bool)
    if matrix.size == 0:
        return result
    # A column's value follows from the sums exactly when a row of the matrix's reduced
    # echelon form is that column's unit vector (it is then orthogonal to the null
    # space). Reduced by hand: LAPACK's threads cost a hundred times more than the
    # arithmetic on matrices of a few dozen rows.
    rank = 0
    rows, columns = matrix.shape
    for column in range(columns):
        if rank == rows:
            break
        pivot = rank + int(np.argmax(np.abs(matrix[rank:, column])))
        if abs(matrix[pivot, column]) < _TOLERANCE:
            continue
        matrix[[rank, pivot]] = matrix[[pivot, rank]]
        matrix[rank] /= matrix[rank, column]
        others = np.abs(matrix[:, column]) > _TOLERANCE
        others[rank] = False
        matrix[others] -= matrix[others, column][:, np.newaxis] * matrix[rank]
        rank += 1
    nonzero = np.abs(matrix[:rank]) > _TOLERANCE
    alone = nonzero.sum(axis=1) == 1
    found = np.flatnonzero(unknown)[np.argmax(nonzero[alone], axis=1)]
    result[found] = True
    return result
