"""The office's writes to the competency scheme and the learning suggestions, and the
lookups its pages make.

A version that is published, or that an assessment uses, is frozen: it is never
changed. "New version" copies a version into a draft, which the office changes and then
publishes (the change note says what changed). Every write to a draft raises its
``revision``; a form carries the revision it was opened with, and a save based on an
older one is refused (``SchemeError``, ``stale``) with nothing stored, so that two
people editing one draft never overwrite each other unseen."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.competencies.models import (
    LEVELS,
    Assessment,
    Behaviour,
    Competency,
    CompetencyScheme,
    LearningResource,
    ResourceKind,
)
from benchlearn.competencies.scheme import SEATS, current_scheme
from benchlearn.groups.models import Programme
from benchlearn.practices.models import Practice, PracticeState
from benchlearn.units.models import Level

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser

VERSION_PATTERN = re.compile(r"^\d{4}\.\d{1,3}$")
CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9_]{1,31}$")
# The shipped scheme has six to eight competencies; a version outside this range is
# published with a warning, never refused for it alone.
USUAL_COMPETENCIES = range(6, 9)
MAX_COMPETENCIES = 12


class SchemeError(ValueError):
    """A change that cannot be made as asked, with the reason (or every reason) in the
    active language; nothing was stored. ``stale``: the draft was saved by someone else
    since the form was opened."""

    def __init__(
        self, message: str, field: str | None = None, *, problems: list[str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.problems = problems or []
        self.stale = False


# --- who may ----------------------------------------------------------------------


def is_office(user: AnyUser) -> bool:
    return isinstance(user, User) and user.is_active and user.is_operator


def require_office(user: AnyUser) -> User:
    """The operator asking; PermissionDenied for anyone else."""
    if not is_office(user):
        raise PermissionDenied(_("Only the office changes the competency scheme."))
    assert isinstance(user, User)
    return user


def scheme_get_for_user(user: AnyUser, scheme_id: int) -> CompetencyScheme:
    """A version of the scheme: a published one for every account, a draft for the
    office only (for others it does not exist)."""
    found = CompetencyScheme.objects.filter(pk=scheme_id).first()
    if found is None or (not found.is_published and not is_office(user)):
        raise Http404(_("There is no such version of the competency scheme."))
    return found


def draft_get_for_office(user: AnyUser, scheme_id: int) -> CompetencyScheme:
    """A version the office is about to change: 404 to those who may not see it, 403
    to non-operators who may, and 403 to everyone for a frozen version."""
    scheme = scheme_get_for_user(user, scheme_id)
    require_office(user)
    if is_frozen(scheme):
        raise PermissionDenied(frozen_message(scheme))
    return scheme


def competency_get(scheme: CompetencyScheme, competency_id: int) -> Competency:
    found = scheme.competencies.filter(pk=competency_id).first()
    if found is None:
        raise Http404(_("There is no such competency in this version."))
    return found


def schemes_visible_to(user: AnyUser) -> list[CompetencyScheme]:
    schemes = CompetencyScheme.objects.order_by("-created_at", "-pk")
    if not is_office(user):
        schemes = schemes.filter(published_at__isnull=False)
    return list(schemes)


# --- the scheme's versions ------------------------------------------------------------


def is_frozen(scheme: CompetencyScheme) -> bool:
    """Published, or used by an assessment: never changed again."""
    return scheme.is_published or Assessment.objects.filter(scheme=scheme).exists()


def frozen_message(scheme: CompetencyScheme) -> str:
    return _(
        "Version %(version)s is published or used by assessments, so it is never changed: "
        "make a new version and change that."
    ) % {"version": scheme.version}


def _locked_draft(scheme: CompetencyScheme, revision: int | None) -> CompetencyScheme:
    """The draft's row, locked (two saves of one draft run one after the other),
    refused if frozen or saved by someone since ``revision`` (None: not checked)."""
    current = CompetencyScheme.objects.select_for_update().get(pk=scheme.pk)
    if is_frozen(current):
        raise SchemeError(frozen_message(current))
    if revision is not None and revision != current.revision:
        error = SchemeError(
            _(
                "Not saved: someone else saved this draft in the meantime (revision "
                "%(theirs)s; your form was opened at %(yours)s). Nothing was stored: open "
                "the form again and apply your changes once more."
            )
            % {"theirs": current.revision, "yours": revision}
        )
        error.stale = True
        raise error
    return current


def _bump(scheme: CompetencyScheme) -> None:
    scheme.revision += 1
    scheme.save(update_fields=["revision"])


def _version_check(version: str, scheme: CompetencyScheme | None = None) -> str:
    version = version.strip()
    if not VERSION_PATTERN.match(version):
        raise SchemeError(
            _("A version is a year and a number, e.g. 2026.2 (not %(version)s).")
            % {"version": version or "—"},
            "version",
        )
    others = CompetencyScheme.objects.filter(version=version)
    if scheme is not None:
        others = others.exclude(pk=scheme.pk)
    if others.exists():
        raise SchemeError(
            _("Version %(version)s already exists: choose another number.") % {"version": version},
            "version",
        )
    return version


def _save_version(scheme: CompetencyScheme) -> None:
    """Save, refusing a version number someone took since it was checked (a savepoint:
    the caller's transaction goes on to roll back cleanly)."""
    try:
        with transaction.atomic():
            scheme.save()
    except IntegrityError as error:
        raise SchemeError(
            _("Version %(version)s already exists: choose another number.")
            % {"version": scheme.version},
            "version",
        ) from error


def next_version(scheme: CompetencyScheme) -> str:
    """A free version number after ``scheme``'s: "2026.1" → "2026.2"."""
    year, _dot, number = scheme.version.partition(".")
    step = int(number) + 1 if number.isdigit() else 1
    while CompetencyScheme.objects.filter(version=f"{year}.{step}").exists():
        step += 1
    return f"{year}.{step}"


@transaction.atomic
def scheme_copy(
    *,
    scheme: CompetencyScheme,
    version: str,
    by: User,
    change_note_pl: str,
    change_note_en: str = "",
) -> CompetencyScheme:
    """A new draft (not published) with every competency, behaviour and expected level
    of ``scheme``; the change note says what the new version changes."""
    version = _version_check(version)
    if not change_note_pl.strip():
        raise SchemeError(
            _("Say in Polish what the new version changes (the change log)."), "change_note_pl"
        )
    draft = CompetencyScheme(
        version=version,
        name_pl=scheme.name_pl,
        name_en=scheme.name_en,
        level_names=scheme.level_names,
        change_note_pl=change_note_pl.strip(),
        change_note_en=change_note_en.strip(),
        created_by=by,
    )
    _save_version(draft)
    for competency in scheme.competencies.prefetch_related("behaviours"):
        behaviours = list(competency.behaviours.all())
        competency.pk = None
        competency.scheme = draft
        competency.save()
        Behaviour.objects.bulk_create(
            Behaviour(competency=competency, level=b.level, text_pl=b.text_pl, text_en=b.text_en)
            for b in behaviours
        )
    return draft


@dataclass
class SchemeInput:
    version: str
    name_pl: str
    name_en: str = ""
    change_note_pl: str = ""
    change_note_en: str = ""
    # {"1": {"pl": "podstawowy", "en": "basic"}, ...}
    level_names: dict[str, dict[str, str]] = field(default_factory=dict)


@transaction.atomic
def scheme_update(
    *, scheme: CompetencyScheme, data: SchemeInput, by: User, revision: int | None
) -> CompetencyScheme:
    """A draft's version number, names, change note and names of the levels."""
    current = _locked_draft(scheme, revision)
    version = _version_check(data.version, current)
    if not data.name_pl.strip():
        raise SchemeError(_("The scheme needs a Polish name."), "name_pl")
    if not data.change_note_pl.strip():
        raise SchemeError(
            _("Say in Polish what the new version changes (the change log)."), "change_note_pl"
        )
    current.version = version
    current.name_pl = data.name_pl.strip()
    current.name_en = data.name_en.strip()
    current.change_note_pl = data.change_note_pl.strip()
    current.change_note_en = data.change_note_en.strip()
    current.level_names = {
        str(level): {
            "pl": data.level_names.get(str(level), {}).get("pl", "").strip(),
            "en": data.level_names.get(str(level), {}).get("en", "").strip(),
        }
        for level in LEVELS
    }
    current.revision += 1
    _save_version(current)
    return current


def scheme_problems(scheme: CompetencyScheme) -> list[str]:
    """Everything that keeps a draft from being published (empty: it may be)."""
    problems: list[str] = []
    if not scheme.name_pl.strip():
        problems.append(_("The scheme has no Polish name."))
    if not scheme.change_note_pl.strip():
        problems.append(_("The change note (in Polish) is empty."))
    for level in LEVELS:
        if not (scheme.level_names.get(str(level)) or {}).get("pl"):
            problems.append(_("Level %(level)s has no Polish name.") % {"level": level})
    competencies = list(scheme.competencies.prefetch_related("behaviours"))
    if not competencies:
        problems.append(_("The scheme has no competencies."))
    if len(competencies) > MAX_COMPETENCIES:
        problems.append(
            _("The scheme has %(count)s competencies; at most %(most)s are allowed.")
            % {"count": len(competencies), "most": MAX_COMPETENCIES}
        )
    for competency in competencies:
        described = {b.level for b in competency.behaviours.all() if b.text_pl.strip()}
        for level in LEVELS:
            if level not in described:
                problems.append(
                    _("%(code)s: level %(level)s has no behaviours in Polish.")
                    % {"code": competency.code, "level": level}
                )
        for seat in SEATS:
            if competency.expected_for(seat) not in LEVELS:
                problems.append(
                    _("%(code)s: the expected level of a seat is not from 1 to 4.")
                    % {"code": competency.code}
                )
    return problems


def scheme_warnings(scheme: CompetencyScheme) -> list[str]:
    """What is allowed but unusual: the shipped scheme has six to eight competencies."""
    count = scheme.competencies.count()
    if count and count not in USUAL_COMPETENCIES:
        return [
            _(
                "The scheme has %(count)s competencies; the shipped scheme has six to eight "
                "(a longer or shorter one may still be published)."
            )
            % {"count": count}
        ]
    return []


@transaction.atomic
def scheme_publish(*, scheme: CompetencyScheme, by: User, revision: int | None) -> CompetencyScheme:
    """Publish a complete draft: new assessments are made on it from now on, and it is
    never changed again. An incomplete draft is refused with every problem listed."""
    current = _locked_draft(scheme, revision)
    problems = scheme_problems(current)
    if problems:
        raise SchemeError(
            _("Version %(version)s cannot be published yet.") % {"version": current.version},
            problems=problems,
        )
    current.published_at = timezone.now()
    current.published_by = by
    current.revision += 1
    current.save(update_fields=["published_at", "published_by", "revision"])
    return current


def previous_version(scheme: CompetencyScheme) -> CompetencyScheme | None:
    """The published version ``scheme`` follows: the one in force before it was published
    (for a draft, the one in force now)."""
    earlier = CompetencyScheme.objects.filter(published_at__isnull=False).exclude(pk=scheme.pk)
    if scheme.published_at is not None:
        earlier = earlier.filter(published_at__lt=scheme.published_at)
    return earlier.order_by("-published_at", "-pk").first()


def _contents(scheme: CompetencyScheme) -> dict[str, dict[str, object]]:
    return {
        c.code: {
            "name": c.name_pl,
            "description": c.description_pl,
            **{seat: c.expected_for(seat) for seat in SEATS},
            **{f"level {b.level}": b.text_pl for b in c.behaviours.all()},
        }
        for c in scheme.competencies.prefetch_related("behaviours")
    }


def scheme_differences(old: CompetencyScheme, new: CompetencyScheme) -> list[str]:
    """What ``new`` changes against ``old``, competency by competency (Polish texts)."""
    before, after = _contents(old), _contents(new)
    lines = [_("%(code)s: added.") % {"code": code} for code in after if code not in before]
    lines += [_("%(code)s: removed.") % {"code": code} for code in before if code not in after]
    for code in (c for c in after if c in before):
        changed = []
        for key in ("name", "description"):
            if before[code].get(key) != after[code].get(key):
                changed.append(_("name") if key == "name" else _("description"))
        for seat in SEATS:
            if before[code][seat] != after[code][seat]:
                changed.append(
                    _("expected level of %(seat)s %(old)s → %(new)s")
                    % {
                        "seat": Level(seat).label,
                        "old": before[code][seat],
                        "new": after[code][seat],
                    }
                )
        for level in LEVELS:
            if before[code].get(f"level {level}") != after[code].get(f"level {level}"):
                changed.append(_("behaviours on level %(level)s") % {"level": level})
        if changed:
            lines.append(
                _("%(code)s: changed %(what)s.") % {"code": code, "what": ", ".join(changed)}
            )
    return lines


# --- competencies of a draft ----------------------------------------------------------


@dataclass
class CompetencyInput:
    name_pl: str
    expected: dict[str, int]
    name_en: str = ""
    description_pl: str = ""
    description_en: str = ""
    order: int | None = None
    # {1: ("pl", "en"), ...}
    behaviours: dict[int, tuple[str, str]] = field(default_factory=dict)


def _competency_check(data: CompetencyInput) -> None:
    if not data.name_pl.strip():
        raise SchemeError(_("A competency needs a Polish name."), "name_pl")
    for seat in SEATS:
        if data.expected.get(seat) not in LEVELS:
            raise SchemeError(
                _("The expected level of each seat is a level from 1 to 4."), f"expected_{seat}"
            )
    for level, (text_pl, text_en) in data.behaviours.items():
        if level not in LEVELS:
            raise SchemeError(_("A competency has levels 1 to 4 only."))
        if text_en.strip() and not text_pl.strip():
            raise SchemeError(
                _("Level %(level)s: the behaviours are described in Polish first.")
                % {"level": level},
                f"behaviour_{level}_pl",
            )


def _competency_write(competency: Competency, data: CompetencyInput) -> None:
    competency.name_pl = data.name_pl.strip()
    competency.name_en = data.name_en.strip()
    competency.description_pl = data.description_pl.strip()
    competency.description_en = data.description_en.strip()
    if data.order is not None:
        competency.order = data.order
    for seat in SEATS:
        setattr(competency, f"expected_{seat}", data.expected[seat])
    competency.save()
    for level, (text_pl, text_en) in data.behaviours.items():
        if text_pl.strip():
            Behaviour.objects.update_or_create(
                competency=competency,
                level=level,
                defaults={"text_pl": text_pl.strip(), "text_en": text_en.strip()},
            )
        else:
            Behaviour.objects.filter(competency=competency, level=level).delete()


@transaction.atomic
def competency_update(
    *, competency: Competency, by: User, data: CompetencyInput, revision: int | None
) -> Competency:
    """Change a competency of a draft (its code stays: aggregates follow it across
    versions). A frozen version or a stale form is refused, nothing stored."""
    scheme = _locked_draft(competency.scheme, revision)
    _competency_check(data)
    _competency_write(competency, data)
    _bump(scheme)
    return competency


@transaction.atomic
def competency_add(
    *, scheme: CompetencyScheme, by: User, code: str, data: CompetencyInput, revision: int | None
) -> Competency:
    """A new competency at the end of a draft (or at ``data.order``)."""
    current = _locked_draft(scheme, revision)
    code = code.strip().upper()
    if not CODE_PATTERN.match(code):
        raise SchemeError(
            _("A code is 2–32 capital letters, digits or _, starting with a letter (e.g. LEAD)."),
            "code",
        )
    if current.competencies.filter(code=code).exists():
        raise SchemeError(
            _("This version already has a competency with code %(code)s.") % {"code": code},
            "code",
        )
    if current.competencies.count() >= MAX_COMPETENCIES:
        raise SchemeError(
            _("A scheme has at most %(most)s competencies.") % {"most": MAX_COMPETENCIES}
        )
    _competency_check(data)
    last = current.competencies.order_by("-order").first()
    competency = Competency(
        scheme=current, code=code, order=(last.order + 1) if last else 1, expected_strategic=1
    )
    competency.expected_middle = competency.expected_operational = 1
    _competency_write(competency, data)
    _bump(current)
    return competency


@transaction.atomic
def competency_remove(*, competency: Competency, by: User, revision: int | None) -> None:
    """Remove a competency (and its behaviours) from a draft."""
    scheme = _locked_draft(competency.scheme, revision)
    competency.delete()
    _bump(scheme)


# --- learning suggestions --------------------------------------------------------------


def resource_get_for_office(user: AnyUser, resource_id: int) -> LearningResource:
    require_office(user)
    found = LearningResource.objects.filter(pk=resource_id).first()
    if found is None:
        raise Http404(_("There is no such learning suggestion."))
    return found


def resources_for_office(user: AnyUser) -> list[LearningResource]:
    require_office(user)
    return list(LearningResource.objects.select_related("programme", "practice"))


def competency_choices() -> list[tuple[str, str]]:
    """The current scheme's competencies, as (code, "CODE — name")."""
    scheme = current_scheme()
    if scheme is None:
        return []
    return [(c.code, f"{c.code} — {c.name_pl}") for c in scheme.competencies.all()]


def published_practices() -> list[Practice]:
    return list(Practice.objects.filter(state=PracticeState.PUBLISHED).order_by("title"))


@dataclass
class ResourceInput:
    competency_code: str
    kind: str
    title: str
    url: str = ""
    description: str = ""
    programme: Programme | None = None
    practice: Practice | None = None


def _resource_check(data: ResourceInput) -> None:
    if data.competency_code not in {code for code, _name in competency_choices()}:
        raise SchemeError(_("Choose a competency of the current scheme."), "competency_code")
    if data.kind not in ResourceKind.values:
        raise SchemeError(_("Choose the kind of the suggestion."), "kind")
    if not data.title.strip():
        raise SchemeError(_("A suggestion needs a title."), "title")
    if data.url:
        try:
            URLValidator(schemes=["http", "https"])(data.url)
        except ValidationError as error:
            raise SchemeError(_("Enter a web address starting with https://."), "url") from error
    if data.kind == ResourceKind.MATERIAL and not data.url and not data.description.strip():
        raise SchemeError(
            _("A material needs its web address, or a description of where to find it."), "url"
        )
    if data.kind == ResourceKind.PRACTICE:
        if data.practice is None:
            raise SchemeError(_("Choose the good practice this suggestion points to."), "practice")
        if data.practice.state != PracticeState.PUBLISHED:
            raise SchemeError(_("Only a published good practice may be suggested."), "practice")


@transaction.atomic
def resource_save(
    *, resource: LearningResource | None, data: ResourceInput, by: User
) -> LearningResource:
    """Add a learning suggestion (``resource`` None) or change one."""
    require_office(by)
    _resource_check(data)
    if resource is None:
        resource = LearningResource(added_by=by)
    resource.competency_code = data.competency_code
    resource.kind = data.kind
    resource.title = data.title.strip()
    resource.url = data.url.strip()
    resource.description = data.description.strip()
    resource.programme = data.programme
    # Only a "good practice" suggestion points to a practice.
    resource.practice = data.practice if data.kind == ResourceKind.PRACTICE else None
    resource.save()
    return resource


@transaction.atomic
def resource_delete(*, resource: LearningResource, by: User) -> None:
    require_office(by)
    resource.delete()
