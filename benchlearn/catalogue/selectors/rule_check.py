"""The live check of the validation rule form: each side parsed (the error in the
user's language, with its column) and, when the rule is whole, the rule tried on the
last approved data, so that an operator sees how many honest units it would flag."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from benchlearn.accounts.access import Perm, require
from benchlearn.catalogue.models import Variable
from benchlearn.engine import catalogue as engine
from benchlearn.engine.formula import FormulaError, check_formula
from benchlearn.engine.rules import RuleTrial, operator_of, rule_trial, rule_variables
from benchlearn.i18n import translate_message

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser

Values = Mapping[str, float | None]
# (period, values by unit name, the units' values of the period before) or None.
TrialData = tuple[int, Mapping[str, Values], Mapping[str, Values]]
TRIAL_EXAMPLES = 5


@dataclass
class SideCheck:
    side: str  # "left", "right", "upper"
    text: str
    error: str = ""  # in the request's language
    column: int | None = None

    @property
    def before(self) -> str:
        return self.text[: (self.column or 1) - 1]

    @property
    def at(self) -> str:
        return self.text[(self.column or 1) - 1 : self.column or 1] or " "

    @property
    def after(self) -> str:
        return self.text[self.column or 1 :]


@dataclass
class RuleCheck:
    sides: list[SideCheck]
    trial: RuleTrial | None = None
    period: int | None = None

    @property
    def ok(self) -> bool:
        return bool(self.sides) and not any(side.error for side in self.sides)

    @property
    def examples(self) -> tuple[tuple[str, float | None], ...]:
        return self.trial.failed[:TRIAL_EXAMPLES] if self.trial else ()


def rule_check(
    user: AnyUser,
    *,
    left: str,
    operator: str,
    right: str,
    upper: str,
    data: Callable[[set[str]], TrialData | None],
) -> RuleCheck:
    """Check the sides as typed; ``data(codes)`` gives the last approved values of
    those variables for the trial (see the view)."""
    require(user, Perm.CATALOGUE_EDIT)
    chosen = operator_of(operator)
    texts = {"left": left, "right": right}
    if chosen is engine.Operator.BETWEEN:
        texts["upper"] = upper
    known = dict.fromkeys(Variable.objects.values_list("code", flat=True), "variable")
    sides = []
    for side, text in texts.items():
        check = SideCheck(side, text)
        if text.strip():
            try:
                check_formula(text, known=known)
            except FormulaError as error:
                check.error, check.column = translate_message(error.text), error.column
        sides.append(check)
    result = RuleCheck(sides)
    if chosen is None or not result.ok or not all(text.strip() for text in texts.values()):
        return result
    rule = engine.Rule(code="TRIAL", left=left, operator=chosen, right=right, upper=upper)
    found = data(set(rule_variables(rule)))
    if found is not None:
        result.period, units, previous = found
        result.trial = rule_trial(rule, units, previous)
    return result
