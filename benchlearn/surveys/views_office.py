"""The office's pages of questionnaires and surveys: lists, a questionnaire's versions
and questions (changed only while a version is a draft), a survey's settings and its
opening and closing. Operators only (``Perm.SURVEY_MANAGE``), checked on every request
by the lookups of ``surveys.office``."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benchlearn.accounts.access import AuthenticatedHttpRequest, Perm, require
from benchlearn.groups.forms import units_found
from benchlearn.groups.models import Programme
from benchlearn.surveys import editing, running
from benchlearn.surveys.editing import StaleEdit, SurveyError, events_token
from benchlearn.surveys.forms_office import (
    QuestionForm,
    QuestionnaireForm,
    SurveyForm,
    TokenForm,
    question_initial,
)
from benchlearn.surveys.models import (
    MIN_RESPONSES_DEFAULT,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Survey,
    SurveyEvent,
    SurveyMode,
)
from benchlearn.surveys.office import (
    history_of,
    question_get_for_office,
    questionnaire_get_for_office,
    questionnaires_for_office,
    survey_get_for_office,
    surveys_for_office,
    version_get_for_office,
)
from benchlearn.surveys.running import SurveyInput, survey_events


def _token_of(questionnaire: Questionnaire) -> str:
    return events_token(
        SurveyEvent.objects.filter(questionnaire=questionnaire, survey__isnull=True)
    )


# --- questionnaires -------------------------------------------------------------------


@login_required
def questionnaire_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {"questionnaires": questionnaires_for_office(request.user)}
    return render(request, "surveys/office/questionnaire_list.html", context)


@login_required
def questionnaire_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Perm.SURVEY_MANAGE)
    form = QuestionnaireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = editing.questionnaire_create(**form.cleaned_data, by=request.user)
        except SurveyError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The questionnaire is saved."))
            return redirect("questionnaire-detail", version.questionnaire_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "surveys/office/questionnaire_form.html", {"form": form}, status=status)


@login_required
def questionnaire_detail(request: AuthenticatedHttpRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = questionnaire_get_for_office(request.user, questionnaire_id)
    latest = questionnaire.versions.order_by("-number").first()
    if latest is not None:
        return redirect("questionnaire-version", questionnaire.pk, latest.number)
    return _version_page(request, questionnaire, None)


@login_required
def questionnaire_version(
    request: AuthenticatedHttpRequest, questionnaire_id: int, version_number: int
) -> HttpResponse:
    version = version_get_for_office(request.user, questionnaire_id, version_number)
    return _version_page(request, version.questionnaire, version)


def _version_page(
    request: AuthenticatedHttpRequest,
    questionnaire: Questionnaire,
    version: QuestionnaireVersion | None,
    *,
    stale: object = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "questionnaire": questionnaire,
        "version": version,
        "versions": questionnaire.versions.order_by("-number"),
        "questions": list(version.questions.order_by("position", "pk")) if version else [],
        "frozen": version.is_frozen if version else True,
        "token": _token_of(questionnaire),
        "history": history_of(SurveyEvent.objects.filter(questionnaire=questionnaire)),
        "stale": stale,
    }
    return render(request, "surveys/office/questionnaire_detail.html", context, status=status)


def _step(
    request: AuthenticatedHttpRequest,
    version: QuestionnaireVersion,
    action: Callable[[str], object],
    done: str,
) -> HttpResponse:
    """A POSTed step on a version (publish, move, remove): the service, then the
    version's page with a message; a stale token or a refusal says why (nothing stored)."""
    form = TokenForm(request.POST)
    token = form.data.get("base_token") or ""
    try:
        action(token)
    except StaleEdit as stale:
        return _version_page(request, version.questionnaire, version, stale=stale.edits, status=409)
    except SurveyError as error:
        messages.error(request, error.message)
        return _version_page(request, version.questionnaire, version, status=400)
    messages.success(request, done)
    return redirect("questionnaire-version", version.questionnaire_id, version.number)


@login_required
@require_POST
def version_publish(
    request: AuthenticatedHttpRequest, questionnaire_id: int, version_number: int
) -> HttpResponse:
    version = version_get_for_office(request.user, questionnaire_id, version_number)
    return _step(
        request,
        version,
        lambda token: editing.version_publish(version=version, by=request.user, base_token=token),
        _("The version is published: surveys may use it, and it is not changed any more."),
    )


@login_required
@require_POST
def version_intro(
    request: AuthenticatedHttpRequest, questionnaire_id: int, version_number: int
) -> HttpResponse:
    version = version_get_for_office(request.user, questionnaire_id, version_number)
    intro_pl = request.POST.get("intro_pl", "")[:5000]
    intro_en = request.POST.get("intro_en", "")[:5000]
    return _step(
        request,
        version,
        lambda token: editing.version_intro_set(
            version=version, intro_pl=intro_pl, intro_en=intro_en, by=request.user, base_token=token
        ),
        _("The introduction is saved."),
    )


@login_required
@require_POST
def version_new(request: AuthenticatedHttpRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = questionnaire_get_for_office(request.user, questionnaire_id)
    latest = questionnaire.versions.order_by("-number").first()
    token = request.POST.get("base_token") or ""
    try:
        version = editing.version_new(
            questionnaire=questionnaire, by=request.user, base_token=token
        )
    except StaleEdit as stale:
        return _version_page(request, questionnaire, latest, stale=stale.edits, status=409)
    except SurveyError as error:
        messages.error(request, error.message)
        return _version_page(request, questionnaire, latest, status=400)
    messages.success(
        request,
        _("Version %(number)s is a draft copy: change it, then publish it.")
        % {"number": version.number},
    )
    return redirect("questionnaire-version", questionnaire.pk, version.number)


@login_required
@require_POST
def question_move(
    request: AuthenticatedHttpRequest, questionnaire_id: int, version_number: int, question_id: int
) -> HttpResponse:
    version = version_get_for_office(request.user, questionnaire_id, version_number)
    question = question_get_for_office(version, question_id)
    up = request.POST.get("direction") != "down"
    return _step(
        request,
        version,
        lambda token: editing.question_move(
            question=question, up=up, by=request.user, base_token=token
        ),
        _("The order of the questions is saved."),
    )


@login_required
@require_POST
def question_delete(
    request: AuthenticatedHttpRequest, questionnaire_id: int, version_number: int, question_id: int
) -> HttpResponse:
    version = version_get_for_office(request.user, questionnaire_id, version_number)
    question = question_get_for_office(version, question_id)
    return _step(
        request,
        version,
        lambda token: editing.question_delete(question=question, by=request.user, base_token=token),
        _("The question is removed."),
    )


@login_required
def question_add(
    request: AuthenticatedHttpRequest, questionnaire_id: int, version_number: int
) -> HttpResponse:
    version = version_get_for_office(request.user, questionnaire_id, version_number)
    return _question_form(request, version, None)


@login_required
def question_edit(
    request: AuthenticatedHttpRequest, questionnaire_id: int, version_number: int, question_id: int
) -> HttpResponse:
    version = version_get_for_office(request.user, questionnaire_id, version_number)
    return _question_form(request, version, question_get_for_office(version, question_id))


def _question_form(
    request: AuthenticatedHttpRequest, version: QuestionnaireVersion, question: Question | None
) -> HttpResponse:
    token = _token_of(version.questionnaire)
    initial = question_initial(question, token) if question else {"base_token": token}
    form = QuestionForm(request.POST or None, initial=initial)
    context: dict[str, object] = {
        "form": form,
        "version": version,
        "questionnaire": version.questionnaire,
        "question": question,
        "frozen": version.is_frozen,
        "stale": None,
    }
    if request.method == "POST" and form.is_valid():
        try:
            editing.question_save(
                version=version,
                data=form.as_input(),
                by=request.user,
                question=question,
                base_token=form.cleaned_data["base_token"] or "",
            )
        except StaleEdit as stale:
            context["stale"] = stale.edits
            return render(request, "surveys/office/question_form.html", context, status=409)
        except SurveyError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The question is saved."))
            return redirect("questionnaire-version", version.questionnaire_id, version.number)
    status = 400 if request.method == "POST" else 200
    return render(request, "surveys/office/question_form.html", context, status=status)


# --- surveys --------------------------------------------------------------------------


@login_required
def survey_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {"surveys": surveys_for_office(request.user)}
    return render(request, "surveys/office/survey_list.html", context)


@login_required
def survey_detail(request: AuthenticatedHttpRequest, survey_id: int) -> HttpResponse:
    survey = survey_get_for_office(request.user, survey_id)
    return _survey_page(request, survey)


def _survey_page(
    request: AuthenticatedHttpRequest, survey: Survey, *, stale: object = None, status: int = 200
) -> HttpResponse:
    context = {
        "survey": survey,
        "survey_units": survey.survey_units.select_related("unit").order_by("unit__name"),
        "token": events_token(survey_events(survey)),
        "history": history_of(survey_events(survey)),
        "stale": stale,
        "response_count": survey.responses.filter(submitted_at__isnull=False).count(),
        "modes": [SurveyMode(mode).label for mode in survey.modes if mode in SurveyMode.values],
    }
    return render(request, "surveys/office/survey_detail.html", context, status=status)


@login_required
def survey_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Perm.SURVEY_MANAGE)
    return _survey_form(request, None)


@login_required
def survey_edit(request: AuthenticatedHttpRequest, survey_id: int) -> HttpResponse:
    return _survey_form(request, survey_get_for_office(request.user, survey_id))


def _survey_initial(survey: Survey) -> dict[str, object]:
    return {
        "base_token": events_token(survey_events(survey)),
        "name": survey.name,
        "questionnaire_version": survey.questionnaire_version,
        "programme": survey.programme,
        "period": survey.period,
        "modes": survey.modes,
        "opens_on": survey.opens_on,
        "closes_on": survey.closes_on,
        "target_responses": survey.target_responses,
        "min_responses": survey.min_responses,
        "weight_cap": survey.weight_cap,
        "units": "\n".join(survey.units.order_by("name").values_list("teryt", flat=True)),
    }


def _min_responses(typed: int | None, programme: Programme | None) -> int:
    """The minimum the office typed, else its programme's, else the default."""
    if typed is not None:
        return typed
    return programme.survey_min_responses if programme is not None else MIN_RESPONSES_DEFAULT


def _survey_form(request: AuthenticatedHttpRequest, survey: Survey | None) -> HttpResponse:
    form = SurveyForm(request.POST or None, initial=_survey_initial(survey) if survey else {})
    context: dict[str, object] = {"form": form, "survey": survey, "stale": None}
    if "find" in request.POST:
        # The unit finder: the form comes back with the units found (ticked to add
        # them on saving); nothing is saved.
        query = request.POST.get("unit_search", "")[:60]
        context["found"] = units_found(query, [])
        context["searched"] = query
        return render(request, "surveys/office/survey_form.html", context)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = running.survey_save(
                data=SurveyInput(
                    name=data["name"],
                    questionnaire_version=data["questionnaire_version"],
                    programme=data["programme"],
                    period=data["period"],
                    modes=data["modes"],
                    opens_on=data["opens_on"],
                    closes_on=data["closes_on"],
                    target_responses=data["target_responses"],
                    min_responses=_min_responses(data["min_responses"], data["programme"]),
                    weight_cap=data["weight_cap"],
                    units=data["unit_list"],
                ),
                by=request.user,
                survey=survey,
                base_token=data["base_token"] or "",
            )
        except StaleEdit as stale:
            context["stale"] = stale.edits
            return render(request, "surveys/office/survey_form.html", context, status=409)
        except SurveyError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The survey is saved."))
            return redirect("survey-detail", saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "surveys/office/survey_form.html", context, status=status)


def _survey_step(
    request: AuthenticatedHttpRequest, survey: Survey, step: Callable[..., Survey], done: str
) -> HttpResponse:
    token = request.POST.get("base_token") or ""
    try:
        step(survey=survey, by=request.user, base_token=token)
    except StaleEdit as stale:
        return _survey_page(request, survey, stale=stale.edits, status=409)
    except SurveyError as error:
        messages.error(request, error.message)
        return _survey_page(request, survey, status=400)
    messages.success(request, done)
    return redirect("survey-detail", survey.pk)


@login_required
@require_POST
def survey_open(request: AuthenticatedHttpRequest, survey_id: int) -> HttpResponse:
    survey = survey_get_for_office(request.user, survey_id)
    return _survey_step(
        request, survey, running.survey_open, _("The survey is open: residents may answer.")
    )


@login_required
@require_POST
def survey_close(request: AuthenticatedHttpRequest, survey_id: int) -> HttpResponse:
    survey = survey_get_for_office(request.user, survey_id)
    return _survey_step(
        request, survey, running.survey_close, _("The survey is closed: no answer is taken.")
    )
