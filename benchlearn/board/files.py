"""Which files may be attached to a post: a few document and image types, checked by
name and by content (a program renamed .pdf is refused), and not above the size limit
(``settings.BOARD_ATTACHMENT_MAX_BYTES``)."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_ATTACHMENTS = 5


@dataclass(frozen=True)
class FileType:
    content_type: str
    signatures: tuple[bytes, ...] = ()
    # A zip package (Office Open XML, OpenDocument): the part that tells what it is, and
    # for OpenDocument the "mimetype" part's text.
    zip_part: str = ""
    zip_mimetype: str = ""


_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."
TYPES: dict[str, FileType] = {
    "pdf": FileType("application/pdf", (b"%PDF-",)),
    "docx": FileType(_OOXML + "wordprocessingml.document", zip_part="word/document.xml"),
    "xlsx": FileType(_OOXML + "spreadsheetml.sheet", zip_part="xl/workbook.xml"),
    "pptx": FileType(_OOXML + "presentationml.presentation", zip_part="ppt/presentation.xml"),
    "odt": FileType(_ODF + "text", zip_part="mimetype", zip_mimetype=_ODF + "text"),
    "ods": FileType(_ODF + "spreadsheet", zip_part="mimetype", zip_mimetype=_ODF + "spreadsheet"),
    "png": FileType("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
}
ACCEPT = ",".join(f".{ext}" for ext in TYPES)
_MACROS = ("vbaProject.bin", "Basic/", "Scripts/")


def allowed_names() -> str:
    return ", ".join(ext.upper() for ext in TYPES if ext != "jpeg")


def attachment_refusal(name: str, size: int, data: IO[bytes]) -> str | None:
    """Why the file ``name`` of ``size`` bytes cannot be attached, or None. ``data`` is
    read from the start and left there."""
    limit = settings.BOARD_ATTACHMENT_MAX_BYTES
    if size > limit:
        return _("“%(name)s” has %(size)s; an attachment may have at most %(limit)s.") % {
            "name": name,
            "size": filesizeformat(size),
            "limit": filesizeformat(limit),
        }
    kind = TYPES.get(PurePath(name).suffix.lower().lstrip("."))
    if kind is None:
        return _("“%(name)s” cannot be attached: only %(types)s files can.") % {
            "name": name,
            "types": allowed_names(),
        }
    if size == 0 or not _content_is(kind, data):
        return _("“%(name)s” is not the file its name says (%(ext)s): it cannot be attached.") % {
            "name": name,
            "ext": PurePath(name).suffix.lower(),
        }
    return None


def _content_is(kind: FileType, data: IO[bytes]) -> bool:
    data.seek(0)
    try:
        if kind.signatures:
            head = data.read(16)
            return any(head.startswith(signature) for signature in kind.signatures)
        return _package_is(kind, data)
    finally:
        data.seek(0)


def _package_is(kind: FileType, data: IO[bytes]) -> bool:
    """A zip package with the part its type needs, and no macros."""
    try:
        with zipfile.ZipFile(data) as package:
            names = package.namelist()
            if kind.zip_part not in names:
                return False
            if any(part in name for name in names for part in _MACROS):
                return False
            if kind.zip_mimetype:
                return package.read("mimetype")[:200].decode(errors="replace") == kind.zip_mimetype
            return True
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return False
