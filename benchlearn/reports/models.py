"""PDF documents made in the background, one per request, for the person who asked."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    UNIT = "unit", _("unit report")
    GROUP = "group", _("group report")
    MEETING = "meeting", _("meeting pack")
    PLAN = "plan", _("improvement plan")
    LETTERS = "letters", _("survey letters")
    PAPER = "paper", _("paper questionnaire")
    SURVEY_RESULTS = "sresults", _("survey results")
    SURVEY_COMPARISON = "scompare", _("survey comparison")


class DocumentState(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("being made")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


class Document(models.Model):
    """A PDF report asked for by one person (made with what that person may see), its
    state while a task makes it, and the file once made. Kept for a day."""

    kind = models.CharField(_("kind"), max_length=8, choices=DocumentKind.choices)
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        "groups.ExchangeGroup", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # A meeting pack's meeting (its group is ``group``).
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # An improvement plan's PDF (its group is ``group``).
    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # A survey's letters (the unit is ``unit``, the batch of codes ``choice``) or its
    # paper questionnaire (for ``unit``).
    survey = models.ForeignKey(
        "surveys.Survey", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The query of the download link: the comparison and the year asked for.
    choice = models.CharField(_("comparison"), max_length=100, blank=True)
    year = models.CharField(_("year"), max_length=8, blank=True)
    language = models.CharField(_("language"), max_length=8, default="pl")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE
    )
    state = models.CharField(
        _("state"), max_length=8, choices=DocumentState.choices, default=DocumentState.QUEUED
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    path = models.CharField(_("stored file"), max_length=500, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (DocumentState.DONE, DocumentState.FAILED)
