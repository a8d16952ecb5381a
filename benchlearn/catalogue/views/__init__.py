from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from benchlearn.accounts.access import AuthenticatedHttpRequest, Perm, may, require
from benchlearn.catalogue import selectors
from benchlearn.catalogue.forms import (
    DomainForm,
    ImportForm,
    IndicatorForm,
    IndicatorSetForm,
    SetMembersForm,
    VariableForm,
)
from benchlearn.catalogue.models import Category, IndicatorSet, IndicatorVersion
from benchlearn.catalogue.services import (
    CatalogueProblems,
    StaleEdit,
    catalogue_export,
    catalogue_import,
    catalogue_publish,
    domain_create,
    domain_update,
    indicator_create,
    indicator_set_create,
    indicator_set_members_change,
    indicator_set_update,
    indicator_update,
    variable_create,
    variable_update,
)
from benchlearn.catalogue.views.editing import edit_initial, form_page, problems_into
from benchlearn.engine.catalogue import bdl_sources
from benchlearn.units.selectors import context_values_sample


def _index_context(request: AuthenticatedHttpRequest) -> dict[str, object]:
    filters = {key: request.GET.get(key, "").strip() for key in ("domain", "category", "q")}
    return {
        "page": selectors.catalogue_page_for(request.user, **filters),
        "changelog": selectors.changelog_page(),
        "filters": filters,
        "categories": Category.choices,
        "import_form": ImportForm(),
    }


@login_required
def catalogue_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "catalogue/index.html", _index_context(request))


@login_required
@require_GET
def catalogue_export_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Perm.CATALOGUE_VIEW)
    set_code = request.GET.get("set") or None
    if set_code:
        selectors.indicator_set_get_for_user(request.user, set_code)
    response = HttpResponse(
        catalogue_export(set_code=set_code), content_type="application/yaml; charset=utf-8"
    )
    name = f"catalogue-{set_code}.yaml" if set_code else "catalogue.yaml"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def catalogue_import_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Perm.CATALOGUE_EDIT)
    form = ImportForm(request.POST, request.FILES)
    problems: list[str] = []
    if form.is_valid():
        try:
            text = form.cleaned_data["file"].read().decode("utf-8")
        except UnicodeDecodeError:
            problems = [_("The file is not UTF-8 text.")]
        else:
            try:
                summary = catalogue_import(
                    text=text, user=request.user, dry_run=form.cleaned_data["dry_run"]
                )
            except CatalogueProblems as error:
                problems = error.problems
            else:
                done = _("Checked, nothing changed") if summary.dry_run else _("Imported")
                messages.success(request, f"{done}: " + "; ".join(summary.lines()))
                return redirect("catalogue-index")
    context = _index_context(request) | {"import_form": form, "import_problems": problems}
    return render(request, "catalogue/index.html", context, status=400)


@login_required
@require_POST
def catalogue_publish_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Perm.CATALOGUE_EDIT)
    summary = catalogue_publish(user=request.user)
    if summary.indicators or summary.sets:
        messages.success(
            request,
            _("Published: %(items)s.") % {"items": ", ".join(summary.indicators + summary.sets)},
        )
    else:
        messages.info(request, _("Nothing to publish: every current version is published."))
    return redirect("catalogue-index")


@login_required
@require_GET
def formula_check_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Perm.CATALOGUE_EDIT)
    try:
        decimals = int(request.GET.get("decimals") or 2)
    except ValueError:
        decimals = 2
    check = selectors.formula_check(
        request.user,
        code=request.GET.get("code", "").strip(),
        formula=request.GET.get("formula", ""),
        numerator=request.GET.get("numerator", ""),
        denominator=request.GET.get("denominator", ""),
        decimals=decimals,
        real_values=context_values_sample,
    )
    return render(request, "catalogue/partials/formula_check.html", {"check": check})


@login_required
def indicator_detail(request: AuthenticatedHttpRequest, indicator_code: str) -> HttpResponse:
    indicator = selectors.indicator_get_for_user(request.user, indicator_code)
    number = request.GET.get("version")
    page = selectors.indicator_page_for(
        request.user, indicator, int(number) if number and number.isdigit() else None
    )
    return render(request, "catalogue/indicator_detail.html", {"page": page})


def _check_for(request: AuthenticatedHttpRequest, form: IndicatorForm) -> object:
    data = form.data
    return selectors.formula_check(
        request.user,
        code=str(data.get("code") or form.initial.get("code") or ""),
        formula=str(data.get("formula", "")),
        numerator=str(data.get("numerator", "")),
        denominator=str(data.get("denominator", "")),
        real_values=context_values_sample,
    )


@login_required
def indicator_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Perm.CATALOGUE_EDIT)
    form = IndicatorForm(request.POST or None)
    check = _check_for(request, form) if request.method == "POST" else None
    return form_page(
        request,
        form,
        template="catalogue/indicator_form.html",
        save=lambda: indicator_create(
            user=request.user,
            code=form.cleaned_data["code"],
            domain=form.cleaned_data["domain"],
            **form.version_fields(),
        ),
        message=_("Indicator created (unpublished version 1)."),
        then=lambda version: redirect("indicator-detail", version.indicator.code),
        context={"form": form, "check": check, "creating": True},
    )


@login_required
def indicator_edit(request: AuthenticatedHttpRequest, indicator_code: str) -> HttpResponse:
    indicator = selectors.indicator_get_for_user(request.user, indicator_code, Perm.CATALOGUE_EDIT)
    current = selectors.current_version(indicator)
    initial = edit_initial(IndicatorForm, current, owner=indicator, base_number=current.number)
    form = IndicatorForm(request.POST or None, initial=initial, editing=True)
    context: dict[str, object] = {"form": form, "indicator": indicator, "current": current}
    if request.method == "POST":
        context["check"] = _check_for(request, form)

    def saved_message(version: IndicatorVersion) -> str:
        if version.pk == current.pk:
            return _("Saved.")
        return _("Saved as new version %(number)s (unpublished): the published one stays.") % {
            "number": version.number
        }

    return form_page(
        request,
        form,
        template="catalogue/indicator_form.html",
        save=lambda: indicator_update(
            indicator=indicator,
            user=request.user,
            base_number=form.cleaned_data["base_number"],
            base_token=form.cleaned_data["base_token"] or "",
            domain=form.cleaned_data["domain"],
            **form.version_fields(),
        ),
        message=saved_message,
        then=lambda _version: redirect("indicator-detail", indicator.code),
        context=context,
    )


@login_required
def variable_detail(request: AuthenticatedHttpRequest, variable_code: str) -> HttpResponse:
    variable = selectors.variable_get_for_user(request.user, variable_code)
    context = {
        "variable": variable,
        "used_by": selectors.indicators_using(variable.code),
        "rules": selectors.rules_for_variables([variable.code]),
        "history": selectors.variable_history(variable),
        "can_edit": may(request.user, Perm.CATALOGUE_EDIT),
        "bdl": _bdl_levels(variable.bdl),
    }
    return render(request, "catalogue/variable_detail.html", context)


def _bdl_levels(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """A variable's BDL source as (the units it is published for, BDL variable ids)."""
    names = {
        6: _("gminas and cities with county rights"),
        5: _("counties"),
        2: _("voivodeships"),
    }
    return [(names[level], ids) for level, ids in bdl_sources(text).items()]


@login_required
def variable_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Perm.CATALOGUE_EDIT)
    form = VariableForm(request.POST or None)
    return form_page(
        request,
        form,
        template="catalogue/variable_form.html",
        save=lambda: variable_create(
            user=request.user,
            code=form.cleaned_data["code"],
            domain=form.cleaned_data["domain"],
            **form.variable_fields(),
        ),
        message=_("Variable created."),
        then=lambda variable: redirect("variable-detail", variable.code),
        context={"form": form, "creating": True},
    )


@login_required
def variable_edit(request: AuthenticatedHttpRequest, variable_code: str) -> HttpResponse:
    variable = selectors.variable_get_for_user(request.user, variable_code, Perm.CATALOGUE_EDIT)
    initial = edit_initial(VariableForm, variable)
    form = VariableForm(request.POST or None, initial=initial, editing=True)
    return form_page(
        request,
        form,
        template="catalogue/variable_form.html",
        save=lambda: variable_update(
            variable=variable,
            user=request.user,
            base_token=form.cleaned_data["base_token"] or "",
            domain=form.cleaned_data["domain"],
            **form.variable_fields(),
        ),
        message=_("Saved."),
        then=lambda _saved: redirect("variable-detail", variable.code),
        context={"form": form, "variable": variable},
    )


@login_required
def set_detail(request: AuthenticatedHttpRequest, set_code: str) -> HttpResponse:
    indicator_set = selectors.indicator_set_get_for_user(request.user, set_code)
    return render(
        request,
        "catalogue/set_detail.html",
        {"page": selectors.set_page_for(request.user, indicator_set)},
    )


@login_required
def indicator_set_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Perm.CATALOGUE_EDIT)
    form = IndicatorSetForm(request.POST or None, initial={"domain": request.GET.get("domain", "")})
    return form_page(
        request,
        form,
        template="catalogue/set_form.html",
        save=lambda: indicator_set_create(
            user=request.user,
            code=form.cleaned_data["code"],
            domain=form.cleaned_data["domain"],
            **form.set_fields(),
        ),
        message=_("Indicator set created: now add its indicators."),
        then=lambda indicator_set: redirect("indicator-set-edit", indicator_set.code),
        context={"form": form, "creating": True},
    )


def _set_form_context(
    request: AuthenticatedHttpRequest,
    indicator_set: IndicatorSet,
    form: IndicatorSetForm | None = None,
    members_form: SetMembersForm | None = None,
) -> dict[str, object]:
    """The edit page of a set: its texts' form and its membership's form, both opened
    on the same state of the set (one edit token)."""
    initial = edit_initial(IndicatorSetForm, indicator_set, skip=["domain"])
    page = selectors.set_page_for(request.user, indicator_set)
    current = [v.indicator.code for v in page.indicators]
    return {
        "indicator_set": indicator_set,
        "page": page,
        "stale_url": reverse("indicator-set-edit", args=[indicator_set.code]),
        "form": form or IndicatorSetForm(initial=initial, editing=True),
        "members_form": members_form
        or SetMembersForm(initial={"base_token": initial["base_token"]}, current=current),
    }


@login_required
def indicator_set_edit(request: AuthenticatedHttpRequest, set_code: str) -> HttpResponse:
    indicator_set = selectors.indicator_set_get_for_user(
        request.user, set_code, Perm.CATALOGUE_EDIT
    )
    # Posted, the texts' form as sent; else both forms opened on the set as it is.
    form = IndicatorSetForm(
        request.POST or None, initial={"code": indicator_set.code}, editing=True
    )
    return form_page(
        request,
        form,
        template="catalogue/set_form.html",
        save=lambda: indicator_set_update(
            indicator_set=indicator_set,
            user=request.user,
            base_token=form.cleaned_data["base_token"] or "",
            domain=form.cleaned_data["domain"],
            **form.set_fields(),
        ),
        message=_("Saved."),
        then=lambda _saved: redirect("indicator-set-detail", indicator_set.code),
        context=lambda: _set_form_context(request, indicator_set, form if form.is_bound else None),
    )


@login_required
@require_POST
def indicator_set_members(request: AuthenticatedHttpRequest, set_code: str) -> HttpResponse:
    indicator_set = selectors.indicator_set_get_for_user(
        request.user, set_code, Perm.CATALOGUE_EDIT
    )
    current = selectors.set_indicator_codes(indicator_set)
    members_form = SetMembersForm(request.POST, current=current)
    if members_form.is_valid():
        try:
            indicator_set_members_change(
                indicator_set=indicator_set,
                user=request.user,
                base_token=members_form.cleaned_data["base_token"] or "",
                codes=members_form.new_codes(),
            )
        except StaleEdit as stale:
            context = _set_form_context(request, indicator_set) | {"stale": stale.edits}
            return render(request, "catalogue/set_form.html", context, status=409)
        except CatalogueProblems as error:
            problems_into(members_form, error.problems)
        else:
            messages.success(
                request, _("Membership saved; it is published with the next catalogue publish.")
            )
            return redirect("indicator-set-edit", indicator_set.code)
    context = _set_form_context(request, indicator_set, members_form=members_form)
    return render(request, "catalogue/set_form.html", context, status=400)


@login_required
def domain_detail(request: AuthenticatedHttpRequest, domain_code: str) -> HttpResponse:
    domain = selectors.domain_get_for_user(request.user, domain_code)
    page = selectors.domain_page_for(request.user, domain)
    return render(request, "catalogue/domain_detail.html", {"page": page})


@login_required
def domain_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Perm.CATALOGUE_EDIT)
    form = DomainForm(request.POST or None)
    return form_page(
        request,
        form,
        template="catalogue/domain_form.html",
        save=lambda: domain_create(
            user=request.user, code=form.cleaned_data["code"], **form.domain_fields()
        ),
        message=_("Domain created."),
        then=lambda domain: redirect("domain-detail", domain.code),
        context={"form": form, "creating": True},
    )


@login_required
def domain_edit(request: AuthenticatedHttpRequest, domain_code: str) -> HttpResponse:
    domain = selectors.domain_get_for_user(request.user, domain_code, Perm.CATALOGUE_EDIT)
    initial = edit_initial(DomainForm, domain)
    form = DomainForm(request.POST or None, initial=initial, editing=True)
    return form_page(
        request,
        form,
        template="catalogue/domain_form.html",
        save=lambda: domain_update(
            domain=domain,
            user=request.user,
            base_token=form.cleaned_data["base_token"] or "",
            **form.domain_fields(),
        ),
        message=_("Saved."),
        then=lambda _saved: redirect("domain-detail", domain.code),
        context={"form": form, "domain": domain},
    )
