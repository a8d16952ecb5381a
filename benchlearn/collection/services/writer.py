"""The single writer of values: every change of a ``Value`` goes through
``values_write_many``, which writes its ``ValueChange`` row; no other code updates a value."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone

from benchlearn.accounts.models import User
from benchlearn.bulk import column_name, rows_copy, rows_write, table_name
from benchlearn.catalogue.models import Variable
from benchlearn.collection.models import (
    Submission,
    Value,
    ValueChange,
)
from benchlearn.units.models import Unit


class Write(NamedTuple):
    variable: Variable
    value: Decimal | None
    comment: str


class Stored(NamedTuple):
    """A stored value as the writer compares it (rows, not model instances: an import
    compares hundreds of thousands)."""

    id: int
    value: Decimal | None
    comment: str
    revision: int


def stored_of(value: Value) -> Stored:
    return Stored(value.pk, value.value, value.comment, value.revision)


@dataclass(frozen=True)
class UnitWrites:
    """One unit's writes of one period: ``existing`` are its stored values of these
    variables (by code), locked by the caller; ``submission`` is recorded on the rows."""

    unit: Unit
    submission: Submission | None
    writes: list[Write]
    existing: Mapping[str, Stored]


def values_write(
    *,
    unit: Unit,
    period: int,
    writes: list[Write],
    existing: Mapping[str, Stored],
    user: User | None,
    source: str,
    submission: Submission | None,
    restored_from: ValueChange | None = None,
    note: str = "",
) -> list[str]:
    """Store ``writes`` with a ValueChange row for each real change; the changed codes.

    ``existing`` are the stored values of these variables, locked by the caller. Writing
    what is already stored changes nothing and records nothing (saves are idempotent).
    """
    changed = values_write_many(
        period=period,
        batches=[UnitWrites(unit, submission, writes, existing)],
        user=user,
        source=source,
        restored_from=restored_from,
        note=note,
    )
    return changed.get(unit.pk, [])


# The columns of a change to store, in this order: a tuple per changed value. ``id`` is
# None for a new value; ``ord`` keeps the order of the history rows as the writes came.
_CHANGE_ROW = (
    "ord",
    "id",
    "unit_id",
    "variable_id",
    "value",
    "comment",
    "revision",
    "old_value",
    "old_comment",
    "submission_id",
    "submission_state",
)


_CHANGE_ROW_TYPES = (
    "integer",
    "bigint",
    "bigint",
    "bigint",
    "numeric",
    "text",
    "integer",
    "numeric",
    "text",
    "bigint",
    "text",
)


class _Recorded(NamedTuple):
    """What every row of one write records besides the change itself."""

    period: int
    source: str
    now: Any  # prepared for the database
    user_id: int | None
    restored_from_id: int | None
    note: str


def values_write_many(
    *,
    period: int,
    batches: Iterable[UnitWrites],
    user: User | None,
    source: str,
    restored_from: ValueChange | None = None,
    note: str = "",
) -> dict[int, list[str]]:
    """The single writer of values: ``values_write`` for many units at once, in a few
    statements whatever their number (an import of thousands of units). Returns the
    changed codes by unit id; units with no change are left out.

    What changes is decided here, as tuples in the order of ``_CHANGE_ROW`` (rows, not
    model instances: Django's bulk_create and bulk_update prepare every field of every
    instance, far too slow for an import of hundreds of thousands of values;
    ``bench/bench_collection.py`` measures it); ``changes_store`` writes them with their
    history rows, through ``benchlearn.bulk`` on SQLite.
    """
    # The time as the database takes it (SQLite: text in UTC), prepared once.
    now = Value._meta.get_field("updated_at").get_db_prep_save(timezone.now(), connection)
    recorded = _Recorded(
        period,
        source,
        now,
        user.pk if user is not None else None,
        restored_from.pk if restored_from is not None else None,
        note,
    )
    changes: list[tuple[Any, ...]] = []
    codes: dict[int, list[str]] = {}
    for batch in batches:
        unit_id = batch.unit.pk
        submission = batch.submission
        state = (submission.pk, submission.state) if submission is not None else (None, "")
        unit_codes = []
        for variable, number, comment in batch.writes:
            current = batch.existing.get(variable.code)
            if current is None:
                if number is None and not comment:
                    continue  # an empty field with nothing stored: nothing to keep
                changes.append(
                    (len(changes), None, unit_id, variable.pk, number, comment, 1, None, "", *state)
                )
            elif current.value != number or current.comment != comment:
                changes.append(
                    (
                        len(changes),
                        current.id,
                        unit_id,
                        variable.pk,
                        number,
                        comment,
                        current.revision + 1,
                        current.value,
                        current.comment,
                        *state,
                    )
                )
            else:
                continue
            unit_codes.append(variable.code)
        if unit_codes:
            codes[unit_id] = unit_codes
    if changes:
        _references_held(User, [recorded.user_id])
        _references_held(Submission, {row[9] for row in changes})
        changes_store(changes, recorded)
    return codes


def _references_held(model: type[Model], ids: Iterable[int | None]) -> None:
    """Make sure the rows ``ids`` of ``model`` exist and stay until the commit (locked as
    PostgreSQL's foreign key check locks them: FOR KEY SHARE). The user and the
    submissions a write records have no constraint in the database (``Value.updated_by``,
    ``ValueChange.changed_by``, ``ValueChange.submission``): its check ran once per value,
    a large share of a large import; this runs once per write."""
    wanted = sorted({pk for pk in ids if pk is not None})
    if not wanted:
        return
    table, key = table_name(model), column_name(model, "id")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT {key} FROM {table} WHERE {key} = ANY(%s) FOR KEY SHARE",  # noqa: S608 - names from _meta
                [wanted],
            )
        else:  # SQLite: one writer at a time, nothing to lock
            placeholders = ", ".join(["%s"] * len(wanted))
            cursor.execute(
                f"SELECT {key} FROM {table} WHERE {key} IN ({placeholders})",  # noqa: S608 - names from _meta
                wanted,
            )
        found = {row[0] for row in cursor.fetchall()}
    if len(found) != len(wanted):
        missing = sorted(set(wanted) - found)
        raise IntegrityError(f"{model._meta.label} {missing} do not exist")


def changes_store(changes: list[tuple[Any, ...]], recorded: _Recorded) -> None:
    """Update the changed values, insert the new ones, and write a ValueChange row for
    each (those of updates first, each group in the order of ``ord``)."""
    if connection.vendor == "postgresql":
        _changes_store_staged(changes, recorded)
    else:
        _changes_store_rows(changes, recorded)


def _changes_store_staged(changes: list[tuple[Any, ...]], recorded: _Recorded) -> None:
    """PostgreSQL: the changes go by COPY into a temporary table, and two statements
    write the values and their history rows from it. The constant columns (who, when,
    how) are sent once, not once per row, and the new values' ids never travel to Python
    and back: half the cells that COPY into both tables sent."""
    staged = connection.ops.quote_name("value_changes_staged")
    definition = ", ".join(
        f"{name} {kind}" for name, kind in zip(_CHANGE_ROW, _CHANGE_ROW_TYPES, strict=True)
    )
    value, change = table_name(Value), table_name(ValueChange)
    v = {name: column_name(Value, name) for name in _VALUE_COLUMNS}
    history = ", ".join(column_name(ValueChange, name) for name in _CHANGE_COLUMNS)
    # The history row of each change, from the staged columns (``w``) and the constants.
    history_select = (
        "SELECT w.value_id, w.old_value, w.value, w.old_comment, w.comment, w.revision, "
        "w.submission_id, w.submission_state, %s, %s, %s, %s, %s"
    )
    constants = [*recorded[1:]]  # source, now, user, restored from, note
    # savepoint=False: the caller's transaction if there is one (the table goes with it).
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {staged} ({definition}) ON COMMIT DROP")
        rows_copy(staged, _CHANGE_ROW, changes, types=_CHANGE_ROW_TYPES)
        if any(row[1] is not None for row in changes):
            cursor.execute(
                f"WITH w AS (UPDATE {value} SET {v['value']} = s.value, "  # noqa: S608 - names from _meta
                f"{v['comment']} = s.comment, {v['revision']} = s.revision, "
                f"{v['source']} = %s, {v['updated_at']} = %s, {v['updated_by']} = %s "
                f"FROM {staged} AS s WHERE s.id IS NOT NULL AND {value}.{v['id']} = s.id "
                "RETURNING s.*, s.id AS value_id) "
                f"INSERT INTO {change} ({history}) {history_select} FROM w ORDER BY w.ord",
                [recorded.source, recorded.now, recorded.user_id, *constants],
            )
        if any(row[1] is None for row in changes):
            inserted = ", ".join(v[name] for name in _NEW_VALUE_COLUMNS)
            cursor.execute(
                f"WITH added AS (INSERT INTO {value} ({inserted}) "  # noqa: S608 - names from _meta
                "SELECT unit_id, variable_id, value, comment, revision, %s, %s, %s, %s "
                f"FROM {staged} WHERE id IS NULL ORDER BY ord "
                f"RETURNING {v['id']} AS value_id, {v['unit']} AS unit_id, "
                f"{v['variable']} AS variable_id), "
                f"w AS (SELECT added.value_id, s.* FROM added JOIN {staged} AS s "
                "ON s.unit_id = added.unit_id AND s.variable_id = added.variable_id "
                "AND s.id IS NULL) "
                f"INSERT INTO {change} ({history}) {history_select} FROM w ORDER BY w.ord",
                [recorded.period, recorded.source, recorded.now, recorded.user_id, *constants],
            )
        cursor.execute(f"DROP TABLE {staged}")


def _changes_store_rows(changes: list[tuple[Any, ...]], recorded: _Recorded) -> None:
    """SQLite: one executemany per statement (UPDATE, INSERT of values, of history)."""
    table, v = table_name(Value), {name: column_name(Value, name) for name in _VALUE_COLUMNS}
    source, now, user_id = recorded.source, recorded.now, recorded.user_id
    updates = [row for row in changes if row[1] is not None]
    new = [row for row in changes if row[1] is None]
    with connection.cursor() as cursor:
        if updates:
            cursor.executemany(
                f"UPDATE {table} SET {v['value']} = %s, {v['comment']} = %s, "  # noqa: S608 - names from _meta
                f"{v['revision']} = %s, {v['source']} = %s, "
                f"{v['updated_at']} = %s, {v['updated_by']} = %s "
                f"WHERE {v['id']} = %s",
                [(row[4], row[5], row[6], source, now, user_id, row[1]) for row in updates],
            )
    ids: dict[tuple[int, int], int] = {}
    if new:
        rows_write(
            Value,
            _NEW_VALUE_COLUMNS,
            [(*row[2:7], recorded.period, source, now, user_id) for row in new],
        )
        ids = _new_ids(new, recorded.period)
    constants = recorded[1:]  # source, now, user, restored from, note
    history = [
        (row[1], row[7], row[4], row[8], row[5], row[6], row[9], row[10], *constants)
        for row in updates
    ] + [
        (ids[row[2], row[3]], row[7], row[4], row[8], row[5], row[6], row[9], row[10], *constants)
        for row in new
    ]
    rows_write(ValueChange, _CHANGE_COLUMNS, history)


# The columns of the history rows as both stores write them.
_CHANGE_COLUMNS = (
    "value",
    "old_value",
    "new_value",
    "old_comment",
    "new_comment",
    "revision",
    "submission",
    "submission_state",
    "source",
    "changed_at",
    "changed_by",
    "restored_from",
    "note",
)


# The columns a new value is inserted with (the id is the database's).
_NEW_VALUE_COLUMNS = (
    "unit",
    "variable",
    "value",
    "comment",
    "revision",
    "period",
    "source",
    "updated_at",
    "updated_by",
)


_VALUE_COLUMNS = ("id", *_NEW_VALUE_COLUMNS)


def _new_ids(new: list[tuple[Any, ...]], period: int) -> dict[tuple[int, int], int]:
    """The ids SQLite gave the new values: one SELECT keyed by (unit, variable, period)."""
    rows = (
        Value.objects.filter(
            period=period,
            unit_id__in=sorted({row[2] for row in new}),
            variable_id__in=sorted({row[3] for row in new}),
        )
        .order_by()  # into a dict: no sort of every row
        .values_list("unit_id", "variable_id", "id")
    )
    return {(unit_id, variable_id): value_id for unit_id, variable_id, value_id in rows}
