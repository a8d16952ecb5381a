"""Good practices: a unit's write-up of what it did about a problem and whether it
worked (indicators measured on the stored results), reviewed by its group's moderator
or the office and published to the programme's members or to everyone.

Every change bumps ``revision`` (the edit token a form carries back) and writes a
``PracticeEvent``; publishing, and every edit of a published practice, keeps a
``PracticeVersion``. ``search_title`` and ``search_body`` hold the text folded to plain
letters (``search.fold``), kept by the services, for the search without PostgreSQL."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from benchlearn.catalogue.models import Domain, Indicator
from benchlearn.delivery.models import DeliveryForm
from benchlearn.groups.models import ExchangeGroup
from benchlearn.units.models import Unit


class PracticeState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("a practice's state", "draft")
    REVIEW = "review", _("in review")
    PUBLISHED = "published", pgettext_lazy("a practice's state", "published")


class Audience(models.TextChoices):
    MEMBERS = "members", _("the programme's members")
    PUBLIC = "public", _("everyone (public)")


class Practice(models.Model):
    title = models.CharField(_("title"), max_length=300)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="practices"
    )
    # The exchange group whose moderator reviews it (None: any group of the unit's).
    group = models.ForeignKey(
        ExchangeGroup,
        verbose_name=_("exchange group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practices",
    )
    domain = models.ForeignKey(
        Domain,
        verbose_name=_("domain"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    problem = models.TextField(_("the problem"), blank=True)
    solution = models.TextField(_("what was done"), blank=True)
    results = models.TextField(_("results"), blank=True)
    cost = models.DecimalField(
        _("cost (PLN)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    cost_note = models.CharField(_("about the cost"), max_length=300, blank=True)
    delivery_form = models.CharField(
        _("organisational form"), max_length=16, choices=DeliveryForm.choices, blank=True
    )
    months_to_implement = models.PositiveSmallIntegerField(
        _("time to implement (months)"), null=True, blank=True
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=40, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=PracticeState.choices, default=PracticeState.DRAFT
    )
    audience = models.CharField(
        _("published to"), max_length=10, choices=Audience.choices, default=Audience.MEMBERS
    )
    # Where it came from: a meeting's host presentation or a completed plan action.
    source_meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source_action = models.ForeignKey(
        "plans.Action",
        verbose_name=_("plan action"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The population band of the unit when last saved (a facet of the search).
    size_band = models.CharField(_("size band"), max_length=10, blank=True)
    search_title = models.TextField(default="", blank=True, editable=False)
    search_body = models.TextField(default="", blank=True, editable=False)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["-published_at", "-updated_at", "-pk"]
        indexes = [models.Index(fields=["state", "audience"], name="practice_state_audience")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.state == PracticeState.PUBLISHED

    @property
    def is_public(self) -> bool:
        return self.is_published and self.audience == Audience.PUBLIC


class PracticeIndicator(models.Model):
    """An indicator the practice moved, measured from ``before_year`` to ``after_year``
    (None: the unit's latest result) on the stored results."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    before_year = models.PositiveSmallIntegerField(_("before (year)"))
    after_year = models.PositiveSmallIntegerField(_("after (year)"), null=True, blank=True)

    class Meta:
        verbose_name = _("indicator of a practice")
        verbose_name_plural = _("indicators of practices")
        ordering = ["practice", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "indicator"], name="practice_indicator_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.practice_id} {self.indicator_id}"


def _practice_file_path(attachment: PracticeAttachment, name: str) -> str:
    # A random name in storage: the person's file name is kept in the row, and the file
    # is reached only through the permission-checked download.
    suffix = PurePath(name).suffix.lower()
    return f"practices/{attachment.practice_id}/{uuid.uuid4().hex}{suffix}"


class PracticeAttachment(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_practice_file_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment of a practice")
        verbose_name_plural = _("attachments of practices")
        ordering = ["practice", "pk"]

    def __str__(self) -> str:
        return self.name


class PracticeComment(models.Model):
    """A reviewer's (or the team's answering) comment on a practice."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("comment on a practice")
        verbose_name_plural = _("comments on practices")
        ordering = ["practice", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.practice_id}: {self.text[:40]}"


class PracticeVersion(models.Model):
    """The practice as published (number 1) or as edited after publication: a snapshot
    that stays readable whatever changes later."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("the practice as published"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("version of a practice")
        verbose_name_plural = _("versions of practices")
        ordering = ["practice", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "number"], name="practice_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.practice_id} v{self.number}"


EVENT_LABELS = {
    "created": _("created"),
    "edited": _("edited"),
    "submitted": _("sent for review"),
    "commented": _("commented"),
    "returned": _("returned with comments"),
    "published": pgettext_lazy("a practice's step", "published"),
    "withdrawn": _("withdrawn from publication"),
    "attachment_added": _("file attached"),
    "attachment_removed": _("file deleted"),
}


class PracticeEvent(models.Model):
    """One step or change of a practice: who, when, what (and the revision it made)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("change"), max_length=24)
    details = models.JSONField(_("details"), default=dict, blank=True)
    revision = models.PositiveIntegerField(_("revision"))
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("change of a practice")
        verbose_name_plural = _("changes of practices")
        ordering = ["practice", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.practice_id} {self.kind}"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.kind, self.kind))
