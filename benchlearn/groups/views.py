from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from benchlearn.accounts.access import group_get_for_user
from benchlearn.groups.selectors import group_list_for, group_page_for


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    return render(request, "groups/group_list.html", {"groups": group_list_for(request.user)})


@login_required
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    group = group_get_for_user(request.user, group_id)
    return render(
        request, "groups/group_detail.html", {"page": group_page_for(request.user, group)}
    )
