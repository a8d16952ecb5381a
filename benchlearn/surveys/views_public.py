"""The residents' pages: answering a survey without an account, through a unit's open
link (``/s/<open_token>/``) or a single-use code (``/s/code/``), and the privacy notice.

What the person's browser keeps is one cookie per survey link holding the response's
resume token (to come back to a partial response); no session, no account, no network
address. Every refusal (a closed survey, a used or unknown code, the honeypot, a page
sent too fast, a flood) says so and stores nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from benchlearn.surveys import flood
from benchlearn.surveys.answering import (
    AnswerError,
    expected_page_count,
    missing_required,
    page_parse,
    pages_of,
    response_answers_save,
    response_start_code,
    response_start_open,
    response_submit,
    visible_pages,
)
from benchlearn.surveys.models import (
    DONT_KNOW,
    Question,
    QuestionKind,
    Response,
    SurveyMode,
    SurveyState,
    SurveyUnit,
)
from benchlearn.surveys.selectors import (
    questions_of,
    response_in_progress,
    survey_unit_by_token,
    survey_unit_of,
)

COOKIE_PREFIX = "blsurvey"
COOKIE_MAX_AGE = 60 * 60 * 24 * 60


def _cookie_name(survey_unit: SurveyUnit) -> str:
    return f"{COOKIE_PREFIX}{survey_unit.pk}"


def _keep_cookie(answer: HttpResponse, survey_unit: SurveyUnit, response: Response) -> None:
    answer.set_cookie(
        _cookie_name(survey_unit),
        response.resume_token,
        max_age=COOKIE_MAX_AGE,
        path="/s/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _scale_labels() -> list[tuple[str, str]]:
    return [
        ("1", _("very dissatisfied")),
        ("2", _("rather dissatisfied")),
        ("3", _("neither satisfied nor dissatisfied")),
        ("4", _("rather satisfied")),
        ("5", _("very satisfied")),
    ]


@dataclass
class ShownQuestion:
    """A question as the page shows it, in the reader's language."""

    question: Question
    text: str
    hint: str
    choices: list[tuple[str, str]]
    chosen: list[str]
    error: str

    @property
    def code(self) -> str:
        return self.question.code

    @property
    def kind(self) -> str:
        return self.question.kind


def _english() -> bool:
    return translation.get_language() == "en"


def _choices(question: Question) -> list[tuple[str, str]]:
    english = _english()
    if question.kind == QuestionKind.SCALE5:
        choices = _scale_labels()
    elif question.kind == QuestionKind.NPS:
        choices = [(str(n), str(n)) for n in range(11)]
    else:
        choices = [
            (
                str(option["code"]),
                (option.get("label_en") if english else "") or option.get("label_pl", ""),
            )
            for option in question.options
        ]
    if question.dont_know and question.kind != QuestionKind.NPS:
        choices.append((str(DONT_KNOW), _("don't know / don't use")))
    return choices


def _as_values(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _shown(
    questions: list[Question], given: dict[str, list[str]], errors: dict[str, str]
) -> list[ShownQuestion]:
    english = _english()
    return [
        ShownQuestion(
            question=q,
            text=(q.text_en if english else "") or q.text_pl,
            hint=(q.help_en if english else "") or q.help_pl,
            choices=_choices(q) if q.kind != QuestionKind.TEXT else [],
            chosen=given.get(q.code, []),
            error=errors.get(q.code, ""),
        )
        for q in questions
    ]


def _title(survey_unit: SurveyUnit) -> str:
    questionnaire = survey_unit.survey.questionnaire_version.questionnaire
    return (questionnaire.name_en if _english() else "") or questionnaire.name_pl


def _intro(survey_unit: SurveyUnit) -> str:
    version = survey_unit.survey.questionnaire_version
    return (version.intro_en if _english() else "") or version.intro_pl


def _status_page(
    request: HttpRequest, survey_unit: SurveyUnit | None, message: str
) -> HttpResponse:
    return render(
        request,
        "surveys/public/status.html",
        {
            "survey_unit": survey_unit,
            "title": _title(survey_unit) if survey_unit else "",
            "message": message,
        },
    )


def _not_taking_answers(survey_unit: SurveyUnit) -> str | None:
    survey = survey_unit.survey
    if survey.accepts_answers():
        return None
    today = timezone.localdate()
    if survey.state == SurveyState.CLOSED or (survey.closes_on and today > survey.closes_on):
        return _("This survey has closed. Thank you for your interest.")
    return _("This survey is not open yet.")


def _guard(request: HttpRequest) -> str | None:
    """What is wrong with a form sent back (the honeypot filled, no signed time, sent
    faster than a person reads), or None."""
    if request.POST.get(flood.HONEYPOT):
        return _("Your answers could not be accepted.")
    elapsed = flood.seconds_since_shown(request.POST.get(flood.SHOWN_FIELD, ""))
    if elapsed is None:
        return _("The page was open too long or did not come from this site. Please try again.")
    if elapsed < settings.SURVEY_MIN_SECONDS:
        return _(
            "That was faster than anyone reads. Please check your answers and send them again."
        )
    return None


def _page_context(
    survey_unit: SurveyUnit,
    pages: list[list[Question]],
    number: int,
    given: dict[str, list[str]],
    errors: dict[str, str],
    problem: str = "",
    expected: int = 0,
) -> dict[str, Any]:
    total = max(len(pages), expected)
    return {
        "survey_unit": survey_unit,
        "title": _title(survey_unit),
        "questions": _shown(pages[number - 1], given, errors),
        "page": number,
        "pages": total,
        "percent": round(100 * (number - 1) / total),
        "last": number == total,
        "problem": problem,
        "errors": errors,
        "shown": flood.shown_stamp(),
        "honeypot": flood.HONEYPOT,
    }


def _resume_page(pages: list[list[Question]], answers: dict[str, Any]) -> int:
    """The page after the last one with an answer (the first page of a new response)."""
    answered = [n for n, page in enumerate(pages, start=1) if any(q.code in answers for q in page)]
    return min((answered[-1] + 1) if answered else 1, len(pages))


def _page_number(raw: str | None, default: int, count: int) -> int:
    try:
        number = int(raw or default)
    except ValueError:
        number = default
    return max(1, min(number, count))


@never_cache  # answers shown on the page: no shared cache keeps them
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, open_token: str) -> HttpResponse:
    """A unit's survey page: the introduction, then the questions page by page."""
    survey_unit = survey_unit_by_token(open_token)
    closed = _not_taking_answers(survey_unit)
    if closed:
        return _status_page(request, survey_unit, closed)
    response = response_in_progress(survey_unit, request.COOKIES.get(_cookie_name(survey_unit)))
    if response is None:
        return _intro_page(request, survey_unit)
    questions = questions_of(survey_unit)
    pages = visible_pages(pages_of(questions), response.answers)
    if request.method == "POST":
        return _page_post(request, survey_unit, response, questions)
    number = _page_number(
        request.GET.get("page"), _resume_page(pages, response.answers), len(pages)
    )
    given = {code: _as_values(value) for code, value in response.answers.items()}
    expected = expected_page_count(pages_of(questions), response.answers)
    context = _page_context(survey_unit, pages, number, given, {}, expected=expected)
    return render(request, "surveys/public/page.html", context)


def _intro_page(request: HttpRequest, survey_unit: SurveyUnit) -> HttpResponse:
    survey = survey_unit.survey
    context: dict[str, Any] = {
        "survey_unit": survey_unit,
        "title": _title(survey_unit),
        "intro": _intro(survey_unit),
        "by_code": SurveyMode.OPEN not in survey.modes,
        "shown": flood.shown_stamp(),
        "honeypot": flood.HONEYPOT,
        "problem": "",
    }
    if request.method != "POST" or context["by_code"]:
        return render(request, "surveys/public/intro.html", context)
    problem = _guard(request)
    if problem is None and not flood.link_start_allowed(survey_unit.pk):
        problem = _("Too many people are starting this survey right now. Please try again later.")
    if problem is None:
        try:
            response = response_start_open(survey_unit=survey_unit)
        except AnswerError as error:
            problem = str(error)
    if problem is not None:
        context["problem"] = problem
        return render(request, "surveys/public/intro.html", context, status=400)
    answer_redirect = HttpResponseRedirect(reverse("survey-answer", args=[survey_unit.open_token]))
    _keep_cookie(answer_redirect, survey_unit, response)
    return answer_redirect


def _page_post(
    request: HttpRequest, survey_unit: SurveyUnit, response: Response, questions: list[Question]
) -> HttpResponse:
    pages = visible_pages(pages_of(questions), response.answers)
    number = _page_number(request.POST.get("page"), 1, len(pages))
    page = pages[number - 1]
    given = {q.code: request.POST.getlist(q.code) for q in page}
    going_back = "back" in request.POST
    problem = _guard(request)
    parsed = page_parse(page, given, check_required=not going_back)
    if problem is None and parsed.errors:
        problem = _("Some answers need your attention.")
    if problem is not None:
        expected = expected_page_count(pages_of(questions), response.answers)
        context = _page_context(
            survey_unit, pages, number, given, parsed.errors, problem, expected=expected
        )
        return render(request, "surveys/public/page.html", context, status=400)
    try:
        response = response_answers_save(
            response=response, questions=questions, answers=parsed.answers
        )
        after = visible_pages(pages_of(questions), response.answers)
        if not going_back and number == len(after):
            missing = missing_required(questions, response.answers)
            if missing:
                # Come to the last page by a link, past a required question: back to it.
                first = next(n for n, p in enumerate(after, 1) if missing[0] in p)
                url = reverse("survey-answer", args=[survey_unit.open_token])
                return HttpResponseRedirect(f"{url}?page={first}")
            response_submit(response=response, questions=questions)
            done = redirect("survey-thanks", open_token=survey_unit.open_token)
            done.delete_cookie(_cookie_name(survey_unit), path="/s/")
            return done
    except AnswerError as error:
        return _status_page(request, survey_unit, str(error))
    target = number - 1 if going_back else number + 1
    url = reverse("survey-answer", args=[survey_unit.open_token])
    return HttpResponseRedirect(f"{url}?page={max(1, min(target, len(after)))}")


def thanks(request: HttpRequest, open_token: str) -> HttpResponse:
    survey_unit = survey_unit_by_token(open_token)
    return render(
        request,
        "surveys/public/thanks.html",
        {"survey_unit": survey_unit, "title": _title(survey_unit)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def code_entry(request: HttpRequest) -> HttpResponse:
    """Where a resident types the code of their letter (its QR code fills it in)."""
    context: dict[str, Any] = {
        "code": request.GET.get("code", "")[:20],
        "problem": "",
        "shown": flood.shown_stamp(),
        "honeypot": flood.HONEYPOT,
    }
    if request.method != "POST":
        return render(request, "surveys/public/code.html", context)
    context["code"] = request.POST.get("code", "")[:20]
    problem = _guard(request)
    if problem is None and flood.code_tries_blocked():
        problem = _("Too many wrong codes were typed in the last hour. Please try again later.")
    if problem is None:
        try:
            response = response_start_code(code_text=context["code"])
        except AnswerError as error:
            flood.code_failure_allowed()
            problem = str(error)
    if problem is not None:
        context["problem"] = problem
        return render(request, "surveys/public/code.html", context, status=400)
    survey_unit = survey_unit_of(response)
    answer_redirect = HttpResponseRedirect(reverse("survey-answer", args=[survey_unit.open_token]))
    _keep_cookie(answer_redirect, survey_unit, response)
    return answer_redirect


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/public/privacy.html", {"title": _("Privacy notice")})
