"""Saving a submission's values from its page, with the conflict check."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from benchlearn.accounts.access import Perm, require
from benchlearn.accounts.models import User
from benchlearn.collection.models import (
    Submission,
    Value,
    ValueSource,
)
from benchlearn.collection.parsing import NumberError
from benchlearn.collection.selectors import not_asked_message, round_variables, submission_variables
from benchlearn.collection.services.common import (
    locked_submission,
    parsed_number,
    require_editable,
    touch,
)
from benchlearn.collection.services.writer import (
    Write,
    stored_of,
    values_write,
)


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
    submission = locked_submission(submission)
    require_editable(submission)
    variables = {v.code: v for v in submission_variables(submission)}
    result = SaveResult(revision=submission.revision)
    parsed: dict[str, tuple[Decimal | None, str | None]] = {}
    for code, (raw, comment) in entries.items():
        if code not in variables:
            result.errors[code] = _not_asked(submission, code)
            continue
        try:
            parsed[code] = (parsed_number(raw), comment.strip() if comment is not None else None)
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
        writes.append(Write(variables[code], *mine))
    if result.conflicts:
        return result
    result.changed = values_write(
        unit=submission.unit,
        period=submission.round.period,
        writes=writes,
        existing={code: stored_of(value) for code, value in existing.items()},
        user=user,
        source=source,
        submission=submission,
    )
    if result.changed:
        touch(submission)
    result.revision = submission.revision
    return result


def _not_asked(submission: Submission, code: str) -> str:
    """Why ``code`` is refused: the round does not ask for it, or not of this unit's kind."""
    if any(v.code == code for v in round_variables(submission.round)):
        return not_asked_message(code, submission.unit)
    return _("The round does not ask for %(code)s.") % {"code": code}
