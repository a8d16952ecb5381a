"""The demo in the test database, built once per test session.

`benchlearn demo` takes a minute or more to build (more on PostgreSQL), and several
modules walk it: the browser tests (whose live server empties the database after each
test) and modules that keep it for their tests. The first of them builds it with the
command and keeps a copy of every table; the others put that copy back into the
emptied database, which takes seconds: PostgreSQL's COPY, or SQLite rows inserted anew.
Foreign keys are deferred to the end of the transaction on both, so tables are filled
in any order. Files the build wrote (under BENCHLEARN_DATA_DIR) stay where they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction


@dataclass
class _Copy:
    printed: str  # what `benchlearn demo` printed
    tables: dict[str, Any]  # PostgreSQL: COPY data; SQLite: (columns, rows)


_copy: _Copy | None = None


def demo_database() -> str:
    """The demo in the (empty) test database; what `benchlearn demo` printed. Call it
    with the database reachable (a test's ``db``/``transactional_db``, or a module
    fixture's ``django_db_blocker.unblock()``)."""
    global _copy
    if _copy is not None:
        _restore(_copy)
        return _copy.printed
    out = StringIO()
    call_command("demo", stdout=out)
    _copy = _Copy(out.getvalue(), _tables_read())
    return _copy.printed


def _table_names() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _tables_read() -> dict[str, Any]:
    quote = connection.ops.quote_name
    found: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for table in _table_names():
            if connection.vendor == "postgresql":
                data = bytearray()
                with cursor.cursor.copy(f"COPY {quote(table)} TO STDOUT") as copy:
                    for block in copy:
                        data += block
                found[table] = bytes(data)
            else:
                cursor.execute(f"PRAGMA table_info({quote(table)})")
                columns = [row[1] for row in cursor.fetchall()]
                # "+column" is the stored value itself, without the declared type that
                # would turn it into a Python time or Decimal the insert cannot take.
                raw = ", ".join(f"+{quote(c)}" for c in columns)
                cursor.execute(f"SELECT {raw} FROM {quote(table)}")
                found[table] = (columns, cursor.fetchall())
    return found


def _restore(copy: _Copy) -> None:
    quote = connection.ops.quote_name
    tables = _table_names()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(quote(t) for t in tables)}")
            for table, data in copy.tables.items():
                if data:
                    with cursor.cursor.copy(f"COPY {quote(table)} FROM STDIN") as writing:
                        writing.write(data)
            models = apps.get_models(include_auto_created=True)
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
            return
        for table in tables:
            cursor.execute(f"DELETE FROM {quote(table)}")
        for table, (columns, rows) in copy.tables.items():
            if rows:
                names = ", ".join(quote(c) for c in columns)
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})",
                    rows,
                )
