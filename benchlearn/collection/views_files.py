"""Pages of the Excel and CSV round trip: download a unit's template or the round
workbook, upload a filled file (small files at once, large ones in the background with
a progress bar), and the page of a background import."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET

from benchlearn.accounts.access import (
    AuthenticatedHttpRequest,
    Perm,
    may_follow_work,
    require,
)
from benchlearn.collection.files.export import round_csv, round_template, unit_template
from benchlearn.collection.files.importer import FileImport, import_file
from benchlearn.collection.files.jobs import (
    import_job_create,
    problem_rows,
    skipped_rows,
    upload_store,
)
from benchlearn.collection.files.safety import size_refusal
from benchlearn.collection.models import ImportJob, Round, ValueSource
from benchlearn.collection.selectors import round_get_for_user, submission_of_unit_get_for_user
from benchlearn.units.models import Unit

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled-in template (.xlsx) or CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        refusal = size_refusal(upload.size or 0)
        if refusal:
            raise forms.ValidationError(refusal)
        return upload


def _download(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def values_template(request: AuthenticatedHttpRequest, round_id: int, teryt: str) -> HttpResponse:
    submission = submission_of_unit_get_for_user(request.user, round_id, teryt)
    name = f"benchlearn-{round_id}-{teryt}.xlsx"
    return _download(unit_template(submission), name, XLSX_TYPE)


@login_required
@require_GET
def round_workbook(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    round_ = round_get_for_user(request.user, round_id)
    require(request.user, Perm.COLLECTION_MANAGE)
    return _download(round_template(round_), f"benchlearn-{round_id}.xlsx", XLSX_TYPE)


@login_required
@require_GET
def round_values_csv(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    round_ = round_get_for_user(request.user, round_id)
    require(request.user, Perm.COLLECTION_MANAGE)
    return _download(round_csv(round_), f"benchlearn-{round_id}.csv", "text/csv; charset=utf-8")


@login_required
def values_upload(request: AuthenticatedHttpRequest, round_id: int, teryt: str) -> HttpResponse:
    submission = submission_of_unit_get_for_user(
        request.user, round_id, teryt, Perm.SUBMISSION_EDIT
    )
    back = reverse("submission-form", args=[round_id, teryt])
    return _upload(request, submission.round, submission.unit, back)


@login_required
def round_upload(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    round_ = round_get_for_user(request.user, round_id)
    require(request.user, Perm.COLLECTION_MANAGE)
    return _upload(request, round_, None, reverse("round-detail", args=[round_id]))


def _upload(
    request: AuthenticatedHttpRequest, round_: Round, unit: Unit | None, back: str
) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    result: FileImport | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        path = upload_store(upload)
        name = Path(upload.name or "file").name
        if (upload.size or 0) > settings.COLLECTION_IMPORT_SYNC_BYTES:
            job = import_job_create(
                round_=round_, user=request.user, unit=unit, path=path, file_name=name
            )
            return redirect("import-job", job.pk)
        try:
            result = import_file(
                path=path,
                name=name,
                round_=round_,
                user=request.user,
                unit=unit,
                source=ValueSource.EXCEL,
            )
        finally:
            path.unlink(missing_ok=True)
        if result.ok:
            messages.success(request, _imported(result.changed))
            if result.skipped:
                messages.info(request, skipped_message(skipped_rows(result.skipped)))
            return redirect(back)
    context = {
        "form": form,
        "round": round_,
        "unit": unit,
        "back": back,
        "problems": problem_rows(result.problems) if result else [],
    }
    return render(request, "collection/files/upload.html", context, status=400 if result else 200)


def _imported(changed: int) -> str:
    if not changed:
        return _("The file was imported: it changed nothing (the values were already stored).")
    return ngettext(
        "The file was imported: %(count)d value changed.",
        "The file was imported: %(count)d values changed.",
        changed,
    ) % {"count": changed}


# Units named in the message of a file's skipped rows; the rest are counted.
SKIPPED_NAMED = 50


def skipped_message(rows: list[dict[str, str]]) -> str:
    """The locked units whose rows were skipped, named (the first SKIPPED_NAMED)."""
    named = ", ".join(
        f"{row['unit']} ({row['teryt']}, {row['state']})" for row in rows[:SKIPPED_NAMED]
    )
    more = len(rows) - SKIPPED_NAMED
    if more > 0:
        named += " " + ngettext("and %(count)d more", "and %(count)d more", more) % {"count": more}
    return ngettext(
        "Skipped, unchanged: the row of %(count)d unit whose data are locked: %(units)s.",
        "Skipped, unchanged: the rows of %(count)d units whose data are locked: %(units)s.",
        len(rows),
    ) % {"count": len(rows), "units": named}


def import_job_get_for_user(user: AnyUser, job_id: int) -> ImportJob:
    """The import job, for the person who uploaded the file and for operators; 404 for
    anyone else, as for an import that does not exist."""
    job = ImportJob.objects.filter(pk=job_id).select_related("round", "unit").first()
    if job is None or not may_follow_work(user, job.created_by_id):
        raise Http404(_("There is no import number %(id)s that you may open.") % {"id": job_id})
    return job


@login_required
@require_GET
def import_job_detail(request: AuthenticatedHttpRequest, job_id: int) -> HttpResponse:
    job = import_job_get_for_user(request.user, job_id)
    if job.unit is not None:
        back = reverse("submission-form", args=[job.round_id, job.unit.teryt])
    else:
        back = reverse("round-detail", args=[job.round_id])
    context = {
        "job": job,
        "back": back,
        "message": _imported(job.changed),
        "skipped": skipped_message(job.skipped) if job.skipped else "",
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "collection/files/partials/job_progress.html", context)
    return render(request, "collection/files/job.html", context)
