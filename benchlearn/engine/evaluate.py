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

from __future__ import annotations

import math
import operator
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import reduce

import numpy as np
import numpy.typing as npt
import polars as pl

from benchlearn.engine.catalogue import Catalogue
from benchlearn.engine.formula import (
    CODE_PATTERN,
    KEYWORDS,
    Arithmetic,
    Call,
    Comparison,
    FormulaError,
    Logical,
    Negate,
    Node,
    Not,
    Null,
    Number,
    Ref,
    check_formula,
    references,
    round_digits,
)
from benchlearn.engine.messages import Message, as_messages, gettext_noop

DIV0 = "div0"
VALUE_COLUMNS = ("unit", "period", "variable", "value")
MAX_PERIODS = 1000  # a wider span is a typo (a period of 20225), not twenty years
_FIRST = "__first__"  # true in each unit's first period; codes start with a letter
_ONE = "__one__"  # 1.0 everywhere: see _divide
_SENTINEL = np.uint64(0x7FF8_DEAD_BEEF_0001)  # a NaN that marks "no value was written"
_SLICE_ROWS = 1 << 20  # rows mapped at a time, to bound temporary memory


def _usable_cpus() -> int:
    """The CPUs this process may run on: a container or `taskset` may allow fewer than
    the machine has."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


_THREADS = min(4, _usable_cpus())

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class CatalogueError(ValueError):
    """Every problem found in a catalogue, each naming the indicator or code at fault.

    ``messages`` are the problems as translatable messages, ``problems`` in English.
    """

    def __init__(self, problems: Sequence[str | Message]) -> None:
        self.messages = as_messages(problems)
        self.problems = [str(message) for message in self.messages]
        count = len(problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''}: " + "; ".join(self.problems))


DUPLICATE_CODE = gettext_noop("duplicate code %(code)s")


def duplicate_code(code: str) -> Message:
    """A code given to more than one variable or indicator."""
    return Message(DUPLICATE_CODE, {"code": code})


# --- the catalogue, checked -----------------------------------------------------------


@dataclass(frozen=True)
class _Formulas:
    value: Node
    numerator: Node | None
    denominator: Node | None

    def references(self) -> set[str]:
        nodes = (self.value, self.numerator, self.denominator)
        return set().union(*(references(node) for node in nodes if node is not None))


@dataclass(frozen=True)
class _Plan:
    variables: list[str]  # in catalogue order
    formulas: dict[str, _Formulas]  # by indicator code, in catalogue order
    layers: list[list[str]]  # each layer needs only variables and earlier layers

    @property
    def codes(self) -> list[str]:
        return list(self.formulas)

    @property
    def order(self) -> list[str]:
        return [code for layer in self.layers for code in layer]


def check_catalogue(catalogue: Catalogue) -> list[str]:
    """Indicator codes in dependency order; raises CatalogueError listing every problem.

    Checks codes (duplicates, also between variables and indicators; spelling; reserved
    words), every formula including declared numerators and denominators (syntax,
    functions and argument counts, unknown codes) and cycles between indicators.
    """
    return _plan(catalogue).order


def _plan(catalogue: Catalogue) -> _Plan:
    problems: list[Message] = _code_problems(catalogue)
    known_variables = [variable.code for variable in catalogue.variables]
    known = dict.fromkeys(known_variables, "variable")
    known |= {indicator.code: "indicator" for indicator in catalogue.indicators}
    formulas: dict[str, _Formulas] = {}
    for indicator in catalogue.indicators:
        parsed: dict[str, Node] = {}
        for part in ("formula", "numerator", "denominator"):
            text = getattr(indicator, part)
            if text is None:
                continue
            try:
                parsed[part] = check_formula(text, known=known)
            except FormulaError as error:
                problems.append(
                    Message(_PART_PROBLEM[part], {"code": indicator.code, "problem": error.full})
                )
        if (indicator.numerator is None) != (indicator.denominator is None):
            problems.append(
                Message(
                    gettext_noop(
                        "indicator %(code)s: declare both a numerator and a denominator, or neither"
                    ),
                    {"code": indicator.code},
                )
            )
        if len(parsed) == 1 + (indicator.numerator is not None) + (
            indicator.denominator is not None
        ):
            formulas.setdefault(
                indicator.code,
                _Formulas(parsed["formula"], parsed.get("numerator"), parsed.get("denominator")),
            )
    graph = {
        code: [ref for ref in sorted(parts.references()) if ref in formulas]
        for code, parts in formulas.items()
    }
    layers, cyclic = _layers(graph)
    problems += [
        Message(gettext_noop("dependency cycle: %(cycle)s"), {"cycle": " -> ".join(cycle)})
        for cycle in _cycles(graph, cyclic)
    ]
    if problems:
        raise CatalogueError(problems)
    return _Plan(list(dict.fromkeys(known_variables)), formulas, layers)


_PART_PROBLEM = {
    "formula": gettext_noop("indicator %(code)s: %(problem)s"),
    "numerator": gettext_noop("indicator %(code)s numerator: %(problem)s"),
    "denominator": gettext_noop("indicator %(code)s denominator: %(problem)s"),
}


def _code_problems(catalogue: Catalogue) -> list[Message]:
    codes = [v.code for v in catalogue.variables] + [i.code for i in catalogue.indicators]
    problems = [duplicate_code(code) for code, n in Counter(codes).items() if n > 1]
    for code in dict.fromkeys(codes):
        if not CODE_PATTERN.fullmatch(code):
            problems.append(
                Message(
                    gettext_noop(
                        "invalid code %(code)s: use letters, digits and _, starting with a letter"
                    ),
                    {"code": repr(code)},
                )
            )
        elif code in KEYWORDS:
            problems.append(
                Message(gettext_noop("code %(code)s is a reserved word"), {"code": code})
            )
    return problems


def _layers(graph: Mapping[str, list[str]]) -> tuple[list[list[str]], list[str]]:
    """Kahn's algorithm by layers (catalogue order within a layer); codes left in cycles."""
    done: set[str] = set()
    layers: list[list[str]] = []
    remaining = list(graph)
    while remaining:
        layer = [code for code in remaining if all(dep in done for dep in graph[code])]
        if not layer:
            break
        layers.append(layer)
        done.update(layer)
        remaining = [code for code in remaining if code not in done]
    return layers, remaining


def _cycles(graph: Mapping[str, list[str]], cyclic: list[str]) -> list[list[str]]:
    """One cycle per knot among ``cyclic``: each of them depends on another of them."""
    stuck = set(cyclic)
    seen: set[str] = set()
    cycles = []
    for start in cyclic:
        path: list[str] = []
        where: dict[str, int] = {}
        code = start
        while code not in seen and code not in where:
            where[code] = len(path)
            path.append(code)
            code = next(dep for dep in graph[code] if dep in stuck)
        if code in where:
            cycles.append([*path[where[code] :], code])
        seen.update(path)
    return cycles


def dependents(catalogue: Catalogue, changed: Iterable[str]) -> list[str]:
    """Indicator codes to recompute when ``changed`` codes change, in evaluation order.

    An indicator depends on the codes its formula, numerator and denominator use, and
    transitively on theirs. A changed indicator (its formula was edited) is included
    itself. Codes outside the catalogue are ignored.
    """
    return _dependents(_plan(catalogue), set(changed))


def _dependents(plan: _Plan, changed: set[str]) -> list[str]:
    stale = changed & set(plan.formulas)
    for code in plan.order:  # dependency order: one pass sees every transitive link
        if plan.formulas[code].references() & (changed | stale):
            stale.add(code)
    return [code for code in plan.order if code in stale]


# --- values in, a dense grid ----------------------------------------------------------


@dataclass(frozen=True)
class _Grid:
    """Every unit (sorted) × every period from the first to the last, unit-major."""

    units: pl.Series
    first: int
    periods: int
    period_dtype: pl.DataType
    # Codes in the result have the type they had in the values: text, or Categorical
    # for large programmes (4 bytes a row instead of 16).
    code_dtype: pl.DataType

    @property
    def size(self) -> int:
        return len(self.units) * self.periods


def _grid(values: pl.DataFrame) -> _Grid:
    _check_columns(values, VALUE_COLUMNS, "values")
    period = values["period"]
    if not period.dtype.is_integer():
        raise ValueError(f"values.period must hold whole numbers, not {period.dtype}")
    value = values["value"].dtype
    if not (value.is_numeric() or value == pl.Null):
        raise ValueError(f"values.value must hold numbers, not {value}")
    if any(values.select(pl.col("unit", "period").null_count()).row(0)):
        raise ValueError("values has rows without a unit or a period")
    if values.height == 0:
        return _Grid(pl.Series("unit", [], pl.String), 0, 0, period.dtype, pl.String())
    low, high = int(period.min()), int(period.max())  # type: ignore[arg-type]
    if high - low >= MAX_PERIODS:
        raise ValueError(f"periods run from {low} to {high}: expected consecutive periods")
    if _categorical(values["unit"]):  # distinct codes first: cheap on categories
        units = values["unit"].unique().drop_nulls().cast(pl.String).sort()
        return _Grid(units, low, high - low + 1, period.dtype, pl.Categorical())
    unit = pl.col("unit").cast(pl.String)
    if _grouped(values["unit"]):  # sorted by unit, as usual: the first row of each run will do
        unit = unit.filter(unit.ne_missing(unit.shift(1)))
    units = values.lazy().select(unit.unique().sort()).collect().to_series()
    return _Grid(units, low, high - low + 1, period.dtype, pl.String())


def _check_columns(frame: pl.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks the column(s) {', '.join(missing)}")


def _categorical(column: pl.Series) -> bool:
    return isinstance(column.dtype, pl.Categorical | pl.Enum)


def _strings(column: pl.Series) -> pl.Series:
    return column if column.dtype == pl.String else column.cast(pl.String)


def _grouped(column: pl.Series) -> bool:
    sample = _strings(column.head(4096))
    return bool(sample.ne_missing(sample.shift(1)).sum() * 8 < max(len(sample), 1))


class _Lookup:
    """Strings to their index in ``codes`` (len(codes) for any other string), by hashing.

    Every code gets its own slot among the low bits of its hash. With ``verify`` a
    row's full 64-bit hash must equal its slot's code's, so that a string outside
    ``codes`` is not taken for one of them; without it, every string must be a code.
    """

    def __init__(self, codes: pl.Series, *, verify: bool) -> None:
        self.codes = codes
        self.verify = verify
        self.seed = -1
        # About a thousand slots per code, so that a seed without collisions turns up
        # quickly (for 3,000 codes a third of seeds will do); at most 4 M slots (32 MB).
        bits = min(22, max(12, math.ceil(math.log2(len(codes) + 1)) + 10))
        self.mask = np.uint64((1 << bits) - 1)
        for seed in range(64):
            hashes = codes.hash(seed).to_numpy()
            slots = (hashes & self.mask).astype(np.int64)
            if len(np.unique(slots)) == len(codes):
                self.seed = seed
                self.slots = np.full(1 << bits, len(codes), dtype=np.int64)
                self.slots[slots] = np.arange(len(codes))
                self.hashes = np.append(hashes, np.uint64(0))
                break

    def find(self, strings: pl.Series, *, verify: bool | None = None) -> IntArray:
        """Each string's index in ``codes``; ``verify`` overrides the lookup's own."""
        strings = _strings(strings)
        unknown = len(self.codes)
        if self.seed < 0:  # codes that share a slot under every seed: an exact join
            indices = pl.Series(np.arange(unknown, dtype=np.int64))
            found: IntArray = strings.replace_strict(
                self.codes, indices, default=unknown, return_dtype=pl.Int64
            ).to_numpy()
            return found
        hashed = strings.hash(self.seed).to_numpy()
        found = np.take(self.slots, (hashed & self.mask).view(np.int64))
        if self.verify if verify is None else verify:
            found[np.take(self.hashes, found) != hashed] = unknown
        return found

    def finder(
        self, column: pl.Series, *, scale: int, offset: int, dtype: type[np.integer]
    ) -> Callable[[pl.Series], IntArray]:
        """A function from slices of ``column`` to ``index × scale + offset`` (of type
        ``dtype``), where ``index`` is what ``find`` gives. For categories, each category
        is looked up once here, and slices are then only indexed by their physical codes."""
        if not _categorical(column):

            def scaled(part: pl.Series) -> IntArray:
                found = self.find(part)
                found *= scale
                found += offset
                return found.astype(dtype, copy=False)

            return scaled
        categories = _categories(column)
        # The mapping may hold other columns' codes too: always verified (it is small).
        table = self.find(categories, verify=True) * scale + offset
        missing = np.array([len(self.codes) * scale + offset])
        # Index len(categories) stands for a missing code.
        table = np.concatenate([table, missing]).astype(dtype)

        def find(part: pl.Series) -> IntArray:
            physical = part.to_physical()
            if physical.null_count():
                physical = physical.fill_null(len(categories))
            found: IntArray = np.take(table, physical.to_numpy())
            return found

        return find


def _categories(column: pl.Series) -> pl.Series:
    """The strings behind a categorical column's physical codes, in code order: the
    mapping itself when it is not much larger than the column, else the codes present."""
    dtype = column.dtype
    if isinstance(dtype, pl.Enum):
        return dtype.categories
    assert isinstance(dtype, pl.Categorical)
    mapping = dtype.categories.to_series()
    if len(mapping) <= max(4 * len(column), 1 << 16):
        return mapping.cast(pl.String)
    # A process-wide mapping grown far beyond this column: only the codes it uses.
    distinct = column.drop_nulls().unique()
    ids = distinct.to_physical().to_numpy()
    strings = pl.repeat(None, int(ids.max()) + 1 if len(ids) else 0, dtype=pl.String, eager=True)
    return strings.scatter(ids, distinct.cast(pl.String)) if len(ids) else strings


def _dense(
    frame: pl.DataFrame,
    key: str,
    codes: Sequence[str],
    grid: _Grid,
    columns: Sequence[pl.Expr],
    *,
    complete: bool,
) -> list[FloatArray]:
    """Arrays (code × grid cell) of ``columns``, NaN where no row gave a value.

    Rows whose key is not one of ``codes`` are ignored, and so are rows off the grid
    unless ``complete`` says that every unit and period of ``frame`` is on it. Two rows
    for one cell raise ValueError.
    """
    units, size = len(grid.units), grid.size
    blocks = len(codes) * size
    # One block more than the codes: rows of other codes land there and are dropped.
    arrays = [_blank(blocks + size) for _ in columns]
    dtype = np.int32 if blocks + size < 2**31 else np.int64
    # A row's cell is (code × units + unit) × periods + period − first: each lookup
    # gives its part of the sum directly, so a row costs two look-ups and two additions.
    find_unit = _Lookup(grid.units, verify=not complete).finder(
        frame["unit"], scale=grid.periods, offset=0, dtype=dtype
    )
    find_key = _Lookup(pl.Series(codes, dtype=pl.String), verify=True).finder(
        frame[key], scale=size, offset=-grid.first, dtype=dtype
    )

    def scatter(start: int) -> int:
        part = frame.slice(start, _SLICE_ROWS)
        unit = find_unit(part["unit"])
        period = part["period"].to_numpy()
        cell = find_key(part[key])
        cell += unit
        cell += period.astype(dtype, copy=False)
        if not complete:
            offset = period.astype(np.int64) - grid.first
            off = (unit == units * grid.periods) | (offset < 0) | (offset >= grid.periods)
            cell[off] = blocks
        for array, column in zip(arrays, part.select(columns).get_columns(), strict=True):
            array[cell] = column.to_numpy()
        return int(np.count_nonzero(cell < blocks))

    # Hashing (Polars) and indexing (NumPy) release the GIL: slices run side by side.
    with ThreadPoolExecutor(max_workers=_THREADS) as pool:
        written = sum(pool.map(scatter, range(0, frame.height, _SLICE_ROWS)))
    if written != np.count_nonzero(arrays[0][:blocks].view(np.uint64) != _SENTINEL):
        raise ValueError(_duplicate(frame, key, codes))
    return [_clean(array[:blocks]).reshape(len(codes), grid.size) for array in arrays]


def _blank(size: int) -> FloatArray:
    array = np.empty(size, dtype=np.uint64)
    array.fill(_SENTINEL)
    return array.view(np.float64)


def _clean(array: FloatArray) -> FloatArray:
    """Infinite inputs are missing values, like NaN (and the sentinel, a NaN)."""
    infinite = np.isinf(array)
    if infinite.any():
        array[infinite] = np.nan
    return array


def _duplicate(frame: pl.DataFrame, key: str, codes: Sequence[str]) -> str:
    keys = ["unit", "period", key]
    twice = (
        frame.lazy()
        .with_columns(pl.col("unit", key).cast(pl.String))
        .filter(pl.col(key).is_in(pl.Series(codes, dtype=pl.String).implode()))
        .group_by(keys)
        .len()
        .filter(pl.col("len") > 1)
        .sort(keys)
        .head(1)
        .collect()
    )
    unit, period, code, count = twice.row(0)
    return f"{count} values for unit {unit}, period {period}, {key} {code}"


# --- formulas as Polars expressions ---------------------------------------------------

_NULL = pl.lit(None, dtype=pl.Float64)
_NO = pl.lit(False)


@dataclass(frozen=True)
class _Expr:
    """A compiled (sub)formula: its value and whether it is missing by a zero division.

    ``div0`` is None where no division by zero can reach the value; otherwise it is a
    non-null Boolean that is true only where ``value`` is null.
    """

    value: pl.Expr
    div0: pl.Expr | None = None


def _either(*flags: pl.Expr | None) -> pl.Expr | None:
    present = [flag for flag in flags if flag is not None]
    return reduce(lambda left, right: left | right, present) if present else None


def _finite(value: pl.Expr) -> pl.Expr:
    return pl.when(value.is_finite()).then(value)


def _compile(node: Node, flags: Mapping[str, str]) -> _Expr:
    match node:
        case Number(value=number):
            return _Expr(pl.lit(number, dtype=pl.Float64))
        case Null():
            return _Expr(_NULL)
        case Ref(code=code):
            flag = flags.get(code)
            return _Expr(pl.col(code), None if flag is None else pl.col(flag))
        case Negate(operand=operand):
            inner = _compile(operand, flags)
            return _Expr(-inner.value, inner.div0)
        case Arithmetic(op=op, left=left, right=right):
            return _arithmetic(op, _compile(left, flags), _compile(right, flags))
        case Comparison(op=op, left=left, right=right):
            a, b = _compile(left, flags), _compile(right, flags)
            return _Expr(_COMPARE[op](a.value, b.value), _either(a.div0, b.div0))
        case Logical(op=op, left=left, right=right):
            a, b = _compile(left, flags), _compile(right, flags)
            both = a.value & b.value if op == "and" else a.value | b.value
            missing = a.value.is_null() | b.value.is_null()  # strict, not Kleene logic
            return _Expr(pl.when(~missing).then(both), _either(a.div0, b.div0))
        case Not(operand=operand):
            inner = _compile(operand, flags)
            return _Expr(inner.value.not_(), inner.div0)
        case Call():
            return _call(node, [_compile(arg, flags) for arg in node.args])
    raise AssertionError(node)  # pragma: no cover


_COMPARE: Mapping[str, Callable[[pl.Expr, pl.Expr], pl.Expr]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def _divide(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    # Polars divides a column by a constant as a multiplication by its reciprocal, which
    # is off by one unit in the last place now and then (3 / 10 gives 0.30000000000000004).
    # Making the denominator a column (times 1.0, exact) keeps true IEEE division.
    return numerator / (denominator * pl.col(_ONE))


def _arithmetic(op: str, a: _Expr, b: _Expr) -> _Expr:
    if op == "/":
        zero = (b.value == 0).fill_null(False)
        return _Expr(_finite(_divide(a.value, b.value)), _either(zero, a.div0, b.div0))
    result = (
        a.value + b.value if op == "+" else a.value - b.value if op == "-" else a.value * b.value
    )
    return _Expr(_finite(result), _either(a.div0, b.div0))


def _call(node: Call, args: list[_Expr]) -> _Expr:
    values = [arg.value for arg in args]
    div0 = _either(*(arg.div0 for arg in args))
    match node.function:
        case "if":
            condition, then, otherwise = args
            return _if(condition, then, otherwise)
        case "min" | "max":
            extreme = (
                pl.min_horizontal(values) if node.function == "min" else pl.max_horizontal(values)
            )
            missing = pl.any_horizontal([value.is_null() for value in values])
            return _Expr(pl.when(~missing).then(extreme), div0)
        case "sum":
            return reduce(lambda a, b: _arithmetic("+", a, b), args)
        case "coalesce":
            first = pl.coalesce(values)
            return _Expr(first, None if div0 is None else first.is_null() & div0)
        case "abs":
            return _Expr(values[0].abs(), div0)
        case "round":
            scale = 10.0 ** round_digits(node)
            x = values[0]
            rounded = _divide((x.abs() * scale + 0.5).floor(), pl.lit(scale)) * x.sign()
            return _Expr(_finite(rounded), div0)
        case "prev":
            # A constant would shift as a scalar (to null): make it a column first.
            first, everywhere = pl.col(_FIRST), pl.col(_ONE) == 1.0
            previous = (values[0] * pl.col(_ONE)).shift(1)
            flag = args[0].div0
            return _Expr(
                pl.when(first).then(_NULL).otherwise(previous),
                None
                if flag is None
                else pl.when(first).then(_NO).otherwise((everywhere & flag).shift(1)),
            )
    raise AssertionError(node.function)  # pragma: no cover


def _if(condition: _Expr, then: _Expr, otherwise: _Expr) -> _Expr:
    test = condition.value
    value = (
        pl.when(test.is_null()).then(_NULL).when(test).then(then.value).otherwise(otherwise.value)
    )
    if condition.div0 is None and then.div0 is None and otherwise.div0 is None:
        return _Expr(value)
    div0 = (
        pl.when(test)
        .then(then.div0 if then.div0 is not None else _NO)
        .when(test.not_())
        .then(otherwise.div0 if otherwise.div0 is not None else _NO)
        .otherwise(condition.div0 if condition.div0 is not None else _NO)
    )
    return _Expr(value, div0)


# --- evaluation -----------------------------------------------------------------------


def _flag_column(code: str) -> str:
    return f"__div0__{code}"


def _part_column(part: str, code: str) -> str:
    return f"__{part}__{code}"


def _compute(
    frame: pl.DataFrame, plan: _Plan, todo: set[str], flags: dict[str, str]
) -> pl.DataFrame:
    """``frame`` with the value, flag, numerator and denominator columns of ``todo``."""
    # Layer by layer, eagerly: each with_columns runs a layer's expressions in parallel,
    # and is quicker here than one lazy query of hundreds of expressions.
    for layer in plan.layers:
        exprs: list[pl.Expr] = []
        for code in (code for code in layer if code in todo):
            exprs += _indicator_exprs(code, plan.formulas[code], flags)
        if exprs:
            frame = frame.with_columns(exprs)
    return frame


def _indicator_exprs(code: str, formulas: _Formulas, flags: dict[str, str]) -> list[pl.Expr]:
    main = _compile(formulas.value, flags)
    exprs = [main.value.alias(code)]
    if main.div0 is not None:
        flags[code] = _flag_column(code)
        exprs.append(main.div0.alias(flags[code]))
    for part in ("numerator", "denominator"):
        node = getattr(formulas, part)
        if node is not None:
            exprs.append(_compile(node, flags).value.alias(_part_column(part, code)))
    return exprs


@dataclass(frozen=True)
class _Columns:
    """One indicator's results on the grid."""

    value: pl.Series
    flag: pl.Series | None = None  # Boolean; None: never div0
    numerator: pl.Series | None = None
    denominator: pl.Series | None = None

    @classmethod
    def computed(cls, frame: pl.DataFrame, code: str) -> _Columns:
        def column(name: str) -> pl.Series | None:
            return frame[name] if name in frame.columns else None

        return cls(
            frame[code],
            column(_flag_column(code)),
            column(_part_column("numerator", code)),
            column(_part_column("denominator", code)),
        )


def _base_frame(
    values: pl.DataFrame, grid: _Grid, plan: _Plan, todo: Iterable[str]
) -> pl.DataFrame:
    """The wide frame ``todo``'s formulas run on: a row per grid cell, a column per variable.

    Every variable of the catalogue is read (so that duplicates are found wherever they
    are), but only those the formulas use become columns.
    """
    value = pl.col("value").cast(pl.Float64)
    (dense,) = _dense(values, "variable", plan.variables, grid, [value], complete=True)
    used: set[str] = set().union(*(plan.formulas[code].references() for code in todo))
    first = np.zeros(grid.size, dtype=bool)
    first[:: grid.periods] = True
    columns = [
        pl.Series(code, dense[row], nan_to_null=True)
        for row, code in enumerate(plan.variables)
        if code in used
    ]
    one = pl.Series(_ONE, np.ones(grid.size))
    return pl.DataFrame([pl.Series(_FIRST, first), one, *columns])


def evaluate(values: pl.DataFrame, catalogue: Catalogue) -> pl.DataFrame:
    """Every indicator of ``catalogue`` for every unit and period of ``values``.

    Values are long (unit, period, variable, value); the result is long (unit, period,
    indicator, value, flag, numerator, denominator). See the module docstring for what
    missing values, zero divisions and ``prev`` do. Raises CatalogueError before
    computing anything if the catalogue has problems.
    """
    plan = _plan(catalogue)
    grid = _grid(values)
    if grid.size == 0:
        return _long(grid, plan.codes, {})
    todo = set(plan.codes)
    computed = _compute(_base_frame(values, grid, plan, todo), plan, todo, {})
    return _long(grid, plan.codes, {code: _Columns.computed(computed, code) for code in todo})


def reevaluate(
    values: pl.DataFrame, catalogue: Catalogue, previous: pl.DataFrame, changed: Iterable[str]
) -> pl.DataFrame:
    """``evaluate``'s result after ``changed`` codes changed, recomputing only what depends on them.

    ``previous`` is an earlier result of ``evaluate``. Indicators that do not depend on
    ``changed`` (see ``dependents``) keep their rows from it, except those whose rows do
    not cover every unit and period of ``values`` (a new unit or period, a new
    indicator): these are recomputed too, with their dependents.
    """
    plan = _plan(catalogue)
    grid = _grid(values)
    _check_columns(previous, ("unit", "period", "indicator", *_RESULT_PARTS), "previous")
    if grid.size == 0:
        return _long(grid, plan.codes, {})
    stale = set(_dependents(plan, set(changed)))
    kept = [code for code in plan.codes if code not in stale]
    old = _dense(previous, "indicator", kept, grid, _result_columns(), complete=False)
    covered = np.count_nonzero(~np.isnan(old[1]), axis=1)  # flag is 0 or 1 where a row was
    incomplete = {code for code, cells in zip(kept, covered, strict=True) if cells < grid.size}
    stale |= set(_dependents(plan, incomplete))
    results = {
        code: _Columns(
            pl.Series("value", old[0][row], nan_to_null=True),
            pl.Series("flag", old[1][row] == 1.0),
            pl.Series("numerator", old[2][row], nan_to_null=True),
            pl.Series("denominator", old[3][row], nan_to_null=True),
        )
        for row, code in enumerate(kept)
        if code not in stale
    }
    if stale:
        frame = _base_frame(values, grid, plan, stale)
        needed: set[str] = set().union(*(plan.formulas[code].references() for code in stale))
        flags = {code: _flag_column(code) for code in needed if code in results}
        frame = frame.with_columns(
            *(results[code].value.alias(code) for code in flags),
            *(_flag(results[code]).alias(flags[code]) for code in flags),
        )
        computed = _compute(frame, plan, stale, flags)
        results |= {code: _Columns.computed(computed, code) for code in stale}
    return _long(grid, plan.codes, results)


def _flag(columns: _Columns) -> pl.Series:
    if columns.flag is None:
        return pl.Series("flag", np.zeros(len(columns.value), dtype=bool))
    return columns.flag


_RESULT_PARTS = ("value", "flag", "numerator", "denominator")


def _result_columns() -> list[pl.Expr]:
    # The flag's cell is 1.0 (div0) or 0.0 wherever previous had a row, so that it also
    # tells which cells previous covered.
    return [
        pl.col("value").cast(pl.Float64),
        (pl.col("flag") == DIV0).fill_null(False).cast(pl.Float64).alias("flag"),
        pl.col("numerator").cast(pl.Float64),
        pl.col("denominator").cast(pl.Float64),
    ]


def _long(grid: _Grid, codes: list[str], results: Mapping[str, _Columns]) -> pl.DataFrame:
    """The long result: indicator by indicator (catalogue order), then unit, then period.

    Each column is a chunk per indicator, not one contiguous array: the unit and period
    chunks are one block shared by every indicator, a part an indicator lacks is one
    shared all-null block, and the values are the computed columns themselves, so that
    laying the result out long copies almost nothing (Polars reads chunked columns as
    one; whoever needs a single array can ``rechunk``).
    """
    size = grid.size
    if size == 0 or not codes:
        return pl.DataFrame(schema=_schema(grid))
    unit_rows = np.repeat(np.arange(len(grid.units), dtype=np.uint32), grid.periods)
    units = grid.units.cast(grid.code_dtype).gather(unit_rows)
    periods = pl.Series(np.arange(grid.first, grid.first + grid.periods)).cast(grid.period_dtype)
    periods = pl.concat([periods] * len(grid.units), rechunk=True)
    indicators = pl.Series(codes).cast(grid.code_dtype)
    same = pl.Series(np.zeros(size, dtype=np.uint32))
    return pl.DataFrame(
        {
            "unit": _chunks([units] * len(codes)),
            "period": _chunks([periods] * len(codes)),
            "indicator": _chunks([indicators.gather(same + n) for n in range(len(codes))]),
            "value": _chunks([results[code].value.cast(pl.Float64) for code in codes]),
            "flag": _chunks(_flags(grid, [results[code].flag for code in codes])),
            "numerator": _chunks(_parts([results[code].numerator for code in codes], size)),
            "denominator": _chunks(_parts([results[code].denominator for code in codes], size)),
        }
    )


def _chunks(columns: list[pl.Series]) -> pl.Series:
    return pl.concat(columns, rechunk=False)


def _parts(columns: list[pl.Series | None], size: int) -> list[pl.Series]:
    missing = pl.repeat(None, size, dtype=pl.Float64, eager=True)
    return [missing if c is None else c.cast(pl.Float64) for c in columns]


def _flags(grid: _Grid, columns: list[pl.Series | None]) -> list[pl.Series]:
    """``div0`` where an indicator's flag column is true, else null; text or a category
    like the codes."""
    missing = pl.repeat(None, grid.size, dtype=grid.code_dtype, eager=True)
    div0 = pl.lit(DIV0, dtype=grid.code_dtype)
    return [missing if c is None else pl.select(pl.when(c).then(div0)).to_series() for c in columns]


def _schema(grid: _Grid) -> dict[str, pl.DataType]:
    return {
        "unit": grid.code_dtype,
        "period": grid.period_dtype,
        "indicator": grid.code_dtype,
        "value": pl.Float64(),
        "flag": grid.code_dtype,
        "numerator": pl.Float64(),
        "denominator": pl.Float64(),
    }
