"""Indicator sets: created, edited, and their membership changed under versioning."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.catalogue.models import (
    CatalogueChange,
    Indicator,
    IndicatorSet,
    IndicatorSetEntry,
    IndicatorSetVersion,
    IndicatorVersion,
)
from benchlearn.catalogue.selectors import (
    current_version,
    set_indicator_codes,
)
from benchlearn.catalogue.services.common import (
    SET_FIELDS,
    CatalogueProblems,
    StaleEdit,
    differences,
    edit_token,
    edits_since,
    existing_domain,
    next_position,
    record_change,
)
from benchlearn.engine.catalogue import UNIT_KINDS


@transaction.atomic
def indicator_set_create(
    *,
    user: User | None,
    code: str,
    name_pl: str,
    domain: str = "",
    name_en: str = "",
    description_pl: str = "",
    description_en: str = "",
    kinds: list[str] | None = None,
) -> IndicatorSet:
    """Create an empty indicator set; its first version appears with its first member."""
    _check_kinds(kinds or [])
    if IndicatorSet.objects.filter(code=code).exists():
        raise CatalogueProblems(
            [_("An indicator set with code %(code)s already exists.") % {"code": code}]
        )
    if not name_pl.strip():
        raise CatalogueProblems([_("The Polish name is required.")])
    indicator_set = IndicatorSet.objects.create(
        code=code,
        domain=existing_domain(domain),
        name_pl=name_pl.strip(),
        name_en=name_en,
        description_pl=description_pl,
        description_en=description_en,
        kinds=list(kinds or []),
        position=next_position(IndicatorSet),
    )
    record_change(
        object_type="set",
        code=code,
        kind=CatalogueChange.Kind.CREATED,
        user=user,
        at=indicator_set.updated_at,
    )
    return indicator_set


def _check_kinds(kinds: list[str]) -> None:
    unknown = [kind for kind in kinds if kind not in UNIT_KINDS]
    if unknown:
        raise CatalogueProblems(
            [
                _("There is no kind of unit %(kind)s (known: %(known)s).")
                % {"kind": kind, "known": ", ".join(UNIT_KINDS)}
                for kind in unknown
            ]
        )


def _locked_set(indicator_set: IndicatorSet, base_token: str | None) -> IndicatorSet:
    """The set, locked for the edit; StaleEdit when it changed since ``base_token``."""
    # Lock the set's own row only: PostgreSQL cannot lock the nullable side of the
    # outer join that select_related("domain") makes.
    locked = IndicatorSet.objects.select_for_update(of=("self",)).select_related("domain")
    indicator_set = locked.get(pk=indicator_set.pk)
    if base_token is not None and base_token != edit_token(indicator_set.updated_at):
        raise StaleEdit(edits_since("set", indicator_set.code, base_token))
    return indicator_set


@transaction.atomic
def indicator_set_update(
    *,
    indicator_set: IndicatorSet,
    user: User | None,
    base_token: str | None,
    domain: str | None = None,
    **fields: Any,
) -> IndicatorSet:
    """Change a set's domain, names or descriptions (not its membership: see
    ``indicator_set_members_change``). Stale edits raise StaleEdit, nothing stored."""
    indicator_set = _locked_set(indicator_set, base_token)
    values = {name: fields[name] for name in SET_FIELDS if name in fields}
    if "name_pl" in values and not str(values["name_pl"]).strip():
        raise CatalogueProblems([_("The Polish name is required.")])
    _check_kinds(values.get("kinds", []))
    changes = differences(indicator_set, values)
    old_domain = indicator_set.domain.code if indicator_set.domain else ""
    if domain is not None and domain != old_domain:
        indicator_set.domain = existing_domain(domain)
        changes["domain"] = (old_domain, domain)
    if not changes:
        return indicator_set
    for name, (_old, new) in changes.items():
        if name != "domain":
            setattr(indicator_set, name, new)
    indicator_set.updated_at = timezone.now()
    indicator_set.save()
    record_change(
        object_type="set",
        code=indicator_set.code,
        kind=CatalogueChange.Kind.EDITED,
        user=user,
        changes=changes,
        at=indicator_set.updated_at,
    )
    return indicator_set


@transaction.atomic
def indicator_set_members_change(
    *,
    indicator_set: IndicatorSet,
    user: User | None,
    base_token: str | None,
    codes: list[str],
) -> IndicatorSet:
    """Make the set list the indicators ``codes``, in this order.

    Follows the versioning rule: a published set version is never changed; the new
    membership goes to an unpublished next version, which ``catalogue_publish``
    publishes with the indicators' current versions pinned. Raises StaleEdit when the
    set changed since ``base_token`` and CatalogueProblems for unknown or repeated
    codes; in both cases nothing is stored.
    """
    indicator_set = _locked_set(indicator_set, base_token)
    known = set(Indicator.objects.filter(code__in=codes).values_list("code", flat=True))
    problems = [
        _("There is no indicator with code %(code)s.") % {"code": code}
        for code in dict.fromkeys(codes)
        if code not in known
    ] + [
        _("Indicator %(code)s is listed more than once.") % {"code": code}
        for code, count in Counter(codes).items()
        if count > 1
    ]
    if problems:
        raise CatalogueProblems(problems)
    old = set_indicator_codes(indicator_set)
    if not set_members(indicator_set, list(codes), user):
        return indicator_set
    indicator_set.updated_at = timezone.now()
    indicator_set.save(update_fields=["updated_at"])
    version = indicator_set.versions.order_by("-number").first()
    record_change(
        object_type="set",
        code=indicator_set.code,
        kind=CatalogueChange.Kind.EDITED,
        user=user,
        changes={"indicators": (old, list(codes))},
        version_number=version.number if version else None,
        at=indicator_set.updated_at,
    )
    return indicator_set


def set_members(indicator_set: IndicatorSet, codes: list[str], user: User | None) -> bool:
    """Make the set's current version list ``codes``; True when something changed.

    A published version is never changed: the new membership goes to a new, unpublished
    version (``catalogue_publish`` then publishes it). An unpublished version edited back
    to the published membership is dropped, so that publishing makes no empty change.
    """
    version = indicator_set.versions.order_by("-number").first()
    now = timezone.now()
    if version is not None:
        if _version_codes(version) == codes:
            return False
        if version.published_at is None:
            previous = indicator_set.versions.filter(number__lt=version.number)
            published = previous.order_by("-number").first()
            if published is not None and _version_codes(published) == codes:
                version.delete()
                return True
    if version is None or version.published_at is not None:
        number = 1 if version is None else version.number + 1
        version = IndicatorSetVersion.objects.create(
            set=indicator_set, number=number, created_at=now
        )
    else:
        version.entries.all().delete()
    by_code = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    set_entries(version, [current_version(by_code[code]) for code in codes])
    return True


def set_entries(set_version: IndicatorSetVersion, versions: list[IndicatorVersion]) -> None:
    IndicatorSetEntry.objects.bulk_create(
        IndicatorSetEntry(set_version=set_version, indicator_version=version, order=position)
        for position, version in enumerate(versions)
    )


def _version_codes(version: IndicatorSetVersion) -> list[str]:
    return list(
        version.entries.order_by("order").values_list(
            "indicator_version__indicator__code", flat=True
        )
    )
