"""Domains: created, edited, and saved by code as an import does."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.catalogue.models import (
    CatalogueChange,
    Domain,
)
from benchlearn.catalogue.services.common import (
    DOMAIN_FIELDS,
    CatalogueProblems,
    StaleEdit,
    differences,
    edit_token,
    edits_since,
    next_position,
    record_change,
)


@transaction.atomic
def domain_save(
    *,
    code: str,
    name_pl: str,
    name_en: str = "",
    description_pl: str = "",
    description_en: str = "",
    position: int | None = None,
    user: User | None = None,
) -> Domain:
    """Create or update a domain by code, as an import does (recorded as imported)."""
    domain = Domain.objects.filter(code=code).first() or Domain(code=code)
    fields: dict[str, Any] = {
        "name_pl": name_pl or code,
        "name_en": name_en,
        "description_pl": description_pl,
        "description_en": description_en,
    }
    if position is not None:
        fields["position"] = position
    created = domain.pk is None
    changes = differences(domain, fields)
    if not created and not changes:
        return domain
    for name, value in fields.items():
        setattr(domain, name, value)
    domain.updated_at = timezone.now()
    domain.save()
    record_change(
        object_type="domain",
        code=code,
        kind=CatalogueChange.Kind.IMPORTED,
        user=user,
        changes=None if created else changes,
        at=domain.updated_at,
    )
    return domain


@transaction.atomic
def domain_create(
    *,
    user: User | None,
    code: str,
    name_pl: str,
    name_en: str = "",
    description_pl: str = "",
    description_en: str = "",
    position: int | None = None,
) -> Domain:
    """Create a domain; raises CatalogueProblems when the code is taken."""
    if Domain.objects.filter(code=code).exists():
        raise CatalogueProblems([_("A domain with code %(code)s already exists.") % {"code": code}])
    if not name_pl.strip():
        raise CatalogueProblems([_("The Polish name is required.")])
    domain = Domain.objects.create(
        code=code,
        name_pl=name_pl.strip(),
        name_en=name_en,
        description_pl=description_pl,
        description_en=description_en,
        position=next_position(Domain) if position is None else position,
    )
    record_change(
        object_type="domain",
        code=code,
        kind=CatalogueChange.Kind.CREATED,
        user=user,
        at=domain.updated_at,
    )
    return domain


@transaction.atomic
def domain_update(
    *, domain: Domain, user: User | None, base_token: str | None, **fields: Any
) -> Domain:
    """Change a domain's names, descriptions or position. ``base_token`` is the
    updated-at token the form was opened with: when the domain changed since, raises
    StaleEdit and stores nothing."""
    domain = Domain.objects.select_for_update().get(pk=domain.pk)
    if base_token is not None and base_token != edit_token(domain.updated_at):
        raise StaleEdit(edits_since("domain", domain.code, base_token))
    values = {name: fields[name] for name in DOMAIN_FIELDS if name in fields}
    if "name_pl" in values and not str(values["name_pl"]).strip():
        raise CatalogueProblems([_("The Polish name is required.")])
    changes = differences(domain, values)
    if not changes:
        return domain
    for name, (_old, new) in changes.items():
        setattr(domain, name, new)
    domain.updated_at = timezone.now()
    domain.save(update_fields=[*changes, "updated_at"])
    record_change(
        object_type="domain",
        code=domain.code,
        kind=CatalogueChange.Kind.EDITED,
        user=user,
        changes=changes,
        at=domain.updated_at,
    )
    return domain
