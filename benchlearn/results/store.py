"""Writing many rows fast: COPY on PostgreSQL, one executemany elsewhere (SQLite).

Results are written by the hundred thousand; model instances and ``bulk_create``
would spend most of the time building objects. Rows are tuples in the order of the
given fields, already in the database's types (ids for foreign keys).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from django.db import connection
from django.db.models import Model

_BATCH = 50_000


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    column = getattr(field, "column", None)
    if not isinstance(column, str):
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return column


def rows_write(model: type[Model], fields: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert ``rows`` into ``model``'s table; the number of rows written."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(_column(model, name)) for name in fields)
    written = 0
    rows = iter(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
            return written
        placeholders = ", ".join(["%s"] * len(fields))
        statement = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from _meta
        while batch := list(islice(rows, _BATCH)):
            cursor.executemany(statement, batch)
            written += len(batch)
    return written
