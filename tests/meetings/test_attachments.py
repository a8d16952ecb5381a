"""A meeting's files: checked type and size, kept in the storage, downloads guarded."""

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from benchlearn.meetings.models import Attachment
from tests.conftest import client_for

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def url(meeting, tail=""):
    return f"/groups/{meeting.group_id}/meetings/{meeting.number}/{tail}"


def upload(client, meeting, name, content, kind="practice"):
    return client.post(
        url(meeting, "files/"), {"kind": kind, "file": SimpleUploadedFile(name, content)}
    )


def test_a_file_is_stored_and_read_by_the_groups_people_only(first, programme, moderator):
    response = upload(client_for(moderator), first, "praktyka.pdf", PDF)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.name == "praktyka.pdf" and attachment.size == len(PDF)
    assert default_storage.exists(attachment.file.name)
    file_url = url(first, f"files/{attachment.pk}/")
    got = client_for(programme["participant_b"]).get(file_url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert client_for(programme["stranger"]).get(file_url).status_code == 404
    assert client_for(None).get(file_url).status_code == 302  # to the login page


def test_annexes_to_the_minutes_wait_for_their_publication(first, programme, moderator):
    upload(client_for(moderator), first, "lista.pdf", PDF, kind="minutes")
    file_url = url(first, f"files/{Attachment.objects.get().pk}/")
    assert client_for(programme["participant_a"]).get(file_url).status_code == 404
    assert client_for(moderator).get(file_url).status_code == 200


def _refused(client, meeting, name, content, message):
    response = upload(client, meeting, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_file_too_large_is_refused(first, moderator, settings):
    settings.MEETING_ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = PDF + b"0" * (1024 * 1024)
    _refused(
        client_for(moderator), first, "duzy.pdf", big, "The file duzy.pdf is larger than 1 MB."
    )
    assert not default_storage.exists("meetings")


def test_a_file_of_a_refused_type_is_refused(first, moderator):
    client = client_for(moderator)
    _refused(client, first, "program.exe", b"MZ\x90\x00", "Files of this type are not accepted")
    # The name alone proves nothing.
    _refused(
        client, first, "udaje.pdf", b"MZ\x90\x00", "The file udaje.pdf is not a real PDF file."
    )


def test_only_the_moderator_and_the_office_add_files(first, programme):
    response = upload(client_for(programme["participant_a"]), first, "a.pdf", PDF)
    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_a_file_whose_row_cannot_be_saved_is_not_kept(first, settings, tmp_path):
    import pytest
    from django.db import IntegrityError, transaction

    from benchlearn.files import save_with_file

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    # A row without its meeting fails to save: the file stored for it goes again.
    row = Attachment(meeting_id=None, kind="practice", name="praktyka.pdf", size=len(PDF))
    with pytest.raises(IntegrityError), transaction.atomic():
        save_with_file(row, "file", "praktyka.pdf", SimpleUploadedFile("praktyka.pdf", PDF))
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    assert not Attachment.objects.exists()
