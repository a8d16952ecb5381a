"""A resident answering a survey: the questionnaire split into pages, skip logic
(applied on the server: answers to questions not asked are dropped), each answer
checked by its kind, and the writes of a response (started through the open link or a
single-use code, kept page by page, submitted once). Nothing identifies the person:
no account, no name, no network address."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.surveys.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    DONT_KNOW,
    Question,
    QuestionKind,
    Response,
    ResponseCode,
    ResponseMode,
    Survey,
    SurveyEvent,
    SurveyMode,
    SurveyUnit,
)

# At most this many questions on one page of a phone's screen.
PAGE_SIZE = 4
TEXT_MAX = 2000


class AnswerError(ValueError):
    """An answer or a step that cannot be taken, with a message for the resident;
    nothing was stored."""


@dataclass
class PageResult:
    answers: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def is_shown(question: Question, answers: Mapping[str, Any]) -> bool:
    """Whether ``question`` is asked, given the answers so far (its ``show_if``)."""
    rule = question.show_if
    if not rule:
        return True
    given = answers.get(str(rule.get("question")))
    wanted = {str(value) for value in rule.get("in", [])}
    if isinstance(given, list):
        return bool(wanted & {str(value) for value in given})
    return given is not None and str(given) in wanted


def pages_of(questions: Sequence[Question]) -> list[list[Question]]:
    """The questions in pages: a page ends after a question that decides whether later
    ones are asked (so that the next page knows the answer), or when it is full."""
    deciding = {str(q.show_if.get("question")) for q in questions if q.show_if}
    pages: list[list[Question]] = [[]]
    for question in questions:
        pages[-1].append(question)
        if question.code in deciding or len(pages[-1]) >= PAGE_SIZE:
            pages.append([])
    return [page for page in pages if page]


def visible_pages(
    pages: Sequence[Sequence[Question]], answers: Mapping[str, Any]
) -> list[list[Question]]:
    """The pages with at least one question asked, each with only the questions asked."""
    shown = [[q for q in page if is_shown(q, answers)] for page in pages]
    return [page for page in shown if page]


def expected_page_count(pages: Sequence[Sequence[Question]], answers: Mapping[str, Any]) -> int:
    """How many pages the respondent should expect: the pages shown so far, and those
    whose questions wait on a required answer not given yet (the progress bar does not
    shrink and grow as the filter question is answered)."""
    required = {q.code for page in pages for q in page if q.required}

    def expected(question: Question) -> bool:
        rule = question.show_if or {}
        pending = rule.get("question") in required and rule.get("question") not in answers
        return pending or is_shown(question, answers)

    return sum(1 for page in pages if any(expected(q) for q in page))


def choice_codes(question: Question) -> list[str]:
    """The answer codes a question accepts, as text."""
    if question.kind == QuestionKind.SCALE5:
        codes = [str(n) for n in range(1, 6)]
    elif question.kind == QuestionKind.NPS:
        codes = [str(n) for n in range(11)]
    else:
        codes = [str(option.get("code")) for option in question.options]
    if question.dont_know and question.kind != QuestionKind.NPS:
        codes.append(str(DONT_KNOW))
    return codes


def parse_answer(question: Question, given: Sequence[str]) -> Any:
    """The stored value of the answer given (the form's values, blanks removed), None
    when unanswered; AnswerError saying what is wrong."""
    values = [value.strip() for value in given if value.strip()]
    if not values:
        return None
    kind = question.kind
    if kind == QuestionKind.TEXT:
        text = values[0]
        if len(text) > TEXT_MAX:
            raise AnswerError(_("Please shorten the answer to %(n)d characters.") % {"n": TEXT_MAX})
        return text
    if kind == QuestionKind.NUMBER:
        try:
            number = float(values[0].replace(",", ".").replace(" ", "").replace("\xa0", ""))
        except ValueError:
            raise AnswerError(_("Please give a number, e.g. 12 or 2,5.")) from None
        low, high = question.minimum, question.maximum
        if not math.isfinite(number) or (low is not None and number < low):
            raise AnswerError(_("The number must be at least %(low)s.") % {"low": low})
        if high is not None and number > high:
            raise AnswerError(_("The number must be at most %(high)s.") % {"high": high})
        return int(number) if number.is_integer() else number
    allowed = choice_codes(question)
    wrong = [value for value in values if value not in allowed]
    if wrong:
        raise AnswerError(_("Please choose one of the answers shown."))
    if kind == QuestionKind.MULTIPLE:
        return sorted(set(values), key=allowed.index)
    if len(values) > 1:
        raise AnswerError(_("Please choose only one answer."))
    return int(values[0]) if kind in (QuestionKind.SCALE5, QuestionKind.NPS) else values[0]


def page_parse(
    questions: Sequence[Question], form: Mapping[str, Sequence[str]], *, check_required: bool
) -> PageResult:
    """The answers of one page's form (``form``: field name → values) and its errors."""
    result = PageResult()
    for question in questions:
        try:
            value = parse_answer(question, form.get(question.code, []))
        except AnswerError as error:
            result.errors[question.code] = str(error)
            continue
        if value is None and question.required and check_required:
            result.errors[question.code] = _("Please answer this question.")
        result.answers[question.code] = value
    return result


def answers_kept(questions: Sequence[Question], answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers to the questions asked, in the questionnaire's order: an answer to a
    question the skip logic hides (an earlier answer changed) is dropped."""
    kept: dict[str, Any] = {}
    for question in questions:
        value = answers.get(question.code)
        if value is not None and is_shown(question, kept):
            kept[question.code] = value
    return kept


def missing_required(questions: Sequence[Question], answers: Mapping[str, Any]) -> list[Question]:
    return [
        q for q in questions if q.required and is_shown(q, answers) and answers.get(q.code) is None
    ]


# --- writes ---------------------------------------------------------------------------


def _require_open(survey: Survey) -> None:
    if not survey.accepts_answers():
        raise AnswerError(_("This survey is not taking answers."))


def _record(survey: Survey, kind: str, **new: Any) -> None:
    SurveyEvent.objects.create(survey=survey, kind=kind, new=new)


@transaction.atomic
def response_start_open(*, survey_unit: SurveyUnit) -> Response:
    """A new response through the unit's open link."""
    survey = survey_unit.survey
    _require_open(survey)
    if SurveyMode.OPEN not in survey.modes:
        raise AnswerError(_("This survey is answered with the code from your letter."))
    return Response.objects.create(survey=survey, unit=survey_unit.unit, mode=ResponseMode.OPEN)


def normalise_code(text: str) -> str:
    return "".join(text.split()).replace("-", "").upper()


@transaction.atomic
def response_start_code(*, code_text: str) -> Response:
    """The response of a single-use code: a new one, or the one begun with it and not
    yet sent. A code already used, unknown or of a survey not taking answers is
    refused (AnswerError) and nothing is stored."""
    text = normalise_code(code_text)
    if len(text) != CODE_LENGTH or set(text) - set(CODE_ALPHABET):
        raise AnswerError(
            _("A code has %(n)d letters and digits, as printed in your letter.")
            % {"n": CODE_LENGTH}
        )
    code = (
        ResponseCode.objects.select_for_update()
        .select_related("survey", "unit")
        .filter(code=text)
        .first()
    )
    if code is None:
        raise AnswerError(_("There is no such code. Please check it against your letter."))
    if code.used_at is not None:
        raise AnswerError(_("This code has been used already: each code is for one response only."))
    _require_open(code.survey)
    existing = Response.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return Response.objects.create(
        survey=code.survey, unit=code.unit, code=code, mode=ResponseMode.CODE
    )


@transaction.atomic
def response_answers_save(
    *, response: Response, questions: Sequence[Question], answers: Mapping[str, Any]
) -> Response:
    """Keep a page's answers in a response not yet sent (a partial response)."""
    response = Response.objects.select_for_update().select_related("survey").get(pk=response.pk)
    if response.is_submitted:
        raise AnswerError(_("These answers have been sent already."))
    _require_open(response.survey)
    merged = {**response.answers, **answers}
    response.answers = answers_kept(questions, merged)
    response.save(update_fields=["answers"])
    return response


@transaction.atomic
def response_submit(*, response: Response, questions: Sequence[Question]) -> Response:
    """Send a response: its answers are final, and its code (if any) is used up."""
    response = Response.objects.select_for_update().select_related("survey").get(pk=response.pk)
    if response.is_submitted:
        raise AnswerError(_("These answers have been sent already."))
    _require_open(response.survey)
    answers = answers_kept(questions, response.answers)
    if missing_required(questions, answers):
        raise AnswerError(_("Please answer the questions marked as required."))
    now = timezone.now()
    if response.code_id is not None:
        used = ResponseCode.objects.filter(pk=response.code_id, used_at__isnull=True).update(
            used_at=now
        )
        if not used:
            raise AnswerError(
                _("This code has been used already: each code is for one response only.")
            )
    response.answers = answers
    response.submitted_at = now
    response.save(update_fields=["answers", "submitted_at"])
    # The history says a response came in, through which mode and for which unit: not
    # when it was begun nor anything that could tie it to a person.
    _record(response.survey, "response_submitted", unit=response.unit_id, mode=response.mode)
    return response
