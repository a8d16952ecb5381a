"""The pages of exchange groups: the list, a group's page; programmes, a group's
settings and its seats in the modules beside this one."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from benchlearn.accounts.access import (
    AuthenticatedHttpRequest,
    Perm,
    group_get_for_user,
    may,
)
from benchlearn.groups.selectors import group_list_for, group_page_for
from benchlearn.meetings.selectors import meetings_of
from benchlearn.results.selectors import group_results_for


@login_required
def group_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "groups": group_list_for(request.user),
        "can_manage_programmes": may(request.user, Perm.PROGRAMME_MANAGE),
        "can_create_groups": may(request.user, Perm.GROUP_EDIT),
    }
    return render(request, "groups/group_list.html", context)


@login_required
def group_detail(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    group = group_get_for_user(request.user, group_id)
    context = {
        "page": group_page_for(request.user, group),
        "results": group_results_for(request.user, group),
        "can_edit": may(request.user, Perm.GROUP_EDIT, group),
        # The meeting pack is offered only once the group has meetings (a 404 before).
        "has_meetings": meetings_of(group).exists(),
    }
    return render(request, "groups/group_detail.html", context)
