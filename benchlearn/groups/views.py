from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from benchlearn.accounts.access import AuthenticatedHttpRequest, group_get_for_user
from benchlearn.groups.selectors import group_list_for, group_page_for
from benchlearn.results.selectors import group_results_for


@login_required
def group_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "groups/group_list.html", {"groups": group_list_for(request.user)})


@login_required
def group_detail(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    group = group_get_for_user(request.user, group_id)
    context = {
        "page": group_page_for(request.user, group),
        "results": group_results_for(request.user, group),
    }
    return render(request, "groups/group_detail.html", context)
