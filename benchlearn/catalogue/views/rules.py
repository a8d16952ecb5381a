"""The catalogue editor's validation rules: the list, create, edit and delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from benchlearn.accounts.access import AuthenticatedHttpRequest, Perm, may, require
from benchlearn.catalogue import selectors
from benchlearn.catalogue.forms import RuleForm
from benchlearn.catalogue.models import Variable
from benchlearn.catalogue.selectors.rule_check import TrialData, Values
from benchlearn.catalogue.services import (
    StaleEdit,
    edit_token,
    rule_create,
    rule_delete,
    rule_update,
)
from benchlearn.catalogue.views.editing import edit_initial, form_page
from benchlearn.collection.models import Submission, SubmissionState
from benchlearn.collection.selectors import values_frame
from benchlearn.units.models import Unit


@login_required
def rule_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Perm.CATALOGUE_VIEW)
    context = {
        "rules": selectors.rules_list(),
        "can_edit": may(request.user, Perm.CATALOGUE_EDIT),
    }
    return render(request, "catalogue/rule_list.html", context)


@login_required
def rule_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Perm.CATALOGUE_EDIT)
    form = RuleForm(request.POST or None)
    return form_page(
        request,
        form,
        template="catalogue/rule_form.html",
        save=lambda: rule_create(
            user=request.user,
            code=form.cleaned_data["code"],
            domain=form.cleaned_data["domain"],
            **form.rule_fields(),
        ),
        message=lambda rule: _("Validation rule %(code)s created.") % {"code": rule.code},
        then=lambda _rule: redirect("rule-list"),
        context={"form": form, "creating": True},
    )


@login_required
def rule_edit(request: AuthenticatedHttpRequest, rule_code: str) -> HttpResponse:
    rule = selectors.rule_get_for_user(request.user, rule_code, Perm.CATALOGUE_EDIT)
    initial = edit_initial(RuleForm, rule)
    form = RuleForm(request.POST or None, initial=initial, editing=True)
    return form_page(
        request,
        form,
        template="catalogue/rule_form.html",
        save=lambda: rule_update(
            rule=rule,
            user=request.user,
            base_token=form.cleaned_data["base_token"] or "",
            domain=form.cleaned_data["domain"],
            **form.rule_fields(),
        ),
        message=_("Validation rule %(code)s saved.") % {"code": rule.code},
        then=lambda _saved: redirect("rule-list"),
        context={
            "form": form,
            "rule": rule,
            "history": selectors.catalogue_history("rule", rule.code),
        },
    )


@login_required
def rule_delete_view(request: AuthenticatedHttpRequest, rule_code: str) -> HttpResponse:
    rule = selectors.rule_get_for_user(request.user, rule_code, Perm.CATALOGUE_EDIT)
    context: dict[str, object] = {"rule": rule, "base_token": edit_token(rule.updated_at)}
    if request.method != "POST":
        return render(request, "catalogue/rule_delete.html", context)
    try:
        rule_delete(rule=rule, user=request.user, base_token=request.POST.get("base_token") or "")
    except StaleEdit as stale:
        context["stale"] = stale.edits
        return render(request, "catalogue/rule_delete.html", context, status=409)
    messages.success(request, _("Validation rule %(code)s deleted.") % {"code": rule.code})
    return redirect("rule-list")


@login_required
@require_GET
def rule_check_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The rule form's live check (htmx): each side parsed, then the rule tried on the
    last approved data."""
    check = selectors.rule_check(
        request.user,
        left=request.GET.get("left", ""),
        operator=request.GET.get("operator", ""),
        right=request.GET.get("right", ""),
        upper=request.GET.get("upper", ""),
        data=approved_values,
    )
    return render(request, "catalogue/partials/rule_check.html", {"check": check})


def approved_values(codes: set[str]) -> TrialData | None:
    """The values of ``codes`` in the latest year with approved submissions, for each
    unit approved that year (by name), and the same units' values of the year before."""
    approved = Submission.objects.filter(state=SubmissionState.APPROVED)
    latest = approved.aggregate(latest=Max("round__period"))["latest"]
    variables = list(Variable.objects.filter(code__in=codes))
    if latest is None or not variables:
        return None
    units = list(
        Unit.objects.filter(
            pk__in=approved.filter(round__period=latest).values("unit_id")
        ).order_by("name")
    )
    frame = values_frame(periods=[latest - 1, latest], units=units, variables=variables)
    # Named as people know them ("Bolesławiec (rural gmina)"): two gminas share a name.
    names = {unit.teryt: str(unit) for unit in units}
    by_period: dict[int, dict[str, dict[str, float | None]]] = {latest - 1: {}, latest: {}}
    for teryt, period, code, value in frame.iter_rows():
        by_period[period].setdefault(names[teryt], {})[code] = value
    current: dict[str, Values] = {
        names[unit.teryt]: by_period[latest].get(names[unit.teryt], {}) for unit in units
    }
    return int(latest), current, dict(by_period[latest - 1])
