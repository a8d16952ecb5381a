"""Imports of large files in the background: an ImportJob row per uploaded file, which
the page shows with its progress, and a task (``import_job_task``) that a worker runs.

The file is removed whatever the outcome: when the import ends, when the worker running
it dies (the job is then refused with a message, see ``_import_abandoned``), and when
the job cannot be queued.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from benchlearn.accounts.models import User
from benchlearn.background.queue import enqueue, on_abandoned
from benchlearn.collection.files.importer import FileImport, import_file
from benchlearn.collection.files.problems import Problem
from benchlearn.collection.models import ImportJob, ImportJobState, Round, ValueSource
from benchlearn.collection.services.imports import Skipped
from benchlearn.units.models import Unit

logger = logging.getLogger(__name__)


def upload_store(upload: UploadedFile[bytes]) -> Path:
    """Keep an uploaded file where a worker can read it."""
    folder = Path(settings.COLLECTION_IMPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{Path(upload.name or '').suffix.lower()[:8]}"
    try:
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
    except BaseException:  # a full disk, a broken upload: no half file stays
        path.unlink(missing_ok=True)
        raise
    return path


def _job_file(job: ImportJob) -> Path:
    """The job's file in this site's import folder: a site restored from a backup into
    another folder reads (and removes) its own copy, never the first site's."""
    return Path(settings.COLLECTION_IMPORT_DIR) / Path(job.path).name


def problem_rows(problems: list[Problem]) -> list[dict[str, object]]:
    return [asdict(problem) for problem in problems]


def skipped_rows(skipped: list[Skipped]) -> list[dict[str, str]]:
    return [asdict(row) for row in skipped]


def import_job_create(
    *, round_: Round, user: User, unit: Unit | None, path: Path, file_name: str
) -> ImportJob:
    """Queue the import of a stored file (removed if the job cannot be queued)."""
    try:
        job = ImportJob.objects.create(
            round=round_,
            unit=unit,
            created_by=user,
            file_name=file_name[:255],
            path=str(path),
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        enqueue(import_job_task, job.pk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return job


@task()
def import_job_task(job_id: int) -> None:
    try:
        import_job_run(job_id)
    except BaseException:  # the worker stopped by force (a second Ctrl-C): not left running
        _import_abandoned(job_id, retried=False)
        raise


@on_abandoned(import_job_task)
def _import_abandoned(job_id: int, *, retried: bool) -> None:
    # Never run again: a file that killed its worker (memory, time) would kill the next.
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return
    with translation.override(job.language):
        message = _(
            "The import stopped before it ended (the server running it was stopped); "
            "nothing was stored. Upload the file again."
        )
    _job_file(job).unlink(missing_ok=True)
    job.state, job.problems, job.finished_at = (
        ImportJobState.FAILED,
        [asdict(Problem(message))],
        timezone.now(),
    )
    job.save(update_fields=["state", "problems", "finished_at"])


def import_job_claim(job_id: int | None = None) -> ImportJob | None:
    """Take a queued job (the oldest, or ``job_id``) for this worker; None if there is
    none. The conditional UPDATE makes two workers never take the same job."""
    queued = ImportJob.objects.filter(state=ImportJobState.QUEUED)
    if job_id is not None:
        queued = queued.filter(pk=job_id)
    for candidate in queued.order_by("created_at", "pk")[:10]:
        claimed = ImportJob.objects.filter(pk=candidate.pk, state=ImportJobState.QUEUED).update(
            state=ImportJobState.RUNNING, started_at=timezone.now()
        )
        if claimed:
            return ImportJob.objects.select_related("round", "unit", "created_by").get(
                pk=candidate.pk
            )
    return None


def import_job_run(job_id: int | None = None) -> ImportJob | None:
    """Claim and run one queued job; the job as it ended, or None if none was queued."""
    job = import_job_claim(job_id)
    if job is None:
        return None

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(done=done, total=total)

    with translation.override(job.language):
        try:
            result = import_file(
                path=_job_file(job),
                name=job.file_name,
                round_=job.round,
                user=job.created_by,
                unit=job.unit,
                source=ValueSource.EXCEL,
                progress=progress,
            )
        except Exception:
            logger.exception("import job %s failed", job.pk)
            result = FileImport(
                problems=[Problem(_("The import failed unexpectedly; nothing was stored."))]
            )
        finally:
            _job_file(job).unlink(missing_ok=True)
    job.refresh_from_db(fields=["done", "total"])
    job.state = ImportJobState.DONE if result.ok else ImportJobState.FAILED
    job.problems = problem_rows(result.problems)
    job.changed = result.changed
    job.skipped = skipped_rows(result.skipped)
    job.done = job.total = result.units if result.ok else job.done
    job.finished_at = timezone.now()
    job.save(
        update_fields=["state", "problems", "changed", "skipped", "done", "total", "finished_at"]
    )
    return job
