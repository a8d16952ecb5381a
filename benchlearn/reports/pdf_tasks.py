"""PDF reports made by a task: the download link asks (``document_request``), a worker
makes the file (``document_task``), and the page it leads to follows the work and then
gives the file, to the person who asked only. Made with what that person may see, the
same as the pages; kept for a day."""

from __future__ import annotations

import datetime
import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_tasks import task

from benchlearn.accounts.access import group_get_for_user, unit_get_for_user
from benchlearn.accounts.models import User
from benchlearn.background.queue import enqueue, on_abandoned
from benchlearn.groups.models import ExchangeGroup
from benchlearn.meetings.access import meeting_get_for_user
from benchlearn.meetings.models import Meeting
from benchlearn.plans.models import Plan
from benchlearn.plans.selectors import plan_get_for_user
from benchlearn.reports import documents
from benchlearn.reports.models import Document, DocumentKind, DocumentState
from benchlearn.surveys.models import Survey
from benchlearn.surveys.office import survey_get_for_office, survey_unit_get
from benchlearn.surveys.results_pages import survey_get_for_results, survey_unit_for_results
from benchlearn.units.models import Unit

logger = logging.getLogger(__name__)

KEPT = datetime.timedelta(days=1)


def document_request(
    *,
    user: User,
    kind: DocumentKind,
    unit: Unit | None = None,
    group: ExchangeGroup | None = None,
    meeting: Meeting | None = None,
    plan: Plan | None = None,
    survey: Survey | None = None,
    choice: str = "",
    year: str = "",
) -> Document:
    """Queue the making of a document (the same one asked for again while it is being
    made is not queued twice); the document, made already with an immediate backend."""
    _old_discard()
    asked = {
        "kind": kind,
        "unit": unit,
        "group": group,
        "meeting": meeting,
        "plan": plan,
        "survey": survey,
        "choice": choice[:100],
        "year": year[:8],
    }
    language = translation.get_language() or settings.LANGUAGE_CODE
    waiting = Document.objects.filter(
        requested_by=user,
        language=language,
        state__in=[DocumentState.QUEUED, DocumentState.RUNNING],
        **asked,
    ).first()
    if waiting is not None:
        return waiting
    document = Document.objects.create(requested_by=user, language=language, **asked)
    enqueue(document_task, document.pk)
    document.refresh_from_db()
    return document


def document_stored(document: Document) -> Path:
    """The document's file in this site's folder: a site restored from a backup into
    another folder serves (and removes) its own copy, never the first site's."""
    return Path(settings.DOCUMENTS_DIR) / Path(document.path).name


def _old_discard() -> None:
    for old in Document.objects.filter(created_at__lt=timezone.now() - KEPT):
        if old.path:
            document_stored(old).unlink(missing_ok=True)
        old.delete()


@task()
def document_task(document_id: int) -> None:
    claimed = Document.objects.filter(pk=document_id, state=DocumentState.QUEUED).update(
        state=DocumentState.RUNNING
    )
    if not claimed:  # queued twice, or taken back from a dead worker
        return
    document = Document.objects.select_related(
        "requested_by", "unit", "group", "meeting", "plan", "survey"
    ).get(pk=document_id)
    with translation.override(document.language):
        try:
            data, name = _made(document)
        except (Http404, PermissionDenied) as refused:  # the results or the rights changed
            _failed(document_id, str(refused) or _("You do not have access to this page."))
            return
        except BaseException:
            logger.exception("document %s failed", document_id)
            _failed(document_id, _("The document could not be made."))
            raise
    folder = Path(settings.DOCUMENTS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(data)
    Document.objects.filter(pk=document_id).update(
        state=DocumentState.DONE, path=str(path), file_name=name, finished_at=timezone.now()
    )


def _made(document: Document) -> tuple[bytes, str]:
    """The PDF and its file name, checking the person's access again (it may have
    changed since the request)."""
    user = document.requested_by
    if document.kind in (DocumentKind.SURVEY_RESULTS, DocumentKind.SURVEY_COMPARISON):
        return _survey_results(document)
    if document.survey_id is not None and document.unit is not None:
        return _survey_print(document)
    if document.unit is not None:
        unit = unit_get_for_user(user, document.unit.teryt)
        report = documents.unit_report_for(user, unit, choice=document.choice, year=document.year)
        year = report.dashboard.context.year
        return documents.unit_report_pdf(report), f"benchlearn-{unit.teryt}-{year}.pdf"
    if document.plan_id is not None:
        plan = plan_get_for_user(user, document.plan_id)
        name = f"benchlearn-plan-{plan.unit.teryt}-{plan.cycle_start}.pdf"
        return documents.plan_pdf(documents.plan_document_for(user, plan)), name
    if document.group is None:
        raise Http404
    if document.meeting is not None:
        meeting = meeting_get_for_user(user, document.group.pk, document.meeting.number)
        pack = documents.meeting_pack_for(user, meeting)
        group = meeting.group
        name = f"benchlearn-meeting-{group.pk}-{slugify(group.name)}-{meeting.number}.pdf"
        return documents.meeting_pack_pdf(pack), name
    group = group_get_for_user(user, document.group.pk)
    group_report = documents.group_report_for(user, group, year=document.year)
    name = f"benchlearn-group-{group.pk}-{slugify(group.name)}-{group_report.year}.pdf"
    return documents.group_report_pdf(group_report), name


def _survey_print(document: Document) -> tuple[bytes, str]:
    """A survey's letters or paper questionnaire: the office only (asked again here)."""
    assert document.unit is not None
    survey = survey_get_for_office(document.requested_by, document.survey_id or 0)
    survey_unit = survey_unit_get(survey, document.unit.teryt)
    teryt = document.unit.teryt
    if document.kind == DocumentKind.LETTERS:
        batch = int(document.choice or 0)
        name = f"benchlearn-survey-{survey.pk}-{teryt}-letters-{batch}.pdf"
        return documents.letters_pdf(survey_unit, batch), name
    return documents.paper_pdf(survey_unit), f"benchlearn-survey-{survey.pk}-{teryt}-paper.pdf"


def _survey_results(document: Document) -> tuple[bytes, str]:
    """A unit's survey results (its team, its group's moderator, the office) or the
    comparison of the survey's units (whoever reads one of them), asked again here."""
    survey = survey_get_for_results(document.requested_by, document.survey_id or 0)
    if document.kind == DocumentKind.SURVEY_COMPARISON:
        name = f"benchlearn-survey-{survey.pk}-comparison.pdf"
        return documents.survey_comparison_pdf(document.requested_by, survey), name
    unit = survey_unit_for_results(
        document.requested_by, survey, document.unit.teryt if document.unit else ""
    )
    name = f"benchlearn-survey-{survey.pk}-{unit.teryt}.pdf"
    return documents.survey_unit_pdf(survey, unit), name


def _failed(document_id: int, message: str) -> None:
    Document.objects.filter(pk=document_id).update(
        state=DocumentState.FAILED, error=message, finished_at=timezone.now()
    )


@on_abandoned(document_task, attempts=2)
def _document_abandoned(document_id: int, *, retried: bool) -> None:
    document = Document.objects.filter(pk=document_id).first()
    if document is None or document.finished:
        return
    if retried:
        Document.objects.filter(pk=document_id).update(state=DocumentState.QUEUED)
        return
    with translation.override(document.language):
        _failed(document_id, _("The document could not be made: ask for it again."))
