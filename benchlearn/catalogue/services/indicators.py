"""Indicators: created and edited under the versioning rule."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.catalogue.models import (
    CatalogueChange,
    Indicator,
    IndicatorVersion,
)
from benchlearn.catalogue.selectors import (
    current_version,
)
from benchlearn.catalogue.services.common import (
    COMPUTATIONAL_FIELDS,
    VERSION_FIELDS,
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


def _blank_parts(fields: dict[str, Any]) -> dict[str, Any]:
    for part in ("numerator", "denominator"):
        if part in fields:
            fields[part] = (fields[part] or "").strip()
    if "formula" in fields:
        fields["formula"] = (fields["formula"] or "").strip()
    return fields


def _as_engine_indicator(code: str, domain: str, values: Mapping[str, Any]) -> engine.Indicator:
    return engine.Indicator(
        code=code,
        formula=values.get("formula") or "",
        polarity=engine.Polarity(values.get("polarity") or engine.Polarity.NEUTRAL),
        category=engine.Category(values.get("category") or engine.Category.OUTPUT),
        name_pl=values.get("name_pl") or "",
        name_en=values.get("name_en") or "",
        unit=values.get("unit") or "",
        decimals=int(values.get("decimals") or 0) if values.get("decimals") is not None else 2,
        numerator=values.get("numerator") or None,
        denominator=values.get("denominator") or None,
        domain=domain,
        notes_pl=values.get("notes_pl") or "",
        notes_en=values.get("notes_en") or "",
        valid_from=values.get("valid_from"),
        valid_to=values.get("valid_to"),
    )


@transaction.atomic
def indicator_create(
    *, user: User | None, code: str, domain: str = "", **fields: Any
) -> IndicatorVersion:
    """Create an indicator with its first (unpublished) version."""
    if Indicator.objects.filter(code=code).exists():
        raise CatalogueProblems(
            [_("An indicator with code %(code)s already exists.") % {"code": code}]
        )
    values = _blank_parts({name: fields[name] for name in VERSION_FIELDS if name in fields})
    check_with(indicators=[_as_engine_indicator(code, domain, values)])
    indicator = Indicator.objects.create(
        code=code,
        domain=domain_for(domain),
        position=(Indicator.objects.aggregate(top=Max("position"))["top"] or 0) + 1,
    )
    now = timezone.now()
    version = IndicatorVersion.objects.create(
        indicator=indicator, number=1, created_by=user, created_at=now, updated_at=now, **values
    )
    record_change(
        object_type="indicator",
        code=code,
        kind=CatalogueChange.Kind.CREATED,
        user=user,
        version_number=1,
        at=now,
    )
    return version


@transaction.atomic
def indicator_update(
    *,
    indicator: Indicator,
    user: User | None,
    base_number: int | None,
    base_token: str | None,
    domain: str | None = None,
    **fields: Any,
) -> IndicatorVersion:
    """Change an indicator, following the versioning rule (see the module docstring).

    ``base_number`` and ``base_token`` are the version number and updated-at token the
    edit form was opened with: when someone saved in between, raises StaleEdit listing
    what they changed, and stores nothing. Raises CatalogueProblems when a formula is
    wrong or would make a cycle.
    """
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    current = current_version(indicator)
    if (base_number is not None and base_number != current.number) or (
        base_token is not None and base_token != edit_token(current.updated_at)
    ):
        raise StaleEdit(edits_since("indicator", indicator.code, base_token or ""))
    values = _blank_parts({name: fields[name] for name in VERSION_FIELDS if name in fields})
    domain_code = indicator.domain.code if indicator.domain else ""
    new_domain = domain_code if domain is None else domain
    proposed = {name: values.get(name, getattr(current, name)) for name in VERSION_FIELDS}
    if values.keys() & {"formula", "numerator", "denominator"}:
        check_with(indicators=[_as_engine_indicator(indicator.code, new_domain, proposed)])
    return apply_indicator(indicator, current, values, new_domain, user)


def apply_indicator(
    indicator: Indicator,
    current: IndicatorVersion,
    values: Mapping[str, Any],
    domain: str,
    user: User | None,
    kind: str = CatalogueChange.Kind.EDITED,
    versioned: Collection[str] = COMPUTATIONAL_FIELDS,
) -> IndicatorVersion:
    """Apply ``values`` to the current version, or to a new version when the current is
    published and one of the ``versioned`` fields changes (an editor's wording fix of a
    published version stays in it; an import versions every change)."""
    changes = differences(current, values)
    old_domain = indicator.domain.code if indicator.domain else ""
    if domain != old_domain:
        indicator.domain = domain_for(domain)
        indicator.save(update_fields=["domain"])
        changes["domain"] = (old_domain, domain)
    if not changes:
        return current
    now = timezone.now()
    if current.is_published and changes.keys() & set(versioned):
        version = IndicatorVersion.objects.get(pk=current.pk)
        version.pk = None
        version.number = current.number + 1
        version.published_at = None
        version.created_at = version.updated_at = now
        version.created_by = user
        for name, new in values.items():
            setattr(version, name, new)
        version.save(force_insert=True)
        kind = CatalogueChange.Kind.NEW_VERSION
    else:
        version = current
        for name, new in values.items():
            setattr(version, name, new)
        version.updated_at = now
        version.save()
    record_change(
        object_type="indicator",
        code=indicator.code,
        kind=kind,
        user=user,
        changes=changes,
        version_number=version.number,
        at=now,
    )
    return version
