from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from benchlearn.accounts.access import AuthenticatedHttpRequest, unit_get_for_user
from benchlearn.collection.selectors import rounds_of_unit_for
from benchlearn.units.models import UnitKind
from benchlearn.units.selectors import (
    POPULATION_BANDS,
    VOIVODESHIPS,
    unit_ids_openable_by,
    unit_list_for,
    unit_page_for,
)

UNITS_PER_PAGE = 50
_FILTERS = ("q", "kind", "voivodeship", "population")


@login_required
def unit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = {name: request.GET.get(name, "").strip() for name in _FILTERS}
    units = unit_list_for(
        request.user,
        q=filters["q"],
        kind=filters["kind"],
        voivodeship=filters["voivodeship"],
        population=filters["population"],
    )
    page = Paginator(units, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "openable": unit_ids_openable_by(request.user, page.object_list),
        "kinds": UnitKind.choices,
        "voivodeships": VOIVODESHIPS,
        "bands": [(code, label) for code, label, _low, _high in POPULATION_BANDS],
    }
    return render(request, "units/unit_list.html", context)


@login_required
def unit_detail(request: AuthenticatedHttpRequest, teryt: str) -> HttpResponse:
    unit = unit_get_for_user(request.user, teryt)
    context = {
        "page": unit_page_for(request.user, unit),
        # The collection rounds the unit takes part in, as far as the user sees.
        "rounds": rounds_of_unit_for(request.user, unit),
    }
    return render(request, "units/unit_detail.html", context)
