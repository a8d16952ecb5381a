"""The practice named by the URL × role walk (tests/test_url_walk.py): Gmina A's
practice with a file, published to the programme's members (version 1); the plan's
action and the group's first meeting share from their pages (POST only)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from benchlearn.practices.attachments import practice_attachment_add
from benchlearn.practices.models import Audience
from benchlearn.practices.services import (
    PracticeInput,
    practice_create,
    practice_publish,
    practice_submit,
)


def practices_parameters(unit, author, moderator) -> dict[str, str]:
    practice = practice_create(
        unit=unit,
        data=PracticeInput(title="Praktyka", problem="Problem.", solution="Rozwiązanie."),
        by=author,
    )
    attachment = practice_attachment_add(
        practice=practice, by=author, upload=SimpleUploadedFile("prezentacja.pdf", b"%PDF-1.7\n")
    )
    practice_submit(practice=practice, by=author)
    practice_publish(practice=practice, by=moderator, audience=Audience.MEMBERS)
    return {"practice_id": str(practice.pk), "practice_file_id": str(attachment.pk)}
