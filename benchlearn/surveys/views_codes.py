"""The office's pages of one unit in a survey: its open link and QR code (SVG on the
page, PNG to download), its batches of single-use codes (made, listed, downloaded as
CSV; their letters and the paper questionnaire are PDFs in ``reports``), and the
keyboard-only screen on which the office types paper returns. Operators only."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from benchlearn.accounts.access import AuthenticatedHttpRequest
from benchlearn.qr import qr_png, qr_svg
from benchlearn.surveys import running
from benchlearn.surveys.editing import SurveyError
from benchlearn.surveys.forms_office import CodesForm
from benchlearn.surveys.models import DONT_KNOW, Question, QuestionKind, Survey, SurveyUnit
from benchlearn.surveys.office import (
    code_link,
    code_page_link,
    open_link,
    survey_get_for_office,
    survey_unit_get,
)
from benchlearn.surveys.running import PaperProblems

# A batch of at most this many codes is listed on the unit's page.
LISTED_CODES = 200


def _unit_page(
    request: AuthenticatedHttpRequest,
    survey: Survey,
    survey_unit: SurveyUnit,
    form: CodesForm,
    status: int = 200,
) -> HttpResponse:
    link = open_link(survey_unit)
    batches = (
        survey.codes.filter(unit=survey_unit.unit)
        .values("batch")
        .annotate(count=Count("pk"), used=Count("pk", filter=Q(used_at__isnull=False)))
        .order_by("batch")
    )
    # The codes themselves, batch by batch, for batches small enough to read on a page
    # (a print run of thousands is read from its CSV).
    listed: dict[int, list[tuple[str, bool]]] = {}
    small = [b["batch"] for b in batches if b["count"] <= LISTED_CODES]
    for code, batch, used in (
        survey.codes.filter(unit=survey_unit.unit, batch__in=small)
        .order_by("batch", "code")
        .values_list("code", "batch", "used_at")
    ):
        listed.setdefault(batch, []).append((code, used is not None))
    context = {
        "listed": listed,
        "survey": survey,
        "survey_unit": survey_unit,
        "unit": survey_unit.unit,
        "link": link,
        # segno's own drawing of the link: no text of the user's is in it but the link.
        "qr": mark_safe(qr_svg(link, title=_("QR code of the survey's open link"))),  # noqa: S308
        "batches": batches,
        "form": form,
        "code_page": code_page_link(),
        "responses": survey.responses.filter(
            unit=survey_unit.unit, submitted_at__isnull=False
        ).count(),
    }
    return render(request, "surveys/office/survey_unit.html", context, status=status)


@login_required
def survey_unit(request: AuthenticatedHttpRequest, survey_id: int, teryt: str) -> HttpResponse:
    survey = survey_get_for_office(request.user, survey_id)
    return _unit_page(request, survey, survey_unit_get(survey, teryt), CodesForm())


@login_required
@require_GET
def survey_unit_qr(request: AuthenticatedHttpRequest, survey_id: int, teryt: str) -> HttpResponse:
    survey = survey_get_for_office(request.user, survey_id)
    survey_unit = survey_unit_get(survey, teryt)
    response = HttpResponse(qr_png(open_link(survey_unit)), content_type="image/png")
    name = f"benchlearn-survey-{survey.pk}-{teryt}-qr.png"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def codes_create(request: AuthenticatedHttpRequest, survey_id: int, teryt: str) -> HttpResponse:
    survey = survey_get_for_office(request.user, survey_id)
    survey_unit = survey_unit_get(survey, teryt)
    form = CodesForm(request.POST)
    if form.is_valid():
        try:
            batch = running.codes_create(
                survey=survey,
                unit=survey_unit.unit,
                count=form.cleaned_data["count"],
                by=request.user,
            )
        except SurveyError as error:
            form.add_error("count" if error.field == "count" else None, error.message)
        else:
            messages.success(
                request,
                _("Batch %(batch)s: %(count)s codes made.")
                % {"batch": batch, "count": form.cleaned_data["count"]},
            )
            return redirect("survey-unit", survey.pk, teryt)
    return _unit_page(request, survey, survey_unit, form, status=400)


@login_required
@require_GET
def codes_csv(
    request: AuthenticatedHttpRequest, survey_id: int, teryt: str, batch: int
) -> HttpResponse:
    survey = survey_get_for_office(request.user, survey_id)
    survey_unit = survey_unit_get(survey, teryt)
    codes = list(survey.codes.filter(unit=survey_unit.unit, batch=batch).order_by("code"))
    if not codes:
        raise Http404(_("There is no such batch of codes."))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "link", "teryt", "unit", "batch", "used"])
    for code in codes:
        writer.writerow(
            [
                code.code,
                code_link(code.code),
                teryt,
                survey_unit.unit.name,
                batch,
                "yes" if code.used_at else "no",
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"benchlearn-survey-{survey.pk}-{teryt}-codes-{batch}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- paper returns --------------------------------------------------------------------


def _allowed(question: Question) -> str:
    """The codes the entry screen accepts for a question, as a hint beside its field."""
    if question.kind == QuestionKind.SCALE5:
        allowed = "1–5"
    elif question.kind == QuestionKind.NPS:
        return "0–10"
    elif question.kind == QuestionKind.NUMBER:
        low = "" if question.minimum is None else f"{question.minimum:g}"
        high = "" if question.maximum is None else f"{question.maximum:g}"
        return _("a number") + (f" ({low}–{high})" if low or high else "")
    elif question.kind == QuestionKind.TEXT:
        return _("text")
    else:
        allowed = ", ".join(str(option.get("code")) for option in question.options)
        if question.kind == QuestionKind.MULTIPLE:
            allowed = _("any of %(codes)s, separated by spaces") % {"codes": allowed}
    if question.dont_know:
        allowed += f"; {DONT_KNOW} = " + _("don't know")
    return allowed


@login_required
def paper_entry(request: AuthenticatedHttpRequest, survey_id: int, teryt: str) -> HttpResponse:
    """One paper return a form: typed, checked, saved as a paper response, and the
    next empty form focused on its first field. Errors keep what was typed."""
    survey = survey_get_for_office(request.user, survey_id)
    survey_unit = survey_unit_get(survey, teryt)
    questions = list(survey.questionnaire_version.questions.order_by("position", "pk"))
    typed: dict[str, str] = {}
    problems: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        typed = {q.code: request.POST.get(f"q-{q.code}", "")[:2000] for q in questions}
        try:
            running.paper_response_save(
                survey=survey, unit=survey_unit.unit, typed=typed, by=request.user
            )
        except PaperProblems as error:
            problems = error.problems
            messages.error(request, error.message)
            status = 400
        except SurveyError as error:
            messages.error(request, error.message)
            status = 400
        else:
            messages.success(request, _("Saved. The next return:"))
            return redirect("survey-paper-entry", survey.pk, teryt)
    rows = [
        {
            "question": question,
            "name": f"q-{question.code}",
            "value": typed.get(question.code, ""),
            "allowed": _allowed(question),
            "problem": problems.get(question.code, ""),
        }
        for question in questions
    ]
    context = {
        "survey": survey,
        "unit": survey_unit.unit,
        "rows": rows,
        "first_problem": next((row["name"] for row in rows if row["problem"]), ""),
        "entered": survey.responses.filter(
            unit=survey_unit.unit, mode="paper", submitted_at__isnull=False
        ).count(),
    }
    return render(request, "surveys/office/paper_entry.html", context, status=status)
