from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benchlearn.accounts.access import (
    AuthenticatedHttpRequest,
    Perm,
    group_get_for_user,
    may,
    require,
)
from benchlearn.groups.models import ExchangeGroup, Programme
from benchlearn.groups.selectors import group_list_for, group_page_for
from benchlearn.groups.services import ProgrammeError, programme_create, programme_update
from benchlearn.results.selectors import group_results_for


@login_required
def group_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "groups": group_list_for(request.user),
        "can_manage_programmes": may(request.user, Perm.PROGRAMME_MANAGE),
    }
    return render(request, "groups/group_list.html", context)


@login_required
def group_detail(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    group = group_get_for_user(request.user, group_id)
    context = {
        "page": group_page_for(request.user, group),
        "results": group_results_for(request.user, group),
    }
    return render(request, "groups/group_detail.html", context)


class ProgrammeForm(forms.ModelForm[Programme]):
    groups = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Exchange groups of the programme"),
        queryset=ExchangeGroup.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Programme
        fields = ["name", "first_year", "last_year", "moderators_review", "anonymised_default"]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        first, last = data.get("first_year"), data.get("last_year")
        if isinstance(first, int) and isinstance(last, int) and last < first:
            self.add_error("last_year", _("The last year cannot come before the first."))
        return data


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
    """A new programme, or one's settings and groups: for operators."""
    require(request.user, Perm.PROGRAMME_MANAGE)
    programme = None
    if programme_id is not None:
        programme = Programme.objects.filter(pk=programme_id).first()
        if programme is None:
            raise Http404(_("There is no programme number %(id)s.") % {"id": programme_id})
    initial = {"groups": list(programme.groups.all())} if programme is not None else {}
    form = ProgrammeForm(request.POST or None, instance=programme, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            key: data[key]
            for key in (
                "name",
                "first_year",
                "last_year",
                "moderators_review",
                "anonymised_default",
            )
        }
        try:
            if programme is None:
                programme_create(**fields, groups=data["groups"])
            else:
                programme_update(programme=programme, **fields, groups=data["groups"])
        except ProgrammeError as error:
            form.add_error("last_year", str(error))
        else:
            messages.success(request, _("The programme is saved."))
            return redirect("programme-list")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "programme": programme}
    return render(request, "groups/programme_form.html", context, status=status)
