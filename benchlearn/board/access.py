"""Who reads, writes and moderates a group's board: its people (the participants of its
member units), its moderator and the office; everything is asked of
``accounts.access`` (``Perm.GROUP_VIEW`` to read and write, ``Perm.GROUP_MANAGE`` to
moderate), so the board never shows more than the group's page."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.access import Perm, active_account, group_get_for_user, may
from benchlearn.accounts.models import User
from benchlearn.board.models import Attachment, Post, Thread
from benchlearn.groups.models import ExchangeGroup

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


def board_get_for_user(user: AnyUser, group_id: int) -> ExchangeGroup:
    """The group whose board ``user`` opens: Http404 unless they see the group."""
    return group_get_for_user(user, group_id, Perm.GROUP_VIEW)


def may_moderate(user: AnyUser, group: ExchangeGroup) -> bool:
    """Pin announcements and delete others' posts: the group's moderator and the office."""
    return may(user, Perm.GROUP_MANAGE, group)


EDIT_MINUTES = 15


def edit_deadline(post: Post) -> datetime.datetime:
    """Until when the author may still edit ``post``."""
    return post.created_at + datetime.timedelta(minutes=EDIT_MINUTES)


def _is_author(user: AnyUser, post: Post) -> bool:
    account = active_account(user)
    return account is not None and post.author_id == account.pk and not post.deleted


def may_edit(user: AnyUser, post: Post) -> bool:
    """Only the author edits a post, within ``EDIT_MINUTES`` of sending it."""
    return _is_author(user, post) and timezone.now() < edit_deadline(post)


def may_delete(user: AnyUser, post: Post, group: ExchangeGroup) -> bool:
    account = active_account(user)
    if account is None or post.deleted:
        return False
    return post.author_id == account.pk or may_moderate(account, group)


def require_edit(user: AnyUser, post: Post) -> None:
    if not _is_author(user, post):
        raise PermissionDenied(_("Only the author may edit a post."))
    if not may_edit(user, post):
        raise PermissionDenied(
            _("A post can be edited only in the first %(minutes)s minutes after it is sent.")
            % {"minutes": EDIT_MINUTES}
        )


def require_delete(user: AnyUser, post: Post, group: ExchangeGroup) -> None:
    if not may_delete(user, post, group):
        raise PermissionDenied(_("Only the author or the group's moderator may delete a post."))


def thread_get(group: ExchangeGroup, thread_id: int) -> Thread:
    """A thread of the board the caller has already opened (``board_get_for_user``)."""
    thread = Thread.objects.filter(pk=thread_id, group=group).first()
    if thread is None:
        raise Http404(_("There is no thread number %(id)s on this board.") % {"id": thread_id})
    return thread


def post_get(group: ExchangeGroup, post_id: int) -> Post:
    post = (
        Post.objects.filter(pk=post_id, thread__group=group)
        .select_related("thread", "author")
        .first()
    )
    if post is None:
        raise Http404(_("There is no post number %(id)s on this board.") % {"id": post_id})
    return post


def attachment_get(group: ExchangeGroup, attachment_id: int) -> Attachment:
    """An attachment of a post that is still on the board (a deleted post's are not)."""
    attachment = (
        Attachment.objects.filter(
            pk=attachment_id, post__thread__group=group, post__deleted_at__isnull=True
        )
        .select_related("post")
        .first()
    )
    if attachment is None:
        raise Http404(
            _("There is no attachment number %(id)s on this board.") % {"id": attachment_id}
        )
    return attachment


# --- who is told --------------------------------------------------------------------


def board_people(group: ExchangeGroup) -> QuerySet[User]:
    """The group's own people, told of its new posts: the active participants of its
    member units and its moderator."""
    return User.objects.filter(
        Q(unit_memberships__unit__exchange_groups=group) | Q(moderated_groups=group),
        is_active=True,
    ).distinct()


def board_readers(group: ExchangeGroup) -> QuerySet[User]:
    """Everyone who may read the board (and so be mentioned on it): the group's people
    and the office's operators."""
    return User.objects.filter(
        Q(unit_memberships__unit__exchange_groups=group)
        | Q(moderated_groups=group)
        | Q(is_operator=True),
        is_active=True,
    ).distinct()
