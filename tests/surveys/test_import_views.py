"""The office's import screen: upload, map columns and answer codes with a preview,
check or import all or nothing; refused to everyone but the office."""

import os
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from benchlearn.surveys.models import Response, SurveyEvent
from tests.conftest import client_for
from tests.surveys.office_walk import questionnaire_of, survey_of


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    settings.COLLECTION_IMPORT_DIR = tmp_path / "imports"


@pytest.fixture
def survey(operator, unit_a, unit_b):
    return survey_of(
        questionnaire_of(operator), [unit_a, unit_b], operator, modes=["open", "import"]
    )


def _limesurvey() -> bytes:
    return (
        b'"id","submitdate","USE","CLEAN","NPS"\n'
        b'"1","2026-03-02 10:00:00","A1","A4","8"\n'
        b'"2","2026-03-02 11:00:00","A1","A5","10"\n'
    )


def _upload(client, survey, data, fmt="limesurvey", name="results.csv"):
    return client.post(
        f"/surveys/{survey.pk}/import/",
        {"file": SimpleUploadedFile(name, data, "text/csv"), "format": fmt},
    )


def test_the_office_maps_columns_and_codes_previews_checks_and_imports(survey, unit_a, operator):
    client = client_for(operator)
    uploaded = _upload(client, survey, _limesurvey())
    assert uploaded.status_code == 302
    screen = uploaded["Location"]
    page = client.get(screen).content.decode()
    assert "results.csv" in page and "2026-03-02 10:00:00" in page  # the preview
    assert "A1=1" in page  # LimeSurvey's answer codes guessed
    headings = ["id", "submitdate", "USE", "CLEAN", "NPS"]
    form = {f"col-{i}": "" for i in range(len(headings))}
    form.update({"col-2": "USE", "col-3": "Q1", "col-4": "NPS", "unit": unit_a.teryt})
    form.update({"ans-USE": "A1=1\nA2=2", "ans-Q1": "A4=4\nA5=5"})
    checked = client.post(screen, {**form, "check": "1"})
    assert checked.status_code == 200
    assert "2 responses would be imported" in checked.content.decode()
    assert not Response.objects.exists()
    done = client.post(screen, {**form, "import": "1"})
    assert done.status_code == 302
    assert sorted(Response.objects.values_list("answers__Q1", flat=True)) == [4, 5]
    assert set(Response.objects.values_list("mode", "unit_id")) == {("import", unit_a.pk)}
    event = SurveyEvent.objects.get(kind="imported")
    assert event.by == operator and event.new["file"] == "results.csv"
    listed = client.get(f"/surveys/{survey.pk}/import/").content.decode()
    assert "results.csv" in listed


def test_a_wrong_mapping_lists_the_problems_and_stores_nothing(survey, unit_a, operator):
    client = client_for(operator)
    screen = _upload(client, survey, _limesurvey())["Location"]
    form = {"col-2": "USE", "col-3": "Q1", "unit": unit_a.teryt, "ans-USE": "A1=1"}
    refused = client.post(screen, {**form, "import": "1"})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Line 2, column CLEAN: No such answer: A4" in text
    assert not Response.objects.exists()


def test_an_unreadable_file_is_refused_at_upload(survey, operator):
    client = client_for(operator)
    refused = _upload(client, survey, "unit;Q1\n1234567;ż\n".encode("cp1250"), fmt="csv")
    assert refused.status_code == 400
    assert "Windows-1250" in refused.content.decode()
    empty = _upload(client, survey, b"", fmt="csv")
    assert empty.status_code == 400 and "The file is empty." in empty.content.decode()


@pytest.mark.parametrize("role", ["moderator", "participant_a", "stranger"])
def test_only_the_office_imports(survey, operator, role, request):
    screen = _upload(client_for(operator), survey, _limesurvey())["Location"]
    assert re.search(r"/import/[0-9a-f]{32}/$", screen)
    client = client_for(request.getfixturevalue(role))
    assert _upload(client, survey, _limesurvey()).status_code == 403
    assert client.get(screen).status_code == 403
    assert client.post(screen, {"col-2": "USE", "import": "1"}).status_code == 403
    assert client_for(None).get(screen).status_code == 302
    assert not Response.objects.exists()


def test_an_upload_left_on_the_mapping_screen_is_removed_a_day_later(settings, survey, operator):
    """An abandoned mapping screen's file stays a day (someone may come back to it);
    the next upload after that removes it, and a younger one stays."""
    client = client_for(operator)
    folder = settings.COLLECTION_IMPORT_DIR / "surveys"
    abandoned = client.get(_upload(client, survey, _limesurvey())["Location"])
    assert abandoned.status_code == 200
    old = sorted(folder.iterdir())
    assert len(old) == 2  # the file and its name
    two_days_ago = time.time() - 2 * 24 * 60 * 60
    for path in old:
        os.utime(path, (two_days_ago, two_days_ago))
    younger = _upload(client, survey, _limesurvey(), name="second.csv")["Location"]
    left = sorted(folder.iterdir())
    assert len(left) == 2 and not set(old) & set(left)
    assert client.get(younger).status_code == 200  # the new upload is untouched
    gone = old[0].name.split("-")[1]
    assert client.get(f"/surveys/{survey.pk}/import/{gone}/").status_code == 404
