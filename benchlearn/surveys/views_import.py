"""The office's import of responses from a file: upload (LimeSurvey's CSV export or a
plain CSV), then a screen mapping the file's columns to the questionnaire's questions
and its answer codes to the questionnaire's codes, with a preview of the first rows;
checked (nothing stored) or imported, all or nothing, the problems listed by line and
column. Operators only."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from benchlearn.accounts.access import AuthenticatedHttpRequest
from benchlearn.surveys.imports import (
    CSV,
    FORMATS,
    LIMESURVEY,
    UNIT,
    ImportProblem,
    ImportRefused,
    Table,
    guess_mapping,
    mapping_from_pairs,
    max_bytes,
    read_table,
    responses_import,
)
from benchlearn.surveys.models import QuestionKind, Survey, SurveyMode
from benchlearn.surveys.office import survey_get_for_office

_KEY = re.compile(r"^[0-9a-f]{32}$")
# An upload whose mapping screen was left without importing is removed by the next
# upload once it is this old (a day: nobody maps a file for longer).
STALE_UPLOAD_SECONDS = 24 * 60 * 60


def _folder() -> Path:
    return Path(settings.COLLECTION_IMPORT_DIR) / "surveys"


def stale_uploads_remove(now: float | None = None) -> int:
    """Remove the uploaded files (and their names) kept longer than a day for a mapping
    screen that was never finished; how many files went."""
    limit = (now if now is not None else time.time()) - STALE_UPLOAD_SECONDS
    removed = 0
    folder = _folder()
    if not folder.is_dir():
        return 0
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another server removed it meanwhile
            continue
    return removed


def _stored(survey: Survey, key: str) -> tuple[Path, str, str]:
    """The uploaded file kept for the mapping screen: its path, name and format."""
    if not _KEY.match(key):
        raise Http404(_("There is no such uploaded file: upload it again."))
    for fmt in FORMATS:
        path = _folder() / f"{survey.pk}-{key}-{fmt}.csv"
        if path.exists():
            name_path = path.with_suffix(".name")
            name = name_path.read_text(encoding="utf-8") if name_path.exists() else path.name
            return path, name, fmt
    raise Http404(_("There is no such uploaded file: upload it again."))


def _upload_page(
    request: AuthenticatedHttpRequest,
    survey: Survey,
    problems: list[ImportProblem] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "survey": survey,
        "formats": [(CSV, _("plain CSV")), (LIMESURVEY, _("LimeSurvey (CSV export)"))],
        "problems": problems or [],
        "max_mb": max_bytes() // (1024 * 1024),
        "imports": survey.events.filter(kind="imported").select_related("by").order_by("-at"),
        "accepts": SurveyMode.IMPORT in survey.modes and survey.state != "closed",
    }
    return render(request, "surveys/import_upload.html", context, status=status)


@login_required
def import_upload(request: AuthenticatedHttpRequest, survey_id: int) -> HttpResponse:
    """Choose the file and its format; the file is read at once (refused clearly if it
    cannot be) and kept for the mapping screen."""
    survey = survey_get_for_office(request.user, survey_id)
    if request.method != "POST":
        return _upload_page(request, survey)
    upload = request.FILES.get("file")
    fmt = request.POST.get("format", CSV)
    if fmt not in FORMATS:
        fmt = CSV
    if upload is None:
        return _upload_page(request, survey, [ImportProblem(_("Choose a file."))], 400)
    if (upload.size or 0) > max_bytes():
        return _upload_page(
            request,
            survey,
            [
                ImportProblem(
                    _("The file is larger than %(mb)s MB: split it into smaller files.")
                    % {"mb": max_bytes() // (1024 * 1024)}
                )
            ],
            400,
        )
    data = upload.read()
    name = Path(upload.name or "import.csv").name[:200]
    try:
        read_table(data, name)
    except ImportRefused as refused:
        return _upload_page(request, survey, refused.problems, 400)
    stale_uploads_remove()
    key = uuid.uuid4().hex
    _folder().mkdir(parents=True, exist_ok=True)
    path = _folder() / f"{survey.pk}-{key}-{fmt}.csv"
    path.write_bytes(data)
    path.with_suffix(".name").write_text(name, encoding="utf-8")
    return redirect("survey-import-map", survey.pk, key)


def _choices(survey: Survey) -> list[tuple[str, str]]:
    questions = survey.questionnaire_version.questions.order_by("position", "pk")
    return [
        ("", _("— leave out —")),
        (UNIT, _("the unit (TERYT code)")),
        *[(question.code, f"{question.code}: {question.text_pl[:60]}") for question in questions],
    ]


@login_required
def import_map(request: AuthenticatedHttpRequest, survey_id: int, key: str) -> HttpResponse:
    """The mapping screen: a question for each column, the file's answer codes for
    each question, the unit when no column holds it; a preview of the first rows."""
    survey = survey_get_for_office(request.user, survey_id)
    path, name, fmt = _stored(survey, key)
    try:
        table: Table = read_table(path.read_bytes(), name)
    except ImportRefused as refused:  # the limit was lowered meanwhile
        return _upload_page(request, survey, refused.problems, 400)
    mapping = guess_mapping(table, survey, fmt)
    problems: list[ImportProblem] = []
    status = 200
    checked = None
    questions = list(survey.questionnaire_version.questions.order_by("position", "pk"))
    coded = [q for q in questions if q.kind not in (QuestionKind.TEXT, QuestionKind.NUMBER)]
    if request.method == "POST":
        columns = {
            heading: request.POST.get(f"col-{index}", "")
            for index, heading in enumerate(table.headings)
        }
        answers = {q.code: request.POST.get(f"ans-{q.code}", "")[:5000] for q in coded}
        mapping = mapping_from_pairs(columns, answers, request.POST.get("unit", "").strip())
        dry_run = "check" in request.POST
        try:
            result = responses_import(
                survey=survey,
                table=table,
                mapping=mapping,
                by=request.user,
                fmt=fmt,
                dry_run=dry_run,
            )
        except ImportRefused as refused:
            problems = refused.problems
            messages.error(request, refused.message)
            status = 400
        else:
            if dry_run:
                checked = result
            else:
                path.unlink(missing_ok=True)
                path.with_suffix(".name").unlink(missing_ok=True)
                messages.success(
                    request,
                    _("%(count)s responses imported from %(name)s.")
                    % {"count": result.count, "name": name},
                )
                return redirect("survey-detail", survey.pk)
    choices = _choices(survey)
    context = {
        "survey": survey,
        "name": name,
        "fmt": fmt,
        "columns": [
            {"index": index, "heading": heading, "target": mapping.columns.get(heading, "")}
            for index, heading in enumerate(table.headings)
        ],
        "choices": choices,
        "answers": [
            {
                "question": question,
                "text": "\n".join(
                    f"{left}={right}"
                    for left, right in mapping.answers.get(question.code, {}).items()
                ),
            }
            for question in coded
        ],
        "units": survey.survey_units.select_related("unit").order_by("unit__name"),
        "unit": mapping.unit,
        "headings": table.headings,
        "preview": table.rows[:5],
        "row_count": len(table.rows),
        "problems": problems,
        "checked": checked,
    }
    return render(request, "surveys/import_map.html", context, status=status)
