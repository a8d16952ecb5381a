"""The daily digest: one e-mail a day to each person who chose it, listing the day's new
posts on the boards they hear of (as they would have been told at once). Run daily by
``benchlearn board-digest`` (from cron, after midnight: it sends the day before); each
person gets one digest per day however often it runs."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.utils import formats, timezone

from benchlearn.board.models import BoardPreference, Thread
from benchlearn.board.selectors import posts_between
from benchlearn.board.services import excerpt, post_link, thread_audience
from benchlearn.notifications import kinds
from benchlearn.notifications.services import notify


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The day in the site's time zone, as [start, end)."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )


def board_digest_send(*, day: datetime.date) -> int:
    """Queue the digest of ``day`` for everyone who chose it and has new posts; how many
    people it goes to."""
    wanting = set(
        BoardPreference.objects.filter(digest=True, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    if not wanting:
        return 0
    audiences: dict[int, set[int]] = {}
    posts_for: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for post in posts_between(*day_bounds(day)):
        thread: Thread = post.thread
        if thread.pk not in audiences:
            audiences[thread.pk] = {person.pk for person in thread_audience(thread)}
        item = {
            "group": thread.group.name,
            "thread": thread.title,
            "person": post.author.get_full_name() if post.author else "",
            "time": formats.time_format(timezone.localtime(post.created_at), "H:i"),
            "excerpt": excerpt(post.body),
            "url": settings.SITE_URL + post_link(post),
        }
        for person in audiences[thread.pk] & wanting:
            if person != post.author_id:
                posts_for[person].append(item)
    for person, posts in posts_for.items():
        notify(
            kind=kinds.BOARD_DIGEST.code,
            recipients=[person],
            params={"day": day.isoformat(), "posts": posts},
            link="",
            key=f"board-digest-{day.isoformat()}",
        )
    return len(posts_for)
