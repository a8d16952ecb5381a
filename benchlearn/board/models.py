"""A message board per exchange group: threads, their posts and attachments, every
edit and deletion of a post, and each person's choice of immediate notifications or a
daily digest."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benchlearn.groups.models import ExchangeGroup


class Thread(models.Model):
    """A conversation on a group's board; an announcement (the moderator's or the
    office's) is pinned above the others."""

    group = models.ForeignKey(ExchangeGroup, on_delete=models.CASCADE, related_name="board_threads")
    title = models.CharField(_("title"), max_length=200)
    announcement = models.BooleanField(_("announcement"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_post_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        ordering = ["-announcement", "-last_post_at", "-pk"]
        indexes = [models.Index(fields=["group", "-last_post_at"], name="board_thread_recent")]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    """One message of a thread (the first one opens it). Deleting keeps the row, so the
    conversation keeps its shape: the text goes to its ``PostChange`` record."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="board_posts"
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.thread_id}/{self.pk}"

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


def _attachment_path(attachment: Attachment, name: str) -> str:
    # A random name in storage: the person's file name is kept in the row, and nothing
    # reaches the file except through the permission-checked download.
    suffix = PurePath(name).suffix.lower()
    return f"board/{attachment.post.thread.group_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class PostChangeKind(models.TextChoices):
    EDITED = "edited", _("edited")
    DELETED = "deleted", _("deleted")


class PostChange(models.Model):
    """Every edit and deletion of a post: who, when, and the text before it."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=16, choices=PostChangeKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    old_body = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.post_id}"


class BoardPreference(models.Model):
    """How a person hears of new posts on their groups' boards; without a row: at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_preference"
    )
    digest = models.BooleanField(_("daily digest"), default=False)

    def __str__(self) -> str:
        return f"{self.user_id}: {'digest' if self.digest else 'immediate'}"
