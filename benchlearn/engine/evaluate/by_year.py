"""Evaluating with definitions that change with the law: each data year computed with
the indicator definitions valid in it.

A catalogue may hold several definitions of one indicator code, each valid for a range
of data years (``Indicator.valid_from``/``valid_to``, inclusive, None open-ended); for
a year, the last definition listed that is valid in it counts (a database lists its
versions by number, so the newest wins). A year in which no definition of a code is
valid gets no row for it, nor for the indicators using it.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import polars as pl

from benchlearn.engine.catalogue import Catalogue, Indicator
from benchlearn.engine.evaluate.evaluation import evaluate, reevaluate
from benchlearn.engine.evaluate.plan import CatalogueError, check_catalogue
from benchlearn.engine.formula import FormulaError, parse, references
from benchlearn.engine.messages import Message, Problem, gettext_noop


def has_validity(catalogue: Catalogue) -> bool:
    """Whether any indicator definition is limited to some data years."""
    return any(i.valid_from is not None or i.valid_to is not None for i in catalogue.indicators)


def catalogue_in_year(catalogue: Catalogue, year: int, *, drop_unusable: bool = True) -> Catalogue:
    """The catalogue as it holds for one data year: each indicator code once, in its
    definition valid that year, in the order codes first appear; a code with no valid
    definition is left out, and so (unless ``drop_unusable`` is false, for checking) is
    every indicator using it."""
    order: dict[str, Indicator | None] = {}
    for indicator in catalogue.indicators:
        if indicator.valid_in(year):
            order[indicator.code] = indicator
        else:
            order.setdefault(indicator.code, None)
    indicators = [i for i in order.values() if i is not None]
    if not drop_unusable:
        return replace(catalogue, indicators=tuple(indicators))
    variables = {v.code for v in catalogue.variables}
    while True:
        known = variables | {i.code for i in indicators}
        usable = [i for i in indicators if _uses(i) <= known]
        if len(usable) == len(indicators):
            break
        indicators = usable
    return replace(catalogue, indicators=tuple(indicators))


def _uses(indicator: Indicator) -> set[str]:
    texts = (indicator.formula, indicator.numerator, indicator.denominator)
    try:
        return set().union(*(references(parse(text)) for text in texts if text))
    except FormulaError:
        return set()  # evaluate reports it


def evaluate_by_year(values: pl.DataFrame, catalogue: Catalogue) -> pl.DataFrame:
    """``evaluate``, each period with the definitions valid in it (see the module
    docstring). Without any limited definition this is ``evaluate`` itself; otherwise the
    years sharing the newest year's definitions are evaluated once, and each other group
    of years recomputes only the indicators whose definitions differ and those using them
    (``reevaluate``), keeping its own years' rows."""
    if not has_validity(catalogue):
        return evaluate(values, catalogue)
    periods = values["period"]
    if periods.is_empty():
        return evaluate(values, catalogue_in_year(catalogue, 0))
    first, last = int(periods.min()), int(periods.max())  # type: ignore[arg-type]
    groups: dict[tuple[Indicator, ...], list[int]] = {}
    catalogues: dict[tuple[Indicator, ...], Catalogue] = {}
    for year in range(first, last + 1):
        in_year = catalogue_in_year(catalogue, year)
        groups.setdefault(in_year.indicators, []).append(year)
        catalogues[in_year.indicators] = in_year
    base_key = next(key for key, years in groups.items() if last in years)
    base = catalogues[base_key]
    base_result = evaluate(values, base)
    if len(groups) == 1:
        return base_result
    base_definitions = {i.code: i for i in base.indicators}
    parts = [base_result.filter(pl.col("period").is_in(groups[base_key]))]
    for key, years in groups.items():
        if key == base_key:
            continue
        changed = [i.code for i in key if base_definitions.get(i.code) != i]
        result = reevaluate(values, catalogues[key], base_result, changed)
        parts.append(result.filter(pl.col("period").is_in(years)))
    return pl.concat(parts, how="vertical_relaxed")


def _shown(valid_from: int | None, valid_to: int | None) -> str:
    """A range of data years as the file writes it: "2020..2024", "..2024", "2025..", ".."."""
    return f"{valid_from or ''}..{valid_to or ''}"


OVERLAP = gettext_noop("indicator %(code)s: the definitions valid %(first)s and %(second)s overlap")
GAP = gettext_noop(
    "indicator %(code)s: no definition is valid from %(start)d to %(end)d "
    "(between the definitions valid %(first)s and %(second)s)"
)


def validity_problems(catalogue: Catalogue) -> list[Problem]:
    """Indicator codes given more than once whose validity ranges overlap or leave a gap
    between them (one code's definitions must follow each other year after year)."""
    by_code: dict[str, list[Indicator]] = {}
    for indicator in catalogue.indicators:
        by_code.setdefault(indicator.code, []).append(indicator)
    problems = []
    for code, definitions in by_code.items():
        ranges = sorted(
            ((i.valid_from, i.valid_to) for i in definitions),
            key=lambda r: -1 if r[0] is None else r[0],
        )
        for (start_a, end_a), (start_b, end_b) in itertools.pairwise(ranges):
            params = {
                "code": code,
                "first": _shown(start_a, end_a),
                "second": _shown(start_b, end_b),
            }
            if end_a is None or start_b is None or end_a >= start_b:
                problems.append(Problem(Message(OVERLAP, params), code=code))
            elif end_a + 1 < start_b:
                gap = params | {"start": end_a + 1, "end": start_b - 1}
                problems.append(Problem(Message(GAP, gap), code=code))
    return problems


def check_by_year(catalogue: Catalogue) -> None:
    """``check_catalogue`` for a catalogue whose indicators may have several definitions:
    their validity ranges (``validity_problems``) and the catalogue of every year in
    which some definition starts or ends. Raises CatalogueError listing every problem."""
    problems = validity_problems(catalogue)
    years = {0}
    for indicator in catalogue.indicators:
        if indicator.valid_from is not None:
            years.add(indicator.valid_from)
        if indicator.valid_to is not None:
            years.add(indicator.valid_to + 1)
    if len(years) == 1 and not problems:
        check_catalogue(catalogue)
        return
    seen: set[str] = set()
    for year in sorted(years):
        try:
            check_catalogue(catalogue_in_year(catalogue, year, drop_unusable=False))
        except CatalogueError as error:
            for problem in error.found:
                if str(problem.located()) not in seen:
                    seen.add(str(problem.located()))
                    problems.append(problem)
    if problems:
        raise CatalogueError(problems)
