"""A unit's organisational forms of delivery: every service in a year, and one service's
forms to edit with their history.

The year is in the query string (``?year=2024``) on both pages, so a page can be
bookmarked; an impossible year gives a 404 page that says so.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from benchlearn.accounts.access import AuthenticatedHttpRequest, Perm, may, unit_get_for_user
from benchlearn.delivery.forms import DeliveryFormsForm, note_field, share_field
from benchlearn.delivery.models import plain_share
from benchlearn.delivery.selectors import (
    DomainDelivery,
    delivery_before,
    delivery_history,
    delivery_of,
    delivery_years,
    domain_get,
    unit_deliveries,
)
from benchlearn.delivery.services import (
    FIRST_YEAR,
    DeliveryConflict,
    DeliveryError,
    ShareEntry,
    delivery_save,
)
from benchlearn.units.models import Unit


def _year(value: str, unit: Unit) -> int:
    """The year asked for (the newest offered when none), or Http404 saying why."""
    if not value:
        return delivery_years(unit)[-1]
    last = timezone.localdate().year + 1
    if not value.isdigit() or not FIRST_YEAR <= int(value) <= last:
        raise Http404(
            _("There is no year %(year)s here: choose one from %(first)s to %(last)s.")
            % {"year": value[:8], "first": FIRST_YEAR, "last": last}
        )
    return int(value)


@login_required
@require_GET
def unit_forms(request: AuthenticatedHttpRequest, teryt: str) -> HttpResponse:
    unit = unit_get_for_user(request.user, teryt)
    year = _year(request.GET.get("year", ""), unit)
    years = sorted({*delivery_years(unit), year})
    context = {
        "unit": unit,
        "year": year,
        "years": years,
        "rows": unit_deliveries(unit, year),
        "may_edit": may(request.user, Perm.DELIVERY_EDIT, unit),
    }
    return render(request, "delivery/unit_forms.html", context)


def _initial(shown: DomainDelivery, revision: int) -> dict[str, Any]:
    initial: dict[str, Any] = {"revision": revision}
    for share in shown.shares:
        initial[share_field(share.form)] = plain_share(share.share)
        initial[note_field(share.form)] = share.note
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, teryt: str, domain_code: str) -> HttpResponse:
    """One service's forms in a year: who may see the unit reads them and their history;
    who may record them (``Perm.DELIVERY_EDIT``) changes them."""
    unit = unit_get_for_user(request.user, teryt)
    domain = domain_get(domain_code)
    year = _year(request.GET.get("year", ""), unit)
    current = delivery_of(unit, domain, year)
    revision = current.delivery.revision if current.delivery else 0
    may_edit = may(request.user, Perm.DELIVERY_EDIT, unit)
    previous = None if current.shares else delivery_before(unit, domain, year)
    conflict = False
    if request.method == "POST":
        unit = unit_get_for_user(request.user, teryt, Perm.DELIVERY_EDIT)
        form = DeliveryFormsForm(request.POST)
        if form.is_valid():
            entries = [ShareEntry(code, share, note) for code, share, note in form.entries()]
            try:
                delivery_save(
                    unit=unit,
                    domain=domain,
                    period=year,
                    entries=entries,
                    user=request.user,
                    base_revision=form.cleaned_data["revision"],
                )
            except DeliveryConflict as error:
                conflict = True
                current = delivery_of(unit, domain, year)
                # What was typed stays on the page; saving it again replaces theirs.
                data: QueryDict = request.POST.copy()
                data["revision"] = str(error.delivery.revision)
                form = DeliveryFormsForm(data)
                form.is_valid()
                form.add_error(None, error.problems[0])
            except DeliveryError as error:
                for problem in error.problems:
                    form.add_error(None, problem)
            else:
                messages.success(
                    request,
                    _("The organisational forms of %(service)s in %(year)s are saved.")
                    % {"service": current.name, "year": year},
                )
                url = reverse("unit-delivery-edit", args=[unit.teryt, domain.code])
                return redirect(f"{url}?year={year}")
    else:
        form = DeliveryFormsForm(initial=_initial(previous or current, revision))
    context = {
        "unit": unit,
        "domain": current,
        "year": year,
        "form": form,
        "may_edit": may_edit,
        "previous": previous,
        "conflict": conflict,
        "history": delivery_history(current.delivery),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "delivery/edit.html", context, status=status)
