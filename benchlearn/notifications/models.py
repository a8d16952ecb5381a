"""Notifications (what a person was told), their preferences, and requests to be
introduced to a unit shown anonymised."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benchlearn.notifications.kinds import kind_get
from benchlearn.units.models import Unit


class Notification(models.Model):
    """One thing told to one person: in the in-app list (``shown``) and/or by e-mail
    (``emailed``), as their preferences were when it was sent."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=64)
    params = models.JSONField(default=dict)
    link = models.CharField(max_length=300, blank=True)  # a path on this site
    key = models.CharField(max_length=120, blank=True)  # what it is about, against repeats
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    shown = models.BooleanField(default=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["kind", "key"], name="notification_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    @property
    def subject(self) -> str:
        return kind_get(self.kind).subject(self.params)

    @property
    def body(self) -> str:
        return kind_get(self.kind).body(self.params)


class NotificationPreference(models.Model):
    """A person's choice for one kind; without a row, both channels are on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=64)
    email = models.BooleanField(default=True)
    in_app = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.user_id}"


class IntroductionState(models.TextChoices):
    PENDING = "pending", _("waiting for a decision")
    ACCEPTED = "accepted", _("introduced")
    DECLINED = "declined", _("not introduced")


class IntroductionRequest(models.Model):
    """A unit's request to meet a unit it saw anonymised. ``shown_as`` is how the asking
    person saw it (letter and comparison): all they may be told until it is accepted."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    shown_as = models.CharField(max_length=300)
    message = models.TextField(blank=True)
    state = models.CharField(
        max_length=16, choices=IntroductionState.choices, default=IntroductionState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit_id} → {self.target_id} ({self.state})"

    @property
    def accepted(self) -> bool:
        return self.state == IntroductionState.ACCEPTED
