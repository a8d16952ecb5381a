"""The task that tells people: queued by ``services.notify``."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from benchlearn.notifications.delivery import notification_deliver


@task()
def notification_task(
    kind: str, recipient_ids: list[int], params: dict[str, Any], link: str, key: str
) -> int:
    """Not run again when its worker dies: a message sent twice is worse than one
    missed."""
    return notification_deliver(
        kind=kind, recipient_ids=recipient_ids, params=params, link=link, key=key
    )
