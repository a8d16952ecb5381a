"""What the writes of programmes, groups and seats share: the one error they raise, the
history row every change of settings writes, and the edit token that detects someone
else's save made after a form was opened."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from benchlearn.accounts.models import User
from benchlearn.catalogue.services.common import FieldChange, OtherEdit, StaleEdit, edit_token
from benchlearn.groups.models import ChangeRecord

__all__ = ["FieldChange", "GroupError", "OtherEdit", "StaleEdit", "edit_token"]

CREATED, UPDATED, SEAT = "created", "updated", "seat"


class GroupError(ValueError):
    """A change of a programme, group, seat or invitation that cannot be made as asked,
    with the reason in the active language; nothing was stored."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def shown(value: Any) -> Any:
    """A value as the history keeps it: text, numbers and flags as they are, lists of
    names as lists, everything else (a person, a domain) by its name."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [shown(item) for item in value]
    return str(value)


def differences(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {
        name: (shown(before.get(name)), shown(value))
        for name, value in after.items()
        if shown(before.get(name)) != shown(value)
    }


def stale_check(rows: QuerySet[Any], token: str | None, current: datetime) -> None:
    """StaleEdit listing the changes saved since ``token`` unless the object is as the
    form saw it (``token`` None: the caller does not check, e.g. the admin, the CLI)."""
    if token is None or token == edit_token(current):
        return
    try:
        since: datetime | None = datetime.fromisoformat(token)
    except ValueError:
        since = None
    if since is not None:
        rows = rows.filter(changed_at__gt=since)
    raise StaleEdit(
        [
            OtherEdit(
                who=str(row.changed_by) if row.changed_by else "",
                when=row.changed_at,
                version_number=None,
                changes=[FieldChange(name, old, new) for name, (old, new) in row.changes.items()],
            )
            for row in rows.select_related("changed_by").order_by("changed_at", "pk")
        ]
    )


def history_write(
    record: ChangeRecord,
    *,
    kind: str,
    by: User | None,
    changes: Mapping[str, tuple[Any, Any]],
    at: datetime | None = None,
) -> None:
    """Fill and save a history row (the caller has set what it is the change of); ``at``
    is the object's new edit token, so that a form opened before it sees the change."""
    record.kind = kind
    record.changes = {name: [old, new] for name, (old, new) in changes.items()}
    record.changed_by = by
    record.changed_at = at or timezone.now()
    record.save()
