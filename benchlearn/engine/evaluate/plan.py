"""The catalogue checked before anything is computed: codes, formulas, cycles, and the
order (layers) in which indicators are computed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from benchlearn.engine.catalogue import Catalogue
from benchlearn.engine.formula import (
    CODE_PATTERN,
    KEYWORDS,
    FormulaError,
    Node,
    check_formula,
    references,
)
from benchlearn.engine.messages import Message, Param, Problem, as_problems, gettext_noop


class CatalogueError(ValueError):
    """Every problem found in a catalogue, each naming the indicator or code at fault.

    ``found`` are the problems as :class:`Problem` objects whose ``code`` is that
    indicator or code, ``messages`` the translatable messages, ``problems`` in English.
    """

    def __init__(self, problems: Sequence[str | Message | Problem]) -> None:
        self.found = as_problems(problems)
        self.messages = [problem.located() for problem in self.found]
        self.problems = [str(message) for message in self.messages]
        count = len(problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''}: " + "; ".join(self.problems))


DUPLICATE_CODE = gettext_noop("duplicate code %(code)s")


def duplicate_code(code: str) -> Problem:
    """A code given to more than one variable or indicator."""
    return Problem(Message(DUPLICATE_CODE, {"code": code}), code=code)


@dataclass(frozen=True)
class Formulas:
    value: Node
    numerator: Node | None
    denominator: Node | None

    def references(self) -> set[str]:
        nodes = (self.value, self.numerator, self.denominator)
        return set().union(*(references(node) for node in nodes if node is not None))


@dataclass(frozen=True)
class Plan:
    variables: list[str]  # in catalogue order
    formulas: dict[str, Formulas]  # by indicator code, in catalogue order
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
    return plan_of(catalogue).order


def plan_of(catalogue: Catalogue) -> Plan:
    problems = _code_problems(catalogue)
    known_variables = [variable.code for variable in catalogue.variables]
    known = dict.fromkeys(known_variables, "variable")
    known |= {indicator.code: "indicator" for indicator in catalogue.indicators}
    formulas: dict[str, Formulas] = {}
    for indicator in catalogue.indicators:
        parsed: dict[str, Node] = {}
        for part in ("formula", "numerator", "denominator"):
            text = getattr(indicator, part)
            if text is None:
                continue
            try:
                parsed[part] = check_formula(text, known=known)
            except FormulaError as error:
                params: dict[str, Param] = {"code": indicator.code, "problem": error.full}
                problems.append(Problem(Message(_PART_PROBLEM[part], params), indicator.code))
        if (indicator.numerator is None) != (indicator.denominator is None):
            both = gettext_noop(
                "indicator %(code)s: declare both a numerator and a denominator, or neither"
            )
            problems.append(Problem(Message(both, {"code": indicator.code}), indicator.code))
        if len(parsed) == 1 + (indicator.numerator is not None) + (
            indicator.denominator is not None
        ):
            formulas.setdefault(
                indicator.code,
                Formulas(parsed["formula"], parsed.get("numerator"), parsed.get("denominator")),
            )
    graph = {
        code: [ref for ref in sorted(parts.references()) if ref in formulas]
        for code, parts in formulas.items()
    }
    layers, cyclic = _layers(graph)
    problems += [
        Problem(
            Message(gettext_noop("dependency cycle: %(cycle)s"), {"cycle": " -> ".join(cycle)}),
            cycle[0],
            involves=tuple(cycle),
        )
        for cycle in _cycles(graph, cyclic)
    ]
    if problems:
        raise CatalogueError(problems)
    return Plan(list(dict.fromkeys(known_variables)), formulas, layers)


_PART_PROBLEM = {
    "formula": gettext_noop("indicator %(code)s: %(problem)s"),
    "numerator": gettext_noop("indicator %(code)s numerator: %(problem)s"),
    "denominator": gettext_noop("indicator %(code)s denominator: %(problem)s"),
}


def _code_problems(catalogue: Catalogue) -> list[Problem]:
    codes = [v.code for v in catalogue.variables] + [i.code for i in catalogue.indicators]
    problems = [duplicate_code(code) for code, n in Counter(codes).items() if n > 1]
    for code in dict.fromkeys(codes):
        if not CODE_PATTERN.fullmatch(code):
            invalid = gettext_noop(
                "invalid code %(code)s: use letters, digits and _, starting with a letter"
            )
            problems.append(Problem(Message(invalid, {"code": repr(code)}), code))
        elif code in KEYWORDS:
            reserved = gettext_noop("code %(code)s is a reserved word")
            problems.append(Problem(Message(reserved, {"code": code}), code))
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
    return stale_codes(plan_of(catalogue), set(changed))


def stale_codes(plan: Plan, changed: set[str]) -> list[str]:
    stale = changed & set(plan.formulas)
    for code in plan.order:  # dependency order: one pass sees every transitive link
        if plan.formulas[code].references() & (changed | stale):
            stale.add(code)
    return [code for code in plan.order if code in stale]
