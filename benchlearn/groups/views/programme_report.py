"""The office's report of a programme: a page, and the same figures as .xlsx."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from benchlearn.accounts.access import AuthenticatedHttpRequest
from benchlearn.groups.programme_report import programme_report, programme_report_get
from benchlearn.groups.programme_xlsx import XLSX_TYPE, programme_report_xlsx


@login_required
def programme_report_view(request: AuthenticatedHttpRequest, programme_id: int) -> HttpResponse:
    report = programme_report(programme_report_get(request.user, programme_id))
    return render(request, "groups/programme_report.html", {"report": report})


@login_required
def programme_report_download(request: AuthenticatedHttpRequest, programme_id: int) -> HttpResponse:
    report = programme_report(programme_report_get(request.user, programme_id))
    response = HttpResponse(programme_report_xlsx(report), content_type=XLSX_TYPE)
    # The programme's number, not its name: a plain ASCII name every system keeps.
    name = f"programme-{report.programme.pk}-{report.today.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
