"""Writing many rows fast: COPY on PostgreSQL, executemany elsewhere (SQLite).

The one bulk writer of rows: results are written by the hundred thousand and imports
write values and their history by the hundred thousand; model instances and
``bulk_create`` would spend most of the time building objects. Rows are tuples in the
order of the given fields, already in the database's types (ids for foreign keys).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.db.models import Model

_BATCH = 50_000


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    column = getattr(field, "column", None)
    if not isinstance(column, str):
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return column


def table_name(model: type[Model]) -> str:
    """The model's table, quoted for SQL."""
    return connection.ops.quote_name(model._meta.db_table)


def column_name(model: type[Model], name: str) -> str:
    """The column of the model's field ``name``, quoted for SQL."""
    return connection.ops.quote_name(_column(model, name))


def rows_write(model: type[Model], fields: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert ``rows`` into ``model``'s table; the number of rows written."""
    table = table_name(model)
    columns = ", ".join(column_name(model, name) for name in fields)
    written = 0
    rows = iter(rows)
    if connection.vendor == "postgresql":
        return rows_copy(table, [column_name(model, name) for name in fields], rows)
    # One transaction: SQLite in autocommit would commit (and sync) every row.
    with transaction.atomic(), connection.cursor() as cursor:
        placeholders = ", ".join(["%s"] * len(fields))
        statement = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from _meta
        while batch := list(islice(rows, _BATCH)):
            cursor.executemany(statement, batch)
            written += len(batch)
    return written


def rows_copy(
    table: str,
    columns: Sequence[str],
    rows: Iterable[tuple[Any, ...]],
    *,
    types: Sequence[str] | None = None,
) -> int:
    """PostgreSQL: COPY ``rows`` into ``table`` (a quoted name: a model's table or a
    temporary one) as ``columns`` (quoted), typed as ``types`` (SQL type names) where
    the values alone do not say (a None); the number of rows written."""
    written = 0
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        if types is not None:
            copy.set_types(list(types))
        for row in rows:
            copy.write_row(row)
            written += 1
    return written


def frame_write(model: type[Model], fields: Sequence[str], frame: pl.DataFrame) -> int:
    """Insert the rows of ``frame`` (its columns in the order of ``fields``, in the
    database's types: ids for foreign keys, text never null) into ``model``'s table.

    On PostgreSQL the frame goes as CSV in one COPY (Polars writes it: no Python object
    per row); strings are quoted so that an empty string stays one, while a null number
    is an unquoted empty field, which COPY reads as NULL.
    """
    if connection.vendor != "postgresql":
        return rows_write(model, fields, frame.iter_rows())
    table = table_name(model)
    columns = ", ".join(column_name(model, name) for name in fields)
    with connection.cursor() as cursor:
        statement = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)"
        with cursor.cursor.copy(statement) as copy:
            for start in range(0, frame.height, _CSV_ROWS):
                part = frame.slice(start, _CSV_ROWS)
                copy.write(part.write_csv(include_header=False, quote_style="non_numeric"))
    return frame.height


_CSV_ROWS = 500_000
