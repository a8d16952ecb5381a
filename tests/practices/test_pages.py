"""The practices' pages: the form's bad input, files (types, who downloads them), and the
number of queries of the lists and the detail pinned, however many practices."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchlearn.practices.models import Audience, Practice, PracticeAttachment
from benchlearn.practices.services import practice_publish, practice_submit
from tests.conftest import client_for
from tests.practices.conftest import published


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_new_practice_from_the_page(results, unit_a, participant_a):
    client = client_for(participant_a)
    assert client.get("/practices/new/").status_code == 200
    response = client.post("/practices/new/", {"unit": unit_a.pk, "title": "Nowa"})
    practice = Practice.objects.get()
    assert response["Location"] == f"/practices/{practice.pk}/edit/"
    assert (practice.unit, practice.author, practice.title) == (unit_a, participant_a, "Nowa")


def test_a_new_practice_for_another_unit_is_refused(results, unit_a, stranger):
    response = client_for(stranger).post("/practices/new/", {"unit": unit_a.pk, "title": "X"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Practice.objects.exists()


def test_the_form_saves_and_refuses_what_cannot_be_stored(draft, participant_a):
    client = client_for(participant_a)
    path = f"/practices/{draft.pk}/edit/"
    assert client.get(path).status_code == 200
    form = {
        "title": "Dowóz na żądanie",
        "audience": "public",
        "tags": "transport, Transport ,  dowóz",
        "indicator_1": "COST",
        "before_1": "2023",
        "revision": str(draft.revision),
    }
    response = client.post(path, {**form, "indicator_2": "STAFF"})
    assert response.status_code == 200
    assert "Give the year before the practice for STAFF." in response.content.decode()
    response = client.post(path, {**form, "after_1": "2020"})
    assert "must come after the year before" in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "Dowóz uczniów na żądanie"
    response = client.post(path, form)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Dowóz na żądanie" and draft.tags == ["transport", "dowóz"]
    assert [(r.indicator.code, r.before_year, r.after_year) for r in draft.indicators.all()] == [
        ("COST", 2023, None)
    ]


def test_files_are_checked_and_read_by_who_reads_the_practice(
    draft, participant_a, participant_b, moderator
):
    client = client_for(participant_a)
    path = f"/practices/{draft.pk}/files/"
    client.post(path, {"file": SimpleUploadedFile("program.exe", b"MZ\x90\x00")})
    client.post(path, {"file": SimpleUploadedFile("udaje.pdf", b"MZ\x90\x00")})
    assert not PracticeAttachment.objects.exists()
    client.post(path, {"file": SimpleUploadedFile("plan.pdf", b"%PDF-1.7\n")})
    attachment = PracticeAttachment.objects.get()
    download = f"/practices/{draft.pk}/files/{attachment.pk}/"
    assert client.get(download).status_code == 200
    assert client_for(participant_b).get(download).status_code == 404
    portal = f"/portal/practices/{draft.pk}/files/{attachment.pk}/"
    assert client_for(None).get(portal).status_code == 404
    practice_submit(practice=draft, by=participant_a)
    practice_publish(practice=draft, by=moderator, audience=Audience.PUBLIC)
    response = client_for(None).get(portal)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7\n"


def _many(count, unit_a, unit_b, participant_a, participant_b, moderator):
    for index in range(count):
        unit, person = (unit_a, participant_a) if index % 2 else (unit_b, participant_b)
        published(unit, person, moderator, title=f"Praktyka {index}", tags=["a", "b"])


@pytest.mark.parametrize(
    ("who", "path", "query"),
    [
        ("participant_a", "/practices/", {}),
        ("participant_a", "/practices/", {"q": "praktyka", "domain": "EDU"}),
        (None, "/portal/practices/", {"q": "praktyka"}),
    ],
)
def test_the_lists_take_as_many_queries_however_many_practices(
    results, programme, unit_a, unit_b, moderator, django_assert_num_queries, who, path, query
):
    user = programme[who] if who else None
    people = (programme["participant_a"], programme["participant_b"])
    client = client_for(user)
    _many(2, unit_a, unit_b, *people, moderator)
    client.get(path, query)  # the session's first request stores more
    with CaptureQueriesContext(connection) as few:
        assert client.get(path, query).status_code == 200
    _many(6, unit_a, unit_b, *people, moderator)
    with django_assert_num_queries(len(few)):
        assert client.get(path, query).status_code == 200


def test_the_detail_page_takes_a_fixed_number_of_queries(
    draft, participant_a, django_assert_max_num_queries
):
    client = client_for(participant_a)
    client.get(f"/practices/{draft.pk}/")
    with django_assert_max_num_queries(23):
        assert client.get(f"/practices/{draft.pk}/").status_code == 200
