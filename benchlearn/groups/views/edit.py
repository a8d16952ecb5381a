"""Creating a group and editing its settings and members: the association's office."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from benchlearn.accounts.access import (
    AuthenticatedHttpRequest,
    Perm,
    group_get_for_user,
    require,
)
from benchlearn.groups.forms import GroupForm, units_found
from benchlearn.groups.models import ExchangeGroup
from benchlearn.groups.selectors import group_history
from benchlearn.groups.services import GroupError, StaleEdit, edit_token, group_create, group_edit
from benchlearn.units.models import Unit


def _initial(group: ExchangeGroup) -> dict[str, object]:
    return {
        "name": group.name,
        "domain": group.domain,
        "service": group.service,
        "programme": group.programme,
        "cycle_start": group.cycle_start,
        "moderator": group.moderator,
        "anonymised": group.anonymised,
        "units": list(group.units.all()),
        "base_token": edit_token(group.updated_at),
    }


@login_required
def group_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Perm.GROUP_EDIT)
    return _group_form(request, None)


@login_required
def group_edit_view(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    group = group_get_for_user(request.user, group_id, Perm.GROUP_EDIT)
    return _group_form(request, group)


def _group_form(request: AuthenticatedHttpRequest, group: ExchangeGroup | None) -> HttpResponse:
    form = GroupForm(request.POST or None, initial=_initial(group) if group else {})
    context: dict[str, object] = {
        "form": form,
        "group": group,
        "history": group_history(group) if group is not None else [],
        "stale": None,
    }
    if form.is_bound:
        context["chosen"] = _chosen_units(request.POST.getlist("units"))
    else:
        context["chosen"] = list(group.units.order_by("name")) if group else []
    if "find" in request.POST:
        # The member picker's search: the form comes back with the units found beside
        # the chosen ones (ticked to add them); nothing is saved.
        query = request.POST.get("unit_search", "")
        context["found"] = units_found(query, context["chosen"])  # type: ignore[arg-type]
        context["searched"] = query
        return render(request, "groups/group_form.html", context)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "name": data["name"],
            "service": data["service"],
            "domain": data["domain"],
            "programme": data["programme"],
            "cycle_start": data["cycle_start"],
            "moderator": data["moderator"],
            "anonymised": data["anonymised"],
            "units": list(data["units"]),
        }
        try:
            if group is None:
                group = group_create(**fields, by=request.user, via="page")
            else:
                group_edit(
                    group=group,
                    by=request.user,
                    base_token=data["base_token"] or "",
                    via="page",
                    **fields,
                )
        except StaleEdit as stale:
            context["stale"] = stale.edits
            return render(request, "groups/group_form.html", context, status=409)
        except GroupError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The group is saved."))
            return redirect("group-detail", group.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "groups/group_form.html", context, status=status)


def _chosen_units(ids: list[str]) -> list[Unit]:
    return list(Unit.objects.filter(pk__in=[i for i in ids if i.isdigit()]).order_by("name"))
