"""Variables: created and edited, the catalogue checked as it would be."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Field, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.catalogue.models import (
    CatalogueChange,
    Variable,
)
from benchlearn.catalogue.selectors import engine_variable
from benchlearn.catalogue.services.common import (
    VARIABLE_FIELDS,
    CatalogueProblems,
    StaleEdit,
    check_with,
    differences,
    domain_for,
    edit_token,
    edits_since,
    record_change,
)
from benchlearn.engine import catalogue as engine
from benchlearn.engine.rules import check_comparison


@transaction.atomic
def variable_create(*, user: User | None, code: str, domain: str = "", **fields: Any) -> Variable:
    """Create a variable; raises CatalogueProblems when the code is taken or invalid."""
    if Variable.objects.filter(code=code).exists():
        raise CatalogueProblems(
            [_("A variable with code %(code)s already exists.") % {"code": code}]
        )
    # A field not given takes the model's default (None for the plausible range: "" is
    # no number, and the register's context variables name no range).
    values = {name: fields[name] if name in fields else _default(name) for name in VARIABLE_FIELDS}
    check_with(variables=[_as_engine_variable(code, domain, values)])
    variable = Variable.objects.create(
        code=code,
        domain=domain_for(domain),
        position=(Variable.objects.aggregate(top=Max("position"))["top"] or 0) + 1,
        **values,
    )
    record_change(
        object_type="variable",
        code=code,
        kind=CatalogueChange.Kind.CREATED,
        user=user,
        at=variable.updated_at,
    )
    return variable


def _default(name: str) -> Any:
    field = Variable._meta.get_field(name)
    return field.get_default() if isinstance(field, Field) else ""


def _as_engine_variable(code: str, domain: str, values: Mapping[str, Any]) -> engine.Variable:
    return engine.Variable(
        code=code,
        name_pl=values.get("name_pl") or "",
        name_en=values.get("name_en") or "",
        unit=values.get("unit") or "",
        source=engine.Source(values.get("source") or engine.Source.FORM),
        minimum=values.get("minimum"),
        maximum=values.get("maximum"),
        definition_pl=values.get("definition_pl") or "",
        definition_en=values.get("definition_en") or "",
        domain=domain,
        compare=engine.Basis(values.get("compare") or engine.Basis.AS_IS),
        compare_per=values.get("compare_per") or "",
        plausible_min=values.get("plausible_min"),
        plausible_max=values.get("plausible_max"),
        bdl=values.get("bdl") or "",
    )


@transaction.atomic
def variable_update(
    *,
    variable: Variable,
    user: User | None,
    base_token: str | None,
    domain: str | None = None,
    **fields: Any,
) -> Variable:
    """Change a variable. ``base_token`` is the updated-at token the form was opened
    with; when the variable changed since, raises StaleEdit and stores nothing."""
    variable = Variable.objects.select_for_update().get(pk=variable.pk)
    if base_token is not None and base_token != edit_token(variable.updated_at):
        raise StaleEdit(edits_since("variable", variable.code, base_token))
    changes = differences(variable, {k: v for k, v in fields.items() if k in VARIABLE_FIELDS})
    if domain is not None and domain != (variable.domain.code if variable.domain else ""):
        changes["domain"] = (variable.domain.code if variable.domain else "", domain)
        variable.domain = domain_for(domain)
    if not changes:
        return variable
    for name, (_old, new) in changes.items():
        if name != "domain":
            setattr(variable, name, new)
    if changes.keys() & {"compare", "compare_per", "plausible_min", "plausible_max"}:
        codes = set(Variable.objects.values_list("code", flat=True))
        problems = check_comparison(engine_variable(variable), codes)
        if problems:
            raise CatalogueProblems.of(problem.message for problem in problems)
    variable.updated_at = timezone.now()
    variable.save()
    record_change(
        object_type="variable",
        code=variable.code,
        kind=CatalogueChange.Kind.EDITED,
        user=user,
        changes=changes,
        at=variable.updated_at,
    )
    return variable
