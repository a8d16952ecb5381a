from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from benchlearn.accounts.access import AuthenticatedHttpRequest, unit_get_for_user
from benchlearn.units.selectors import unit_page_for


@login_required
def unit_detail(request: AuthenticatedHttpRequest, teryt: str) -> HttpResponse:
    unit = unit_get_for_user(request.user, teryt)
    return render(request, "units/unit_detail.html", {"page": unit_page_for(request.user, unit)})
