"""Writes of data collection: rounds, values and the submission workflow.

Every service is keyword-only, checks permissions itself (``require``), runs in a
transaction, and raises ``CollectionError`` (nothing stored) when the step cannot be done.
Every change of a value goes through ``_values_write``, which writes its ``ValueChange``
row: no other code updates a ``Value``.

Concurrency: a page carries the revision of every value it showed (``base_revisions``,
from ``selectors.submission_revisions``) and the submission's revision (for submit). A
save from an older revision of a value that someone else changed meanwhile stores
nothing and returns the conflicts; saving again with the new revisions keeps one's own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any, NamedTuple

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Field, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.access import Perm, may, require
from benchlearn.accounts.models import User
from benchlearn.catalogue.models import IndicatorSet, Variable
from benchlearn.collection.models import (
    EDITABLE_STATES,
    ReturnComment,
    Round,
    RoundState,
    Submission,
    SubmissionEvent,
    SubmissionState,
    Value,
    ValueChange,
    ValueSource,
)
from benchlearn.collection.parsing import NumberError, checked_decimal, parse_number
from benchlearn.collection.selectors import round_variables, set_published_version
from benchlearn.collection.validation import Check, range_error, submission_check
from benchlearn.units.models import Unit


class CollectionError(ValueError):
    """A collection step that cannot be done as asked; nothing was stored.

    ``problems`` are messages in the active language; ``by_variable`` holds those that
    concern one variable (code → messages), e.g. what blocks a submission.
    """

    def __init__(
        self, problems: str | list[str], *, by_variable: Mapping[str, list[str]] | None = None
    ) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.by_variable = dict(by_variable or {})
        super().__init__("\n".join(self.problems))


class SubmissionBlocked(CollectionError):
    """Submission refused: hard errors, empty values or warnings without a comment."""

    def __init__(self, check: Check) -> None:
        super().__init__(
            _("The data cannot be submitted yet: correct the marked values."),
            by_variable=check.blocking(),
        )
        self.check = check


# --- rounds ---------------------------------------------------------------------------


@transaction.atomic
def round_create(
    *,
    user: User,
    name: str,
    period: int,
    indicator_sets: Iterable[IndicatorSet],
    units: Iterable[Unit],
    deadline: date,
    warning_threshold: Decimal = Decimal(30),
) -> Round:
    """Create a round in preparation (state draft) for ``units``.

    Units are chosen by the caller: an exchange group's members
    (``selectors.units_of_group``), a list of TERYT codes (``selectors.units_by_teryt``)
    or a filter (``selectors.units_by_filter``).
    """
    require(user, Perm.COLLECTION_MANAGE)
    sets, chosen = list(indicator_sets), list(units)
    problems = []
    if not name.strip():
        problems.append(_("Give the round a name."))
    if not 1990 <= period <= 2100:
        problems.append(_("The year must be between 1990 and 2100."))
    if not sets:
        problems.append(_("Choose at least one indicator set."))
    if not chosen:
        problems.append(_("Choose at least one unit."))
    if warning_threshold <= 0:
        problems.append(_("The warning threshold must be a positive percentage."))
    if problems:
        raise CollectionError(problems)
    round_ = Round.objects.create(
        name=name.strip(),
        period=period,
        deadline=deadline,
        warning_threshold=warning_threshold,
        created_by=user,
    )
    round_.indicator_sets.set(sets)
    round_.units.set(chosen)
    return round_


def _locked_round(round_: Round) -> Round:
    return Round.objects.select_for_update().get(pk=round_.pk)


@transaction.atomic
def round_open(*, round_: Round, user: User) -> Round:
    """Open a round: pin the sets' current published versions (refused if a set has
    none) and create a draft submission for every unit."""
    require(user, Perm.COLLECTION_MANAGE)
    round_ = _locked_round(round_)
    if round_.state != RoundState.DRAFT:
        raise CollectionError(_("Only a round in preparation can be opened."))
    versions, unpublished = [], []
    for indicator_set in round_.indicator_sets.order_by("position", "code"):
        version = set_published_version(indicator_set)
        if version is None:
            unpublished.append(indicator_set.code)
        else:
            versions.append(version)
    if unpublished:
        raise CollectionError(
            _(
                "The indicator set %(codes)s has no published version: publish the "
                "catalogue before opening the round."
            )
            % {"codes": ", ".join(unpublished)}
        )
    round_.set_versions.set(versions)
    Submission.objects.bulk_create(
        [Submission(round=round_, unit=unit) for unit in round_.units.all()],
        ignore_conflicts=True,
    )
    round_.state, round_.opened_at = RoundState.OPEN, timezone.now()
    round_.save(update_fields=["state", "opened_at"])
    return round_


@transaction.atomic
def round_close(*, round_: Round, user: User) -> Round:
    """Close an open round: units can no longer edit or submit; operators may still
    approve what was submitted."""
    require(user, Perm.COLLECTION_MANAGE)
    round_ = _locked_round(round_)
    if round_.state != RoundState.OPEN:
        raise CollectionError(_("Only an open round can be closed."))
    round_.state, round_.closed_at = RoundState.CLOSED, timezone.now()
    round_.save(update_fields=["state", "closed_at"])
    return round_


# --- values ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """A value someone else changed after the page was opened: theirs and yours."""

    code: str
    their_value: Decimal | None
    their_comment: str
    changed_by: User | None
    changed_at: datetime
    your_value: Decimal | None
    your_comment: str
    revision: int  # send this as the base revision to keep yours


@dataclass
class SaveResult:
    """What ``submission_save`` did. ``ok`` is False when nothing was stored: then
    ``errors`` (code → message, e.g. not a number) or ``conflicts`` say why."""

    errors: dict[str, str] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # codes whose value or comment changed
    revision: int = 0  # the submission's revision after the save

    @property
    def ok(self) -> bool:
        return not self.errors and not self.conflicts


class _Write(NamedTuple):
    variable: Variable
    value: Decimal | None
    comment: str


class _Stored(NamedTuple):
    """A stored value as the writer compares it (rows, not model instances: an import
    compares hundreds of thousands)."""

    id: int
    value: Decimal | None
    comment: str
    revision: int


def _stored(value: Value) -> _Stored:
    return _Stored(value.pk, value.value, value.comment, value.revision)


@dataclass(frozen=True)
class _UnitWrites:
    """One unit's writes of one period: ``existing`` are its stored values of these
    variables (by code), locked by the caller; ``submission`` is recorded on the rows."""

    unit: Unit
    submission: Submission | None
    writes: list[_Write]
    existing: Mapping[str, _Stored]


def _values_write(
    *,
    unit: Unit,
    period: int,
    writes: list[_Write],
    existing: Mapping[str, _Stored],
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
    changed = _values_write_many(
        period=period,
        batches=[_UnitWrites(unit, submission, writes, existing)],
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


def _values_write_many(
    *,
    period: int,
    batches: Iterable[_UnitWrites],
    user: User | None,
    source: str,
    restored_from: ValueChange | None = None,
    note: str = "",
) -> dict[int, list[str]]:
    """The single writer of values: ``_values_write`` for many units at once, in a few
    statements whatever their number (an import of thousands of units). Returns the
    changed codes by unit id; units with no change are left out.

    What changes is decided here, as tuples in the order of ``_CHANGE_ROW`` (rows, not
    model instances: Django's bulk_create and bulk_update prepare every field of every
    instance, which took a minute for an import of 290,000 values); ``_changes_store``
    writes them with their history rows.
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
        _changes_store(changes, recorded)
    return codes


def _references_held(model: type[Model], ids: Iterable[int | None]) -> None:
    """Make sure the rows ``ids`` of ``model`` exist and stay until the commit (locked as
    PostgreSQL's foreign key check locks them: FOR KEY SHARE). The user and the
    submissions a write records have no constraint in the database (``Value.updated_by``,
    ``ValueChange.changed_by``, ``ValueChange.submission``): its check ran once per value,
    six seconds of an import of 290,000 values; this runs once per write."""
    wanted = sorted({pk for pk in ids if pk is not None})
    if not wanted:
        return
    table, key = _table(model), _column(model, "id")
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


def _changes_store(changes: list[tuple[Any, ...]], recorded: _Recorded) -> None:
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
    columns = ", ".join(_CHANGE_ROW)
    definition = ", ".join(
        f"{name} {kind}" for name, kind in zip(_CHANGE_ROW, _CHANGE_ROW_TYPES, strict=True)
    )
    value, change = _table(Value), _table(ValueChange)
    v = {name: _column(Value, name) for name in _VALUE_COLUMNS}
    history = ", ".join(_column(ValueChange, name) for name in _CHANGE_COLUMNS)
    # The history row of each change, from the staged columns (``w``) and the constants.
    history_select = (
        "SELECT w.value_id, w.old_value, w.value, w.old_comment, w.comment, w.revision, "
        "w.submission_id, w.submission_state, %s, %s, %s, %s, %s"
    )
    constants = [*recorded[1:]]  # source, now, user, restored from, note
    # savepoint=False: the caller's transaction if there is one (the table goes with it).
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {staged} ({definition}) ON COMMIT DROP")
        with cursor.cursor.copy(f"COPY {staged} ({columns}) FROM STDIN") as copy:
            copy.set_types(list(_CHANGE_ROW_TYPES))
            for row in changes:
                copy.write_row(row)
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
    table, v = _table(Value), {name: _column(Value, name) for name in _VALUE_COLUMNS}
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
        _rows_insert(
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
    _rows_insert(ValueChange, _CHANGE_COLUMNS, history)


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


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.column is not None
    return connection.ops.quote_name(field.column)


def _rows_insert(model: type[Model], fields: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """SQLite: insert ``rows`` (tuples in the order of ``fields``, prepared for the
    database) into the model's table with one executemany."""
    if not rows:
        return
    table, columns = _table(model), ", ".join(_column(model, name) for name in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608 - names from _meta
            rows,
        )


def _locked_submission(submission: Submission) -> Submission:
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("round", "unit")
        .get(pk=submission.pk)
    )


def _approved_elsewhere(submission: Submission) -> bool:
    """Whether the unit's values of this year are locked by an approved submission of
    another round of the same year (values are shared by such rounds)."""
    return (
        Submission.objects.filter(
            unit_id=submission.unit_id,
            round__period=submission.round.period,
            state=SubmissionState.APPROVED,
        )
        .exclude(pk=submission.pk)
        .exists()
    )


def _edit_refusal(submission: Submission, approved_elsewhere: Callable[[], bool]) -> str | None:
    """Why the submission's values cannot be changed now, or None when they can."""
    if submission.state == SubmissionState.APPROVED:
        return _("The submission is approved and locked: an operator must reopen it first.")
    if submission.round.state != RoundState.OPEN:
        return _("The round is not open: its data cannot be changed.")
    if submission.state not in EDITABLE_STATES:
        return _("The submission was submitted: it can be changed only after it is returned.")
    if approved_elsewhere():
        return _(
            "This unit's data for %(year)s were approved in another round and are "
            "locked: an operator must reopen that submission first."
        ) % {"year": submission.round.period}
    return None


def _require_editable(submission: Submission) -> None:
    refusal = _edit_refusal(submission, lambda: _approved_elsewhere(submission))
    if refusal is not None:
        raise CollectionError(refusal)


def _parsed(raw: str | Decimal | None) -> Decimal | None:
    if raw is None or isinstance(raw, str):
        return parse_number(raw)
    return checked_decimal(raw)


def _state_at(value: Value, revision: int) -> tuple[Decimal | None, str]:
    """The value and comment a page showed at ``revision`` (0: nothing stored yet)."""
    if revision <= 0:
        return None, ""
    row = value.changes.filter(revision=revision).order_by("-pk").first()
    return (row.new_value, row.new_comment) if row else (value.value, value.comment)


@transaction.atomic
def submission_save(
    *,
    submission: Submission,
    user: User,
    entries: Mapping[str, tuple[str | Decimal | None, str | None]],
    base_revisions: Mapping[str, int] | None,
    source: str = ValueSource.FORM,
) -> SaveResult:
    """Save some values of a draft or returned submission of an open round.

    ``entries`` maps variable codes to ``(value, comment)``: the value as typed (parsed
    with ``parse_number``; a Decimal is taken as it is; "" or None empties the value),
    the comment explaining a warning (None keeps the stored one). Partial saves are fine.

    All or nothing: if any value is not a number or not asked for by the round, nothing
    is stored and ``errors`` says why per code. ``base_revisions`` are the revisions of
    the values the page showed (``selectors.submission_revisions``; 0 or absent: no
    value). A value changed by someone else since then is a conflict — unless this save
    leaves it as the page showed it (then theirs is kept) or agrees with theirs: any
    conflict stores nothing and returns ``conflicts``. None skips the check (imports
    whose file is the truth). Saving what is stored writes nothing. Every change writes
    a ValueChange row and bumps the submission's revision and last activity.
    """
    require(user, Perm.SUBMISSION_EDIT, submission.unit)
    submission = _locked_submission(submission)
    _require_editable(submission)
    variables = {v.code: v for v in round_variables(submission.round)}
    result = SaveResult(revision=submission.revision)
    parsed: dict[str, tuple[Decimal | None, str | None]] = {}
    for code, (raw, comment) in entries.items():
        if code not in variables:
            result.errors[code] = _("The round does not ask for %(code)s.") % {"code": code}
            continue
        try:
            parsed[code] = (_parsed(raw), comment.strip() if comment is not None else None)
        except NumberError as error:
            result.errors[code] = error.message
    if result.errors:
        return result
    existing = {
        v.variable.code: v
        for v in Value.objects.select_for_update(of=("self",))
        .filter(unit_id=submission.unit_id, period=submission.round.period)
        .filter(variable__code__in=list(parsed))
        .select_related("variable", "updated_by")
    }
    writes = []
    for code, (number, comment) in parsed.items():
        current = existing.get(code)
        mine = (number, comment if comment is not None else (current.comment if current else ""))
        if current is not None and base_revisions is not None:
            base = base_revisions.get(code, 0)
            theirs = (current.value, current.comment)
            if base != current.revision and mine != theirs:
                if mine == _state_at(current, base):
                    continue  # untouched on this page: keep the newer value
                result.conflicts.append(
                    Conflict(
                        code=code,
                        their_value=current.value,
                        their_comment=current.comment,
                        changed_by=current.updated_by,
                        changed_at=current.updated_at,
                        your_value=mine[0],
                        your_comment=mine[1],
                        revision=current.revision,
                    )
                )
                continue
        writes.append(_Write(variables[code], *mine))
    if result.conflicts:
        return result
    result.changed = _values_write(
        unit=submission.unit,
        period=submission.round.period,
        writes=writes,
        existing={code: _stored(value) for code, value in existing.items()},
        user=user,
        source=source,
        submission=submission,
    )
    if result.changed:
        _touch(submission)
    result.revision = submission.revision
    return result


# --- imports of many values ------------------------------------------------------------

# (TERYT, variable code) → messages; the code is "" for a problem of the whole unit.
ImportErrors = dict[tuple[str, str], list[str]]
ImportEntries = Mapping[str, Mapping[str, tuple[str | Decimal | None, str | None]]]


@dataclass
class ImportResult:
    """What ``values_import`` did: ``errors`` when nothing was stored, else the codes
    whose value or comment changed, by TERYT (units with no change left out)."""

    errors: ImportErrors = field(default_factory=dict)
    changed: dict[str, list[str]] = field(default_factory=dict)
    units: int = 0  # units in the import
    values: int = 0  # values in the import

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed_count(self) -> int:
        return sum(len(codes) for codes in self.changed.values())


def values_import(
    *,
    round_: Round,
    user: User | None,
    entries: ImportEntries,
    source: str,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Store many units' values of a round at once (Excel and CSV files, the CLI).

    ``entries`` maps TERYT codes to what ``submission_save`` takes: variable code →
    (value as text or Decimal, comment or None to keep the stored one). The file is the
    truth: there is no conflict check. All or nothing: every unit must take part in the
    round with a submission the user may edit now, every code must be asked for by the
    round, every value a number within the variable's range; otherwise nothing is
    stored and ``errors`` says what is wrong where. Importing what is stored changes
    nothing (idempotent). Every change writes its ValueChange row (through the single
    writer) and bumps its submission's revision. ``dry_run`` checks and rolls back.
    ``user`` None is a command run on the server (``import-values``): no access check,
    and the history records no person (its source says how the values came).

    Values are checked before the write transaction starts, so that ``progress(done,
    total units)`` reaches a page while a large file is checked; what others may change
    meanwhile (the submissions' states) is checked again under lock in the transaction.
    """
    bounds = {v.code: _Bounds.of(v) for v in round_variables(round_)}
    submissions = _import_submissions(round_, list(entries))
    result = ImportResult(units=len(entries))
    parsed: dict[str, list[tuple[Variable, Decimal | None, str | None]]] = {}
    for done, (teryt, values) in enumerate(entries.items(), start=1):
        submission = submissions.get(teryt)
        if submission is None:
            result.errors[(teryt, "")] = [
                _("Unit %(teryt)s takes no part in this round.") % {"teryt": teryt}
            ]
            continue
        if user is not None and not may(user, Perm.SUBMISSION_EDIT, submission.unit):
            result.errors[(teryt, "")] = [
                _("You may not enter data for %(unit)s.") % {"unit": submission.unit.name}
            ]
            continue
        parsed[teryt] = _import_parsed(teryt, values, bounds, result.errors)
        result.values += len(values)
        if progress is not None and (done % 100 == 0 or done == len(entries)):
            progress(done, len(entries))
    _import_refusals(submissions, list(parsed), result.errors)
    if result.errors:
        return result
    with transaction.atomic():
        result.changed = _import_write(round_, user, parsed, source, result.errors)
        if result.errors or dry_run:
            transaction.set_rollback(True)
        if result.errors:
            result.changed = {}
    return result


def _import_submissions(round_: Round, teryts: list[str]) -> dict[str, Submission]:
    submissions = Submission.objects.filter(round=round_, unit__teryt__in=teryts)
    return {s.unit.teryt: s for s in submissions.select_related("unit", "round")}


class _Bounds(NamedTuple):
    """A variable and its allowed range as Decimals, made once per import, not per value."""

    variable: Variable
    low: Decimal | None
    high: Decimal | None

    @classmethod
    def of(cls, variable: Variable) -> _Bounds:
        def bound(limit: float | None) -> Decimal | None:
            return Decimal(str(limit)) if limit is not None else None

        return cls(variable, bound(variable.minimum), bound(variable.maximum))


def _plain(number: Decimal) -> bool:
    """Whether ``checked_decimal`` takes ``number`` as it is (a non-zero finite number
    with at most 14 digits before and 6 after the point): the numbers of spreadsheet
    cells, nearly all, skip the digit-by-digit check of an import's every value."""
    exponent = number.as_tuple().exponent
    return isinstance(exponent, int) and exponent >= -6 and number.adjusted() < 14 and bool(number)


def _import_parsed(
    teryt: str,
    values: Mapping[str, tuple[str | Decimal | None, str | None]],
    bounds: Mapping[str, _Bounds],
    errors: ImportErrors,
) -> list[tuple[Variable, Decimal | None, str | None]]:
    parsed = []
    for code, (raw, comment) in values.items():
        check = bounds.get(code)
        if check is None:
            errors[(teryt, code)] = [_("The round does not ask for %(code)s.") % {"code": code}]
            continue
        number: Decimal | None
        if isinstance(raw, Decimal) and _plain(raw):
            number = raw
        else:
            try:
                number = _parsed(raw)
            except NumberError as error:
                errors[(teryt, code)] = [error.message]
                continue
        if number is not None and (
            (check.low is not None and number < check.low)
            or (check.high is not None and number > check.high)
        ):
            errors[(teryt, code)] = [range_error(check.variable, number) or ""]
            continue
        parsed.append((check.variable, number, comment.strip() if comment is not None else None))
    return parsed


def _import_refusals(
    submissions: Mapping[str, Submission], teryts: list[str], errors: ImportErrors
) -> None:
    """Add why the submissions of ``teryts`` cannot be changed now, if they cannot."""
    chosen = [submissions[teryt] for teryt in teryts]
    if not chosen:
        return
    locked_elsewhere = set(
        Submission.objects.filter(
            unit_id__in=[s.unit_id for s in chosen],
            round__period=chosen[0].round.period,
            state=SubmissionState.APPROVED,
        )
        .exclude(round_id=chosen[0].round_id)
        .values_list("unit_id", flat=True)
    )
    for submission in chosen:
        elsewhere = partial(bool, submission.unit_id in locked_elsewhere)
        refusal = _edit_refusal(submission, elsewhere)
        if refusal is not None:
            errors[(submission.unit.teryt, "")] = [refusal]


def _import_write(
    round_: Round,
    user: User | None,
    parsed: Mapping[str, list[tuple[Variable, Decimal | None, str | None]]],
    source: str,
    errors: ImportErrors,
) -> dict[str, list[str]]:
    submissions = {
        s.unit.teryt: s
        for s in Submission.objects.select_for_update(of=("self",))
        .filter(round=round_, unit__teryt__in=list(parsed))
        .select_related("unit", "round")
    }
    _import_refusals(submissions, list(parsed), errors)
    if errors:
        return {}
    codes = {v.pk: v.code for values in parsed.values() for v, _n, _c in values}
    existing: dict[int, dict[str, _Stored]] = {}
    for unit_id, variable_id, value_id, number, comment, revision in (
        Value.objects.select_for_update(of=("self",))
        .filter(
            period=round_.period,
            unit_id__in=[s.unit_id for s in submissions.values()],
            variable_id__in=list(codes),
        )
        .order_by()  # no sort of every stored value: they go into dicts
        .values_list("unit_id", "variable_id", "id", "value", "comment", "revision")
    ):
        existing.setdefault(unit_id, {})[codes[variable_id]] = _Stored(
            value_id, number, comment, revision
        )
    batches = []
    for teryt, values in parsed.items():
        submission = submissions[teryt]
        stored = existing.get(submission.unit_id, {})
        writes = [
            _Write(
                variable,
                number,
                comment if comment is not None else _stored_comment(stored, variable.code),
            )
            for variable, number, comment in values
        ]
        batches.append(_UnitWrites(submission.unit, submission, writes, stored))
    changed = _values_write_many(period=round_.period, batches=batches, user=user, source=source)
    if changed:
        Submission.objects.filter(round=round_, unit_id__in=list(changed)).update(
            revision=F("revision") + 1, last_activity_at=timezone.now()
        )
    teryts = {s.unit_id: teryt for teryt, s in submissions.items()}
    return {teryts[unit_id]: unit_codes for unit_id, unit_codes in changed.items()}


def _stored_comment(stored: Mapping[str, _Stored], code: str) -> str:
    value = stored.get(code)
    return value.comment if value is not None else ""


def _touch(submission: Submission, *fields: str) -> None:
    submission.revision += 1
    submission.last_activity_at = timezone.now()
    submission.save(update_fields=["revision", "last_activity_at", *fields])


# --- the workflow ---------------------------------------------------------------------


def _step(
    submission: Submission, kind: str, new_state: str, user: User, *fields: str
) -> Submission:
    old_state = submission.state
    submission.state = new_state
    _touch(submission, "state", *fields)
    SubmissionEvent.objects.create(
        submission=submission,
        kind=kind,
        old_state=old_state,
        new_state=new_state,
        at=submission.last_activity_at or timezone.now(),
        by=user,
    )
    return submission


@transaction.atomic
def submission_submit(*, submission: Submission, user: User, base_revision: int) -> Submission:
    """Submit a draft or returned submission for the operator's review.

    Refused (``SubmissionBlocked``, with the problems per variable) while there are hard
    errors, empty values, or warnings without a comment; refused (``CollectionError``)
    when the submission changed since the page showed ``base_revision``. Open return
    comments count as answered.
    """
    require(user, Perm.SUBMISSION_EDIT, submission.unit)
    submission = _locked_submission(submission)
    _require_editable(submission)
    if submission.revision != base_revision:
        raise CollectionError(
            _("Someone changed this submission after you opened it: check it and submit again.")
        )
    check = submission_check(submission)
    if not check.can_submit:
        raise SubmissionBlocked(check)
    now = timezone.now()
    submission.submitted_at, submission.submitted_by = now, user
    submission.return_comments.filter(resolved_at__isnull=True).update(resolved_at=now)
    return _step(
        submission,
        SubmissionEvent.Kind.SUBMITTED,
        SubmissionState.SUBMITTED,
        user,
        "submitted_at",
        "submitted_by",
    )


@transaction.atomic
def submission_return(
    *, submission: Submission, operator: User, comments: Mapping[str, str]
) -> Submission:
    """Return a submitted submission for correction, with a comment per variable
    (code → text; at least one)."""
    require(operator, Perm.COLLECTION_MANAGE)
    submission = _locked_submission(submission)
    if submission.state != SubmissionState.SUBMITTED:
        raise CollectionError(_("Only a submitted submission can be returned."))
    if submission.round.state != RoundState.OPEN:
        raise CollectionError(_("The round is not open: reopen it to return data."))
    variables = {v.code: v for v in round_variables(submission.round)}
    texts = {code: text.strip() for code, text in comments.items() if text.strip()}
    unknown = sorted(set(texts) - set(variables))
    if unknown:
        raise CollectionError(
            _("The round does not ask for %(code)s.") % {"code": ", ".join(unknown)}
        )
    if not texts:
        raise CollectionError(_("Say what to correct: write a comment on at least one value."))
    now = timezone.now()
    ReturnComment.objects.bulk_create(
        ReturnComment(
            submission=submission,
            variable=variables[code],
            text=text,
            created_at=now,
            created_by=operator,
        )
        for code, text in texts.items()
    )
    return _step(submission, SubmissionEvent.Kind.RETURNED, SubmissionState.RETURNED, operator)


@transaction.atomic
def submission_approve(*, submission: Submission, operator: User) -> Submission:
    """Approve a submitted submission: its values feed the engine and are locked until
    an operator reopens it. Allowed in an open or closed round. The results are not
    computed here (``benchlearn.results`` reads collection, not the other way round):
    whoever approves asks for a computation, as the approval page does."""
    require(operator, Perm.COLLECTION_MANAGE)
    submission = _locked_submission(submission)
    if submission.state != SubmissionState.SUBMITTED:
        raise CollectionError(_("Only a submitted submission can be approved."))
    submission.approved_at, submission.approved_by = timezone.now(), operator
    approved = _step(
        submission,
        SubmissionEvent.Kind.APPROVED,
        SubmissionState.APPROVED,
        operator,
        "approved_at",
        "approved_by",
    )
    return approved


@transaction.atomic
def submission_reopen(
    *, submission: Submission, operator: User, to: str = SubmissionState.RETURNED
) -> Submission:
    """Reopen a submitted or approved submission of an open round for editing: back to
    ``returned`` (default) or ``draft``. Its values stop feeding the engine."""
    require(operator, Perm.COLLECTION_MANAGE)
    submission = _locked_submission(submission)
    if to not in EDITABLE_STATES:
        raise CollectionError(_("A submission can be reopened only as a draft or returned."))
    if submission.state not in (SubmissionState.SUBMITTED, SubmissionState.APPROVED):
        raise CollectionError(_("Only a submitted or approved submission can be reopened."))
    if submission.round.state != RoundState.OPEN:
        raise CollectionError(_("The round is not open: its data cannot be changed."))
    submission.approved_at, submission.approved_by = None, None
    return _step(
        submission,
        SubmissionEvent.Kind.REOPENED,
        to,
        operator,
        "approved_at",
        "approved_by",
    )


@transaction.atomic
def value_restore(
    *, change: ValueChange, operator: User, source: str = ValueSource.FORM
) -> ValueChange:
    """Put back the value (and comment) a change replaced; the restore is itself a
    change, pointing at the one it undid. Refused while the unit's data for that year
    are approved (reopen first). Returns the new change row."""
    require(operator, Perm.COLLECTION_MANAGE)
    value = (
        Value.objects.select_for_update(of=("self",))
        .select_related("unit", "variable")
        .get(pk=change.value_id)
    )
    submissions = list(
        Submission.objects.select_for_update(of=("self",))
        .filter(unit_id=value.unit_id, round__period=value.period)
        .select_related("round")
    )
    if any(s.state == SubmissionState.APPROVED for s in submissions):
        raise CollectionError(
            _("The unit's data for %(year)s are approved and locked: reopen the submission first.")
            % {"year": value.period}
        )
    submission = next(
        (s for s in submissions if s.round.state == RoundState.OPEN),
        None,
    )
    if submission is not None and not submission.is_editable:
        raise CollectionError(
            _("The submission was submitted: return or reopen it before restoring a value.")
        )
    changed = _values_write(
        unit=value.unit,
        period=value.period,
        writes=[_Write(value.variable, change.old_value, change.old_comment)],
        existing={value.variable.code: _stored(value)},
        user=operator,
        source=source,
        submission=submission,
        restored_from=change,
    )
    if not changed:
        raise CollectionError(_("The value is already what that change replaced."))
    if submission is not None:
        _touch(submission)
    return value.changes.order_by("-pk").first() or change
