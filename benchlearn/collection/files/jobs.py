"""Imports of large files in the background: an ImportJob row per uploaded file, claimed
by a worker with an UPDATE of its state (no queue server), which writes its progress
to the row for the page to poll.

The worker is a thread of the web process when ``COLLECTION_IMPORT_RUNNER`` is
"thread" (a single server, the SQLite demo) or ``benchlearn run-jobs`` ("command").
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.collection.files.importer import FileImport, import_file
from benchlearn.collection.files.problems import Problem
from benchlearn.collection.models import ImportJob, ImportJobState, Round, ValueSource
from benchlearn.units.models import Unit

logger = logging.getLogger(__name__)


def upload_store(upload: UploadedFile[bytes]) -> Path:
    """Keep an uploaded file where a worker can read it."""
    folder = Path(settings.COLLECTION_IMPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{Path(upload.name or '').suffix.lower()[:8]}"
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path


def problem_rows(problems: list[Problem]) -> list[dict[str, object]]:
    return [asdict(problem) for problem in problems]


def import_job_create(
    *, round_: Round, user: User, unit: Unit | None, path: Path, file_name: str
) -> ImportJob:
    """Queue the import of a stored file and start it in a thread when so configured."""
    job = ImportJob.objects.create(
        round=round_,
        unit=unit,
        created_by=user,
        file_name=file_name[:255],
        path=str(path),
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    if settings.COLLECTION_IMPORT_RUNNER == "thread":
        transaction.on_commit(lambda: _thread_start(job.pk))
    return job


def _thread_start(job_id: int) -> None:
    threading.Thread(target=_thread_run, args=(job_id,), daemon=True).start()


def _thread_run(job_id: int) -> None:
    try:
        import_job_run(job_id)
    finally:
        connections.close_all()  # this thread's own connections


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
                path=Path(job.path),
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
            Path(job.path).unlink(missing_ok=True)
    job.refresh_from_db(fields=["done", "total"])
    job.state = ImportJobState.DONE if result.ok else ImportJobState.FAILED
    job.problems = problem_rows(result.problems)
    job.changed = result.changed
    job.done = job.total = result.units if result.ok else job.done
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "problems", "changed", "done", "total", "finished_at"])
    return job
