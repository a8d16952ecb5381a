"""Comparison pages of a unit: its dashboard and one indicator against a group.

The comparison (``group``) and the year (``year``) are in the query string, so every
view can be bookmarked and shared; an unknown one gives a 404 page that says so.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from benchlearn.accounts.access import (
    AuthenticatedHttpRequest,
    Perm,
    may,
    require,
    unit_get_for_user,
)
from benchlearn.delivery.selectors import unit_deliveries
from benchlearn.results.forms import EfficiencyModelForm, efficiency_models_listed
from benchlearn.results.models import Computation, EfficiencyModel
from benchlearn.results.pages import (
    SORTS,
    dashboard_for,
    domain_profile_for,
    efficiency_page_for,
    indicator_page_for,
)
from benchlearn.results.publication import (
    PublicationError,
    computation_publish,
    computation_unpublish,
    publication_history,
    published_computation,
)
from benchlearn.results.selectors import computation_latest, current_computation
from benchlearn.results.services import (
    EfficiencyModelError,
    computation_request,
    efficiency_model_delete,
    efficiency_model_save,
)


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest, teryt: str) -> HttpResponse:
    unit = unit_get_for_user(request.user, teryt)
    page = dashboard_for(
        request.user,
        unit,
        choice=request.GET.get("group", ""),
        year=request.GET.get("year", ""),
        domain=request.GET.get("domain", ""),
        category=request.GET.get("category", ""),
        sort=request.GET.get("sort", ""),
        scope=request.GET.get("scope", ""),
    )
    # How the unit delivers the services of the domains shown, in the year shown.
    delivery = unit_deliveries(
        unit, page.context.year, domain_codes=[code for code, _name in page.domains]
    )
    context = {
        "page": page,
        "sorts": SORTS,
        "delivery": delivery,
        "may_record_delivery": may(request.user, Perm.DELIVERY_EDIT, unit),
    }
    return render(request, "results/dashboard.html", context)


@login_required
@require_GET
def indicator(request: AuthenticatedHttpRequest, teryt: str, indicator_code: str) -> HttpResponse:
    unit = unit_get_for_user(request.user, teryt)
    page = indicator_page_for(
        request.user,
        unit,
        indicator_code,
        choice=request.GET.get("group", ""),
        year=request.GET.get("year", ""),
    )
    return render(request, "results/indicator.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def computations(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The operator's page: what the pages show now, the run in progress, and a button
    to compute everything again (a background task; the page follows its progress)."""
    require(request.user, Perm.COLLECTION_MANAGE)
    if request.method == "POST":
        computation_request(user=request.user, reason=_("asked for on the results page"))
        messages.success(request, _("The computation is queued; this page shows its progress."))
        return redirect("computations")
    context: dict[str, object] = {
        "current": current_computation(),
        "latest": computation_latest(),
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "results/partials/progress.html", context)
    context["published"] = published_computation()
    context["publications"] = publication_history()
    return render(request, "results/computations.html", context)


def _computation_or_404(computation_id: int) -> Computation:
    computation = Computation.objects.filter(pk=computation_id).first()
    if computation is None:
        raise Http404(_("There is no computation number %(id)s.") % {"id": computation_id})
    return computation


@login_required
@require_POST
def computation_publish_view(
    request: AuthenticatedHttpRequest, computation_id: int
) -> HttpResponse:
    """The office publishes a finished computation on the public portal."""
    require(request.user, Perm.COLLECTION_MANAGE)
    try:
        computation_publish(computation=_computation_or_404(computation_id), by=request.user)
    except PublicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The results are published on the public portal."))
    return redirect("computations")


@login_required
@require_POST
def computation_unpublish_view(
    request: AuthenticatedHttpRequest, computation_id: int
) -> HttpResponse:
    """The office withdraws the published computation: the portal shows no results."""
    require(request.user, Perm.COLLECTION_MANAGE)
    try:
        computation_unpublish(
            computation=_computation_or_404(computation_id),
            by=request.user,
            note=request.POST.get("note", ""),
        )
    except PublicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The results are withdrawn from the public portal."))
    return redirect("computations")


@login_required
@require_GET
def domain_profile(request: AuthenticatedHttpRequest, teryt: str, domain_code: str) -> HttpResponse:
    unit = unit_get_for_user(request.user, teryt)
    page = domain_profile_for(
        request.user,
        unit,
        domain_code,
        choice=request.GET.get("group", ""),
        year=request.GET.get("year", ""),
    )
    return render(request, "results/domain.html", {"page": page})


@login_required
@require_GET
def efficiency(request: AuthenticatedHttpRequest, teryt: str, model_code: str) -> HttpResponse:
    unit = unit_get_for_user(request.user, teryt)
    page = efficiency_page_for(
        request.user,
        unit,
        model_code,
        choice=request.GET.get("group", ""),
        year=request.GET.get("year", ""),
    )
    return render(request, "results/efficiency.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def efficiency_models(request: AuthenticatedHttpRequest, model_code: str = "") -> HttpResponse:
    """The operator's DEA models: the list, and a form for a new or an existing one."""
    require(request.user, Perm.COLLECTION_MANAGE)
    model = _model_or_404(model_code) if model_code else None
    form = EfficiencyModelForm(request.POST or None, model=model)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = efficiency_model_save(
                user=request.user,
                name_pl=data["name_pl"],
                name_en=data["name_en"],
                domain_code=data["domain"],
                inputs=data["inputs"],
                outputs=data["outputs"],
                rts=data["rts"],
                orientation=data["orientation"],
                reference=data["reference"],
                model=model,
            )
        except EfficiencyModelError as error:
            for problem in error.problems:
                form.add_error(None, problem)
        else:
            messages.success(
                request,
                _("Model “%(name)s” saved; it is scored at the next computation.")
                % {"name": saved.name_pl},
            )
            return redirect("efficiency-models")
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "model": model,
        "models": efficiency_models_listed(get_language() or "pl"),
    }
    return render(request, "results/efficiency_models.html", context, status=status)


@login_required
@require_POST
def efficiency_model_remove(request: AuthenticatedHttpRequest, model_code: str) -> HttpResponse:
    require(request.user, Perm.COLLECTION_MANAGE)
    model = _model_or_404(model_code)
    efficiency_model_delete(user=request.user, model=model)
    messages.success(request, _("Model “%(name)s” deleted.") % {"name": model.name_pl})
    return redirect("efficiency-models")


def _model_or_404(code: str) -> EfficiencyModel:
    model = EfficiencyModel.objects.filter(code=code).first()
    if model is None:
        raise Http404(_("There is no efficiency model %(code)s.") % {"code": code[:64]})
    return model
