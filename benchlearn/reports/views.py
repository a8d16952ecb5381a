"""Downloads: PDF reports of a unit and of an exchange group, a meeting's pack and a
unit's improvement plan; the comparison pages' tables as .xlsx and .csv, and every plan
of a group as .xlsx. Access as on the pages: the unit's, the group's or the plan's
helper refuses (403) or does not find (404) before anything is read.

A PDF is made by a task (``pdf_tasks``): the link checks what was asked for, queues it
and leads to a page that follows the work and then gives the file."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from benchlearn.accounts.access import (
    AuthenticatedHttpRequest,
    group_get_for_user,
    unit_get_for_user,
)
from benchlearn.meetings.access import meeting_get_for_user
from benchlearn.plans.effects import plans_effects
from benchlearn.plans.selectors import plan_get_for_user, plans_of_group
from benchlearn.reports import documents, exports
from benchlearn.reports.models import Document, DocumentKind, DocumentState
from benchlearn.reports.pdf_tasks import document_request, document_stored
from benchlearn.reports.plans_export import plans_xlsx
from benchlearn.results.pages import (
    Context,
    dashboard_for,
    domain_profile_for,
    efficiency_page_for,
    indicator_page_for,
)
from benchlearn.surveys.office import survey_get_for_office, survey_unit_get

PDF_TYPE = "application/pdf"


def _download(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def unit_report(request: AuthenticatedHttpRequest, teryt: str) -> HttpResponse:
    unit = unit_get_for_user(request.user, teryt)
    choice, year = request.GET.get("group", ""), request.GET.get("year", "")
    documents.unit_report_for(request.user, unit, choice=choice, year=year)  # 404 if none
    document = document_request(
        user=request.user, kind=DocumentKind.UNIT, unit=unit, choice=choice, year=year
    )
    return _document_answer(document)


@login_required
@require_GET
def group_report(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    group = group_get_for_user(request.user, group_id)
    year = request.GET.get("year", "")
    documents.group_report_for(request.user, group, year=year)  # 404 when there is none
    document = document_request(user=request.user, kind=DocumentKind.GROUP, group=group, year=year)
    return _document_answer(document)


@login_required
@require_GET
def meeting_pack(request: AuthenticatedHttpRequest, group_id: int, number: int) -> HttpResponse:
    """The pack of one meeting: for those who read the group's meetings (its people,
    its moderator, the office), made with what the person may see."""
    meeting = meeting_get_for_user(request.user, group_id, number)
    document = document_request(
        user=request.user, kind=DocumentKind.MEETING, group=meeting.group, meeting=meeting
    )
    return _document_answer(document)


@login_required
@require_GET
def group_meeting_pack(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    """The group's pack for its next meeting (the last one once all are held)."""
    group = group_get_for_user(request.user, group_id)
    meeting = documents.meeting_pack.next_meeting(group)
    if meeting is None:
        raise Http404(_("The group %(group)s has no meetings planned yet.") % {"group": group.name})
    return redirect("meeting-pack-pdf", group.pk, meeting.number)


@login_required
@require_GET
def plan_report(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """A unit's improvement plan: for those who may read the plan page."""
    plan = plan_get_for_user(request.user, plan_id)
    document = document_request(
        user=request.user, kind=DocumentKind.PLAN, group=plan.group, plan=plan
    )
    return _document_answer(document)


@login_required
@require_GET
def group_plans_xlsx(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    """Every plan of the group the reader may read (as the group's plan list shows
    them), with its actions and their indicators measured."""
    group = group_get_for_user(request.user, group_id)
    plans = plans_of_group(request.user, group)
    prefetch_related_objects(plans, "actions")
    data = plans_xlsx(plans, plans_effects(request.user, group, plans))
    name = f"benchlearn-plans-{group.pk}-{slugify(group.name)}-{group.cycle_start}.xlsx"
    return _download(data, name, exports.XLSX_TYPE)


@login_required
@require_GET
def survey_letters(
    request: AuthenticatedHttpRequest, survey_id: int, teryt: str, batch: int
) -> HttpResponse:
    """A batch of codes as letters, one page per code: the office only."""
    survey = survey_get_for_office(request.user, survey_id)
    survey_unit = survey_unit_get(survey, teryt)
    if not survey.codes.filter(unit=survey_unit.unit, batch=batch).exists():
        raise Http404
    document = document_request(
        user=request.user,
        kind=DocumentKind.LETTERS,
        survey=survey,
        unit=survey_unit.unit,
        choice=str(batch),
    )
    return _document_answer(document)


@login_required
@require_GET
def survey_paper(request: AuthenticatedHttpRequest, survey_id: int, teryt: str) -> HttpResponse:
    """The survey's paper questionnaire for one of its units: the office only."""
    survey = survey_get_for_office(request.user, survey_id)
    survey_unit = survey_unit_get(survey, teryt)
    document = document_request(
        user=request.user, kind=DocumentKind.PAPER, survey=survey, unit=survey_unit.unit
    )
    return _document_answer(document)


def _document_answer(document: Document) -> HttpResponse:
    if document.state == DocumentState.DONE:  # made at once (an immediate task backend)
        return _document_file(document)
    return redirect("document", document.pk)


def _document_get_for_user(request: AuthenticatedHttpRequest, document_id: int) -> Document:
    """The person's own document; any other answers as one that does not exist."""
    document = Document.objects.filter(pk=document_id, requested_by=request.user).first()
    if document is None:
        raise Http404
    return document


@login_required
@require_GET
def document_detail(request: AuthenticatedHttpRequest, document_id: int) -> HttpResponse:
    document = _document_get_for_user(request, document_id)
    context = {"document": document}
    if request.headers.get("HX-Request") == "true":
        return render(request, "reports/partials/document_progress.html", context)
    return render(request, "reports/document.html", context)


@login_required
@require_GET
def document_file(request: AuthenticatedHttpRequest, document_id: int) -> HttpResponse:
    document = _document_get_for_user(request, document_id)
    if document.state != DocumentState.DONE:
        raise Http404
    return _document_file(document)


def _document_file(document: Document) -> HttpResponse:
    try:
        data = document_stored(document).read_bytes()
    except OSError:  # removed (kept a day)
        raise Http404 from None
    return _download(data, document.file_name, PDF_TYPE)


def _sheet_download(sheet: exports.Sheet, name: str, fmt: str) -> HttpResponse:
    writers: dict[str, tuple[Callable[[exports.Sheet], bytes], str]] = {
        "xlsx": (exports.to_xlsx, exports.XLSX_TYPE),
        "csv": (exports.to_csv, exports.CSV_TYPE),
    }
    write, content_type = writers[fmt]
    return _download(write(sheet), f"{name}.{fmt}", content_type)


def _chosen(request: AuthenticatedHttpRequest) -> dict[str, str]:
    """The comparison and year of the page the table comes from, from its query."""
    return {"choice": request.GET.get("group", ""), "year": request.GET.get("year", "")}


def _page_table(sheet: exports.Sheet, ctx: Context, fmt: str, *parts: str) -> HttpResponse:
    """The page's table as a file named after the unit, ``parts``, comparison and year."""
    name = "-".join(["benchlearn", ctx.unit.teryt, *parts, ctx.comparison.choice, str(ctx.year)])
    return _sheet_download(sheet, name, fmt)


@login_required
@require_GET
def dashboard_table(request: AuthenticatedHttpRequest, teryt: str, fmt: str) -> HttpResponse:
    unit = unit_get_for_user(request.user, teryt)
    page = dashboard_for(
        request.user,
        unit,
        **_chosen(request),
        domain=request.GET.get("domain", ""),
        category=request.GET.get("category", ""),
        sort=request.GET.get("sort", ""),
        scope=request.GET.get("scope", ""),
    )
    return _page_table(exports.dashboard_sheet(page), page.context, fmt)


@login_required
@require_GET
def indicator_table(
    request: AuthenticatedHttpRequest, teryt: str, indicator_code: str, fmt: str
) -> HttpResponse:
    unit = unit_get_for_user(request.user, teryt)
    page = indicator_page_for(
        request.user, unit, indicator_code, **_chosen(request), every_row=True
    )
    return _page_table(exports.indicator_sheet(page), page.context, fmt, page.indicator.code)


@login_required
@require_GET
def domain_table(
    request: AuthenticatedHttpRequest, teryt: str, domain_code: str, fmt: str
) -> HttpResponse:
    unit = unit_get_for_user(request.user, teryt)
    page = domain_profile_for(request.user, unit, domain_code, **_chosen(request))
    return _page_table(exports.domain_sheet(page), page.context, fmt, page.domain)


@login_required
@require_GET
def efficiency_table(
    request: AuthenticatedHttpRequest, teryt: str, model_code: str, fmt: str
) -> HttpResponse:
    unit = unit_get_for_user(request.user, teryt)
    page = efficiency_page_for(request.user, unit, model_code, **_chosen(request))
    sheet = exports.efficiency_sheet(page)
    return _page_table(sheet, page.context, fmt, slugify(page.model.code))
