"""The questionnaires shipped with Benchlearn (``data/questionnaires.yaml``), read,
checked and loaded. Loading is idempotent: a questionnaire whose introduction and
questions are unchanged is left alone; a changed one gets a new published version (the
earlier one may have been answered and is never edited)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.catalogue.models import Domain
from benchlearn.surveys.margins_entry import margin_variables_ensure
from benchlearn.surveys.models import (
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireVersion,
    QuestionRole,
    SurveyEvent,
)

SHIPPED = Path(__file__).parent / "data" / "questionnaires.yaml"
# Questionnaires of further domains, one file each (a `questionnaires:` list that may
# `use` the main file's common questions), added to the shipped file's in name order.
SHIPPED_PARTS = Path(__file__).parent / "data" / "questionnaire_parts"
FORMAT = "benchlearn-questionnaires"
CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE})
# The fields of a question that make up a version's content (compared on reloading).
CONTENT_FIELDS = (
    "code",
    "kind",
    "text_pl",
    "text_en",
    "help_pl",
    "help_en",
    "required",
    "options",
    "dont_know",
    "show_if",
    "role",
    "minimum",
    "maximum",
)


class QuestionnaireFileError(ValueError):
    """The file cannot be loaded; the message says where. Nothing was stored."""


@dataclass
class QuestionnaireSpec:
    code: str
    domain: str | None
    name_pl: str
    name_en: str
    intro_pl: str
    intro_en: str
    questions: list[dict[str, Any]] = field(default_factory=list)

    def content(self) -> dict[str, Any]:
        """What a reload compares with the latest version (see ``version_content``)."""
        return {"intro_pl": self.intro_pl, "intro_en": self.intro_en, "questions": self.questions}


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _texts(value: Any, where: str) -> tuple[str, str]:
    if not isinstance(value, Mapping) or not str(value.get("pl") or "").strip():
        raise QuestionnaireFileError(_("%(where)s: a Polish text is needed.") % {"where": where})
    return str(value["pl"]).strip(), str(value.get("en") or "").strip()


def _options(raw: Any, where: str) -> list[dict[str, str]]:
    options = []
    for option in raw or []:
        label_pl, label_en = _texts(option.get("label"), where)
        options.append({"code": str(option["code"]), "label_pl": label_pl, "label_en": label_en})
    return options


def question_problem(question: Mapping[str, Any], earlier: set[str]) -> str | None:
    """What is wrong with a question's definition (``earlier``: the codes asked before
    it), or None."""
    kind = question["kind"]
    if kind not in QuestionKind.values:
        return _("unknown kind of question “%(kind)s”") % {"kind": kind}
    if question["role"] not in QuestionRole.values:
        return _("unknown role “%(role)s”") % {"role": question["role"]}
    if kind in CHOICE_KINDS:
        codes = [option["code"] for option in question["options"]]
        if len(codes) < 2 or len(set(codes)) != len(codes):
            return _("a choice needs at least two answers with different codes")
    elif question["options"]:
        return _("only choice questions have answers to choose from")
    if question["dont_know"] and kind == QuestionKind.NPS:
        return _("a 0–10 question cannot offer “don't know” (9 is on its scale)")
    rule = question["show_if"]
    if rule is not None:
        if not isinstance(rule, Mapping) or not isinstance(rule.get("in"), list):
            return _("“asked only if” needs a question and a list of answers")
        if rule.get("question") not in earlier:
            return _("“asked only if” must name a question asked earlier")
    return None


def _question(raw: Mapping[str, Any], position: int, where: str) -> dict[str, Any]:
    text_pl, text_en = _texts(raw.get("text"), where)
    help_pl, help_en = _texts(raw["help"], where) if raw.get("help") else ("", "")
    show_if = raw.get("show_if")
    return {
        "position": position,
        "code": str(raw.get("code") or "").strip(),
        "kind": str(raw.get("kind") or ""),
        "text_pl": text_pl,
        "text_en": text_en,
        "help_pl": help_pl,
        "help_en": help_en,
        "required": bool(raw.get("required", False)),
        "options": _options(raw.get("options"), where),
        "dont_know": bool(raw.get("dont_know", False)),
        "show_if": (
            {"question": str(show_if["question"]), "in": [str(v) for v in show_if["in"]]}
            if show_if
            else None
        ),
        "role": str(raw.get("role") or ""),
        "minimum": raw.get("minimum"),
        "maximum": raw.get("maximum"),
    }


def read_questionnaires(path: Path = SHIPPED) -> list[QuestionnaireSpec]:
    """The questionnaires of a file, checked: QuestionnaireFileError on the first problem.
    Each gets the file's ``intro`` unless its entry has an ``intro`` of its own."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise QuestionnaireFileError(str(error)) from error
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise QuestionnaireFileError(_("Not a file of Benchlearn questionnaires."))
    if path == SHIPPED:
        data = {**data, "questionnaires": [*(data.get("questionnaires") or []), *_parts()]}
    common = data.get("common") or {}
    intro_pl, intro_en = _texts(data["intro"], "intro") if data.get("intro") else ("", "")
    specs = []
    for entry in data.get("questionnaires") or []:
        code = str(entry.get("code") or "")
        name_pl, name_en = _texts(entry.get("name"), code)
        intro = _texts(entry["intro"], f"{code} intro") if "intro" in entry else None
        spec = QuestionnaireSpec(
            code, entry.get("domain"), name_pl, name_en, *(intro or (intro_pl, intro_en))
        )
        codes: set[str] = set()
        for position, raw in enumerate(entry.get("questions") or [], start=1):
            if "use" in raw:
                raw = {"code": raw["use"], **common[raw["use"]]}
            where = f"{code} {raw.get('code', position)}"
            question = _question(raw, position, where)
            problem = question_problem(question, codes)
            if not question["code"] or question["code"] in codes:
                problem = _("every question needs a code of its own")
            if problem:
                raise QuestionnaireFileError(f"{where}: {problem}")
            codes.add(question["code"])
            spec.questions.append(question)
        specs.append(spec)
    return specs


def _parts() -> list[Any]:
    """The questionnaires of the shipped parts (see SHIPPED_PARTS)."""
    found: list[Any] = []
    for part in sorted(SHIPPED_PARTS.glob("*.yaml")):
        try:
            data = yaml.safe_load(part.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            raise QuestionnaireFileError(f"{part.name}: {error}") from error
        found.extend((data or {}).get("questionnaires") or [])
    return found


def version_content(version: QuestionnaireVersion) -> dict[str, Any]:
    """A version's introduction and questions (in order) as plain data: what a reload
    compares with the file's ``QuestionnaireSpec.content``."""
    return {
        "intro_pl": version.intro_pl,
        "intro_en": version.intro_en,
        "questions": [
            {"position": q.position, **{name: getattr(q, name) for name in CONTENT_FIELDS}}
            for q in version.questions.order_by("position", "pk")
        ],
    }


@transaction.atomic
def questionnaires_load(*, path: Path = SHIPPED, by: User | None = None) -> LoadReport:
    """Load the questionnaires of a file (the shipped ones by default), and add the
    population variables their answers are weighted to (the margins) to the catalogue,
    so that they can be fetched from GUS BDL (``bdl-fetch --code POP_18_24 …``) or
    entered."""
    margin_variables_ensure()
    report = LoadReport()
    domains = {domain.code: domain for domain in Domain.objects.all()}
    for spec in read_questionnaires(path):
        questionnaire, created = Questionnaire.objects.get_or_create(
            code=spec.code,
            defaults={"name_pl": spec.name_pl, "name_en": spec.name_en, "shipped": True},
        )
        domain = domains.get(spec.domain or "")
        if questionnaire.domain_id is None and domain is not None:
            questionnaire.domain = domain
            questionnaire.save(update_fields=["domain"])
        latest = questionnaire.versions.order_by("-number").first()
        if latest is not None and version_content(latest) == spec.content():
            report.unchanged.append(spec.code)
            continue
        version = QuestionnaireVersion.objects.create(
            questionnaire=questionnaire,
            number=(latest.number + 1) if latest else 1,
            intro_pl=spec.intro_pl,
            intro_en=spec.intro_en,
            published_at=timezone.now(),
            created_by=by,
        )
        Question.objects.bulk_create(Question(version=version, **q) for q in spec.questions)
        SurveyEvent.objects.create(
            questionnaire=questionnaire,
            kind="shipped_loaded",
            by=by,
            new={"version": version.number},
        )
        (report.created if created else report.new_versions).append(spec.code)
    return report
