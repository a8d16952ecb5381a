"""The pages of improvement plans: a group's plans, a unit's plan (its diagnosis,
actions, the steps of its workflow, the moderator's comments) and its versions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benchlearn.accounts.access import (
    AuthenticatedHttpRequest,
    Perm,
    group_get_for_user,
    may,
    may_confirm_plan,
    may_edit_plan,
    may_review_plan,
    unit_get_for_user,
)
from benchlearn.plans.diagnosis import diagnosis_withheld
from benchlearn.plans.effects import plan_effects
from benchlearn.plans.forms import ActionForm, action_initial
from benchlearn.plans.models import Action, Plan, PlanState
from benchlearn.plans.selectors import (
    group_indicator_codes,
    indicator_names,
    plan_get_for_user,
    plan_versions,
    plans_of_group,
)
from benchlearn.plans.services import (
    PlanError,
    action_comment_add,
    action_delete,
    action_save,
    diagnosis_item_set,
    plan_adopt,
    plan_confirm,
    plan_privacy_set,
    plan_return,
    plan_send_back,
    plan_start,
    plan_submit,
)
from benchlearn.plans.views_progress import progress_context, progress_prefetch


def _to_plan(plan: Plan) -> HttpResponse:
    return redirect("plan-detail", plan_id=plan.pk)


@login_required
def plan_list(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    group = group_get_for_user(request.user, group_id)
    plans = plans_of_group(request.user, group)
    planned = {plan.unit_id for plan in plans}
    mine = [
        unit
        for unit in group.units.filter(memberships__user_id=request.user.pk).distinct()
        if unit.pk not in planned
    ]
    context = {
        "group": group,
        "plans": plans,
        "units_to_start": mine,
        "can_overview": may(request.user, Perm.GROUP_WORKSPACE, group),
    }
    return render(request, "plans/plan_list.html", context)


@login_required
@require_POST
def plan_start_view(request: AuthenticatedHttpRequest, group_id: int, teryt: str) -> HttpResponse:
    group = group_get_for_user(request.user, group_id)
    unit = unit_get_for_user(request.user, teryt)
    try:
        plan = plan_start(unit=unit, group=group, by=request.user)
    except PlanError as error:
        messages.error(request, str(error))
        return redirect("plan-list", group_id=group.pk)
    return _to_plan(plan)


@login_required
def plan_detail(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = plan_get_for_user(request.user, plan_id)
    actions = plan.actions.prefetch_related(
        "indicators", "comments__author", progress_prefetch()
    ).select_related("owner", "inspired_unit", "inspired_meeting")
    # Indicators by name as well as code: a mayor reads names.
    diagnosis = list(plan.diagnosis.all())
    targets = [target for action in actions for target in action.indicators.all()]
    codes = {i.indicator_code for i in diagnosis} | {t.indicator_code for t in targets}
    names = indicator_names(codes, get_language() or "pl")
    for item in diagnosis:
        item.indicator_name = names.get(item.indicator_code, "")  # type: ignore[attr-defined]
    for target in targets:
        target.indicator_name = names.get(target.indicator_code, "")  # type: ignore[attr-defined]
    team = may_edit_plan(request.user, plan)
    context = {
        "plan": plan,
        "diagnosis": diagnosis,
        "diagnosis_withheld": diagnosis_withheld(plan.group),
        "actions": actions,
        "can_edit": team and (plan.is_editable or plan.is_adopted),
        "can_submit": team and plan.is_editable,
        "can_confirm": may_confirm_plan(request.user, plan)
        and plan.state == PlanState.AWAITING_CONFIRMATION,
        "can_review": may_review_plan(request.user, plan) and plan.state == PlanState.IN_REVIEW,
        "can_set_privacy": team,
        # The unit's team (the same people) shares a completed action as a good practice.
        "can_share": team,
        "versions": plan_versions(plan),
        "effects": plan_effects(request.user, plan),
        **progress_context(request.user, plan, actions),
    }
    return render(request, "plans/plan_detail.html", context)


@login_required
@require_POST
def plan_diagnosis_item(
    request: AuthenticatedHttpRequest, plan_id: int, diagnosis_id: int
) -> HttpResponse:
    plan = plan_get_for_user(request.user, plan_id)
    item = plan.diagnosis.filter(pk=diagnosis_id).first()
    if item is None:
        raise Http404(_("The plan's diagnosis has no such indicator."))
    try:
        diagnosis_item_set(
            item=item,
            kept=request.POST.get("kept") == "1",
            comment=request.POST.get("comment", ""),
            reason=request.POST.get("reason", ""),
            by=request.user,
        )
    except PlanError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Saved."))
    return _to_plan(plan)


def _action_of(plan: Plan, action_id: int) -> Action:
    action = plan.actions.filter(pk=action_id).first()
    if action is None:
        raise Http404(_("The plan has no such action."))
    return action


@login_required
def plan_action_add(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    return _action_form(request, plan_get_for_user(request.user, plan_id), None)


@login_required
def plan_action_edit(
    request: AuthenticatedHttpRequest, plan_id: int, action_id: int
) -> HttpResponse:
    plan = plan_get_for_user(request.user, plan_id)
    return _action_form(request, plan, _action_of(plan, action_id))


def _action_form(
    request: AuthenticatedHttpRequest, plan: Plan, action: Action | None
) -> HttpResponse:
    if not may_edit_plan(request.user, plan):
        raise PermissionDenied(_("Only the unit's team changes its improvement plan."))
    codes = sorted(group_indicator_codes(plan.group))
    if request.method == "POST":
        form = ActionForm(request.POST, plan=plan, codes=codes)
        if form.is_valid():
            try:
                _saved, warnings = action_save(
                    plan=plan,
                    action=action,
                    data=form.action_input(),
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except PlanError as error:
                form.add_error(None, str(error))
            else:
                for warning in warnings:
                    messages.warning(request, warning)
                messages.success(request, _("Saved."))
                return _to_plan(plan)
    else:
        initial = action_initial(action) if action else {}
        form = ActionForm(initial=initial, plan=plan, codes=codes)
    context = {"plan": plan, "action": action, "form": form}
    return render(request, "plans/action_form.html", context)


@login_required
@require_POST
def plan_action_delete(
    request: AuthenticatedHttpRequest, plan_id: int, action_id: int
) -> HttpResponse:
    plan = plan_get_for_user(request.user, plan_id)
    try:
        action_delete(
            action=_action_of(plan, action_id),
            reason=request.POST.get("reason", ""),
            by=request.user,
        )
    except PlanError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Deleted."))
    return _to_plan(plan)


@login_required
@require_POST
def plan_action_comment(
    request: AuthenticatedHttpRequest, plan_id: int, action_id: int
) -> HttpResponse:
    plan = plan_get_for_user(request.user, plan_id)
    try:
        action_comment_add(
            action=_action_of(plan, action_id), text=request.POST.get("text", ""), by=request.user
        )
    except PlanError as error:
        messages.error(request, str(error))
    return _to_plan(plan)


@login_required
@require_POST
def plan_step(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """One step of the workflow, named by the button pressed."""
    plan = plan_get_for_user(request.user, plan_id)
    step = request.POST.get("step", "")
    comment = request.POST.get("comment", "")
    by = request.user
    try:
        match step:
            case "submit":
                plan_submit(plan=plan, by=by)
            case "confirm":
                plan_confirm(plan=plan, by=by)
            case "send_back":
                plan_send_back(plan=plan, by=by, comment=comment)
            case "return":
                plan_return(plan=plan, by=by, comment=comment)
            case "adopt":
                plan_adopt(plan=plan, by=by)
            case "private" | "public":
                plan_privacy_set(plan=plan, private=step == "private", by=by)
            case _:
                messages.error(request, _("Unknown step."))
                return _to_plan(plan)
    except PlanError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Done: the plan is %(state)s.") % {"state": plan.get_state_display()}
        )
    return _to_plan(plan)


@login_required
def plan_version_list(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = plan_get_for_user(request.user, plan_id)
    context = {"plan": plan, "versions": plan_versions(plan)}
    return render(request, "plans/version_list.html", context)


@login_required
def plan_version_detail(
    request: AuthenticatedHttpRequest, plan_id: int, version: int
) -> HttpResponse:
    plan = plan_get_for_user(request.user, plan_id)
    found = plan_versions(plan).filter(number=version).first()
    if found is None:
        raise Http404(_("The plan has no such version."))
    context = {"plan": plan, "version": found, "snapshot": found.snapshot}
    return render(request, "plans/version_detail.html", context)
