"""Writes to the indicator catalogue: edits with versioning, publishing, YAML import.

Every write records a ``CatalogueChange`` row. Published indicator versions never change
what they compute: a change to a computational field of a published version makes a new,
unpublished version; text-only changes are made in place and recorded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from benchlearn.accounts.models import User
from benchlearn.catalogue.models import (
    CatalogueChange,
    Domain,
    Indicator,
    IndicatorSet,
    IndicatorSetEntry,
    IndicatorSetVersion,
    IndicatorVersion,
    Variable,
    shown,
)
from benchlearn.catalogue.selectors import (
    current_version,
    engine_catalogue,
    engine_catalogue_for_set,
    set_indicator_codes,
)
from benchlearn.engine import catalogue as engine
from benchlearn.engine.evaluate import (
    DUPLICATE_CODE,
    CatalogueError,
    check_catalogue,
    duplicate_code,
)
from benchlearn.engine.io import InputError
from benchlearn.engine.io.catalogue_yaml import (
    DEFAULT_CATALOGUE,
    catalogue_from_yaml,
    catalogue_to_yaml,
    item_lines,
)
from benchlearn.engine.messages import Message, Param, Problem
from benchlearn.i18n import translate_message

# Fields whose change alters what an indicator computes: a published version keeps them.
COMPUTATIONAL_FIELDS = ("formula", "numerator", "denominator", "polarity", "category", "decimals")
TEXT_FIELDS = ("name_pl", "name_en", "unit", "notes_pl", "notes_en")
VERSION_FIELDS = COMPUTATIONAL_FIELDS + TEXT_FIELDS
DOMAIN_FIELDS = ("name_pl", "name_en", "description_pl", "description_en", "position")
SET_FIELDS = ("name_pl", "name_en", "description_pl", "description_en")
VARIABLE_FIELDS = (
    "name_pl",
    "name_en",
    "unit",
    "source",
    "minimum",
    "maximum",
    "definition_pl",
    "definition_en",
)


class CatalogueProblems(ValueError):
    """Everything wrong with a catalogue change; nothing was stored.

    ``problems`` are in the active language: the engine's messages are translated here.
    """

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems

    @classmethod
    def of(cls, messages: Iterable[Message]) -> CatalogueProblems:
        return cls([translate_message(message) for message in messages])


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any

    @property
    def old_shown(self) -> str:
        return shown(self.old)

    @property
    def new_shown(self) -> str:
        return shown(self.new)


@dataclass(frozen=True)
class OtherEdit:
    """A change someone else saved after the form was opened."""

    who: str
    when: datetime
    version_number: int | None
    changes: list[FieldChange]


class StaleEdit(Exception):
    """The form was based on an older state of the object; nothing was stored."""

    def __init__(self, edits: list[OtherEdit]) -> None:
        super().__init__("the object was changed by someone else")
        self.edits = edits


def edit_token(moment: datetime) -> str:
    """The updated-at token a form carries to detect edits made meanwhile."""
    return moment.isoformat(timespec="microseconds")


# --- history --------------------------------------------------------------------------


def _record(
    *,
    object_type: str,
    code: str,
    kind: str,
    user: User | None,
    changes: Mapping[str, tuple[Any, Any]] | None = None,
    version_number: int | None = None,
    at: datetime | None = None,
) -> None:
    CatalogueChange.objects.create(
        object_type=object_type,
        code=code,
        kind=kind,
        version_number=version_number,
        changes={name: [_plain(old), _plain(new)] for name, (old, new) in (changes or {}).items()},
        changed_at=at or timezone.now(),
        changed_by=user,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]  # a set's membership stays a list
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


def _edits_since(object_type: str, code: str, token: str) -> list[OtherEdit]:
    try:
        since = datetime.fromisoformat(token)
    except ValueError:
        since = None
    rows = CatalogueChange.objects.filter(object_type=object_type, code=code)
    if since is not None:
        rows = rows.filter(changed_at__gt=since)
    return [
        OtherEdit(
            who=str(row.changed_by) if row.changed_by else "",
            when=row.changed_at,
            version_number=row.version_number,
            changes=[FieldChange(name, old, new) for name, (old, new) in row.changes.items()],
        )
        for row in rows.select_related("changed_by").order_by("changed_at", "pk")
    ]


def _differences(obj: Any, fields: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {
        name: (getattr(obj, name), value)
        for name, value in fields.items()
        if getattr(obj, name) != value
    }


# --- domains --------------------------------------------------------------------------


def _domain_for(code: str) -> Domain | None:
    if not code:
        return None
    domain, _created = Domain.objects.get_or_create(code=code, defaults={"name_pl": code})
    return domain


def _existing_domain(code: str) -> Domain | None:
    """The domain an edit form chose ("" for none); unlike an import, never creates one."""
    if not code:
        return None
    domain = Domain.objects.filter(code=code).first()
    if domain is None:
        raise CatalogueProblems([_("There is no domain with code %(code)s.") % {"code": code}])
    return domain


def _next_position(model: type[Domain] | type[IndicatorSet]) -> int:
    return (model.objects.aggregate(top=Max("position"))["top"] or 0) + 1


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
    changes = _differences(domain, fields)
    if not created and not changes:
        return domain
    for name, value in fields.items():
        setattr(domain, name, value)
    domain.updated_at = timezone.now()
    domain.save()
    _record(
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
        position=_next_position(Domain) if position is None else position,
    )
    _record(
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
        raise StaleEdit(_edits_since("domain", domain.code, base_token))
    values = {name: fields[name] for name in DOMAIN_FIELDS if name in fields}
    if "name_pl" in values and not str(values["name_pl"]).strip():
        raise CatalogueProblems([_("The Polish name is required.")])
    changes = _differences(domain, values)
    if not changes:
        return domain
    for name, (_old, new) in changes.items():
        setattr(domain, name, new)
    domain.updated_at = timezone.now()
    domain.save(update_fields=[*changes, "updated_at"])
    _record(
        object_type="domain",
        code=domain.code,
        kind=CatalogueChange.Kind.EDITED,
        user=user,
        changes=changes,
        at=domain.updated_at,
    )
    return domain


# --- indicator sets -------------------------------------------------------------------


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
) -> IndicatorSet:
    """Create an empty indicator set; its first version appears with its first member."""
    if IndicatorSet.objects.filter(code=code).exists():
        raise CatalogueProblems(
            [_("An indicator set with code %(code)s already exists.") % {"code": code}]
        )
    if not name_pl.strip():
        raise CatalogueProblems([_("The Polish name is required.")])
    indicator_set = IndicatorSet.objects.create(
        code=code,
        domain=_existing_domain(domain),
        name_pl=name_pl.strip(),
        name_en=name_en,
        description_pl=description_pl,
        description_en=description_en,
        position=_next_position(IndicatorSet),
    )
    _record(
        object_type="set",
        code=code,
        kind=CatalogueChange.Kind.CREATED,
        user=user,
        at=indicator_set.updated_at,
    )
    return indicator_set


def _locked_set(indicator_set: IndicatorSet, base_token: str | None) -> IndicatorSet:
    """The set, locked for the edit; StaleEdit when it changed since ``base_token``."""
    # Lock the set's own row only: PostgreSQL cannot lock the nullable side of the
    # outer join that select_related("domain") makes.
    locked = IndicatorSet.objects.select_for_update(of=("self",)).select_related("domain")
    indicator_set = locked.get(pk=indicator_set.pk)
    if base_token is not None and base_token != edit_token(indicator_set.updated_at):
        raise StaleEdit(_edits_since("set", indicator_set.code, base_token))
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
    changes = _differences(indicator_set, values)
    old_domain = indicator_set.domain.code if indicator_set.domain else ""
    if domain is not None and domain != old_domain:
        indicator_set.domain = _existing_domain(domain)
        changes["domain"] = (old_domain, domain)
    if not changes:
        return indicator_set
    for name, (_old, new) in changes.items():
        if name != "domain":
            setattr(indicator_set, name, new)
    indicator_set.updated_at = timezone.now()
    indicator_set.save()
    _record(
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
    if not _set_members(indicator_set, list(codes), user):
        return indicator_set
    indicator_set.updated_at = timezone.now()
    indicator_set.save(update_fields=["updated_at"])
    version = indicator_set.versions.order_by("-number").first()
    _record(
        object_type="set",
        code=indicator_set.code,
        kind=CatalogueChange.Kind.EDITED,
        user=user,
        changes={"indicators": (old, list(codes))},
        version_number=version.number if version else None,
        at=indicator_set.updated_at,
    )
    return indicator_set


# --- variables ------------------------------------------------------------------------


def _check_with(
    *, variables: Iterable[engine.Variable] = (), indicators: Iterable[engine.Indicator] = ()
) -> None:
    """Check the whole catalogue as it would be with these variables and indicators."""
    catalogue = _merged(engine_catalogue(), variables=variables, indicators=indicators)
    try:
        check_catalogue(catalogue)
    except CatalogueError as error:
        raise CatalogueProblems.of(error.messages) from error


def _merged(
    base: engine.Catalogue,
    *,
    variables: Iterable[engine.Variable] = (),
    indicators: Iterable[engine.Indicator] = (),
) -> engine.Catalogue:
    new_variables = {v.code: v for v in variables}
    new_indicators = {i.code: i for i in indicators}
    merged_variables = [new_variables.pop(v.code, v) for v in base.variables]
    merged_indicators = [new_indicators.pop(i.code, i) for i in base.indicators]
    return engine.Catalogue(
        variables=tuple(merged_variables + list(new_variables.values())),
        indicators=tuple(merged_indicators + list(new_indicators.values())),
        domains=base.domains,
        sets=base.sets,
    )


@transaction.atomic
def variable_create(*, user: User | None, code: str, domain: str = "", **fields: Any) -> Variable:
    """Create a variable; raises CatalogueProblems when the code is taken or invalid."""
    if Variable.objects.filter(code=code).exists():
        raise CatalogueProblems(
            [_("A variable with code %(code)s already exists.") % {"code": code}]
        )
    values = {name: fields.get(name, "") for name in VARIABLE_FIELDS}
    _check_with(variables=[_as_engine_variable(code, domain, values)])
    variable = Variable.objects.create(
        code=code,
        domain=_domain_for(domain),
        position=(Variable.objects.aggregate(top=Max("position"))["top"] or 0) + 1,
        **values,
    )
    _record(
        object_type="variable",
        code=code,
        kind=CatalogueChange.Kind.CREATED,
        user=user,
        at=variable.updated_at,
    )
    return variable


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
        raise StaleEdit(_edits_since("variable", variable.code, base_token))
    changes = _differences(variable, {k: v for k, v in fields.items() if k in VARIABLE_FIELDS})
    if domain is not None and domain != (variable.domain.code if variable.domain else ""):
        changes["domain"] = (variable.domain.code if variable.domain else "", domain)
        variable.domain = _domain_for(domain)
    if not changes:
        return variable
    for name, (_old, new) in changes.items():
        if name != "domain":
            setattr(variable, name, new)
    variable.updated_at = timezone.now()
    variable.save()
    _record(
        object_type="variable",
        code=variable.code,
        kind=CatalogueChange.Kind.EDITED,
        user=user,
        changes=changes,
        at=variable.updated_at,
    )
    return variable


# --- indicators -----------------------------------------------------------------------


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
    _check_with(indicators=[_as_engine_indicator(code, domain, values)])
    indicator = Indicator.objects.create(
        code=code,
        domain=_domain_for(domain),
        position=(Indicator.objects.aggregate(top=Max("position"))["top"] or 0) + 1,
    )
    now = timezone.now()
    version = IndicatorVersion.objects.create(
        indicator=indicator, number=1, created_by=user, created_at=now, updated_at=now, **values
    )
    _record(
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
        raise StaleEdit(_edits_since("indicator", indicator.code, base_token or ""))
    values = _blank_parts({name: fields[name] for name in VERSION_FIELDS if name in fields})
    domain_code = indicator.domain.code if indicator.domain else ""
    new_domain = domain_code if domain is None else domain
    proposed = {name: values.get(name, getattr(current, name)) for name in VERSION_FIELDS}
    if values.keys() & {"formula", "numerator", "denominator"}:
        _check_with(indicators=[_as_engine_indicator(indicator.code, new_domain, proposed)])
    return _apply_indicator(indicator, current, values, new_domain, user)


def _apply_indicator(
    indicator: Indicator,
    current: IndicatorVersion,
    values: Mapping[str, Any],
    domain: str,
    user: User | None,
    kind: str = CatalogueChange.Kind.EDITED,
) -> IndicatorVersion:
    changes = _differences(current, values)
    old_domain = indicator.domain.code if indicator.domain else ""
    if domain != old_domain:
        indicator.domain = _domain_for(domain)
        indicator.save(update_fields=["domain"])
        changes["domain"] = (old_domain, domain)
    if not changes:
        return current
    now = timezone.now()
    if current.is_published and changes.keys() & set(COMPUTATIONAL_FIELDS):
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
    _record(
        object_type="indicator",
        code=indicator.code,
        kind=kind,
        user=user,
        changes=changes,
        version_number=version.number,
        at=now,
    )
    return version


# --- publishing -----------------------------------------------------------------------


@dataclass
class PublishSummary:
    indicators: list[str] = field(default_factory=list)  # "CODE v2"
    sets: list[str] = field(default_factory=list)


@transaction.atomic
def catalogue_publish(*, user: User | None) -> PublishSummary:
    """Publish every current unpublished indicator version, and pin the current indicator
    versions in a published version of every set whose membership or versions changed."""
    now = timezone.now()
    summary = PublishSummary()
    currents: dict[int, IndicatorVersion] = {}
    for indicator in Indicator.objects.order_by("position", "code"):
        version = current_version(indicator)
        currents[indicator.pk] = version
        if version.published_at is None:
            version.published_at = now
            version.save(update_fields=["published_at"])
            summary.indicators.append(f"{indicator.code} v{version.number}")
            _record(
                object_type="indicator",
                code=indicator.code,
                kind=CatalogueChange.Kind.PUBLISHED,
                user=user,
                version_number=version.number,
                at=now,
            )
    for indicator_set in IndicatorSet.objects.order_by("position", "code"):
        set_version = indicator_set.versions.order_by("-number").first()
        if set_version is None:
            continue
        entries = list(set_version.entries.select_related("indicator_version").order_by("order"))
        wanted = [currents[e.indicator_version.indicator_id] for e in entries]
        pinned = [e.indicator_version for e in entries]
        if set_version.published_at is not None:
            if [v.pk for v in wanted] == [v.pk for v in pinned]:
                continue
            set_version = IndicatorSetVersion.objects.create(
                set=indicator_set, number=set_version.number + 1, created_at=now
            )
        else:
            set_version.entries.all().delete()
        _set_entries(set_version, wanted)
        set_version.published_at = now
        set_version.save(update_fields=["published_at"])
        summary.sets.append(f"{indicator_set.code} v{set_version.number}")
    return summary


def _set_entries(set_version: IndicatorSetVersion, versions: list[IndicatorVersion]) -> None:
    IndicatorSetEntry.objects.bulk_create(
        IndicatorSetEntry(set_version=set_version, indicator_version=version, order=position)
        for position, version in enumerate(versions)
    )


def _set_members(indicator_set: IndicatorSet, codes: list[str], user: User | None) -> bool:
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
    _set_entries(version, [current_version(by_code[code]) for code in codes])
    return True


def _version_codes(version: IndicatorSetVersion) -> list[str]:
    return list(
        version.entries.order_by("order").values_list(
            "indicator_version__indicator__code", flat=True
        )
    )


# --- import and export ----------------------------------------------------------------


@dataclass
class ImportSummary:
    domains_created: int = 0
    variables_created: int = 0
    variables_updated: int = 0
    indicators_created: int = 0
    indicators_updated: int = 0
    new_versions: int = 0
    sets_created: int = 0
    sets_updated: int = 0
    dry_run: bool = False

    def lines(self) -> list[str]:
        return [
            f"domains created: {self.domains_created}",
            f"variables created: {self.variables_created}, updated: {self.variables_updated}",
            f"indicators created: {self.indicators_created}, updated: "
            f"{self.indicators_updated} (new versions: {self.new_versions})",
            f"sets created: {self.sets_created}, updated: {self.sets_updated}",
        ]


def _with_lines(problems: list[Problem], text: str) -> list[Message]:
    """The problems found after reading, each placed on the line of the code it names."""
    lines = item_lines(text)
    located = []
    for problem in problems:
        places = lines.get(problem.code or "", [])
        duplicate = problem.message.template == DUPLICATE_CODE
        if problem.line is not None or not places:
            located.append(problem.located())
        elif duplicate and len(places) > 1:
            template = gettext_noop("line %(line)d: %(problem)s (first on line %(first)d)")
            params: dict[str, Param] = {
                "line": places[1],
                "problem": problem.message,
                "first": places[0],
            }
            located.append(Message(template, params))
        elif duplicate:
            template = gettext_noop(
                "line %(line)d: %(problem)s "
                "(the catalogue already has this code for another kind of item)"
            )
            located.append(Message(template, {"line": places[-1], "problem": problem.message}))
        else:
            located.append(Problem(problem.message, problem.code, line=places[-1]).located())
    return located


def catalogue_import(*, text: str, user: User | None, dry_run: bool = False) -> ImportSummary:
    """Import a catalogue in the portable YAML format, all or nothing.

    The file is read (structure problems carry their line), then every formula is checked
    against the existing catalogue with the file's items added or replacing theirs by
    code. Any problem raises CatalogueProblems listing all of them, and nothing changes.
    Otherwise everything is written in one transaction: items are created or updated by
    code, published indicator versions get new versions when what they compute changes.
    With ``dry_run`` the same work is done and rolled back, for the summary.
    """
    try:
        imported = catalogue_from_yaml(text)
    except InputError as error:
        raise CatalogueProblems.of(error.messages) from error
    merged = _merged(
        engine_catalogue(), variables=imported.variables, indicators=imported.indicators
    )
    kinds = {v.code: "variable" for v in engine_catalogue().variables}
    kinds |= {i.code: "indicator" for i in engine_catalogue().indicators}
    problems = [
        Problem(
            Message(
                gettext_noop("variable %(code)s: the catalogue has an indicator with this code"),
                {"code": v.code},
            ),
            v.code,
        )
        for v in imported.variables
        if kinds.get(v.code) == "indicator"
    ] + [
        Problem(
            Message(
                gettext_noop("indicator %(code)s: the catalogue has a variable with this code"),
                {"code": i.code},
            ),
            i.code,
        )
        for i in imported.indicators
        if kinds.get(i.code) == "variable"
    ]
    # Merging by code would hide a code the file declares twice: counted on the file.
    declared = Counter([v.code for v in imported.variables] + [i.code for i in imported.indicators])
    problems += [duplicate_code(code) for code, count in declared.items() if count > 1]
    try:
        check_catalogue(merged)
    except CatalogueError as error:
        problems += error.found
    if problems:
        # The same problem may be found twice (a duplicate code): listed once.
        unique = list({str(problem.located()): problem for problem in problems}.values())
        raise CatalogueProblems.of(_with_lines(unique, text))
    with transaction.atomic():
        summary = _write_imported(imported, user)
        summary.dry_run = dry_run
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _write_imported(imported: engine.Catalogue, user: User | None) -> ImportSummary:
    summary = ImportSummary()
    existing_domains = set(Domain.objects.values_list("code", flat=True))
    for position, d in enumerate(imported.domains):
        summary.domains_created += d.code not in existing_domains
        domain_save(
            code=d.code,
            name_pl=d.name_pl,
            name_en=d.name_en,
            description_pl=d.description_pl,
            description_en=d.description_en,
            position=position,
            user=user,
        )
    for position, v in enumerate(imported.variables):
        _import_variable(v, position, user, summary)
    for position, i in enumerate(imported.indicators):
        _import_indicator(i, position, user, summary)
    for position, s in enumerate(imported.sets):
        _import_set(s, position, user, summary)
    return summary


def _import_set(
    s: engine.IndicatorSet, position: int, user: User | None, summary: ImportSummary
) -> None:
    indicator_set = IndicatorSet.objects.filter(code=s.code).first()
    created = indicator_set is None
    indicator_set = indicator_set or IndicatorSet(code=s.code)
    old_domain = indicator_set.domain.code if indicator_set.domain else ""
    changes = _differences(
        indicator_set,
        {
            "name_pl": s.name_pl or s.code,
            "name_en": s.name_en,
            "description_pl": s.description_pl,
            "description_en": s.description_en,
        },
    )
    if s.domain != old_domain:
        changes["domain"] = (old_domain, s.domain)
    indicator_set.domain = _domain_for(s.domain)
    for name, (_old, new) in changes.items():
        if name != "domain":
            setattr(indicator_set, name, new)
    indicator_set.position = position
    indicator_set.save()
    old_codes = [] if created else set_indicator_codes(indicator_set)
    if _set_members(indicator_set, list(s.indicators), user):
        changes["indicators"] = (old_codes, list(s.indicators))
    if created or changes:
        # An import is an edit too: forms opened before it must see it as stale.
        indicator_set.updated_at = timezone.now()
        indicator_set.save(update_fields=["updated_at"])
        _record(
            object_type="set",
            code=s.code,
            kind=CatalogueChange.Kind.IMPORTED,
            user=user,
            changes=None if created else changes,
            at=indicator_set.updated_at,
        )
    if created:
        summary.sets_created += 1
    elif changes:
        summary.sets_updated += 1


def _import_variable(
    v: engine.Variable, position: int, user: User | None, summary: ImportSummary
) -> None:
    values = {
        "name_pl": v.name_pl or v.code,
        "name_en": v.name_en,
        "unit": v.unit,
        "source": v.source.value,
        "minimum": v.minimum,
        "maximum": v.maximum,
        "definition_pl": v.definition_pl,
        "definition_en": v.definition_en,
    }
    variable = Variable.objects.filter(code=v.code).first()
    if variable is None:
        now = timezone.now()
        Variable.objects.create(
            code=v.code, domain=_domain_for(v.domain), position=position, updated_at=now, **values
        )
        _record(object_type="variable", code=v.code, kind="imported", user=user, at=now)
        summary.variables_created += 1
        return
    if variable.position != position:
        variable.position = position
        variable.save(update_fields=["position"])
    before = edit_token(variable.updated_at)
    variable_update(variable=variable, user=user, base_token=None, domain=v.domain, **values)
    variable.refresh_from_db(fields=["updated_at"])
    summary.variables_updated += before != edit_token(variable.updated_at)


def _import_indicator(
    i: engine.Indicator, position: int, user: User | None, summary: ImportSummary
) -> None:
    values = {
        "formula": i.formula,
        "numerator": i.numerator or "",
        "denominator": i.denominator or "",
        "polarity": i.polarity.value,
        "category": i.category.value,
        "decimals": i.decimals,
        "name_pl": i.name_pl or i.code,
        "name_en": i.name_en,
        "unit": i.unit,
        "notes_pl": i.notes_pl,
        "notes_en": i.notes_en,
    }
    indicator = Indicator.objects.filter(code=i.code).first()
    if indicator is None:
        now = timezone.now()
        indicator = Indicator.objects.create(
            code=i.code, domain=_domain_for(i.domain), position=position
        )
        IndicatorVersion.objects.create(
            indicator=indicator, number=1, created_by=user, created_at=now, updated_at=now, **values
        )
        _record(
            object_type="indicator",
            code=i.code,
            kind="imported",
            user=user,
            version_number=1,
            at=now,
        )
        summary.indicators_created += 1
        return
    if indicator.position != position:
        indicator.position = position
        indicator.save(update_fields=["position"])
    current = current_version(indicator)
    before = (current.pk, current.updated_at)
    version = _apply_indicator(
        indicator, current, values, i.domain, user, kind=CatalogueChange.Kind.IMPORTED
    )
    summary.new_versions += version.pk != before[0]
    summary.indicators_updated += (version.pk, version.updated_at) != before


def catalogue_load_default(*, user: User | None = None) -> ImportSummary:
    """Import the model indicator sets shipped with the program."""
    source = resources.files("benchlearn.engine").joinpath("data", DEFAULT_CATALOGUE)
    return catalogue_import(text=source.read_text(encoding="utf-8"), user=user)


def catalogue_export(*, set_code: str | None = None) -> str:
    """The whole catalogue, or one set with the variables, indicators and domains it
    needs, in the portable YAML format."""
    catalogue = engine_catalogue() if set_code is None else engine_catalogue_for_set(set_code)
    return catalogue_to_yaml(catalogue)
