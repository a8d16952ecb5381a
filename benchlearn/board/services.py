"""Writes of a group's board: threads, replies, edits and deletions (each recorded), and
the reader's choice of notifications. Who is told of a post is decided here and told
through ``benchlearn.notifications`` (queued, never sent inside a request)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.access import Perm, may
from benchlearn.accounts.models import User
from benchlearn.board.access import (
    board_people,
    board_readers,
    may_moderate,
    require_delete,
    require_edit,
)
from benchlearn.board.files import MAX_ATTACHMENTS, TYPES, attachment_refusal
from benchlearn.board.mentions import mentioned_in
from benchlearn.board.models import (
    Attachment,
    BoardPreference,
    Post,
    PostChange,
    PostChangeKind,
    Thread,
)
from benchlearn.files import save_with_file
from benchlearn.groups.models import ExchangeGroup
from benchlearn.notifications import kinds
from benchlearn.notifications.services import notify

MAX_BODY = 10_000
MAX_TITLE = 200
EXCERPT = 500


class BoardError(ValueError):
    """A post that cannot be stored as asked; nothing was stored."""


def _require_reader(user: User, group: ExchangeGroup) -> None:
    if not may(user, Perm.GROUP_VIEW, group):
        raise PermissionDenied(_("You may not write on the board of this group."))


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise BoardError(_("Write a message: an empty post cannot be sent."))
    if len(body) > MAX_BODY:
        raise BoardError(
            _("A post may have at most %(limit)s characters; this one has %(length)s.")
            % {"limit": MAX_BODY, "length": len(body)}
        )
    return body


def _check_files(files: Sequence[UploadedFile[Any]]) -> None:
    if len(files) > MAX_ATTACHMENTS:
        raise BoardError(
            _("A post may have at most %(limit)s attachments.") % {"limit": MAX_ATTACHMENTS}
        )
    for upload in files:
        refusal = attachment_refusal(upload.name or "", upload.size or 0, upload)
        if refusal:
            raise BoardError(refusal)


def _attach(post: Post, files: Sequence[UploadedFile[Any]]) -> None:
    for upload in files:
        name = (upload.name or "file").rsplit("/", 1)[-1][:200]
        extension = name.rsplit(".", 1)[-1].lower()
        attachment = Attachment(
            post=post, name=name, size=upload.size or 0, content_type=TYPES[extension].content_type
        )
        save_with_file(attachment, "file", name, upload)


@transaction.atomic
def thread_create(
    *,
    group: ExchangeGroup,
    by: User,
    title: str,
    body: str,
    files: Sequence[UploadedFile[Any]] = (),
    announcement: bool = False,
) -> Thread:
    """A new thread with its first post; an announcement (pinned above the others) only
    by the group's moderator or the office. The group's people are told."""
    _require_reader(by, group)
    if announcement and not may_moderate(by, group):
        raise PermissionDenied(_("Only the group's moderator may post announcements."))
    title = title.strip()
    if not title:
        raise BoardError(_("Give the thread a title."))
    if len(title) > MAX_TITLE:
        raise BoardError(_("A title may have at most %(limit)s characters.") % {"limit": MAX_TITLE})
    body = _clean_body(body)
    _check_files(files)
    now = timezone.now()
    thread = Thread.objects.create(
        group=group,
        title=title,
        announcement=announcement,
        created_by=by,
        created_at=now,
        last_post_at=now,
    )
    post = Post.objects.create(thread=thread, author=by, body=body, created_at=now)
    _attach(post, files)
    _tell(post, by=by)
    return thread


@transaction.atomic
def post_reply(
    *, thread: Thread, by: User, body: str, files: Sequence[UploadedFile[Any]] = ()
) -> Post:
    """A reply in ``thread``; the group's people and those who wrote in it are told."""
    _require_reader(by, thread.group)
    body = _clean_body(body)
    _check_files(files)
    now = timezone.now()
    post = Post.objects.create(thread=thread, author=by, body=body, created_at=now)
    Thread.objects.filter(pk=thread.pk).update(last_post_at=now)
    _attach(post, files)
    _tell(post, by=by)
    return post


@transaction.atomic
def post_edit(*, post: Post, by: User, body: str) -> Post:
    """The author changes their post within ``access.EDIT_MINUTES`` of writing it; the text
    before is recorded. People newly mentioned are told."""
    post = Post.objects.select_for_update().select_related("thread__group").get(pk=post.pk)
    require_edit(by, post)
    body = _clean_body(body)
    if body == post.body:
        return post
    old = post.body
    PostChange.objects.create(post=post, kind=PostChangeKind.EDITED, by=by, old_body=old)
    post.body, post.edited_at = body, timezone.now()
    post.save(update_fields=["body", "edited_at"])
    _tell(post, by=by, before=old)
    return post


@transaction.atomic
def post_delete(*, post: Post, by: User) -> Post:
    """The author or the group's moderator (or the office) takes a post off the board:
    it shows as deleted, its text and the deletion are recorded."""
    post = Post.objects.select_for_update().select_related("thread__group").get(pk=post.pk)
    require_delete(by, post, post.thread.group)
    PostChange.objects.create(post=post, kind=PostChangeKind.DELETED, by=by, old_body=post.body)
    post.body, post.deleted_at, post.deleted_by = "", timezone.now(), by
    post.save(update_fields=["body", "deleted_at", "deleted_by"])
    return post


def thread_pin(*, thread: Thread, by: User, announcement: bool) -> Thread:
    """The moderator (or the office) makes a thread an announcement pinned at the top of
    the board, or takes an old one down among the others."""
    if not may_moderate(by, thread.group):
        raise PermissionDenied(_("Only the group's moderator may pin announcements."))
    thread.announcement = announcement
    thread.save(update_fields=["announcement"])
    return thread


def board_preference_set(*, user: User, digest: bool) -> BoardPreference:
    preference, _created = BoardPreference.objects.update_or_create(
        user=user, defaults={"digest": digest}
    )
    return preference


# --- telling people -------------------------------------------------------------------


def post_link(post: Post) -> str:
    thread = post.thread
    return reverse("board-thread", args=[thread.group_id, thread.pk]) + f"#post-{post.pk}"


def excerpt(body: str) -> str:
    return body if len(body) <= EXCERPT else body[: EXCERPT - 1].rstrip() + "…"


def _tell(post: Post, *, by: User, before: str | None = None) -> None:
    """Tell of ``post``: the people it mentions at once; on a new post (``before`` None)
    also the group's people and those who wrote in the thread, at once unless they
    chose the daily digest. Never its author."""
    thread = post.thread
    group = thread.group
    params = {
        "person": by.get_full_name(),
        "group": group.name,
        "thread": thread.title,
        "excerpt": excerpt(post.body),
        "announcement": thread.announcement,
    }
    link = post_link(post)
    readers = list(board_readers(group).exclude(pk=by.pk))
    mentioned = mentioned_in(post.body, readers)
    if before is not None:
        mentioned -= mentioned_in(before, readers)
    if mentioned:
        notify(kind=kinds.BOARD_MENTION.code, recipients=mentioned, params=params, link=link)
    if before is not None:
        return
    digest = set(BoardPreference.objects.filter(digest=True).values_list("user_id", flat=True))
    told = {
        person.pk
        for person in thread_audience(thread)
        if person.pk != by.pk and person.pk not in mentioned and person.pk not in digest
    }
    if told:
        notify(kind=kinds.BOARD_POST.code, recipients=told, params=params, link=link)


def thread_audience(thread: Thread) -> list[User]:
    """Who hears of a thread's posts: the group's people, and anyone else who may read
    the board and wrote in the thread (an operator who joined the conversation)."""
    group = thread.group
    people = {person.pk: person for person in board_people(group)}
    writers = board_readers(group).filter(board_posts__thread=thread).distinct()
    return [*people.values(), *(w for w in writers if w.pk not in people)]
