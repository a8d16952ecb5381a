"""The competency scheme shipped with Benchlearn (``data/scheme.yaml``), read, checked
and loaded, and the scheme in force.

Loading is idempotent: a version already stored is left alone (a published version is
never edited; a changed scheme comes as a new version). A file with any problem is
refused whole, every problem listed, nothing stored."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.competencies.models import (
    LEVELS,
    Behaviour,
    Competency,
    CompetencyScheme,
    LearningResource,
    ResourceKind,
)
from benchlearn.units.models import Level

SHIPPED = Path(__file__).parent / "data" / "scheme.yaml"
FORMAT = 1
SEATS = [seat.value for seat in Level]


class SchemeFileError(ValueError):
    """The file cannot be loaded: ``problems`` says every reason. Nothing was stored."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class LoadReport:
    scheme: CompetencyScheme
    created: bool


def _text(entry: dict[str, Any], key: str, where: str, problems: list[str]) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(_("%(where)s: %(key)s is missing") % {"where": where, "key": key})
        return ""
    return value.strip()


def _level(value: Any, where: str, problems: list[str]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in LEVELS:
        problems.append(
            _("%(where)s: the level must be a whole number from 1 to 4, not %(value)r")
            % {"where": where, "value": value}
        )
        return LEVELS[0]
    return value


def parse_scheme(text: str) -> dict[str, Any]:
    """The file's content, checked; ``SchemeFileError`` lists every problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SchemeFileError([_("not a YAML file: %(error)s") % {"error": error}]) from error
    if not isinstance(data, dict):
        raise SchemeFileError([_("the file holds no competency scheme")])
    if data.get("format") != FORMAT:
        raise SchemeFileError(
            [
                _("unknown format %(found)r of a competency scheme (this version reads %(known)s)")
                % {"found": data.get("format"), "known": FORMAT}
            ]
        )
    problems: list[str] = []
    _text(data, "version", _("the scheme"), problems)
    _text(data, "name_pl", _("the scheme"), problems)
    levels = data.get("levels") or {}
    for level in LEVELS:
        names = levels.get(level) if isinstance(levels, dict) else None
        if not isinstance(names, dict) or not names.get("pl"):
            problems.append(_("level %(level)s has no Polish name") % {"level": level})
    competencies = data.get("competencies")
    if not isinstance(competencies, list) or not competencies:
        problems.append(_("the scheme has no competencies"))
        competencies = []
    seen: set[str] = set()
    for number, entry in enumerate(competencies, start=1):
        if not isinstance(entry, dict):
            problems.append(_("competency %(number)s is not a mapping") % {"number": number})
            continue
        code = str(entry.get("code") or "").strip()
        where = code or _("competency %(number)s") % {"number": number}
        if not code:
            problems.append(_("competency %(number)s has no code") % {"number": number})
        elif code in seen:
            problems.append(_("%(code)s: the code is repeated") % {"code": code})
        seen.add(code)
        _text(entry, "name_pl", where, problems)
        expected = entry.get("expected") or {}
        for seat in SEATS:
            _level(expected.get(seat) if isinstance(expected, dict) else None, where, problems)
        behaviours = entry.get("behaviours") or {}
        for level in LEVELS:
            described = behaviours.get(level) if isinstance(behaviours, dict) else None
            if not isinstance(described, dict) or not str(described.get("pl") or "").strip():
                problems.append(
                    _("%(code)s: level %(level)s has no behaviours in Polish")
                    % {"code": where, "level": level}
                )
    if problems:
        raise SchemeFileError(problems)
    return data


@transaction.atomic
def scheme_load(*, path: Path = SHIPPED, by: User | None = None) -> LoadReport:
    """Stores and publishes the file's version unless a scheme of that version exists."""
    data = parse_scheme(path.read_text(encoding="utf-8"))
    version = str(data["version"]).strip()
    existing = CompetencyScheme.objects.filter(version=version).first()
    if existing is not None:
        return LoadReport(scheme=existing, created=False)
    now = timezone.now()
    scheme = CompetencyScheme.objects.create(
        version=version,
        name_pl=data["name_pl"].strip(),
        name_en=str(data.get("name_en") or "").strip(),
        level_names={
            str(level): {"pl": names.get("pl", ""), "en": names.get("en", "")}
            for level, names in data["levels"].items()
        },
        change_note_pl=str(data.get("change_note_pl") or "").strip(),
        change_note_en=str(data.get("change_note_en") or "").strip(),
        shipped=path == SHIPPED,
        published_at=now,
        published_by=by,
        created_by=by,
        created_at=now,
    )
    for order, entry in enumerate(data["competencies"], start=1):
        competency = Competency.objects.create(
            scheme=scheme,
            code=str(entry["code"]).strip(),
            order=order,
            name_pl=entry["name_pl"].strip(),
            name_en=str(entry.get("name_en") or "").strip(),
            description_pl=str(entry.get("description_pl") or "").strip(),
            description_en=str(entry.get("description_en") or "").strip(),
            **{f"expected_{seat}": entry["expected"][seat] for seat in SEATS},
        )
        Behaviour.objects.bulk_create(
            Behaviour(
                competency=competency,
                level=level,
                text_pl=str(described["pl"]).strip(),
                text_en=str(described.get("en") or "").strip(),
            )
            for level, described in sorted(entry["behaviours"].items())
        )
        for suggestion in entry.get("suggestions") or []:
            title = str(suggestion.get("title_pl") or "").strip()
            if (
                title
                and not LearningResource.objects.filter(
                    competency_code=competency.code, programme=None, title=title
                ).exists()
            ):
                LearningResource.objects.create(
                    competency_code=competency.code,
                    kind=suggestion.get("kind") or ResourceKind.MATERIAL,
                    title=title,
                    url=str(suggestion.get("url") or ""),
                    added_by=by,
                )
    return LoadReport(scheme=scheme, created=True)


def current_scheme() -> CompetencyScheme | None:
    """The newest published version: new assessments are made on it."""
    return (
        CompetencyScheme.objects.filter(published_at__isnull=False)
        .order_by("-published_at", "-pk")
        .first()
    )
