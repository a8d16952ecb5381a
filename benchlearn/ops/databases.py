"""The database side of backups, per engine: a consistent snapshot into a file, its check,
and its restore. SQLite copies itself page by page with its online backup API (the site
may stay up); PostgreSQL is dumped by ``pg_dump`` in its custom format and restored by
``pg_restore`` through ``psql`` in one transaction, so a failed restore changes nothing."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from benchlearn.ops.errors import BackupError

ENGINES = ("sqlite", "postgresql")
# Filled by `migrate` on any site, data or not: a freshly migrated database is empty.
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission"}

# Drops what a restore replaces (Django creates tables, their sequences and indexes).
_CLEAR_SQL = """\
DO $$
DECLARE item record;
BEGIN
  FOR item IN SELECT format('%I.%I', schemaname, viewname) AS name
      FROM pg_views WHERE schemaname = current_schema() LOOP
    EXECUTE 'DROP VIEW IF EXISTS ' || item.name || ' CASCADE';
  END LOOP;
  FOR item IN SELECT format('%I.%I', schemaname, tablename) AS name
      FROM pg_tables WHERE schemaname = current_schema() LOOP
    EXECUTE 'DROP TABLE IF EXISTS ' || item.name || ' CASCADE';
  END LOOP;
  FOR item IN SELECT format('%I.%I', sequence_schema, sequence_name) AS name
      FROM information_schema.sequences WHERE sequence_schema = current_schema() LOOP
    EXECUTE 'DROP SEQUENCE IF EXISTS ' || item.name || ' CASCADE';
  END LOOP;
END $$;
"""


def engine() -> str:
    if connection.vendor not in ENGINES:
        raise BackupError(
            _("Backups support SQLite and PostgreSQL, not %(engine)s.")
            % {"engine": connection.vendor}
        )
    return connection.vendor


def applied_migrations() -> list[tuple[str, str]]:
    if MigrationRecorder.Migration._meta.db_table not in connection.introspection.table_names():
        return []
    return sorted(MigrationRecorder(connection).applied_migrations())


def known_migrations() -> set[tuple[str, str]]:
    """The migrations of this version of the code."""
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def has_data() -> bool:
    """Whether any table holds rows other than what `migrate` alone writes."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in BOOKKEEPING_TABLES:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is not None:
                return True
    return False


# --- SQLite ----------------------------------------------------------------------------


def _sqlite_snapshot(target: Path) -> None:
    if connection.in_atomic_block:
        # The copy would wait for this very transaction to end.
        raise BackupError(_("A backup cannot be made inside a transaction."))
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()


def _sqlite_check(snapshot: Path) -> None:
    try:
        copy = sqlite3.connect(snapshot)
        try:
            verdict = copy.execute("PRAGMA integrity_check").fetchone()
        finally:
            copy.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(
            _("The database in the backup is damaged: %(error)s") % {"error": error}
        ) from None
    if verdict is None or verdict[0] != "ok":
        raise BackupError(
            _("The database in the backup is damaged: %(error)s") % {"error": verdict}
        )


def _sqlite_restore(snapshot: Path) -> None:
    # Copied into Django's own connection, page by page in one write transaction.
    connection.ensure_connection()
    copy = sqlite3.connect(snapshot)
    try:
        copy.backup(connection.connection)
    except sqlite3.Error as error:
        raise BackupError(
            _("The database could not be restored: %(error)s") % {"error": error}
        ) from None
    finally:
        copy.close()
    connection.close()


# --- PostgreSQL --------------------------------------------------------------------------


def _pg_environment() -> dict[str, str]:
    """The libpq variables naming Django's database, for the client programs."""
    db = connection.settings_dict
    env = dict(os.environ)
    for variable, value in (
        ("PGDATABASE", db.get("NAME")),
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGSSLMODE", (db.get("OPTIONS") or {}).get("sslmode")),
    ):
        if value:
            env[variable] = str(value)
    return env


def _client(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        raise BackupError(
            _("%(program)s was not found: install the PostgreSQL client programs.")
            % {"program": program}
        )
    return found


def client_major(program: str) -> int:
    """The major version of a PostgreSQL client program (15 for "pg_dump (PostgreSQL) 15.2")."""
    answer = subprocess.run(  # noqa: S603
        [_client(program), "--version"], capture_output=True, text=True, check=False
    )
    match = re.search(r"\)\s*(\d+)", answer.stdout)
    if match is None:
        raise BackupError(_("%(program)s did not tell its version.") % {"program": program})
    return int(match.group(1))


def server_major() -> int:
    connection.ensure_connection()
    return int(connection.pg_version) // 10000  # type: ignore[attr-defined]


def _run(command: list[str], failure: str) -> None:
    done = subprocess.run(  # noqa: S603
        command, env=_pg_environment(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{failure} {done.stderr.strip()}")


def _pg_snapshot(target: Path) -> None:
    dump, server = client_major("pg_dump"), server_major()
    if dump < server:
        raise BackupError(
            _(
                "pg_dump %(dump)s cannot dump a PostgreSQL %(server)s server: install the "
                "client programs of version %(server)s."
            )
            % {"dump": dump, "server": server}
        )
    command = [_client("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
    _run([*command, "--file", str(target)], _("pg_dump failed:"))


def _pg_check(snapshot: Path) -> None:
    _run(
        [_client("pg_restore"), "--list", str(snapshot)],
        _("The database in the backup is damaged:"),
    )


def _pg_restore(snapshot: Path, work: Path) -> None:
    script = work / "restore.sql"
    command = [_client("pg_restore"), "--no-owner", "--no-privileges", "--file", str(script)]
    _run([*command, str(snapshot)], _("The database in the backup is damaged:"))
    clear = work / "clear.sql"
    clear.write_text(_CLEAR_SQL, encoding="utf-8")
    connection.close()
    psql = [_client("psql"), "--no-psqlrc", "--quiet", "--single-transaction"]
    psql += ["--set", "ON_ERROR_STOP=1", "--file", str(clear), "--file", str(script)]
    _run(psql, _("The database could not be restored (nothing was changed):"))


# --- by engine ---------------------------------------------------------------------------


def snapshot(engine: str, target: Path) -> None:
    """Write a consistent copy of the whole database to ``target``."""
    (_sqlite_snapshot if engine == "sqlite" else _pg_snapshot)(target)


def check(engine: str, snapshot: Path) -> None:
    """Refuse a snapshot that cannot be read, before anything is changed."""
    (_sqlite_check if engine == "sqlite" else _pg_check)(snapshot)


def restore(engine: str, snapshot: Path, work: Path) -> None:
    """Replace the whole database by the snapshot's, in one transaction."""
    if engine == "sqlite":
        _sqlite_restore(snapshot)
    else:
        _pg_restore(snapshot, work)
