"""Plausible ranges as validation rules: a quantity's *hard* range (outside it the value
is almost surely an entry or unit error: an error the clerk corrects or explains and the
reviewer accepts) and its *typical* range (outside it a warning), after the expert
review of the catalogue (section 3).

Both are ``between`` rules over the same left side, named by the quantity they bound:
``<STEM>_HARD`` (severity error) and ``<STEM>_TYPICAL`` (severity warning), e.g.
``EDU_COST_PUPIL_HARD`` and ``EDU_COST_PUPIL_TYPICAL``. A file is refused when a
``between`` rule's numeric bounds are upside down, or when a typical range does not lie
inside the hard range of the same stem.
"""

from __future__ import annotations

from collections.abc import Sequence

from benchlearn.engine.catalogue import Operator, Rule
from benchlearn.engine.messages import Message, Problem, gettext_noop

HARD_SUFFIX = "_HARD"
TYPICAL_SUFFIX = "_TYPICAL"


def numeric_bounds(rule: Rule) -> tuple[float, float] | None:
    """A ``between`` rule's bounds when both are plain numbers, else None."""
    if rule.operator is not Operator.BETWEEN:
        return None
    try:
        return float(rule.right), float(rule.upper)
    except ValueError:
        return None


def range_stem(code: str) -> str | None:
    """The quantity a range rule bounds (``EDU_COST_PUPIL`` of ``EDU_COST_PUPIL_HARD``),
    or None for a rule of another kind."""
    for suffix in (HARD_SUFFIX, TYPICAL_SUFFIX):
        if code.endswith(suffix):
            return code.removesuffix(suffix)
    return None


def range_problems(rules: Sequence[Rule]) -> list[Problem]:
    """Bounds from > to, and typical ranges reaching outside their hard range."""
    problems: list[Problem] = []
    bounds = {rule.code: numeric_bounds(rule) for rule in rules}
    for rule in rules:
        found = bounds[rule.code]
        if found is not None and found[0] > found[1]:
            problems.append(
                Problem(
                    Message(
                        gettext_noop(
                            "rule %(code)s: the range goes from %(low)s to %(high)s; the "
                            "lower bound must not be above the upper one"
                        ),
                        {"code": rule.code, "low": rule.right, "high": rule.upper},
                    ),
                    rule.code,
                )
            )
            continue
        if found is None or not rule.code.endswith(TYPICAL_SUFFIX):
            continue
        hard_code = rule.code.removesuffix(TYPICAL_SUFFIX) + HARD_SUFFIX
        hard = bounds.get(hard_code)
        if hard is None or hard[0] > hard[1]:
            continue
        if found[0] < hard[0] or found[1] > hard[1]:
            problems.append(
                Problem(
                    Message(
                        gettext_noop(
                            "rule %(code)s: the typical range %(low)s–%(high)s reaches "
                            "outside the hard range %(hard_low)s–%(hard_high)s of "
                            "%(hard)s"
                        ),
                        {
                            "code": rule.code,
                            "low": rule.right,
                            "high": rule.upper,
                            "hard": hard_code,
                            "hard_low": _shown(hard[0]),
                            "hard_high": _shown(hard[1]),
                        },
                    ),
                    rule.code,
                )
            )
    return problems


def _shown(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number)
