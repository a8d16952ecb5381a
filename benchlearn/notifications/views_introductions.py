"""Asking to be introduced to a unit shown anonymised, and deciding on it.

The page that asks lists the comparison's other units by the letters the results pages
show; each choice carries an opaque reference (keyed with a server-side secret), so the
form never holds a unit's id and the letter is resolved on the server only.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from benchlearn.accounts.access import AuthenticatedHttpRequest, Perm, unit_get_for_user
from benchlearn.notifications.introductions import anonymised_members
from benchlearn.notifications.selectors import introduction_get_for_user, introductions_for
from benchlearn.notifications.services import (
    NotificationError,
    introduction_decide,
    introduction_request,
)
from benchlearn.results.pages import context_for
from benchlearn.units.models import Unit


class IntroductionForm(forms.Form):
    member = forms.ChoiceField(
        label=gettext_lazy("Which unit would you like to meet?"), widget=forms.RadioSelect
    )
    message = forms.CharField(
        label=gettext_lazy("What would you like to learn from them? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note for the record (optional; not sent to the units)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def introduction_new(request: AuthenticatedHttpRequest, teryt: str) -> HttpResponse:
    unit = unit_get_for_user(request.user, teryt, Perm.INTRODUCTION_REQUEST)
    query = request.POST if request.method == "POST" else request.GET
    context = context_for(
        request.user, unit, choice=query.get("group", ""), year=query.get("year", "")
    )
    indicator = context.indicators.get(query.get("indicator", ""))
    members = anonymised_members(context, indicator)
    # A link from "who to learn from" chooses the unit in advance (its reference).
    form = IntroductionForm(request.POST or None, initial={"member": request.GET.get("member")})
    member_field = form.fields["member"]
    assert isinstance(member_field, forms.ChoiceField)
    member_field.choices = [(ref, letter) for ref, (_pk, letter) in members.items()]
    if request.method == "POST" and form.is_valid():
        target_id, letter = members[form.cleaned_data["member"]]
        shown_as = _("%(letter)s in the comparison “%(group)s”") % {
            "letter": letter,
            "group": context.comparison.label,
        }
        if indicator is not None:
            shown_as += f" ({indicator.name}, {context.year})"
        try:
            asked = introduction_request(
                user=request.user,
                unit=unit,
                target=Unit.objects.get(pk=target_id),
                shown_as=shown_as,
                message=form.cleaned_data["message"],
            )
        except NotificationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "Your request is sent to the office and the group's moderator; you will be "
                    "told what they decide."
                ),
            )
            return redirect("introduction-detail", asked.pk)
    status = 400 if request.method == "POST" else 200
    page = {"ctx": context, "form": form, "has_members": bool(members), "info": indicator}
    return render(request, "notifications/introduction_new.html", page, status=status)


@login_required
@require_http_methods(["GET"])
def introduction_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "notifications/introduction_list.html", {"items": introductions_for(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def introduction_detail(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    view = introduction_get_for_user(request.user, request_id)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not view.decides:
            raise PermissionDenied(_("You do not have access to this page."))
        decision = request.POST.get("decision")
        if decision in ("accept", "decline") and form.is_valid():
            try:
                introduction_decide(
                    request=view.request,
                    user=request.user,
                    accept=decision == "accept",
                    note=form.cleaned_data["note"],
                )
            except NotificationError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _("The units are put in touch: both teams get each other's contacts.")
                    if decision == "accept"
                    else _("The request is declined; the person who asked is told politely."),
                )
            return redirect("introduction-detail", request_id)
    return render(request, "notifications/introduction_detail.html", {"view": view, "form": form})
