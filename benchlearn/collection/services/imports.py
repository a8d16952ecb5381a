"""Importing many units' values of a round at once (Excel and CSV files, the CLI)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import NamedTuple

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.access import Perm, may
from benchlearn.accounts.models import User
from benchlearn.catalogue.models import Variable
from benchlearn.collection.models import (
    Round,
    RoundState,
    Submission,
    SubmissionState,
    Value,
)
from benchlearn.collection.parsing import NumberError
from benchlearn.collection.selectors import not_asked_message, round_variables
from benchlearn.collection.services.common import (
    edit_refusal,
    parsed_number,
)
from benchlearn.collection.services.writer import (
    Stored,
    UnitWrites,
    Write,
    values_write_many,
)
from benchlearn.collection.validation import range_error

# (TERYT, variable code) → messages; the code is "" for a problem of the whole unit.
ImportErrors = dict[tuple[str, str], list[str]]


ImportEntries = Mapping[str, Mapping[str, tuple[str | Decimal | None, str | None]]]


@dataclass(frozen=True)
class Skipped:
    """A unit whose data are locked (submitted, approved, awaiting sign-off) and whose
    values in the import are what is stored: left alone, and listed."""

    teryt: str
    unit: str
    state: str  # the submission's state, as shown


@dataclass
class ImportResult:
    """What ``values_import`` did: ``errors`` when nothing was stored, else the codes
    whose value or comment changed, by TERYT (units with no change left out), and the
    locked units skipped because the import repeats what is stored."""

    errors: ImportErrors = field(default_factory=dict)
    changed: dict[str, list[str]] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
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
    nothing (idempotent). A unit whose data are locked in an open round (submitted,
    approved, awaiting sign-off) is skipped and listed (``skipped``) when the import
    repeats its stored values, and refused, value by value, when it changes them: a
    downloaded round workbook goes back up unchanged. Every change writes its
    ValueChange row (through the single writer) and bumps its submission's revision.
    ``dry_run`` checks and rolls back.
    ``user`` None is a command run on the server (``import-values``): no access check,
    and the history records no person (its source says how the values came).

    Values are checked before the write transaction starts, so that ``progress(done,
    total units)`` reaches a page while a large file is checked; what others may change
    meanwhile (the submissions' states) is checked again under lock in the transaction.
    """
    bounds = {v.code: _Bounds.of(v) for v in round_variables(round_)}
    # A unit is asked only for the variables of the round's sets of its kind.
    asked: dict[str, frozenset[str]] = {}
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
        kind = submission.unit.kind
        if kind not in asked:
            asked[kind] = frozenset(v.code for v in round_variables(round_, kind))
        mine = _asked_of(submission, values, bounds, asked[kind], result.errors)
        parsed[teryt] = _import_parsed(teryt, mine, bounds, result.errors)
        result.values += len(values)
        if progress is not None and (done % 100 == 0 or done == len(entries)):
            progress(done, len(entries))
    result.skipped = _locked_unchanged(submissions, parsed, result.errors)
    _import_refusals(submissions, list(parsed), result.errors)
    if result.errors:
        result.skipped = []
        return result
    with transaction.atomic():
        result.changed = _import_write(round_, user, parsed, source, result.errors)
        if result.errors or dry_run:
            transaction.set_rollback(True)
        if result.errors:
            result.changed = {}
    return result


def _asked_of(
    submission: Submission,
    values: Mapping[str, tuple[str | Decimal | None, str | None]],
    bounds: Mapping[str, _Bounds],
    asked: frozenset[str],
    errors: ImportErrors,
) -> dict[str, tuple[str | Decimal | None, str | None]]:
    """The entries of variables asked of the submission's unit (and unknown codes, which
    ``_import_parsed`` refuses); a value of a variable the round asks of other kinds of
    unit only is an error. A round workbook has a column for every variable: the blank
    cells of those not asked of a unit are no values, and are left out."""
    mine = {}
    for code, (raw, comment) in values.items():
        if code in asked or code not in bounds:
            mine[code] = (raw, comment)
        elif (raw is not None and str(raw).strip()) or (comment and comment.strip()):
            errors[(submission.unit.teryt, code)] = [not_asked_message(code, submission.unit)]
    return mine


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
                number = parsed_number(raw)
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


# States in which a unit's data are locked, yet an unchanged copy of them may be imported.
LOCKED_STATES = (SubmissionState.SIGNOFF, SubmissionState.SUBMITTED, SubmissionState.APPROVED)


def _approved_elsewhere(chosen: list[Submission]) -> set[int]:
    """The units of ``chosen`` whose values of the year an approved submission of another
    round locks (values are shared by rounds of one year)."""
    if not chosen:
        return set()
    return set(
        Submission.objects.filter(
            unit_id__in=[s.unit_id for s in chosen],
            round__period=chosen[0].round.period,
            state=SubmissionState.APPROVED,
        )
        .exclude(round_id=chosen[0].round_id)
        .values_list("unit_id", flat=True)
    )


def _same(new: Decimal | None, old: Decimal | None) -> bool:
    """Whether a value read from a file is the stored one: equal, or equal once both are
    floats (a spreadsheet keeps about 15 digits of a number with 20)."""
    return new == old or (new is not None and old is not None and float(new) == float(old))


def _shown(number: Decimal | None) -> str:
    return "—" if number is None else format(number.normalize(), "f")


def _locked_unchanged(
    submissions: Mapping[str, Submission],
    parsed: dict[str, list[tuple[Variable, Decimal | None, str | None]]],
    errors: ImportErrors,
) -> list[Skipped]:
    """Take the units whose data are locked in an open round out of ``parsed``: those
    the import would not change are returned (skipped), every value it would change is
    an error naming the stored value."""
    chosen = [submissions[teryt] for teryt in parsed]
    elsewhere = _approved_elsewhere(chosen)
    locked = [
        s
        for s in chosen
        if s.round.state == RoundState.OPEN and (s.state in LOCKED_STATES or s.unit_id in elsewhere)
    ]
    if not locked:
        return []
    period = locked[0].round.period
    stored = {
        (unit_id, code): (number, comment)
        for unit_id, code, number, comment in Value.objects.filter(
            unit_id__in=[s.unit_id for s in locked], period=period
        ).values_list("unit_id", "variable__code", "value", "comment")
    }
    skipped = []
    for submission in locked:
        teryt = submission.unit.teryt
        state = (
            str(SubmissionState(submission.state).label)
            if submission.state in LOCKED_STATES
            else _("approved in another round")
        )
        changed = False
        for variable, number, comment in parsed.pop(teryt):
            old, old_comment = stored.get((submission.unit_id, variable.code), (None, ""))
            if _same(number, old) and (comment is None or comment == old_comment):
                continue
            changed = True
            values = {"unit": submission.unit.name, "state": state}
            errors[(teryt, variable.code)] = [
                _(
                    "The data of %(unit)s are locked (%(state)s): this value differs from "
                    "the stored one (%(old)s in Benchlearn, %(new)s in the file). Rows of "
                    "locked data are imported only unchanged; to change it, the "
                    "submission must be returned or reopened first."
                )
                % {**values, "old": _shown(old), "new": _shown(number)}
                if not _same(number, old)
                else _(
                    "The data of %(unit)s are locked (%(state)s): this explanation differs "
                    "from the stored one. Rows of locked data are imported only unchanged; "
                    "to change it, the submission must be returned or reopened first."
                )
                % values
            ]
        if not changed:
            skipped.append(Skipped(teryt, submission.unit.name, state))
    return skipped


def _import_refusals(
    submissions: Mapping[str, Submission], teryts: list[str], errors: ImportErrors
) -> None:
    """Add why the submissions of ``teryts`` cannot be changed now, if they cannot."""
    chosen = [submissions[teryt] for teryt in teryts]
    if not chosen:
        return
    locked_elsewhere = _approved_elsewhere(chosen)
    for submission in chosen:
        elsewhere = partial(bool, submission.unit_id in locked_elsewhere)
        refusal = edit_refusal(submission, elsewhere)
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
    existing: dict[int, dict[str, Stored]] = {}
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
        existing.setdefault(unit_id, {})[codes[variable_id]] = Stored(
            value_id, number, comment, revision
        )
    batches = []
    for teryt, values in parsed.items():
        submission = submissions[teryt]
        stored = existing.get(submission.unit_id, {})
        writes = [
            Write(
                variable,
                number,
                comment if comment is not None else _stored_comment(stored, variable.code),
            )
            for variable, number, comment in values
        ]
        batches.append(UnitWrites(submission.unit, submission, writes, stored))
    changed = values_write_many(period=round_.period, batches=batches, user=user, source=source)
    if changed:
        Submission.objects.filter(round=round_, unit_id__in=list(changed)).update(
            revision=F("revision") + 1, last_activity_at=timezone.now()
        )
    teryts = {s.unit_id: teryt for teryt, s in submissions.items()}
    return {teryts[unit_id]: unit_codes for unit_id, unit_codes in changed.items()}


def _stored_comment(stored: Mapping[str, Stored], code: str) -> str:
    value = stored.get(code)
    return value.comment if value is not None else ""
