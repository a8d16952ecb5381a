"""The download and upload pages, and a background import reaching done."""

import io
from pathlib import Path

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks import task_backends

from benchlearn.collection.files.export import unit_template
from benchlearn.collection.files.jobs import import_job_run
from benchlearn.collection.models import ImportJob, ImportJobState, Value, ValueChange
from tests.collection.conftest import dump
from tests.conftest import client_for


def filled(submission, **values) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(unit_template(submission)))
    for row in book.worksheets[0].iter_rows(min_row=2):
        if row[0].value in values:
            row[5].value = values[row[0].value]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, submission, data: bytes, name="dane.xlsx"):
    url = reverse("values-upload", args=[submission.round_id, submission.unit.teryt])
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def test_template_download_for_who_may_read(sub_a, participant_a, stranger):
    url = reverse("values-template", args=[sub_a.round_id, sub_a.unit.teryt])
    response = client_for(participant_a).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    assert openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]["A2"].value
    assert client_for(stranger).get(url).status_code == 404  # as for no such submission


def test_small_upload_imports_at_once(sub_a, participant_a):
    response = upload(client_for(participant_a), sub_a, filled(sub_a, TEACHERS=12))
    assert response.status_code == 302
    assert Value.objects.get(variable__code="TEACHERS").value == 12


def test_upload_with_problems_lists_them_and_stores_nothing(sub_a, participant_a):
    before = dump()
    response = upload(client_for(participant_a), sub_a, filled(sub_a, TEACHERS="dużo"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "F5" in page and "TEACHERS" in page and "is not a number" in page
    assert dump() == before


def test_a_stranger_may_not_upload(sub_a, stranger, moderator):
    # The moderator sees unit A's data (403); the stranger does not (404).
    for user, status in ((stranger, 404), (moderator, 403)):
        assert upload(client_for(user), sub_a, filled(sub_a, TEACHERS=1)).status_code == status
    assert not Value.objects.exists()


def test_round_workbook_for_operators_only(round_, operator, participant_a):
    url = reverse("round-workbook", args=[round_.pk])
    assert client_for(operator).get(url).status_code == 200
    assert client_for(participant_a).get(url).status_code == 403


def imports_queued() -> list:
    # Opening the round queued its notifications too.
    return [r for r in task_backends["default"].results if r.task.name == "import_job_task"]


def test_large_upload_runs_as_a_job_with_progress(sub_a, participant_a, settings):
    settings.COLLECTION_IMPORT_SYNC_BYTES = 0  # every file is "large"
    client = client_for(participant_a)
    response = upload(client, sub_a, filled(sub_a, TEACHERS=12))
    job = ImportJob.objects.get()
    (queued,) = imports_queued()  # a task waits for a worker
    assert queued.task.name == "import_job_task" and queued.args == [job.pk]
    assert response["Location"] == reverse("import-job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<progress" in page
    assert import_job_run().pk == job.pk
    job.refresh_from_db()
    assert job.state == ImportJobState.DONE and (job.done, job.total) == (1, 1)
    assert job.changed == 1 and ValueChange.objects.get().source == "excel"
    page = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in page and "1 value changed" in page
    assert import_job_run() is None


def test_with_the_immediate_backend_the_upload_is_imported_at_once(
    sub_a, participant_a, settings, tasks_run_at_once
):
    settings.COLLECTION_IMPORT_SYNC_BYTES = 0
    response = upload(client_for(participant_a), sub_a, filled(sub_a, TEACHERS=12))
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("import-job", args=[job.pk])
    assert job.state == ImportJobState.DONE, job.problems
    assert Value.objects.get(variable__code="TEACHERS").value == 12
    assert not Path(job.path).exists()  # the uploaded file is gone


def test_a_site_restored_elsewhere_imports_its_own_copy_of_a_waiting_file(
    sub_a, participant_a, settings, tmp_path
):
    settings.COLLECTION_IMPORT_SYNC_BYTES = 0
    settings.COLLECTION_IMPORT_DIR = first = tmp_path / "first"
    upload(client_for(participant_a), sub_a, filled(sub_a, TEACHERS=12))
    (waiting,) = first.iterdir()
    # Restored from a backup into another folder (a restore drill beside the site):
    settings.COLLECTION_IMPORT_DIR = second = tmp_path / "second"
    second.mkdir()
    (second / waiting.name).write_bytes(waiting.read_bytes())
    job = import_job_run()
    assert job.state == ImportJobState.DONE, job.problems
    assert Value.objects.get(variable__code="TEACHERS").value == 12
    assert waiting.exists()  # the first site's file is left alone
    assert not (second / waiting.name).exists()


def test_a_refused_file_in_the_background_is_removed_too(sub_a, participant_a, settings):
    settings.COLLECTION_IMPORT_SYNC_BYTES = 0
    client = client_for(participant_a)
    upload(client, sub_a, b"PK\x03\x04 not really a workbook", name="dane.xlsx")
    job = ImportJob.objects.get()
    assert Path(job.path).exists()  # waiting for a worker
    (queued,) = imports_queued()
    queued.task.call(*queued.args)  # as the worker runs it
    job.refresh_from_db()
    assert job.state == ImportJobState.FAILED and job.problems
    assert not Path(job.path).exists() and not Value.objects.exists()
