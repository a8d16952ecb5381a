"""The page of a round's indicators, as the newest computation stored them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from benchlearn.accounts.access import AuthenticatedHttpRequest, Perm, may
from benchlearn.collection.selectors import round_get_for_user
from benchlearn.results.round_table import round_results_table


@login_required
@require_GET
def round_results_view(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    round_ = round_get_for_user(request.user, round_id)
    context = {
        "round": round_,
        "table": round_results_table(request.user, round_),
        "can_manage": may(request.user, Perm.COLLECTION_MANAGE),
    }
    return render(request, "collection/round_results.html", context)
