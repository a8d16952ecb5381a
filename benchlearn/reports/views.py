"""Downloads: PDF reports of a unit and of an exchange group, and the comparison
pages' tables as .xlsx and .csv. Access as on the pages: the unit's or the group's
helper refuses (403) or does not find (404) before anything is read."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from benchlearn.accounts.access import (
    AuthenticatedHttpRequest,
    group_get_for_user,
    unit_get_for_user,
)
from benchlearn.reports import documents, exports
from benchlearn.results.pages import (
    Context,
    dashboard_for,
    domain_profile_for,
    efficiency_page_for,
    indicator_page_for,
)

PDF_TYPE = "application/pdf"


def _download(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def unit_report(request: AuthenticatedHttpRequest, teryt: str) -> HttpResponse:
    unit = unit_get_for_user(request.user, teryt)
    report = documents.unit_report_for(
        request.user, unit, choice=request.GET.get("group", ""), year=request.GET.get("year", "")
    )
    year = report.dashboard.context.year
    return _download(documents.unit_report_pdf(report), f"benchlearn-{teryt}-{year}.pdf", PDF_TYPE)


@login_required
@require_GET
def group_report(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    return _group_pdf(request, group_id, meeting_pack=False)


@login_required
@require_GET
def meeting_pack(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    return _group_pdf(request, group_id, meeting_pack=True)


def _group_pdf(
    request: AuthenticatedHttpRequest, group_id: int, *, meeting_pack: bool
) -> HttpResponse:
    group = group_get_for_user(request.user, group_id)
    report = documents.group_report_for(request.user, group, year=request.GET.get("year", ""))
    kind = "meeting-pack" if meeting_pack else "group"
    name = f"benchlearn-{kind}-{group.pk}-{slugify(group.name)}-{report.year}.pdf"
    return _download(documents.group_report_pdf(report, meeting_pack=meeting_pack), name, PDF_TYPE)


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
