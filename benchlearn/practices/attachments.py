"""A practice's files (a presentation, documents): the board's types and size limit,
kept in the site's storage and read through the permission-checked download."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.board.files import MAX_ATTACHMENTS, TYPES, attachment_refusal
from benchlearn.files import save_with_file
from benchlearn.practices.access import may_write_practice
from benchlearn.practices.models import Practice, PracticeAttachment, PracticeState
from benchlearn.practices.services import PracticeError, new_version, record_event, require


@transaction.atomic
def practice_attachment_add(
    *, practice: Practice, by: User, upload: UploadedFile[Any]
) -> PracticeAttachment:
    """A file of the practice (a presentation, a document), of the board's types and size."""
    require(may_write_practice(by, practice), _("Only the unit's team changes its practice."))
    if practice.state == PracticeState.REVIEW:
        raise PracticeError(
            _("The practice is in review: it can be changed once returned or published.")
        )
    if practice.attachments.count() >= MAX_ATTACHMENTS:
        raise PracticeError(
            _("A practice may have at most %(limit)s attachments.") % {"limit": MAX_ATTACHMENTS}
        )
    name = (upload.name or "file").replace("\\", "/").rsplit("/", 1)[-1][:200]
    refusal = attachment_refusal(name, upload.size or 0, upload)
    if refusal:
        raise PracticeError(refusal)
    extension = name.rsplit(".", 1)[-1].lower()
    attachment = PracticeAttachment(
        practice=practice,
        name=name,
        size=upload.size or 0,
        content_type=TYPES[extension].content_type,
        uploaded_by=by,
    )
    save_with_file(attachment, "file", name, upload)
    record_event(practice, "attachment_added", by, name=name)
    if practice.is_published:
        new_version(practice, by)
    return attachment


@transaction.atomic
def practice_attachment_remove(*, attachment: PracticeAttachment, by: User) -> None:
    practice = attachment.practice
    require(may_write_practice(by, practice), _("Only the unit's team changes its practice."))
    if practice.state == PracticeState.REVIEW:
        raise PracticeError(
            _("The practice is in review: it can be changed once returned or published.")
        )
    name = attachment.name
    attachment.file.delete(save=False)
    attachment.delete()
    record_event(practice, "attachment_removed", by, name=name)
    if practice.is_published:
        new_version(practice, by)
