"""A meeting's files: accepted by type (the content checked, not only the name) and
size, kept in the site's storage, every upload in the meeting's history."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.files import save_with_file
from benchlearn.meetings.access import require_plan
from benchlearn.meetings.models import Attachment, AttachmentKind, Meeting
from benchlearn.meetings.services import MeetingError, record_change

# File types accepted, by extension, and how each one's content begins (the name alone
# proves nothing: an executable renamed .pdf is refused).
ALLOWED_TYPES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
    "ods": (b"PK\x03\x04",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}


def _check_file(upload: UploadedFile[bytes]) -> str:
    name = PurePath(upload.name or "").name
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_TYPES:
        raise MeetingError(
            _("Files of this type are not accepted: %(name)s. Accepted: %(types)s.")
            % {"name": name, "types": "PDF, DOCX, XLSX, PPTX, ODT, ODS, PNG, JPG"}
        )
    limit = settings.MEETING_ATTACHMENT_MAX_BYTES
    if (upload.size or 0) > limit:
        raise MeetingError(
            _("The file %(name)s is larger than %(limit)s MB.")
            % {"name": name, "limit": limit // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in ALLOWED_TYPES[extension]):
        raise MeetingError(
            _("The file %(name)s is not a real %(type)s file.")
            % {"name": name, "type": extension.upper()}
        )
    return name


@transaction.atomic
def attachment_add(
    *, meeting: Meeting, by: User, kind: str, upload: UploadedFile[bytes], via: str = ""
) -> Attachment:
    """A file of the meeting, kept in the site's storage once its type and size pass."""
    require_plan(by, meeting.group)
    if kind not in AttachmentKind.values:
        raise MeetingError(_("Unknown kind: %(kind)s.") % {"kind": kind})
    name = _check_file(upload)
    attachment = Attachment(
        meeting=meeting, kind=kind, name=name[:200], size=upload.size or 0, uploaded_by=by
    )
    save_with_file(attachment, "file", name, upload)
    record_change(meeting, by, "attachment", name, via)
    return attachment
