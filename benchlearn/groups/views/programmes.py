"""Programmes and their settings: the association's office (operators) only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from benchlearn.accounts.access import AuthenticatedHttpRequest, Perm, require
from benchlearn.groups.forms import ProgrammeForm
from benchlearn.groups.models import Programme
from benchlearn.groups.selectors import programme_history
from benchlearn.groups.services import (
    ProgrammeError,
    StaleEdit,
    edit_token,
    programme_create,
    programme_update,
)

FIELDS = (
    "name",
    "associations",
    "first_year",
    "last_year",
    "moderators_review",
    "anonymised_default",
    "min_group_size",
    "public_names",
    "public_min_units",
    "public_max_share",
    "survey_min_responses",
    "competency_office_sees",
)


@login_required
def programme_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The programmes and their settings: for operators."""
    require(request.user, Perm.PROGRAMME_MANAGE)
    programmes = Programme.objects.prefetch_related("groups")
    return render(request, "groups/programme_list.html", {"programmes": programmes})


@login_required
def programme_edit(
    request: AuthenticatedHttpRequest, programme_id: int | None = None
) -> HttpResponse:
    """A new programme, or one's settings and groups, with its history: for operators."""
    require(request.user, Perm.PROGRAMME_MANAGE)
    programme = None
    if programme_id is not None:
        programme = Programme.objects.filter(pk=programme_id).first()
        if programme is None:
            raise Http404(_("There is no programme number %(id)s.") % {"id": programme_id})
    initial = (
        {
            "groups": list(programme.groups.all()),
            "base_token": edit_token(programme.updated_at),
        }
        if programme is not None
        else {}
    )
    form = ProgrammeForm(request.POST or None, instance=programme, initial=initial)
    context: dict[str, object] = {
        "form": form,
        "programme": programme,
        "history": programme_history(programme) if programme is not None else [],
        "stale": None,
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # A setting the form left out (an older form, a script) keeps its value.
        fields = {key: data[key] for key in FIELDS if data.get(key) is not None}
        try:
            if programme is None:
                programme_create(**fields, groups=data["groups"], by=request.user)
            else:
                programme_update(
                    programme=programme,
                    **fields,
                    groups=data["groups"],
                    by=request.user,
                    base_token=data["base_token"] or "",
                )
        except StaleEdit as stale:
            context["stale"] = stale.edits
            return render(request, "groups/programme_form.html", context, status=409)
        except ProgrammeError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The programme is saved."))
            return redirect("programme-list")
    status = 400 if request.method == "POST" else 200
    return render(request, "groups/programme_form.html", context, status=status)
