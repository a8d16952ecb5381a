"""The database backend's worker, with a heartbeat and the recovery of dead workers'
tasks (see ``queue``). A thread beats because a task holds the main thread for as long
as it runs; it is a worker process, never a web one."""

from __future__ import annotations

import logging
import os
import socket
import threading

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from benchlearn.background.models import WorkerBeat
from benchlearn.background.queue import abandoned_recover

logger = logging.getLogger(__name__)


class BeatingWorker(Worker):
    def run(self) -> None:
        WorkerBeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "host": socket.gethostname(),
                "pid": os.getpid(),
                "started_at": timezone.now(),
                "beat_at": timezone.now(),
            },
        )
        abandoned_recover()
        stop = threading.Event()
        beating = threading.Thread(target=self._beat, args=(stop,), daemon=True)
        beating.start()
        try:
            super().run()
        finally:
            stop.set()
            beating.join(timeout=5)
            WorkerBeat.objects.filter(worker_id=self.worker_id).delete()

    def _beat(self, stop: threading.Event) -> None:
        try:
            while not stop.wait(settings.WORKER_BEAT_SECONDS):
                try:
                    beat = WorkerBeat.objects.filter(worker_id=self.worker_id)
                    if not beat.update(beat_at=timezone.now()):
                        logger.warning("worker %s was taken for dead", self.worker_id)
                    abandoned_recover()
                except DatabaseError:  # SQLite busy with the task's writes: next beat
                    logger.warning("worker %s could not beat", self.worker_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection
