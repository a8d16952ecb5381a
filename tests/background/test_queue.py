"""Which running tasks are taken back (their worker is dead) and which are left alone,
and queueing with the database backend (the task is kept with its domain record)."""

import datetime
import os
import socket

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from benchlearn.background import queue
from benchlearn.background.models import WorkerBeat
from benchlearn.background.queue import abandoned_recover
from benchlearn.results.models import Computation, ComputationState
from benchlearn.results.services import computation_request, computation_task
from tests.conftest import client_for

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def running(db, settings):
    """A computation whose task a worker "w1" has claimed."""
    settings.TASKS = DATABASE_TASKS
    computation = computation_request(user=None)
    Computation.objects.filter(pk=computation.pk).update(state=ComputationState.RUNNING)
    DBTaskResult.objects.update(status="RUNNING", worker_ids=["w1"], started_at=timezone.now())
    return computation


def _beat(*, host: str, pid: int, age_seconds: int = 0) -> None:
    at = timezone.now() - datetime.timedelta(seconds=age_seconds)
    WorkerBeat.objects.create(worker_id="w1", host=host, pid=pid, beat_at=at)


def _state(computation: Computation) -> tuple[str, str]:
    computation.refresh_from_db()
    return computation.state, DBTaskResult.objects.get().status


def test_the_task_of_a_live_worker_here_is_left_alone(running):
    _beat(host=socket.gethostname(), pid=os.getpid(), age_seconds=3600)  # busy, still there
    assert abandoned_recover() == 0
    assert _state(running) == ("running", "RUNNING")


def test_the_task_of_a_worker_whose_process_is_gone_is_queued_again(running):
    _beat(host=socket.gethostname(), pid=2**22 + 1)  # above Linux's largest process id
    assert abandoned_recover() == 1
    assert _state(running) == ("queued", "READY")
    assert not WorkerBeat.objects.exists()


def test_a_worker_elsewhere_is_dead_when_silent_too_long(running, settings):
    settings.WORKER_STALE_SECONDS = 60
    _beat(host="another-machine", pid=os.getpid(), age_seconds=30)
    assert abandoned_recover() == 0
    WorkerBeat.objects.update(beat_at=timezone.now() - datetime.timedelta(seconds=90))
    assert abandoned_recover() == 1
    assert _state(running) == ("queued", "READY")


def test_a_task_without_a_known_worker_is_taken_back(running):
    # e.g. claimed by a worker that started without a heartbeat (`db_worker`)
    assert abandoned_recover() == 1
    assert _state(running) == ("queued", "READY")


def test_the_task_is_queued_with_its_record_or_not_at_all(db, settings):
    settings.TASKS = DATABASE_TASKS
    with transaction.atomic():
        computation_request(user=None)
        transaction.set_rollback(True)
    assert not Computation.objects.exists() and not DBTaskResult.objects.exists()
    computation = computation_request(user=None)
    task = DBTaskResult.objects.get()
    assert task.task_path.endswith("computation_task")
    assert task.args_kwargs == {"args": [computation.pk], "kwargs": {}}


def test_the_page_of_queued_work_says_when_no_worker_runs(db, settings, operator):
    settings.TASKS = DATABASE_TASKS
    computation_request(user=operator)
    client = client_for(operator)
    hint = "No worker is running to do this"
    assert hint in client.get("/results/").content.decode()
    WorkerBeat.objects.create(worker_id="w1", host="elsewhere", pid=1)  # a live one
    assert hint not in client.get("/results/").content.decode()
    WorkerBeat.objects.update(beat_at=timezone.now() - datetime.timedelta(hours=1))
    assert hint in client.get("/results/", headers={"HX-Request": "true"}).content.decode()


def test_a_task_whose_handler_fails_is_failed_all_the_same(running, monkeypatch):
    def broken(computation_id, *, retried):
        raise RuntimeError("the handler broke")

    path = computation_task.module_path
    monkeypatch.setitem(queue._recoveries, path, queue._Recovery(broken, attempts=2))
    assert abandoned_recover() == 1
    task = DBTaskResult.objects.get()
    assert task.status == "FAILED" and "WorkerLost" in task.traceback
