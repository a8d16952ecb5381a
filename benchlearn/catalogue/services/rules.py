"""Validation rules: created, edited, deleted and saved by code as an import does.

Every write checks the rule against the catalogue's variables (the formula parser says
what is wrong, in the user's language) and records a catalogue change.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.catalogue.models import CatalogueChange, ValidationRule, Variable
from benchlearn.catalogue.selectors import validation_rules
from benchlearn.catalogue.services.common import (
    CatalogueProblems,
    StaleEdit,
    differences,
    domain_for,
    edit_token,
    edits_since,
    existing_domain,
    record_change,
)
from benchlearn.engine import catalogue as engine
from benchlearn.engine.rule_ranges import range_problems
from benchlearn.engine.rules import check_rule, operator_of

RULE_FIELDS = ("left", "operator", "right", "upper", "severity", "message_pl", "message_en")


def _normalised(fields: dict[str, Any]) -> dict[str, Any]:
    values = {name: str(fields.get(name) or "").strip() for name in RULE_FIELDS}
    operator = operator_of(values["operator"])
    if operator is None:
        raise CatalogueProblems([_("Choose an operator: <, ≤, =, ≥, > or between.")])
    values["operator"] = operator.value
    if operator is not engine.Operator.BETWEEN:
        values["upper"] = ""
    values["severity"] = values["severity"] or engine.Severity.WARNING.value
    return values


def _checked(code: str, domain: str, values: dict[str, Any]) -> None:
    rule = engine.Rule(
        code=code,
        left=values["left"],
        operator=engine.Operator(values["operator"]),
        right=values["right"],
        upper=values["upper"],
        severity=engine.Severity(values["severity"]),
        message_pl=values["message_pl"],
        message_en=values["message_en"],
        domain=domain,
    )
    variables = Variable.objects.values_list("code", flat=True)
    problems = check_rule(rule, variables=variables)
    others = [other for other in validation_rules() if other.code != code]
    problems += [p for p in range_problems([*others, rule]) if p.code == code]
    if problems:
        raise CatalogueProblems.of(problem.message for problem in problems)


@transaction.atomic
def rule_create(*, user: User | None, code: str, domain: str = "", **fields: Any) -> ValidationRule:
    """Create a rule; raises CatalogueProblems (nothing stored) when the code is taken or
    a side does not parse or names something that is not a variable."""
    if ValidationRule.objects.filter(code=code).exists():
        raise CatalogueProblems(
            [_("A validation rule with code %(code)s already exists.") % {"code": code}]
        )
    values = _normalised(fields)
    _checked(code, domain, values)
    rule = ValidationRule.objects.create(
        code=code,
        domain=existing_domain(domain),
        position=(ValidationRule.objects.aggregate(top=Max("position"))["top"] or 0) + 1,
        **values,
    )
    record_change(
        object_type="rule",
        code=code,
        kind=CatalogueChange.Kind.CREATED,
        user=user,
        changes={name: ("", value) for name, value in values.items() if value},
        at=rule.updated_at,
    )
    return rule


@transaction.atomic
def rule_update(
    *,
    rule: ValidationRule,
    user: User | None,
    base_token: str | None,
    domain: str | None = None,
    kind: str = CatalogueChange.Kind.EDITED,
    **fields: Any,
) -> ValidationRule:
    """Change a rule. ``base_token`` is the updated-at token the form was opened with;
    when the rule changed since, raises StaleEdit and stores nothing."""
    rule = (
        ValidationRule.objects.select_for_update(of=("self",))
        .select_related("domain")
        .get(pk=rule.pk)
    )
    if base_token is not None and base_token != edit_token(rule.updated_at):
        raise StaleEdit(edits_since("rule", rule.code, base_token))
    values = _normalised(fields)
    old_domain = rule.domain.code if rule.domain else ""
    new_domain = old_domain if domain is None else domain
    _checked(rule.code, new_domain, values)
    changes = differences(rule, values)
    if new_domain != old_domain:
        changes["domain"] = (old_domain, new_domain)
        is_import = kind == CatalogueChange.Kind.IMPORTED
        rule.domain = domain_for(new_domain) if is_import else existing_domain(new_domain)
    if not changes:
        return rule
    for name, (_old, new) in changes.items():
        if name != "domain":
            setattr(rule, name, new)
    rule.updated_at = timezone.now()
    rule.save()
    record_change(
        object_type="rule",
        code=rule.code,
        kind=kind,
        user=user,
        changes=changes,
        at=rule.updated_at,
    )
    return rule


@transaction.atomic
def rule_delete(*, rule: ValidationRule, user: User | None, base_token: str | None) -> None:
    """Delete a rule, recording what it was. Warnings it gave to submissions already
    submitted stay (the collection keeps them as given)."""
    rule = (
        ValidationRule.objects.select_for_update(of=("self",))
        .select_related("domain")
        .get(pk=rule.pk)
    )
    if base_token is not None and base_token != edit_token(rule.updated_at):
        raise StaleEdit(edits_since("rule", rule.code, base_token))
    was = {name: getattr(rule, name) for name in RULE_FIELDS}
    was["domain"] = rule.domain.code if rule.domain else ""
    record_change(
        object_type="rule",
        code=rule.code,
        kind=CatalogueChange.Kind.DELETED,
        user=user,
        changes={name: (value, "") for name, value in was.items() if value},
    )
    rule.delete()


def rule_import(r: engine.Rule, position: int, user: User | None) -> tuple[bool, bool]:
    """Create or update a rule by code from an imported catalogue (already checked):
    (created, updated)."""
    values = {
        "left": r.left,
        "operator": r.operator.value,
        "right": r.right,
        "upper": r.upper,
        "severity": r.severity.value,
        "message_pl": r.message_pl,
        "message_en": r.message_en,
    }
    rule = ValidationRule.objects.filter(code=r.code).first()
    if rule is None:
        now = timezone.now()
        ValidationRule.objects.create(
            code=r.code, domain=domain_for(r.domain), position=position, updated_at=now, **values
        )
        record_change(object_type="rule", code=r.code, kind="imported", user=user, at=now)
        return True, False
    if rule.position != position:
        rule.position = position
        rule.save(update_fields=["position"])
    before = edit_token(rule.updated_at)
    rule = rule_update(
        rule=rule,
        user=user,
        base_token=None,
        domain=r.domain,
        kind=CatalogueChange.Kind.IMPORTED,
        **values,
    )
    return False, before != edit_token(rule.updated_at)
