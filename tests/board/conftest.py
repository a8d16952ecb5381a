"""A board of the test group (units A and B, moderated by the moderator): files to
attach, and the attachments kept in a temporary folder."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from benchlearn.board.services import thread_create


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def ooxml(part: str, *extra: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        for name in (part, *extra):
            package.writestr(name, "<x/>")
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture
def announcement(group, moderator):
    return thread_create(
        group=group,
        by=moderator,
        title="Spotkanie 12 marca",
        body="Zapraszam na spotkanie w Gliwicach.\nAgenda: https://example.org/agenda",
        announcement=True,
    )


@pytest.fixture
def thread(group, participant_a):
    return thread_create(
        group=group,
        by=participant_a,
        title="Dowóz uczniów",
        body="Jak liczycie koszt dowozu?",
        files=[upload("koszty.pdf", PDF)],
    )
