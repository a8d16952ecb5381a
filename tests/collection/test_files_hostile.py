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

from benchlearn.collection.files.export import unit_template
from benchlearn.collection.files.problems import Problem
from benchlearn.collection.models import Value
from tests.collection import hostile
from tests.collection.conftest import dump, save
from tests.collection.hostile.common import edu, with_sheet
from tests.conftest import client_for

CASES = hostile.cases()


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
