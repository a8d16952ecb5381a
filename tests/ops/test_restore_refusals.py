"""A restore refuses, with a message and without changing anything, a file that is not a
backup or is damaged, a backup of the other engine or of a newer version, and a site that
already holds data unless forced."""

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from benchlearn.ops.backup import DATABASE_MEMBERS, FORMAT, MANIFEST, VERSION
from benchlearn.ops.databases import applied_migrations
from tests.collection.site_process import tables

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(settings, tmp_path, programme):
    """A site with people, units and a group, an upload and a PDF report (its folders
    the test's own: a forced restore replaces them)."""
    settings.COLLECTION_IMPORT_DIR = tmp_path / "imports"
    settings.DOCUMENTS_DIR = tmp_path / "documents"
    settings.MEDIA_ROOT = ""
    settings.COLLECTION_IMPORT_DIR.mkdir()
    (settings.COLLECTION_IMPORT_DIR / "upload.csv").write_text("TERYT;kod;wartość\n")
    settings.DOCUMENTS_DIR.mkdir()
    (settings.DOCUMENTS_DIR / "report.pdf").write_bytes(b"%PDF-1.7 a report")
    return tables()


def _member(data: bytes) -> dict:
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _manifest(members: dict[str, bytes], **changes) -> dict:
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "engine": connection.vendor,
        "created_at": "2026-01-01T00:00:00+00:00",
        "migrations": applied_migrations(),
        "folders": ["imports"],
        "members": {name: _member(data) for name, data in members.items()},
    }
    return manifest | changes


def _archive(path: Path, members: dict[str, bytes], manifest: dict | bytes | None) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        entries = dict(members)
        if manifest is not None:
            entries[MANIFEST] = (
                manifest if isinstance(manifest, bytes) else json.dumps(manifest).encode()
            )
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _refused(path: Path, message: str, *, force: bool = True) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), *(["--force"] if force else []))


def _other_engine() -> str:
    return "postgresql" if connection.vendor == "sqlite" else "sqlite"


def _cases(tmp_path: Path) -> list[tuple[Path, str]]:
    database = DATABASE_MEMBERS[connection.vendor]
    pieces = {database: b"a database"}
    good = _manifest(pieces)
    other = DATABASE_MEMBERS[_other_engine()]
    cases = [
        (tmp_path / "random.tar.gz", "not a Benchlearn backup or is damaged"),
        (tmp_path / "empty.tar.gz", "not a Benchlearn backup or is damaged"),
        (_archive(tmp_path / "no-manifest.tar.gz", pieces, None), "it has no manifest"),
        (
            _archive(tmp_path / "not-json.tar.gz", pieces, b"{not json"),
            "its manifest cannot be read",
        ),
        (
            _archive(tmp_path / "foreign.tar.gz", pieces, good | {"format": "something-else"}),
            "its manifest is not a Benchlearn backup",
        ),
        (
            _archive(tmp_path / "future.tar.gz", pieces, good | {"version": VERSION + 1}),
            "format version 2",
        ),
        (
            _archive(tmp_path / "checksum.tar.gz", {database: b"another database"}, good),
            "does not match its checksum",
        ),
        (
            _archive(tmp_path / "missing.tar.gz", {}, good),
            "is missing",
        ),
        (
            _archive(
                tmp_path / "escape.tar.gz",
                {**pieces, "files/imports/../../escaped.txt": b"x"},
                _manifest({**pieces, "files/imports/../../escaped.txt": b"x"}),
            ),
            "unexpected entry files/imports/../../escaped.txt",
        ),
        (
            _archive(
                tmp_path / "other-engine.tar.gz",
                {other: b"a database"},
                _manifest({other: b"a database"}, engine=_other_engine()),
            ),
            f"This backup is of a {_other_engine()} database and this site uses",
        ),
        (
            _archive(
                tmp_path / "newer.tar.gz",
                pieces,
                good | {"migrations": [*good["migrations"], ("collection", "9999_future")]},
            ),
            "newer version of Benchlearn",
        ),
        (tmp_path / "absent.tar.gz", "There is no file"),
    ]
    (tmp_path / "random.tar.gz").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "empty.tar.gz").write_bytes(b"")
    return cases


def test_damaged_foreign_other_engine_and_newer_backups_are_refused(site, tmp_path):
    (tmp_path / "archives").mkdir()
    cases = _cases(tmp_path / "archives")
    for path, message in cases:
        _refused(path, message)
        assert tables() == site, path.name
    assert not (tmp_path / "escaped.txt").exists()


# Backed up from outside a transaction, as the command runs (SQLite's online backup waits
# for the test's open transaction to end).
@pytest.mark.django_db(transaction=True)
def test_a_truncated_backup_is_refused(site, tmp_path):
    backup = tmp_path / "site.tar.gz"
    call_command("backup", str(backup))
    data = backup.read_bytes()
    for cut in (10, len(data) // 3, len(data) - 30, len(data) - 4):
        truncated = tmp_path / f"cut-{cut}.tar.gz"
        truncated.write_bytes(data[:cut])
        _refused(truncated, "not a Benchlearn backup or is damaged")
    assert tables() == site


@pytest.mark.django_db(transaction=True)
def test_a_site_with_data_or_files_is_not_replaced_unless_forced(site, tmp_path, settings):
    backup = tmp_path / "site.tar.gz"
    call_command("backup", str(backup))
    _refused(backup, "The database of this site already holds data", force=False)
    assert tables() == site
    assert (settings.COLLECTION_IMPORT_DIR / "upload.csv").exists()


@pytest.mark.django_db(transaction=True)
def test_stored_files_are_not_replaced_unless_forced(site, tmp_path, settings):
    backup = tmp_path / "site.tar.gz"
    call_command("backup", str(backup))
    call_command("flush", interactive=False)
    upload = settings.COLLECTION_IMPORT_DIR / "upload.csv"
    upload.write_text("changed since")
    _refused(backup, "already holds files", force=False)
    assert upload.read_text() == "changed since"
    (settings.DOCUMENTS_DIR / "report.pdf").unlink()
    call_command("restore", str(backup), "--force")
    assert upload.read_text() == "TERYT;kod;wartość\n"
    assert (settings.DOCUMENTS_DIR / "report.pdf").read_bytes() == b"%PDF-1.7 a report"
    assert tables() == site
