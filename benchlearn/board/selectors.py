"""Reads of a group's board, each for a person who has opened it
(``access.board_get_for_user``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from benchlearn.accounts.models import User
from benchlearn.board.access import board_people, may_delete, may_edit, may_moderate
from benchlearn.board.mentions import mention_of
from benchlearn.board.models import Attachment, BoardPreference, Post, Thread
from benchlearn.groups.models import ExchangeGroup


def threads_of(group: ExchangeGroup) -> QuerySet[Thread]:
    """The board's threads: announcements first, then the latest conversation first."""
    return (
        group.board_threads.select_related("created_by")
        .annotate(post_count=Count("posts", filter=Q(posts__deleted_at__isnull=True)))
        .order_by("-announcement", "-last_post_at", "-pk")
    )


@dataclass
class PostView:
    """A post as one reader sees it, with what they may do with it."""

    post: Post
    attachments: list[Attachment]
    can_edit: bool
    can_delete: bool


@dataclass
class ThreadPage:
    thread: Thread
    posts: list[PostView]
    can_moderate: bool
    mentionable: list[str] = field(default_factory=list)


def thread_page_for(user: User, group: ExchangeGroup, thread: Thread) -> ThreadPage:
    posts = thread.posts.select_related("author").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
    )
    views = [
        PostView(
            post=post,
            attachments=[] if post.deleted else list(post.attachments.all()),
            can_edit=may_edit(user, post),
            can_delete=may_delete(user, post, group),
        )
        for post in posts
    ]
    return ThreadPage(
        thread=thread,
        posts=views,
        can_moderate=may_moderate(user, group),
        mentionable=mentionable_in(group),
    )


def mentionable_in(group: ExchangeGroup) -> list[str]:
    """How the group's people are mentioned, for the hint beside the reply form."""
    return sorted(mention_of(person) for person in board_people(group))


def prefers_digest(user: User) -> bool:
    return BoardPreference.objects.filter(user=user, digest=True).exists()


def posts_between(start: datetime.datetime, end: datetime.datetime) -> QuerySet[Post]:
    """The posts written in [start, end) that are still on their boards, for the digest."""
    return (
        Post.objects.filter(created_at__gte=start, created_at__lt=end, deleted_at__isnull=True)
        .select_related("thread__group", "author")
        .order_by("thread__group__name", "thread_id", "created_at", "pk")
    )
