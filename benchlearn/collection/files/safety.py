"""Refusing dangerous or wrong files before a reader opens them: too big, not what the
name says, encrypted, with macros, or a zip that would unpack to far more than it
weighs (a zip bomb). Only the zip's directory is read for that, never the parts."""

from __future__ import annotations

import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from benchlearn.collection.files.problems import FileRefused

XLSX, CSV = "xlsx", "csv"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_ENCRYPTED_OLE = "EncryptionInfo".encode("utf-16-le")
_MACRO_PARTS = ("xl/vbaProject.bin", "xl/macrosheets/")
MB = 1024 * 1024


def _mb(size: int) -> str:
    return f"{size / MB:.1f}".replace(".", ",") if size < 10 * MB else f"{size // MB}"


def size_refusal(size: int) -> str | None:
    """Why a file of ``size`` bytes is refused before it is read, or None."""
    limit = settings.COLLECTION_IMPORT_MAX_BYTES
    if size > limit:
        return _("The file is %(size)s MB; files of at most %(limit)s MB can be imported.") % {
            "size": _mb(size),
            "limit": _mb(limit),
        }
    return None


def file_kind(path: Path, name: str) -> str:
    """XLSX or CSV when ``path`` (uploaded as ``name``) may be read; else FileRefused."""
    size = path.stat().st_size
    refusal = size_refusal(size)
    if refusal is not None:
        raise FileRefused(refusal)
    if size == 0:
        raise FileRefused(_("The file is empty."))
    suffix = Path(name).suffix.lower()
    with path.open("rb") as handle:
        head = handle.read(8)
    if suffix in (".xlsm", ".xltm", ".xlsb"):
        raise FileRefused(
            _(
                "Workbooks with macros (%(suffix)s) are not accepted: save the file as an "
                "Excel workbook (.xlsx) and upload that."
            )
            % {"suffix": suffix}
        )
    if suffix == ".csv":
        return CSV
    if head.startswith(_OLE):
        if _ENCRYPTED_OLE in path.read_bytes():
            raise FileRefused(
                _(
                    "The workbook is protected with a password (encrypted), so it cannot be "
                    "read: remove the password in Excel (File → Info → Protect Workbook) and "
                    "upload it again."
                )
            )
        raise FileRefused(
            _("This is an old Excel file (.xls): save it as an Excel workbook (.xlsx).")
        )
    if suffix not in (".xlsx", ".xls"):
        raise FileRefused(
            _("Upload an Excel workbook (.xlsx) or a CSV file (.csv), not “%(name)s”.")
            % {"name": name}
        )
    if not head.startswith(_ZIP):
        raise FileRefused(
            _("“%(name)s” is not an Excel workbook, although its name says so.") % {"name": name}
        )
    _check_zip(path, name)
    return XLSX


def _check_zip(path: Path, name: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise FileRefused(
            _("“%(name)s” is damaged or not an Excel workbook.") % {"name": name}
        ) from None
    names = {member.filename for member in members}
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members) or 1
    if unpacked > settings.COLLECTION_IMPORT_MAX_UNPACKED_BYTES or (
        unpacked > 20 * MB and unpacked / packed > 200
    ):
        raise FileRefused(
            _(
                "The workbook would unpack to %(size)s MB, far more than a workbook of values "
                "needs (a “zip bomb”?): it was not opened."
            )
            % {"size": _mb(unpacked)}
        )
    if any(n == part or n.startswith(part) for n in names for part in _MACRO_PARTS):
        raise FileRefused(
            _(
                "The workbook contains macros: save it as an Excel workbook (.xlsx) without "
                "macros and upload that."
            )
        )
    if "xl/workbook.xml" not in names:
        raise FileRefused(
            _("“%(name)s” is not an Excel workbook, although its name says so.") % {"name": name}
        )
