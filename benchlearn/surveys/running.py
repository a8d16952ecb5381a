"""The office's writes to surveys: setting one up (questionnaire version, units, period,
modes, dates, targets), opening and closing it, batches of single-use codes, and the
paper returns typed in. Every change writes a ``SurveyEvent``; the survey's newest row
is its edit token (see ``editing.check_token``)."""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.groups.models import Programme
from benchlearn.surveys.answering import choice_codes, is_shown
from benchlearn.surveys.close import survey_values_write
from benchlearn.surveys.editing import StaleEdit, SurveyError, check_token
from benchlearn.surveys.models import (
    WEIGHT_CAP_MAX,
    Question,
    QuestionKind,
    QuestionnaireVersion,
    Response,
    ResponseCode,
    ResponseMode,
    Survey,
    SurveyEvent,
    SurveyMode,
    SurveyState,
    SurveyUnit,
    new_code,
)
from benchlearn.units.models import Unit

__all__ = [
    "MAX_CODES",
    "PaperProblems",
    "StaleEdit",
    "SurveyError",
    "SurveyInput",
    "codes_create",
    "paper_answers",
    "paper_response_save",
    "survey_close",
    "survey_open",
    "survey_save",
]

# One batch: a print run of letters (each a page of the PDF).
MAX_CODES = 5000


@dataclass
class SurveyInput:
    name: str
    questionnaire_version: QuestionnaireVersion
    period: int
    units: Sequence[Unit]
    modes: Sequence[str]
    programme: Programme | None = None
    opens_on: datetime.date | None = None
    closes_on: datetime.date | None = None
    target_responses: int | None = None
    min_responses: int = 100
    weight_cap: float | None = None  # trimming: k × the mean weight; None, no trimming


def survey_events(survey: Survey) -> QuerySet[SurveyEvent]:
    return SurveyEvent.objects.filter(survey=survey)


def _record(survey: Survey, kind: str, by: User | None, old: Any, new: Any) -> None:
    now = timezone.now()
    SurveyEvent.objects.create(survey=survey, kind=kind, old=old, new=new, by=by, at=now)
    Survey.objects.filter(pk=survey.pk).update(updated_at=now)


def _check(data: SurveyInput) -> None:
    if not data.name.strip():
        raise SurveyError(_("A survey needs a name."), "name")
    if data.questionnaire_version.published_at is None:
        raise SurveyError(
            _("Only a published version of a questionnaire can be used."), "questionnaire_version"
        )
    if not data.units:
        raise SurveyError(_("Choose at least one unit."), "units")
    if not data.modes or set(data.modes) - set(SurveyMode.values):
        raise SurveyError(_("Choose at least one way of collecting answers."), "modes")
    if data.opens_on and data.closes_on and data.closes_on < data.opens_on:
        raise SurveyError(_("The closing date is before the opening date."), "closes_on")
    if data.min_responses < 1:
        raise SurveyError(_("The minimum number of responses must be at least 1."), "min_responses")
    if data.target_responses is not None and data.target_responses < 1:
        raise SurveyError(
            _("The target number of responses must be at least 1."), "target_responses"
        )
    cap = data.weight_cap
    if cap is not None and not (math.isfinite(cap) and 1 < cap <= WEIGHT_CAP_MAX):
        raise SurveyError(
            _(
                "The cap on the weights must be more than 1 and at most %(max)s (times the "
                "mean weight), e.g. 5; leave it empty for no trimming."
            )
            % {"max": f"{WEIGHT_CAP_MAX:g}"},
            "weight_cap",
        )


def _shown(data: SurveyInput) -> dict[str, Any]:
    return {
        "name": data.name.strip(),
        "questionnaire_version": str(data.questionnaire_version),
        "programme": str(data.programme) if data.programme else None,
        "period": data.period,
        "modes": sorted(data.modes),
        "opens_on": data.opens_on.isoformat() if data.opens_on else None,
        "closes_on": data.closes_on.isoformat() if data.closes_on else None,
        "target_responses": data.target_responses,
        "min_responses": data.min_responses,
        "weight_cap": data.weight_cap,
        "units": sorted(unit.teryt for unit in data.units),
    }


def _shown_survey(survey: Survey) -> dict[str, Any]:
    return _shown(
        SurveyInput(
            name=survey.name,
            questionnaire_version=survey.questionnaire_version,
            programme=survey.programme,
            period=survey.period,
            modes=survey.modes,
            opens_on=survey.opens_on,
            closes_on=survey.closes_on,
            target_responses=survey.target_responses,
            min_responses=survey.min_responses,
            weight_cap=survey.weight_cap,
            units=list(survey.units.all()),
        )
    )


@transaction.atomic
def survey_save(
    *, data: SurveyInput, by: User | None, survey: Survey | None = None, base_token: str | None
) -> Survey:
    """Create a survey (``survey`` None) or change one not yet closed. Once it has
    responses its questionnaire version stays, and units with codes or responses stay in."""
    _check(data)
    fields = {
        "name": data.name.strip(),
        "questionnaire_version": data.questionnaire_version,
        "programme": data.programme,
        "period": data.period,
        "modes": sorted(set(data.modes)),
        "opens_on": data.opens_on,
        "closes_on": data.closes_on,
        "target_responses": data.target_responses,
        "min_responses": data.min_responses,
        "weight_cap": data.weight_cap,
    }
    if survey is None:
        survey = Survey.objects.create(created_by=by, **fields)
        SurveyUnit.objects.bulk_create(SurveyUnit(survey=survey, unit=unit) for unit in data.units)
        _record(survey, "created", by, None, _shown(data))
        return survey
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    check_token(survey_events(survey), base_token)
    if survey.state == SurveyState.CLOSED:
        raise SurveyError(_("The survey is closed: it is not changed any more."))
    answered = survey.responses.exists()
    if answered and data.questionnaire_version.pk != survey.questionnaire_version_id:
        raise SurveyError(
            _("The survey has responses: its questionnaire version cannot change."),
            "questionnaire_version",
        )
    before = _shown_survey(survey)
    kept = {unit.pk for unit in data.units}
    leaving = survey.survey_units.exclude(unit_id__in=kept)
    busy = [
        su.unit.name
        for su in leaving.select_related("unit")
        if survey.responses.filter(unit_id=su.unit_id).exists()
        or survey.codes.filter(unit_id=su.unit_id).exists()
    ]
    if busy:
        raise SurveyError(
            _("These units have codes or responses and stay in the survey: %(units)s.")
            % {"units": ", ".join(busy)},
            "units",
        )
    leaving.delete()
    present = set(survey.survey_units.values_list("unit_id", flat=True))
    SurveyUnit.objects.bulk_create(
        SurveyUnit(survey=survey, unit=unit) for unit in data.units if unit.pk not in present
    )
    for name, value in fields.items():
        setattr(survey, name, value)
    survey.save(update_fields=list(fields))
    after = _shown(data)
    changed = {name for name in after if before.get(name) != after[name]}
    if changed:
        _record(
            survey,
            "edited",
            by,
            {name: before[name] for name in sorted(changed)},
            {name: after[name] for name in sorted(changed)},
        )
    return survey


@transaction.atomic
def survey_open(*, survey: Survey, by: User | None, base_token: str | None = None) -> Survey:
    """Open a survey in preparation (or reopen a closed one): residents may answer
    between its dates."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    check_token(survey_events(survey), base_token)
    if survey.state == SurveyState.OPEN:
        raise SurveyError(_("The survey is open already."))
    if survey.questionnaire_version.published_at is None:
        raise SurveyError(_("Only a published version of a questionnaire can be used."))
    if not survey.survey_units.exists():
        raise SurveyError(_("Choose at least one unit."))
    old = survey.state
    survey.state = SurveyState.OPEN
    survey.save(update_fields=["state"])
    _record(survey, "opened", by, old, SurveyState.OPEN)
    return survey


@transaction.atomic
def survey_close(*, survey: Survey, by: User | None, base_token: str | None = None) -> Survey:
    """Close an open survey: no answer is taken any more, and its results write the
    satisfaction variables of the units' collection rounds (``close``)."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    check_token(survey_events(survey), base_token)
    if survey.state != SurveyState.OPEN:
        raise SurveyError(_("Only an open survey can be closed."))
    survey.state = SurveyState.CLOSED
    survey.save(update_fields=["state"])
    _record(survey, "closed", by, SurveyState.OPEN, SurveyState.CLOSED)
    survey_values_write(survey=survey, by=by)  # refused: the transaction keeps it open
    return survey


@transaction.atomic
def codes_create(*, survey: Survey, unit: Unit, count: int, by: User | None) -> int:
    """A new batch of ``count`` single-use codes for ``unit`` in ``survey``; its number."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not 1 <= count <= MAX_CODES:
        raise SurveyError(_("Ask for between 1 and %(most)s codes.") % {"most": MAX_CODES}, "count")
    if survey.state == SurveyState.CLOSED:
        raise SurveyError(_("The survey is closed: it is not changed any more."))
    if not survey.survey_units.filter(unit=unit).exists():
        raise SurveyError(_("This unit does not take part in the survey."))
    batch = (survey.codes.filter(unit=unit).aggregate(top=Max("batch"))["top"] or 0) + 1
    made: set[str] = set()
    while len(made) < count:
        made.update(new_code() for _ in range(count - len(made)))
        made -= set(ResponseCode.objects.filter(code__in=made).values_list("code", flat=True))
    try:
        with transaction.atomic():
            ResponseCode.objects.bulk_create(
                ResponseCode(survey=survey, unit=unit, code=code, batch=batch) for code in made
            )
    except IntegrityError as clash:  # made by someone else this very moment: ask again
        raise SurveyError(_("The codes could not be made: try again.")) from clash
    _record(survey, "codes made", by, None, {"unit": unit.teryt, "batch": batch, "count": count})
    return batch


# --- paper returns --------------------------------------------------------------------
# Skip logic and answer codes are the online form's (``answering``); the messages are
# the clerk's, naming the code typed and the codes allowed.


def typed_answer(question: Question, typed: str) -> Any:
    """The answer typed for ``question`` (not blank), or SurveyError saying why not."""
    kind = question.kind
    if kind == QuestionKind.TEXT:
        return typed
    if kind == QuestionKind.NUMBER:
        try:
            value = float(typed.replace(",", ".").replace(" ", ""))
        except ValueError:
            raise SurveyError(_("Type a number.")) from None
        low, high = question.minimum, question.maximum
        if (
            not math.isfinite(value)
            or (low is not None and value < low)
            or (high is not None and value > high)
        ):
            raise SurveyError(_("The number is outside the allowed range."))
        return int(value) if value.is_integer() else value
    allowed = choice_codes(question)
    if kind == QuestionKind.MULTIPLE:
        chosen = [part for part in typed.replace(",", " ").split() if part]
        wrong = [part for part in chosen if part not in allowed]
        if wrong:
            raise SurveyError(_("No such answer: %(codes)s.") % {"codes": ", ".join(wrong)})
        return sorted(set(chosen), key=allowed.index)  # as online, whatever the typing order
    if typed not in allowed:
        raise SurveyError(
            _("No such answer: %(codes)s. Allowed: %(allowed)s.")
            % {"codes": typed, "allowed": ", ".join(allowed)}
        )
    return int(typed) if kind in (QuestionKind.SCALE5, QuestionKind.NPS) else typed


def paper_answers(
    questions: Sequence[Question], typed: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The answers of a paper return typed in (``typed``: question code → text) and
    the problems by question code. Blanks are unanswered; answers to a question the
    form skipped (``show_if``) are dropped, as online."""
    answers: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for question in questions:
        text = (typed.get(question.code) or "").strip()
        if not text or not is_shown(question, answers):
            continue
        try:
            answers[question.code] = typed_answer(question, text)
        except SurveyError as error:
            problems[question.code] = error.message
    return answers, problems


@transaction.atomic
def paper_response_save(
    *, survey: Survey, unit: Unit, typed: Mapping[str, str], by: User
) -> Response:
    """Store one paper return of ``unit`` as a submitted response (mode "paper").
    SurveyError (``problems`` by question) and nothing stored when an answer is wrong."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if SurveyMode.PAPER not in survey.modes:
        raise SurveyError(_("This survey takes no paper questionnaires."))
    if survey.state != SurveyState.OPEN:
        raise SurveyError(_("Paper returns are typed in while the survey is open."))
    if not survey.survey_units.filter(unit=unit).exists():
        raise SurveyError(_("This unit does not take part in the survey."))
    questions = list(survey.questionnaire_version.questions.order_by("position", "pk"))
    answers, problems = paper_answers(questions, typed)
    if problems:
        raise PaperProblems(problems)
    if not answers:
        raise SurveyError(_("The form is empty: type at least one answer."))
    now = timezone.now()
    return Response.objects.create(
        survey=survey,
        unit=unit,
        mode=ResponseMode.PAPER,
        answers=answers,
        started_at=now,
        submitted_at=now,
        entered_by=by,
    )


class PaperProblems(SurveyError):
    """Answers of a paper return that are not the questionnaire's codes, by question."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(_("Nothing was saved: correct the marked answers."))
        self.problems = problems
