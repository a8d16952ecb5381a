"""Reads of the validation rules: the engine's view of them and which apply where.

``rules_for_variables(codes)`` is what the collection's checks load for a round: the
rules that read any of the round's variables. Evaluating them is
``benchlearn.engine.rules.rule_failures``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.http import Http404
from django.utils.translation import gettext as _

from benchlearn.accounts.access import Perm, require
from benchlearn.catalogue.models import ValidationRule
from benchlearn.engine import catalogue as engine
from benchlearn.engine.rules import rules_reading

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


def engine_rule(rule: ValidationRule) -> engine.Rule:
    return engine.Rule(
        code=rule.code,
        left=rule.left,
        operator=engine.Operator(rule.operator),
        right=rule.right,
        upper=rule.upper,
        severity=engine.Severity(rule.severity),
        message_pl=rule.message_pl,
        message_en=rule.message_en,
        domain=rule.domain.code if rule.domain else "",
    )


_RULE_FIELDS = (
    "code", "left", "operator", "right", "upper", "severity", "message_pl", "message_en",
)  # fmt: skip


def validation_rules() -> list[engine.Rule]:
    """Every rule of the catalogue, in catalogue order. Read as plain rows: every form's
    check reads all of them (some 600 in the shipped catalogue)."""
    rows = ValidationRule.objects.order_by("position", "code").values_list(
        *_RULE_FIELDS, "domain__code"
    )
    return [
        engine.Rule(
            code=code,
            left=left,
            operator=engine.Operator(operator),
            right=right,
            upper=upper,
            severity=engine.Severity(severity),
            message_pl=message_pl,
            message_en=message_en,
            domain=domain or "",
        )
        for code, left, operator, right, upper, severity, message_pl, message_en, domain in rows
    ]


def rules_for_variables(codes: Iterable[str]) -> list[engine.Rule]:
    """The rules that read at least one of these variable codes (e.g. a round's
    variables), in catalogue order. Rules may read other variables too (the population
    from context data): their values are the caller's to supply."""
    return rules_reading(validation_rules(), codes)


def rule_get_for_user(user: AnyUser, code: str, perm: Perm = Perm.CATALOGUE_VIEW) -> ValidationRule:
    rule = ValidationRule.objects.filter(code=code).select_related("domain").first()
    if rule is None:
        raise Http404(_("There is no validation rule with code %(code)s.") % {"code": code})
    require(user, perm)
    return rule


def rules_list() -> list[ValidationRule]:
    """The rules for the editor's list, by domain then position."""
    return list(
        ValidationRule.objects.select_related("domain").order_by(
            "domain__position", "domain__code", "position", "code"
        )
    )
