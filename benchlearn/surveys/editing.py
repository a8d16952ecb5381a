"""The office's writes to questionnaires: the questions of a draft version (added,
changed, moved, removed), a new version copied from the latest, publishing a version.

A version that is published or has responses (``is_frozen``) is never changed: "new
version" copies it into the next number, as the catalogue does with indicators. Every
change writes a ``SurveyEvent``; its newest row is the questionnaire's edit token, so
that a form opened before someone else saved is refused (``StaleEdit``, listing what
they changed) and stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.catalogue.services.common import FieldChange, OtherEdit, StaleEdit
from benchlearn.surveys.models import (
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireVersion,
    SurveyEvent,
)

__all__ = [
    "QUESTION_FIELDS",
    "QuestionInput",
    "StaleEdit",
    "SurveyError",
    "events_token",
    "question_delete",
    "question_move",
    "question_save",
    "questionnaire_create",
    "version_intro_set",
    "version_new",
    "version_publish",
]

QUESTION_FIELDS = (
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
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


class SurveyError(ValueError):
    """A change that cannot be made as asked, with the reason in the active language;
    nothing was stored."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class QuestionInput:
    code: str
    kind: str
    text_pl: str
    text_en: str = ""
    help_pl: str = ""
    help_en: str = ""
    required: bool = False
    options: list[dict[str, str]] = field(default_factory=list)
    dont_know: bool = False
    show_if: dict[str, Any] | None = None
    role: str = ""
    minimum: float | None = None
    maximum: float | None = None


def _events(questionnaire: Questionnaire) -> QuerySet[SurveyEvent]:
    return SurveyEvent.objects.filter(questionnaire=questionnaire, survey__isnull=True)


def events_token(rows: QuerySet[SurveyEvent]) -> str:
    """The edit token of a thing whose changes are ``rows``: its newest row's number."""
    newest = rows.aggregate(top=Max("pk"))["top"]
    return str(newest or 0)


def check_token(rows: QuerySet[SurveyEvent], token: str | None) -> None:
    """StaleEdit listing the changes saved since ``token`` (None: not checked)."""
    if token is None or token == events_token(rows):
        return
    since = int(token) if token.isdigit() else 0
    raise StaleEdit(
        [
            OtherEdit(
                who=str(row.by) if row.by else "",
                when=row.at,
                version_number=None,
                changes=[FieldChange(row.kind, row.old, row.new)],
            )
            for row in rows.filter(pk__gt=since).select_related("by").order_by("pk")
        ]
    )


def _record(questionnaire: Questionnaire, kind: str, by: User | None, old: Any, new: Any) -> None:
    SurveyEvent.objects.create(
        questionnaire=questionnaire, kind=kind, old=old, new=new, by=by, at=timezone.now()
    )


def _editable(version: QuestionnaireVersion) -> None:
    if version.is_frozen:
        raise SurveyError(
            _(
                "Version %(number)s is published or has responses, so it is never changed: "
                "make a new version and change that."
            )
            % {"number": version.number}
        )


def _locked(version: QuestionnaireVersion) -> QuestionnaireVersion:
    # Lock the questionnaire's row: two saves of one questionnaire run one after the other.
    Questionnaire.objects.select_for_update().get(pk=version.questionnaire_id)
    return QuestionnaireVersion.objects.select_related("questionnaire").get(pk=version.pk)


@transaction.atomic
def questionnaire_create(
    *, code: str, name_pl: str, name_en: str = "", by: User | None
) -> QuestionnaireVersion:
    """A new questionnaire with an empty draft version 1."""
    code = code.strip()
    if not code or not name_pl.strip():
        raise SurveyError(_("A questionnaire needs a code and a Polish name."))
    if Questionnaire.objects.filter(code=code).exists():
        raise SurveyError(
            _("A questionnaire with code %(code)s already exists.") % {"code": code}, "code"
        )
    questionnaire = Questionnaire.objects.create(
        code=code, name_pl=name_pl.strip(), name_en=name_en.strip()
    )
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire, number=1, created_by=by
    )
    _record(questionnaire, "created", by, None, {"code": code, "version": 1})
    return version


def _check_question(
    version: QuestionnaireVersion, data: QuestionInput, current: Question | None
) -> None:
    if not data.code.strip() or not data.text_pl.strip():
        raise SurveyError(_("A question needs a code and its Polish text."), "code")
    if data.kind not in QuestionKind.values:
        raise SurveyError(_("Choose the kind of the question."), "kind")
    others = version.questions.all()
    if current is not None:
        others = others.exclude(pk=current.pk)
    if others.filter(code=data.code).exists():
        raise SurveyError(
            _("This version already has a question with code %(code)s.") % {"code": data.code},
            "code",
        )
    if data.kind in CHOICE_KINDS and len(data.options) < 2:
        raise SurveyError(_("A choice question needs at least two answers."), "options")
    codes = [option["code"] for option in data.options]
    if len(set(codes)) != len(codes):
        raise SurveyError(_("Two answers have the same code."), "options")
    if data.minimum is not None and data.maximum is not None and data.minimum > data.maximum:
        raise SurveyError(_("The minimum is above the maximum."), "minimum")
    if data.show_if:
        position = current.position if current else None
        earlier = others if position is None else others.filter(position__lt=position)
        if not earlier.filter(code=data.show_if.get("question")).exists():
            raise SurveyError(
                _("“Asked only if” must name an earlier question of this version."), "show_if"
            )


@transaction.atomic
def question_save(
    *,
    version: QuestionnaireVersion,
    data: QuestionInput,
    by: User | None,
    question: Question | None = None,
    base_token: str | None,
) -> Question:
    """Add ``data`` as the last question of a draft ``version``, or change ``question``."""
    version = _locked(version)
    questionnaire = version.questionnaire
    check_token(_events(questionnaire), base_token)
    _editable(version)
    if question is not None and question.version_id != version.pk:
        raise SurveyError(_("This question is not in this version."))
    _check_question(version, data, question)
    values = {name: getattr(data, name) for name in QUESTION_FIELDS}
    if question is None:
        top = version.questions.aggregate(top=Max("position"))["top"]
        question = Question.objects.create(version=version, position=(top or 0) + 1, **values)
        _record(questionnaire, "question added", by, None, {"version": version.number, **values})
        return question
    old = {name: getattr(question, name) for name in QUESTION_FIELDS}
    changed = {name: value for name, value in values.items() if old[name] != value}
    if changed:
        for name, value in changed.items():
            setattr(question, name, value)
        question.save(update_fields=list(changed))
        _record(
            questionnaire,
            "question changed",
            by,
            {"code": old["code"], **{name: old[name] for name in changed}},
            {"version": version.number, **changed},
        )
    return question


@transaction.atomic
def question_move(*, question: Question, up: bool, by: User | None, base_token: str | None) -> None:
    """Swap ``question`` with the one before it (``up``) or after it."""
    version = _locked(question.version)
    check_token(_events(version.questionnaire), base_token)
    _editable(version)
    ordered = list(version.questions.order_by("position", "pk"))
    index = next(i for i, item in enumerate(ordered) if item.pk == question.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    _record(
        version.questionnaire,
        "questions reordered",
        by,
        None,
        {"version": version.number, "order": [item.code for item in ordered]},
    )


@transaction.atomic
def question_delete(*, question: Question, by: User | None, base_token: str | None) -> None:
    version = _locked(question.version)
    check_token(_events(version.questionnaire), base_token)
    _editable(version)
    if version.questions.filter(show_if__question=question.code).exists():
        raise SurveyError(
            _("Another question is asked only depending on %(code)s: change that one first.")
            % {"code": question.code}
        )
    _record(
        version.questionnaire,
        "question removed",
        by,
        {"code": question.code},
        {"version": version.number},
    )
    question.delete()


@transaction.atomic
def version_new(
    *, questionnaire: Questionnaire, by: User | None, base_token: str | None
) -> QuestionnaireVersion:
    """A draft copy of the latest version (its questions and texts) as the next number.
    Refused while the latest version is itself a draft: change that one."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    check_token(_events(questionnaire), base_token)
    latest = questionnaire.versions.order_by("-number").first()
    if latest is None:
        version = QuestionnaireVersion.objects.create(
            questionnaire=questionnaire, number=1, created_by=by
        )
    else:
        if not latest.is_frozen:
            raise SurveyError(
                _("Version %(number)s is still a draft: change it instead of making a new one.")
                % {"number": latest.number}
            )
        version = QuestionnaireVersion.objects.create(
            questionnaire=questionnaire,
            number=latest.number + 1,
            intro_pl=latest.intro_pl,
            intro_en=latest.intro_en,
            created_by=by,
        )
        Question.objects.bulk_create(
            Question(
                version=version,
                position=question.position,
                **{name: getattr(question, name) for name in QUESTION_FIELDS},
            )
            for question in latest.questions.order_by("position", "pk")
        )
    _record(questionnaire, "new version", by, None, {"version": version.number})
    return version


@transaction.atomic
def version_intro_set(
    *,
    version: QuestionnaireVersion,
    intro_pl: str,
    intro_en: str,
    by: User | None,
    base_token: str | None,
) -> QuestionnaireVersion:
    """The introduction residents read above the first question, in both languages."""
    version = _locked(version)
    check_token(_events(version.questionnaire), base_token)
    _editable(version)
    old = {"intro_pl": version.intro_pl, "intro_en": version.intro_en}
    new = {"intro_pl": intro_pl.strip(), "intro_en": intro_en.strip()}
    if old != new:
        version.intro_pl, version.intro_en = new["intro_pl"], new["intro_en"]
        version.save(update_fields=["intro_pl", "intro_en"])
        _record(
            version.questionnaire,
            "introduction changed",
            by,
            old,
            {"version": version.number, **new},
        )
    return version


@transaction.atomic
def version_publish(
    *, version: QuestionnaireVersion, by: User | None, base_token: str | None
) -> QuestionnaireVersion:
    """Publish a draft version: surveys may use it, and it is never changed again."""
    version = _locked(version)
    check_token(_events(version.questionnaire), base_token)
    if version.published_at is not None:
        raise SurveyError(
            _("Version %(number)s is published already.") % {"number": version.number}
        )
    if not version.questions.exists():
        raise SurveyError(_("A version without questions cannot be published."))
    version.published_at = timezone.now()
    version.save(update_fields=["published_at"])
    _record(version.questionnaire, "published", by, None, {"version": version.number})
    return version
