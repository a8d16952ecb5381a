"""Queueing tasks, and taking back the tasks of workers that died.

Long or heavy work is a task of Django's Tasks framework (the ``django-tasks``
backport): a module-level function decorated with ``@task()``, queued through
``enqueue`` below, run by ``benchlearn worker``. The domain record that the pages show
(an ``ImportJob``, a ``Computation``) keeps the state and progress; the task drives it.

The database backend's worker claims a task with ``SELECT … FOR UPDATE SKIP LOCKED``
(PostgreSQL; on SQLite an exclusive transaction), so any number of workers share the
queue, but it leaves a task "running" for ever when its worker is killed. Each of our
workers therefore writes a heartbeat (``WorkerBeat``), and ``abandoned_recover`` (run
by every worker when it starts and at each beat) takes back the running tasks of dead
workers: queued again when the task allows another attempt, failed with a message
otherwise, after the task's own handler has put its domain record right.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks.backends.dummy import DummyBackend
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from benchlearn.background.models import WorkerBeat

logger = logging.getLogger(__name__)

# What a task's handler receives: the task's own arguments, and ``retried`` (True when
# the task is queued again, False when it is given up).
AbandonedHandler = Callable[..., None]


class WorkerLost(Exception):
    """The worker running a task stopped (killed, crashed, its machine gone)."""


@dataclass(frozen=True)
class _Recovery:
    handler: AbandonedHandler
    attempts: int


_recoveries: dict[str, _Recovery] = {}


def enqueue(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Queue ``task``. The database backend writes it in the caller's transaction (the
    domain record and its task are kept together or not at all); a backend with a queue
    server of its own gets it once that transaction commits, so that no worker looks
    for a record not yet committed."""
    backend = task.get_backend()
    if isinstance(backend, DatabaseBackend | ImmediateBackend | DummyBackend):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))


def on_abandoned(
    task: Task[Any, Any], *, attempts: int = 1
) -> Callable[[AbandonedHandler], AbandonedHandler]:
    """Register what to do when a worker dies running ``task``: the handler is called
    with the task's arguments and ``retried``; the task runs again while it has been
    started fewer than ``attempts`` times."""

    def register(handler: AbandonedHandler) -> AbandonedHandler:
        _recoveries[task.module_path] = _Recovery(handler, attempts)
        return handler

    return register


def abandoned_recover() -> int:
    """Take back every running task whose worker is dead; how many were."""
    # Running tasks first, then the beats: a worker writes its beat before it claims a
    # task, so every task read here has its worker's beat in what is read next.
    running = list(
        DBTaskResult.objects.running().values_list("pk", "worker_ids").order_by("started_at")
    )
    if not running:
        return 0
    beats = {beat.worker_id: beat for beat in WorkerBeat.objects.all()}
    dead = {
        worker_id
        for _pk, worker_ids in running
        for worker_id in worker_ids[-1:]
        if _dead(beats.get(worker_id))
    }
    recovered = 0
    for pk, worker_ids in running:
        if worker_ids and worker_ids[-1] in dead:
            recovered += _recover(pk)
    WorkerBeat.objects.filter(pk__in=dead).delete()
    return recovered


def _recover(pk: UUID) -> int:
    with exclusive_transaction(DBTaskResult.objects.db):
        result = (
            DBTaskResult.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status=TaskResultStatus.RUNNING)
            .first()
        )
        if result is None:  # finished meanwhile, or another worker has it in hand
            return 0
        recovery = _recovery_of(result.task_path)
        retried = recovery is not None and len(result.worker_ids) < recovery.attempts
        if recovery is not None:
            arguments = result.args_kwargs
            try:
                with transaction.atomic():
                    recovery.handler(*arguments["args"], retried=retried, **arguments["kwargs"])
            except Exception:  # the task is failed all the same, never left running
                logger.exception("task %s: its handler failed", pk)
                retried = False
        if retried:
            result.status = TaskResultStatus.READY
            result.save(update_fields=["status"])
        else:
            result.set_failed(WorkerLost("The worker running this task stopped before it ended."))
    logger.warning("task %s of a dead worker: %s", pk, "queued again" if retried else "failed")
    return 1


def _recovery_of(task_path: str) -> _Recovery | None:
    try:
        import_string(task_path)  # registers the task's handler, if it has one
    except ImportError:
        return None
    return _recoveries.get(task_path)


def _dead(beat: WorkerBeat | None) -> bool:
    if beat is None:
        return True
    if beat.host == socket.gethostname():
        return not _process_runs(beat.pid)
    return (timezone.now() - beat.beat_at).total_seconds() > settings.WORKER_STALE_SECONDS


def _process_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    try:  # a killed process its parent has not reaped yet runs no more
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")
