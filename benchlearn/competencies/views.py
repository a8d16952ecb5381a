"""A person's competency pages: "My competencies" (the groups where they are assessed,
what the office will read, starting a self-assessment or a second view), the
assessment form, the profile with its chart, gaps, suggestions and development goals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benchlearn.accounts.access import AuthenticatedHttpRequest
from benchlearn.accounts.models import User
from benchlearn.competencies.access import is_superior_of, may_write_assessment, open_seats
from benchlearn.competencies.forms import (
    SAVE,
    SUBMIT,
    AssessmentForm,
    GoalForm,
    StartForm,
    assessment_initial,
    goal_initial,
)
from benchlearn.competencies.goals import goal_achieved, goal_set, goal_update
from benchlearn.competencies.models import Assessment, Competency, DevelopmentGoal, Role
from benchlearn.competencies.profile import profile_for
from benchlearn.competencies.selectors import (
    assessed_group_get,
    assessment_get_for_user,
    competency_name,
    form_rows,
    my_groups,
    scheme_for_goals,
    scheme_name,
    trainings_invited,
)
from benchlearn.competencies.services import (
    AssessmentStale,
    assessment_save,
    assessment_start,
    assessment_submit,
)
from benchlearn.groups.models import ExchangeGroup


def _problems(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {key: [str(m) for m in value] for key, value in error.message_dict.items()}
    return {"__all__": [str(m) for m in error.messages]}


@login_required
def competency_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "competencies/home.html",
        {"cards": my_groups(request.user), "invitations": trainings_invited(request.user)},
    )


@login_required
@require_POST
def competency_start(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    group = ExchangeGroup.objects.select_related("programme").filter(pk=group_id).first()
    form = StartForm(request.POST)
    if group is None:
        raise Http404(_("There is no such group."))
    if not form.is_valid():
        messages.error(request, _("Choose the start or the end of the cycle."))
        return redirect("competency-home")
    person_id = form.cleaned_data["person"]
    subject = None
    if person_id:
        if not is_superior_of(request.user, person_id, group):
            raise Http404(_("There is no such person in your unit."))
        subject = User.objects.get(pk=person_id)
    elif not open_seats(request.user.pk, group):
        raise Http404(_("You hold no seat in this group."))
    try:
        assessment = assessment_start(
            person=request.user,
            group=group,
            stage=form.cleaned_data["stage"],
            by=request.user,
            role=Role.SUPERIOR if subject else Role.SELF,
            subject=subject,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("competency-home")
    return redirect("competency-assessment", assessment_id=assessment.pk)


def _ratings_of(assessment: Assessment) -> dict[str, tuple[int, str]]:
    return {
        r.competency.code: (r.level, r.evidence)
        for r in assessment.ratings.select_related("competency")
    }


def _render_assessment(
    request: AuthenticatedHttpRequest, assessment: Assessment, form: AssessmentForm, status: int
) -> HttpResponse:
    return render(
        request,
        "competencies/assessment.html",
        {
            "assessment": assessment,
            "form": form,
            "writable": may_write_assessment(request.user, assessment),
            "scheme_name": scheme_name(assessment.scheme),
            "own": assessment.person_id == request.user.pk,
        },
        status=status,
    )


@login_required
def competency_assessment(request: AuthenticatedHttpRequest, assessment_id: int) -> HttpResponse:
    assessment = assessment_get_for_user(request.user, assessment_id)
    rows = form_rows(assessment)
    if request.method != "POST":
        form = AssessmentForm(
            rows, initial=assessment_initial(_ratings_of(assessment), assessment.revision)
        )
        return _render_assessment(request, assessment, form, 200)
    if not may_write_assessment(request.user, assessment):
        raise PermissionDenied(_("Only its assessor changes an assessment."))
    form = AssessmentForm(rows, request.POST)
    if not form.is_valid():
        return _render_assessment(request, assessment, form, 400)
    try:
        saved = assessment_save(
            assessment=assessment,
            by=request.user,
            ratings=form.ratings(),
            revision=form.cleaned_data["revision"],
        )
    except AssessmentStale as error:
        # Their input again, on the current revision: saving once more stores it.
        data = request.POST.copy()
        data["revision"] = str(Assessment.objects.get(pk=assessment.pk).revision)
        form = AssessmentForm(rows, data)
        form.is_valid()
        form.add_error(None, error.messages[0])
        return _render_assessment(request, assessment, form, 409)
    except ValidationError as error:
        form.add_service_errors(_problems(error))
        return _render_assessment(request, assessment, form, 400)
    if form.cleaned_data.get("action") == SUBMIT or request.POST.get(SUBMIT) is not None:
        try:
            saved = assessment_submit(assessment=saved, by=request.user)
        except ValidationError as error:
            messages.warning(
                request,
                _("Saved as a draft, not submitted: %(why)s") % {"why": " ".join(error.messages)},
            )
            return redirect("competency-assessment", assessment_id=saved.pk)
        messages.success(request, _("The assessment is submitted."))
        if saved.role == Role.SELF:
            return redirect("competency-profile", group_id=saved.group_id)
        return redirect("competency-home")
    messages.success(
        request,
        _("Saved.") if saved.is_submitted else _("Saved as a draft."),
    )
    return redirect("competency-assessment", assessment_id=saved.pk)


def _goal_choices(group: ExchangeGroup, person: User) -> list[tuple[str, str]]:
    scheme = scheme_for_goals(group, person)
    competencies = Competency.objects.filter(scheme=scheme).order_by("order", "code")
    return [(c.code, competency_name(c)) for c in competencies]


def _render_profile(
    request: AuthenticatedHttpRequest,
    group: ExchangeGroup,
    goal_form: GoalForm | None = None,
    failed_goal: tuple[int, GoalForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    profile = profile_for(request.user, group)
    choices = _goal_choices(group, request.user)
    names = dict(choices)
    goals = []
    for goal in profile.goals:
        form = GoalForm(choices, initial=goal_initial(goal), prefix=f"goal{goal.pk}")
        if failed_goal is not None and failed_goal[0] == goal.pk:
            form = failed_goal[1]
        goals.append((goal, names.get(goal.competency_code, goal.competency_code), form))
    return render(
        request,
        "competencies/profile.html",
        {
            "profile": profile,
            "group": group,
            "goals": goals,
            "goal_form": goal_form or GoalForm(choices),
            "scheme_name": scheme_name(profile.scheme) if profile.scheme else "",
        },
        status=status,
    )


@login_required
def competency_profile(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    group = assessed_group_get(request.user, group_id)
    return _render_profile(request, group)


@login_required
@require_POST
def competency_goal_add(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    group = assessed_group_get(request.user, group_id)
    form = GoalForm(_goal_choices(group, request.user), request.POST)
    if not form.is_valid():
        return _render_profile(request, group, goal_form=form, status=400)
    try:
        goal_set(
            person=request.user,
            group=group,
            by=request.user,
            competency_code=form.cleaned_data["competency_code"],
            text=form.cleaned_data["text"],
            due=form.cleaned_data["due"],
        )
    except ValidationError as error:
        form.add_service_errors(_problems(error))
        return _render_profile(request, group, goal_form=form, status=400)
    messages.success(request, _("The development goal is set."))
    return redirect("competency-profile", group_id=group.pk)


@login_required
@require_POST
def competency_goal_edit(request: AuthenticatedHttpRequest, goal_id: int) -> HttpResponse:
    goal = (
        DevelopmentGoal.objects.select_related("group__programme")
        .filter(pk=goal_id, person=request.user)
        .first()
    )
    if goal is None:
        raise Http404(_("There is no such goal."))
    group = goal.group
    action = request.POST.get("action", SAVE)
    prefix = f"goal{goal.pk}"
    form = GoalForm(_goal_choices(group, request.user), request.POST, prefix=prefix)
    revision_text = request.POST.get(f"{prefix}-revision", "")
    try:
        revision = int(revision_text)
    except ValueError:
        revision = -1
    try:
        if action in ("achieved", "reopen"):
            goal_achieved(
                goal=goal, by=request.user, revision=revision, achieved=action == "achieved"
            )
        elif not form.is_valid():
            return _render_profile(request, group, failed_goal=(goal.pk, form), status=400)
        else:
            goal_update(
                goal=goal,
                by=request.user,
                competency_code=form.cleaned_data["competency_code"],
                text=form.cleaned_data["text"],
                due=form.cleaned_data["due"],
                revision=revision,
            )
    except ValidationError as error:
        if action in ("achieved", "reopen"):
            for message in error.messages:
                messages.error(request, message)
            return redirect("competency-profile", group_id=group.pk)
        form.add_service_errors(_problems(error))
        return _render_profile(request, group, failed_goal=(goal.pk, form), status=400)
    messages.success(request, _("The development goal is saved."))
    return redirect("competency-profile", group_id=group.pk)
