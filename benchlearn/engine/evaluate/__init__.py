"""Evaluating the catalogue's indicators for every unit and period, vectorised.

``evaluate(values, catalogue)`` takes long values (``unit`` str, ``period`` int,
``variable`` str, ``value`` float) and returns one row per unit × period × indicator:
``unit, period, indicator, value, flag, numerator, denominator``. Every unit present in
the values and every period from the first to the last (a dense range, so that
``prev`` means period − 1, not "the previous row") gets a row for every indicator.
Rows are sorted by indicator (in catalogue order), then unit, then period; ``period``
keeps the input's integer type; ``unit``, ``indicator`` and ``flag`` are strings, or
Categorical when the values' units are (large programmes hand codes over so).

What the values mean:

- A missing input gives a missing result: arithmetic, comparisons, ``and``/``or``/
  ``not``, ``min``, ``max``, ``sum``, ``abs`` and ``round`` are missing as soon as one
  operand is. ``coalesce`` is the explicit way to replace a missing value; ``if`` with a
  missing condition is missing.
- Division by zero (also 0 / 0) gives a missing value. ``flag`` is ``"div0"`` when an
  indicator's value is missing because of a division by zero that mattered: in the
  branch of ``if`` that was taken, not overridden by ``coalesce``, and through
  ``prev``. A referenced indicator counts as if its formula were written out, so an
  indicator built on a ``div0`` indicator is ``div0`` too. When a missing input and a
  zero denominator meet in one division, the flag is set (the denominator *was* zero).
- No result is ever infinite or NaN: every arithmetic step whose result is not finite
  (an overflow) gives a missing value, and so do infinite or NaN inputs.
- ``round(x, n)`` rounds half away from zero (as Excel does) on the binary value.
- ``prev(x)`` is missing in the first period and never reads another unit's values.
- ``numerator`` and ``denominator`` are the indicator's declared numerator and
  denominator formulas, evaluated with the same rules (null where not declared), for
  ratio-of-sums aggregates.

Inputs: variables of the catalogue absent from the values are missing everywhere;
values of codes outside the catalogue are ignored; two values for one (unit, period,
variable) of the catalogue raise ValueError naming one of them. An empty values frame
gives an empty result (with the columns above), after the catalogue has been checked.
Periods must be consecutive whole numbers (years, or month or quarter numbers).

How it is fast (no Python loop over units or periods): codes are mapped to integers by
hashing (every code of the catalogue has a slot of its own, and a row's full 64-bit hash
must match its slot's, so a code outside the catalogue is never taken for another),
values are scattered into a dense NumPy array (variable × unit × period) in slices on
two threads, each formula is compiled once to a Polars expression over that grid
(``prev`` is a shift with each unit's first period masked), and indicators are
computed layer by layer in dependency order, then laid out long.
"""

from benchlearn.engine.evaluate.by_year import (
    catalogue_in_year,
    check_by_year,
    evaluate_by_year,
    has_validity,
    validity_problems,
)
from benchlearn.engine.evaluate.evaluation import DIV0, evaluate, reevaluate
from benchlearn.engine.evaluate.grid import MAX_PERIODS, VALUE_COLUMNS
from benchlearn.engine.evaluate.plan import (
    DUPLICATE_CODE,
    CatalogueError,
    check_catalogue,
    dependents,
    duplicate_code,
)

__all__ = [
    "DIV0",
    "DUPLICATE_CODE",
    "MAX_PERIODS",
    "VALUE_COLUMNS",
    "CatalogueError",
    "catalogue_in_year",
    "check_by_year",
    "check_catalogue",
    "dependents",
    "duplicate_code",
    "evaluate",
    "evaluate_by_year",
    "has_validity",
    "reevaluate",
    "validity_problems",
]
