"""Every hostile file of ``hostile`` through the command line and the web upload:
refused with a message naming the sheet, cell or line and nothing stored (values,
history, submissions compared before and after), or imported as expected; never a
traceback; the uploaded copy removed whatever the outcome."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from benchlearn.collection.files.export import round_template, unit_template
from benchlearn.collection.files.jobs import import_job_run
from benchlearn.collection.files.problems import Problem
from benchlearn.collection.models import ImportJob, ImportJobState, Value
from tests.collection import hostile
from tests.collection.conftest import dump, save
from tests.collection.hostile.common import edu, with_sheet
from tests.collection.hostile.rounds import round_cases
from tests.conftest import client_for

CASES = hostile.cases()
ROUND_CASES = round_cases("2461011")  # unit A of tests/conftest.py


@pytest.fixture
def template(sub_a, participant_a) -> bytes:
    save(sub_a, participant_a, {"EDU_EXP": "100"})  # something stored that must survive
    return unit_template(sub_a)


@pytest.fixture
def uploads(settings, tmp_path):
    settings.COLLECTION_IMPORT_SYNC_BYTES = 100 * 1024 * 1024  # every file at once
    settings.COLLECTION_IMPORT_DIR = tmp_path / "uploads"
    return settings.COLLECTION_IMPORT_DIR


def stored(sub_a) -> dict[str, Decimal | None]:
    rows = Value.objects.filter(unit=sub_a.unit, period=sub_a.round.period).values_list(
        "variable__code", "value"
    )
    return dict(rows)


def check(case: hostile.Case, shown: str, sub_a, before: str) -> None:
    if case.refused:
        for text in case.refused:
            assert text in shown, shown
        assert "Traceback" not in shown
        assert dump() == before
    else:
        values = stored(sub_a)
        assert {code: values.get(code) for code in case.stored} == case.stored, shown


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 60
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_through_the_command_line(case, sub_a, template, tmp_path, capsys):
    path = case.build(tmp_path, template, sub_a.unit.teryt)
    before = dump()
    try:
        call_command("import-values", "--round", str(sub_a.round_id), "--file", str(path))
    except CommandError as error:
        assert case.refused, f"refused: {error}"
        assert error.returncode == 2
        shown = str(error)
        assert "nothing was stored" in shown.splitlines()[0]
    else:
        assert not case.refused, "imported, but should have been refused"
        shown = capsys.readouterr().out
    check(case, shown, sub_a, before)
    assert path.exists()  # the command never removes the file it was given


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_through_the_web(case, sub_a, participant_a, template, tmp_path, uploads):
    path = case.build(tmp_path, template, sub_a.unit.teryt)
    before = dump()
    url = reverse("values-upload", args=[sub_a.round_id, sub_a.unit.teryt])
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    response = client_for(participant_a).post(url, {"file": upload})
    if case.refused:
        assert response.status_code in (200, 400)
        page = html.unescape(response.content.decode())
        problems = response.context["problems"]
        if problems:
            shown = "\n".join(str(Problem(**row)) for row in problems)
            assert problems[0]["message"] in page
            if problems[0]["line"]:  # a CSV line that could not be split into cells
                assert f"line {problems[0]['line']}" in page
        else:  # refused by the form, before the file is stored
            shown = "\n".join(response.context["form"].errors["file"])
            assert shown in page
    else:
        assert response.status_code == 302, html.unescape(response.content.decode())
        shown = ""
    check(case, shown, sub_a, before)
    assert not uploads.exists() or not list(uploads.iterdir())


def test_the_upload_is_removed_when_the_import_fails_unexpectedly(
    sub_a, participant_a, template, tmp_path, uploads, monkeypatch
):
    def broken(**_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("benchlearn.collection.files.importer.values_import", broken)
    path = with_sheet("f.xlsx", edu('<c r="F2"><v>5</v></c>'))(tmp_path, template, sub_a.unit.teryt)
    url = reverse("values-upload", args=[sub_a.round_id, sub_a.unit.teryt])
    with pytest.raises(RuntimeError):
        client_for(participant_a).post(
            url, {"file": SimpleUploadedFile(path.name, path.read_bytes())}
        )
    assert uploads.exists() and not list(uploads.iterdir())


class PanicException(BaseException):
    """What pyo3 raises when the Rust reader panics: a BaseException, not an Exception."""


class PanickingReader:
    @staticmethod
    def from_path(_path: str) -> None:
        raise PanicException("called `Option::unwrap()` on a `None` value")


def test_a_panic_of_the_spreadsheet_reader_is_a_refusal(sub_a, template, tmp_path, monkeypatch):
    monkeypatch.setattr("benchlearn.collection.files.xlsx_read.CalamineWorkbook", PanickingReader)
    path = with_sheet("f.xlsx", edu('<c r="F2"><v>5</v></c>'))(tmp_path, template, "")
    before = dump()
    with pytest.raises(CommandError) as refused:
        call_command("import-values", "--round", str(sub_a.round_id), "--file", str(path))
    assert str(refused.value).splitlines()[1] == (
        "“f.xlsx” could not be read as an Excel workbook (called `Option::unwrap()` on a "
        "`None` value)."
    )
    assert dump() == before


@pytest.mark.parametrize("case", ROUND_CASES, ids=[case.name for case in ROUND_CASES])
def test_round_workbooks_through_the_command_line_and_the_web(
    case, round_, sub_a, operator, template, tmp_path, uploads, capsys
):
    path = case.build(tmp_path, round_template(round_), sub_a.unit.teryt)
    before = dump()
    try:
        call_command("import-values", "--round", str(round_.pk), "--file", str(path))
    except CommandError as error:
        assert case.refused, f"refused: {error}"
        shown = str(error)
    else:
        assert not case.refused, "imported, but should have been refused"
        shown = capsys.readouterr().out
    check(case, shown, sub_a, before)
    url = reverse("round-upload", args=[round_.pk])
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    response = client_for(operator).post(url, {"file": upload})
    if case.refused:
        assert response.status_code == 400
        shown = "\n".join(str(Problem(**row)) for row in response.context["problems"])
    else:
        assert response.status_code == 302
    check(case, shown, sub_a, before)
    assert not list(uploads.iterdir())


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_through_a_background_import(
    case, sub_a, participant_a, template, tmp_path, uploads, settings
):
    """A large upload is imported by a worker: the same outcome, kept with the job."""
    settings.COLLECTION_IMPORT_SYNC_BYTES = 0  # every file is "large"
    path = case.build(tmp_path, template, sub_a.unit.teryt)
    before = dump()
    url = reverse("values-upload", args=[sub_a.round_id, sub_a.unit.teryt])
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    response = client_for(participant_a).post(url, {"file": upload})
    job = ImportJob.objects.first()
    if job is None:  # refused by the form before anything is stored (an empty file)
        assert case.refused and response.status_code == 200
        return
    assert import_job_run(job.pk) is not None
    job.refresh_from_db()
    shown = "\n".join(str(Problem(**row)) for row in job.problems)
    assert job.state == (ImportJobState.FAILED if case.refused else ImportJobState.DONE), shown
    check(case, shown, sub_a, before)
    assert not list(uploads.iterdir())
