"""The portal's pages of good practices, without an account: the practices published
to everyone, searched with facets, and each of them with its evidence and files. Any
other practice (a draft, one in review, one published to the members) answers 404."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from benchlearn.practices.evidence import practice_evidence
from benchlearn.practices.models import Practice
from benchlearn.practices.selectors import practices_public
from benchlearn.practices.views import attachment_of, file_response, searched
from benchlearn.public.views import PUBLIC_MAX_AGE


def public_practice_get(practice_id: int) -> Practice:
    practice = practices_public().filter(pk=practice_id).first()
    if practice is None:
        raise Http404(_("There is no published good practice number %(id)s.") % {"id": practice_id})
    return practice


@require_GET
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def public_practice_list(request: HttpRequest) -> HttpResponse:
    form, page = searched(request, practices_public())
    context = {
        "form": form,
        "page": page,
        "detail_url": "portal-practice-detail",
        "list_url": "portal-practice-list",
    }
    return render(request, "practices/public_list.html", context)


@require_GET
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def public_practice_detail(request: HttpRequest, practice_id: int) -> HttpResponse:
    practice = public_practice_get(practice_id)
    context = {
        "practice": practice,
        "evidence": practice_evidence(request.user, practice, public=True),
        "attachments": practice.attachments.all(),
        "file_url": "portal-practice-file",
    }
    return render(request, "practices/public_detail.html", context)


@require_GET
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def public_practice_file(
    request: HttpRequest, practice_id: int, practice_file_id: int
) -> FileResponse:
    return file_response(attachment_of(public_practice_get(practice_id), practice_file_id))
