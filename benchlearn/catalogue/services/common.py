"""What every catalogue write shares: the problems it raises, the edit token that
detects edits made meanwhile, the history row, and checking the catalogue as it would be."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.catalogue.models import (
    CatalogueChange,
    Domain,
    IndicatorSet,
    shown,
)
from benchlearn.catalogue.selectors import (
    engine_catalogue,
)
from benchlearn.engine import catalogue as engine
from benchlearn.engine.evaluate import (
    CatalogueError,
    check_catalogue,
)
from benchlearn.engine.messages import Message, Problem
from benchlearn.engine.rules import check_comparisons, check_rules
from benchlearn.i18n import translate_message

# Fields whose change alters what an indicator computes: a published version keeps them.
# The data years a version is valid for change what it computes (a year without one).
COMPUTATIONAL_FIELDS = (
    "formula", "numerator", "denominator", "polarity", "category", "decimals", "valid_from",
    "valid_to",
)  # fmt: skip
TEXT_FIELDS = ("name_pl", "name_en", "unit", "notes_pl", "notes_en")
VERSION_FIELDS = COMPUTATIONAL_FIELDS + TEXT_FIELDS
DOMAIN_FIELDS = ("name_pl", "name_en", "description_pl", "description_en", "position")
SET_FIELDS = ("name_pl", "name_en", "description_pl", "description_en", "kinds")
VARIABLE_FIELDS = (
    "name_pl",
    "name_en",
    "unit",
    "source",
    "minimum",
    "maximum",
    "definition_pl",
    "definition_en",
    "compare",
    "compare_per",
    "plausible_min",
    "plausible_max",
    "valid_from",
    "valid_to",
    "bdl",
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


def record_change(
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


def edits_since(object_type: str, code: str, token: str) -> list[OtherEdit]:
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


def differences(obj: Any, fields: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {
        name: (getattr(obj, name), value)
        for name, value in fields.items()
        if getattr(obj, name) != value
    }


def domain_for(code: str) -> Domain | None:
    if not code:
        return None
    domain, _created = Domain.objects.get_or_create(code=code, defaults={"name_pl": code})
    return domain


def existing_domain(code: str) -> Domain | None:
    """The domain an edit form chose ("" for none); unlike an import, never creates one."""
    if not code:
        return None
    domain = Domain.objects.filter(code=code).first()
    if domain is None:
        raise CatalogueProblems([_("There is no domain with code %(code)s.") % {"code": code}])
    return domain


def next_position(model: type[Domain] | type[IndicatorSet]) -> int:
    return (model.objects.aggregate(top=Max("position"))["top"] or 0) + 1


def check_with(
    *,
    variables: Iterable[engine.Variable] = (),
    indicators: Iterable[engine.Indicator] = (),
    rules: Iterable[engine.Rule] = (),
) -> None:
    """Check the whole catalogue as it would be with these variables, indicators and
    rules: formulas, comparison bases, rules."""
    catalogue = merged_catalogue(
        engine_catalogue(), variables=variables, indicators=indicators, rules=rules
    )
    try:
        check_catalogue(catalogue)
    except CatalogueError as error:
        raise CatalogueProblems.of(error.messages) from error
    problems = plausibility_problems(catalogue)
    if problems:
        raise CatalogueProblems.of(problem.located() for problem in problems)


def plausibility_problems(catalogue: engine.Catalogue) -> list[Problem]:
    """What is wrong with the catalogue's comparison bases and validation rules."""
    return check_comparisons(catalogue) + check_rules(catalogue)


def merged_catalogue(
    base: engine.Catalogue,
    *,
    variables: Iterable[engine.Variable] = (),
    indicators: Iterable[engine.Indicator] = (),
    rules: Iterable[engine.Rule] = (),
) -> engine.Catalogue:
    new_variables = {v.code: v for v in variables}
    # An indicator may come in several definitions, each for its data years.
    new_indicators: dict[str, list[engine.Indicator]] = {}
    for indicator in indicators:
        new_indicators.setdefault(indicator.code, []).append(indicator)
    merged_variables = [new_variables.pop(v.code, v) for v in base.variables]
    merged_indicators = [
        definition for i in base.indicators for definition in new_indicators.pop(i.code, [i])
    ]
    new_rules = {r.code: r for r in rules}
    merged_rules = [new_rules.pop(r.code, r) for r in base.rules]
    return engine.Catalogue(
        variables=tuple(merged_variables + list(new_variables.values())),
        indicators=tuple(
            merged_indicators + [i for group in new_indicators.values() for i in group]
        ),
        domains=base.domains,
        sets=base.sets,
        rules=tuple(merged_rules + list(new_rules.values())),
    )
