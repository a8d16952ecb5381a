"""The moderator's workspace of a group (its moderator and the office)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from benchlearn.accounts.access import AuthenticatedHttpRequest
from benchlearn.groups.workspace import workspace_for, workspace_group_get


@login_required
def group_workspace(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    group = workspace_group_get(request.user, group_id)
    return render(request, "groups/workspace.html", {"ws": workspace_for(request.user, group)})
