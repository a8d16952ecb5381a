"""Refusing dangerous or wrong files before a reader opens them: too big, not what the
name says (an image or a PDF named .csv), encrypted, with macros, or a zip whose
directory lies about its parts or that would unpack to far more than it weighs (a zip
bomb). The zip's parts are decompressed once here, in bounded chunks, so that a part
bigger than its declared size or failing its checksum is refused before the spreadsheet
reader (which trusts the declarations) sees it."""

from __future__ import annotations

import struct
import zipfile
import zlib
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
# A workbook of values has a few dozen parts; more is not a workbook we wrote or Excel.
MAX_PARTS = 10_000
# Parts the reader loads whole when it opens the workbook (shared strings, styles,
# the workbook's own part): bounded on their own, whatever the total allows. A million
# tiny shared strings take about 100 MB in calamine (tests/collection/test_files_memory.py).
MAX_LOADED_PART = 16 * MB
_SIGNATURES = (
    b"\x89PNG",
    b"%PDF",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"\x1f\x8b",  # gzip
    b"7z\xbc\xaf",
    b"Rar!",
    b"MZ",  # a Windows program
    b"\x7fELF",
    b"BM",
    b"II*\x00",  # TIFF
    b"MM\x00*",
    b"PK\x05\x06",  # an empty zip
    b"PK\x07\x08",
)


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


def not_a_table(name: str) -> FileRefused:
    return FileRefused(
        _(
            "“%(name)s” is neither a CSV file nor an Excel workbook (it holds binary data, "
            "for example an image or a PDF): upload the filled-in template (.xlsx) or a CSV "
            "file."
        )
        % {"name": name}
    )


def file_kind(path: Path, name: str) -> str:
    """XLSX or CSV when ``path`` (uploaded as ``name``) may be read; else FileRefused.
    What the file holds decides, not its name: a workbook named .csv is read as one."""
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
    if head.startswith(_ZIP) and suffix in (".xlsx", ".xls", ".csv"):
        check_zip(path, name)
        return XLSX
    if suffix == ".csv":
        if head.startswith(_SIGNATURES):
            raise not_a_table(name)
        return CSV
    if suffix not in (".xlsx", ".xls"):
        raise FileRefused(
            _("Upload an Excel workbook (.xlsx) or a CSV file (.csv), not “%(name)s”.")
            % {"name": name}
        )
    raise FileRefused(
        _("“%(name)s” is not an Excel workbook, although its name says so.") % {"name": name}
    )


def damaged(name: str) -> FileRefused:
    return FileRefused(_("“%(name)s” is damaged or not an Excel workbook.") % {"name": name})


def check_zip(path: Path, name: str) -> None:
    """Refuse a zip whose directory is implausible or lies, before any reader opens it."""
    if _declared_parts(path) > MAX_PARTS:
        raise FileRefused(
            _("“%(name)s” holds more than %(count)s parts: it is not a workbook of values.")
            % {"name": name, "count": MAX_PARTS}
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_directory(members, name)
            _check_parts(archive, members, name)
    except FileRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError):
        raise damaged(name) from None
    except (NotImplementedError, RuntimeError):  # an unknown compression, a password
        raise FileRefused(
            _(
                "“%(name)s” is compressed or encrypted in a way Excel does not write: save it "
                "again in Excel as an Excel workbook (.xlsx)."
            )
            % {"name": name}
        ) from None


def _declared_parts(path: Path) -> int:
    """How many parts the zip's end record declares (0 when it has none: the zip reader
    then refuses the file), read before the directory itself is."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - 65_557))
        tail = handle.read()
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or len(tail) < end + 22:
        return 0
    count = struct.unpack("<H", tail[end + 10 : end + 12])[0]
    zip64 = tail.rfind(b"PK\x06\x06", 0, end)
    if zip64 >= 0 and len(tail) >= zip64 + 40:
        count = max(count, struct.unpack("<Q", tail[zip64 + 32 : zip64 + 40])[0])
    return int(count)


def _check_directory(members: list[zipfile.ZipInfo], name: str) -> None:
    names = [member.filename for member in members]
    if len(set(names)) != len(names):
        raise damaged(name)  # two parts of one name: readers disagree on which counts
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members) or 1
    if unpacked > settings.COLLECTION_IMPORT_MAX_UNPACKED_BYTES or (
        unpacked > 20 * MB and unpacked / packed > 200
    ):
        raise _bomb(unpacked)
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
    for member in members:
        loaded_whole = not member.filename.startswith("xl/worksheets/")
        if loaded_whole and member.file_size > MAX_LOADED_PART:
            raise _bomb(member.file_size)


def _check_parts(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], name: str) -> None:
    """Decompress every part in chunks: the zip module stops at the declared size and
    checks the CRC, so a part longer than declared, or damaged, raises here."""
    for member in members:
        if member.is_dir():
            continue
        with archive.open(member) as part:
            read = 0
            while chunk := part.read(MB):
                read += len(chunk)
        if read != member.file_size:
            raise damaged(name)


def _bomb(size: int) -> FileRefused:
    return FileRefused(
        _(
            "The workbook would unpack to %(size)s MB, far more than a workbook of values "
            "needs (a “zip bomb”?): it was not opened."
        )
        % {"size": _mb(size)}
    )
