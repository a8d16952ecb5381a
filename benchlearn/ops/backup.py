"""Backups in one archive file: a gzip'd tar of the database snapshot, the files the site
stores, and a manifest (format version, database engine, applied migrations, when, and
each member's size and SHA-256) written last, once every member is in.

A restore reads and checks the whole archive before it changes anything: a damaged or
foreign file, an archive of the other engine or of a newer version of the code, or a
site that already holds data (unless forced) is refused with a message.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.ops import databases
from benchlearn.ops.errors import BackupError

FORMAT = "benchlearn-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
FILES = "files"
_CHUNK = 1024 * 1024


@dataclass
class Manifest:
    engine: str
    created_at: str
    migrations: list[tuple[str, str]]
    folders: list[str]
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    format: str = FORMAT
    version: int = VERSION

    @property
    def database(self) -> str:
        return DATABASE_MEMBERS[self.engine]

    @property
    def files(self) -> int:
        return sum(1 for name in self.members if name.startswith(f"{FILES}/"))


def stored_folders() -> dict[str, Path]:
    """The folders of files the site keeps, by their name in the archive: uploads
    waiting for their import, PDF reports made for someone. (The BDL cache is left
    out: it is fetched again when needed.)"""
    folders = {
        "imports": Path(settings.COLLECTION_IMPORT_DIR),
        "documents": Path(settings.DOCUMENTS_DIR),
    }
    if settings.MEDIA_ROOT:
        folders["media"] = Path(settings.MEDIA_ROOT)
    return folders


# --- writing -----------------------------------------------------------------------------


class _Hashing(io.RawIOBase):
    """Reads a file while hashing what was read."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream, self.sha256 = stream, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.sha256.update(data)
        return data


def _add(archive: tarfile.TarFile, name: str, path: Path) -> dict[str, Any] | None:
    """Add a file; None if it went away meanwhile (an import finished and removed it)."""
    try:
        stream = path.open("rb")
    except FileNotFoundError:
        return None
    with stream:
        info = tarfile.TarInfo(name)
        stat = os.fstat(stream.fileno())
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
        hashing = _Hashing(stream)
        archive.addfile(info, hashing)
    return {"size": info.size, "sha256": hashing.sha256.hexdigest()}


def _stored_files(folder: Path) -> Iterator[tuple[str, Path]]:
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(folder).as_posix(), path


def backup_create(*, path: Path) -> Manifest:
    """Write a backup of the database and the stored files to ``path`` (replaced only
    once the new archive is complete; readable by its owner only: it holds password
    hashes and everything the units sent)."""
    engine = databases.engine()
    folders = stored_folders()
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".benchlearn-backup-", dir=path.parent) as work:
        manifest = Manifest(
            engine=engine,
            created_at=timezone.now().isoformat(timespec="seconds"),
            migrations=databases.applied_migrations(),
            folders=sorted(folders),
        )
        snapshot = Path(work) / manifest.database
        databases.snapshot(engine, snapshot)
        partial = Path(work) / "archive.tar.gz"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with (
            os.fdopen(descriptor, "wb") as output,
            tarfile.open(fileobj=output, mode="w:gz") as tar,
        ):
            added = _add(tar, manifest.database, snapshot)
            assert added is not None
            manifest.members[manifest.database] = added
            for label, folder in folders.items():
                for relative, file in _stored_files(folder):
                    name = f"{FILES}/{label}/{relative}"
                    member = _add(tar, name, file)
                    if member is not None:
                        manifest.members[name] = member
            data = json.dumps(asdict(manifest), indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
        os.replace(partial, path)
    return manifest


# --- reading -----------------------------------------------------------------------------


def _damaged(path: Path, reason: object) -> BackupError:
    return BackupError(
        _("%(file)s is not a Benchlearn backup or is damaged: %(reason)s")
        % {"file": path, "reason": reason}
    )


def _manifest(path: Path, data: bytes) -> Manifest:
    try:
        raw = json.loads(data)
        if raw.get("format") != FORMAT:
            raise _damaged(path, _("its manifest is not a Benchlearn backup's."))
        if raw.get("version") != VERSION:
            raise BackupError(
                _(
                    "%(file)s is a backup of format version %(version)s; this version of "
                    "Benchlearn reads version %(ours)s."
                )
                % {"file": path, "version": raw.get("version"), "ours": VERSION}
            )
        manifest = Manifest(
            engine=str(raw["engine"]),
            created_at=str(raw["created_at"]),
            migrations=[(str(app), str(name)) for app, name in raw["migrations"]],
            folders=[str(label) for label in raw["folders"]],
            members={str(name): dict(member) for name, member in raw["members"].items()},
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        reason = _("its manifest cannot be read (%(error)s).") % {"error": error}
        raise _damaged(path, reason) from None
    if manifest.engine not in DATABASE_MEMBERS or manifest.database not in manifest.members:
        raise _damaged(path, _("its manifest names no database."))
    return manifest


def _target(manifest: Manifest, name: str) -> PurePosixPath | None:
    """Where a member goes under the work folder; None for one the manifest does not list."""
    if name not in manifest.members:
        return None
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts or "" in relative.parts:
        return None
    if name == manifest.database:
        return relative
    parts = relative.parts
    if len(parts) < 3 or parts[0] != FILES or parts[1] not in manifest.folders:
        return None
    return relative


def _unpack(path: Path, work: Path) -> Manifest:
    """Check the whole archive and unpack it into ``work``; its manifest."""
    try:
        with tarfile.open(path, mode="r:*") as tar:
            manifest_member = tar.getmember(MANIFEST)
            stream = tar.extractfile(manifest_member)
            if stream is None:
                raise _damaged(path, _("its manifest is not a file."))
            manifest = _manifest(path, stream.read())
            found: set[str] = set()
            for member in tar:
                if member.name == MANIFEST:
                    continue
                target = _target(manifest, member.name)
                if target is None or not member.isreg() or member.name in found:
                    raise _damaged(
                        path, _("it holds an unexpected entry %(name)s.") % {"name": member.name}
                    )
                found.add(member.name)
                _extract(path, tar, member, work / target, manifest.members[member.name])
            # To the end of the compressed stream, whose checksum tells a cut-off tail.
            while tar.fileobj is not None and tar.fileobj.read(_CHUNK):
                pass
    except KeyError:
        raise _damaged(path, _("it has no manifest.")) from None
    except FileNotFoundError:
        raise BackupError(_("There is no file %(file)s.") % {"file": path}) from None
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise _damaged(path, error) from None
    missing = sorted(set(manifest.members) - found)
    if missing:
        raise _damaged(path, _("%(name)s is missing.") % {"name": missing[0]})
    return manifest


def _extract(
    path: Path,
    tar: tarfile.TarFile,
    member: tarfile.TarInfo,
    target: Path,
    expected: dict[str, Any],
) -> None:
    stream = tar.extractfile(member)
    assert stream is not None
    target.parent.mkdir(parents=True, exist_ok=True)
    sha256, size = hashlib.sha256(), 0
    with target.open("wb") as output:
        while chunk := stream.read(_CHUNK):
            sha256.update(chunk)
            size += len(chunk)
            output.write(chunk)
    if size != expected.get("size") or sha256.hexdigest() != expected.get("sha256"):
        raise _damaged(path, _("%(name)s does not match its checksum.") % {"name": member.name})


# --- restoring ---------------------------------------------------------------------------


@dataclass
class RestoreResult:
    manifest: Manifest
    pending: list[tuple[str, str]]  # migrations of this code the backup predates


def _folder_busy(folder: Path) -> bool:
    return folder.is_dir() and any(folder.iterdir())


def _refusals(manifest: Manifest, engine: str, *, force: bool) -> None:
    if manifest.engine != engine:
        raise BackupError(
            _(
                "This backup is of a %(theirs)s database and this site uses %(ours)s: restore "
                "it into a site on %(theirs)s."
            )
            % {"theirs": manifest.engine, "ours": engine}
        )
    newer = sorted(set(manifest.migrations) - databases.known_migrations())
    if newer:
        raise BackupError(
            _(
                "This backup was made by a newer version of Benchlearn (it has migration "
                "%(app)s.%(name)s, unknown here): upgrade first."
            )
            % {"app": newer[0][0], "name": newer[0][1]}
        )
    if force:
        return
    if databases.has_data():
        raise BackupError(
            _(
                "The database of this site already holds data: restore into an empty "
                "database, or add --force to replace everything in it."
            )
        )
    busy = [str(folder) for folder in stored_folders().values() if _folder_busy(folder)]
    if busy:
        raise BackupError(
            _(
                "%(folder)s already holds files: restore into an empty site, or add --force "
                "to replace them."
            )
            % {"folder": busy[0]}
        )


def _staged(work: Path, manifest: Manifest) -> dict[Path, Path]:
    """The stored folders as restored, each beside the folder it replaces; target → staged."""
    staged = {}
    for label, folder in stored_folders().items():
        folder.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{folder.name}-restored-", dir=folder.parent))
        unpacked = work / FILES / label
        if label in manifest.folders and unpacked.is_dir():
            shutil.copytree(unpacked, stage, dirs_exist_ok=True)
        staged[folder] = stage
    return staged


def _swap(staged: dict[Path, Path]) -> None:
    for folder, stage in staged.items():
        old = folder.with_name(f".{folder.name}-replaced")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        stage.rename(folder)
        shutil.rmtree(old, ignore_errors=True)


def backup_restore(*, path: Path, force: bool = False) -> RestoreResult:
    """Replace the database and the stored files by a backup's. Refused (nothing
    changed) when the archive is damaged or foreign, of the other engine or of a newer
    version, or when the site holds data and ``force`` is not given."""
    engine = databases.engine()
    with tempfile.TemporaryDirectory(prefix="benchlearn-restore-") as folder:
        work = Path(folder)
        manifest = _unpack(path, work / "archive")
        _refusals(manifest, engine, force=force)
        snapshot = work / "archive" / manifest.database
        databases.check(engine, snapshot)
        staged = _staged(work / "archive", manifest)
        try:
            databases.restore(engine, snapshot, work)
        except BackupError:
            for stage in staged.values():
                shutil.rmtree(stage, ignore_errors=True)
            raise
        _swap(staged)
    pending = sorted(databases.known_migrations() - set(manifest.migrations))
    return RestoreResult(manifest=manifest, pending=pending)
