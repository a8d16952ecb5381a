"""A unit's improvement plan in an exchange group's cycle: its diagnosis (prefilled from
the unit's stored results), its actions, the moderator's comments, and the versions
it was adopted in."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from benchlearn.groups.models import ExchangeGroup
from benchlearn.units.models import Level, Unit


class PlanState(models.TextChoices):
    DRAFT = "draft", _("draft")
    AWAITING_CONFIRMATION = "confirming", _("awaiting confirmation by the strategic level")
    IN_REVIEW = "review", _("in review by the moderator")
    RETURNED = "returned", _("returned with comments")
    ADOPTED = "adopted", _("adopted")


# The states in which the unit's team writes the plan.
EDITABLE_STATES = frozenset({PlanState.DRAFT, PlanState.RETURNED})


class Plan(models.Model):
    """One plan per unit, group and cycle (the cycle's first year)."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)
    group = models.ForeignKey(
        ExchangeGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="plans"
    )
    cycle_start = models.PositiveSmallIntegerField(_("first year of the cycle"))
    state = models.CharField(
        _("state"), max_length=12, choices=PlanState.choices, default=PlanState.DRAFT
    )
    private = models.BooleanField(
        _("keep it private after adoption"),
        default=False,
        help_text=_("Other units of the group do not see the plan once it is adopted."),
    )
    # The moderator's comment on the whole plan when returning it.
    review_comment = models.TextField(_("the moderator's comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("improvement plan")
        verbose_name_plural = _("improvement plans")
        ordering = ["group", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "group", "cycle_start"], name="plan_one_per_unit_group_cycle"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.group} · {self.cycle_start}"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def is_adopted(self) -> bool:
        return self.state == PlanState.ADOPTED


class DiagnosisReason(models.TextChoices):
    WEAKEST_QUARTILE = "quartile", _("in the weakest quartile of the group")
    WORST_TREND = "trend", _("the worst trend in the group")


class DiagnosisItem(models.Model):
    """An indicator where the unit stands weakest in its group, as prefilled from the
    stored results; the team keeps or removes it and comments on it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="diagnosis")
    indicator_code = models.CharField(_("indicator"), max_length=64)
    reason = models.CharField(_("why"), max_length=10, choices=DiagnosisReason.choices)
    value = models.FloatField(_("value"), null=True)
    year = models.PositiveSmallIntegerField(_("year"))
    group_median = models.FloatField(_("group median"), null=True)
    # Value minus the group's median (in the indicator's unit).
    gap = models.FloatField(_("gap to the median"), null=True)
    # The change over the last year of results, where the reason is the trend.
    change = models.FloatField(_("change"), null=True, blank=True)
    kept = models.BooleanField(_("kept"), default=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("diagnosis item")
        verbose_name_plural = _("diagnosis items")
        ordering = ["plan", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "indicator_code", "reason"], name="diagnosis_item_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code} ({self.reason})"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", pgettext_lazy("an action's status", "done")
    DROPPED = "dropped", _("dropped")


class Inspiration(models.TextChoices):
    NONE = "", _("—")
    PEER = "peer", _("a peer unit")
    PRESENTATION = "presentation", _("a meeting's host presentation")
    OTHER = "other", _("other")


class Action(models.Model):
    """One improvement the plan commits to, with the indicators it should move."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner_level = models.CharField(_("owner's seat"), max_length=12, choices=Level.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    cost_estimate = models.DecimalField(
        _("cost estimate (PLN)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    drop_reason = models.TextField(_("why it was dropped"), blank=True)
    # [{"title": str, "date": "YYYY-MM-DD"}], in order.
    milestones = models.JSONField(_("milestones"), default=list, blank=True)
    inspired_kind = models.CharField(
        _("inspired by"), max_length=12, choices=Inspiration.choices, blank=True, default=""
    )
    inspired_unit = models.ForeignKey(
        Unit,
        verbose_name=_("peer unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    inspired_meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    inspired_text = models.CharField(_("inspiration"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["plan", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class ActionIndicator(models.Model):
    """An indicator an action should move: its baseline (from the stored results) and
    the target."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="indicators")
    indicator_code = models.CharField(_("indicator"), max_length=64)
    baseline = models.FloatField(_("baseline"), null=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True)
    target = models.FloatField(_("target"))
    target_year = models.PositiveSmallIntegerField(_("target year"))

    class Meta:
        verbose_name = _("indicator of an action")
        verbose_name_plural = _("indicators of actions")
        ordering = ["action", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "indicator_code"], name="action_indicator_unique"
            )
        ]

    def __str__(self) -> str:
        return self.indicator_code


class ActionComment(models.Model):
    """The moderator's comment on one action in review."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("comment on an action")
        verbose_name_plural = _("comments on actions")
        ordering = ["action", "created_at"]

    def __str__(self) -> str:
        return f"{self.action_id}: {self.text[:40]}"


class PlanVersion(models.Model):
    """A plan as adopted (number 1) or as changed after adoption, with the reason: a
    snapshot that stays readable whatever changes later."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("the plan as adopted"))
    reason = models.TextField(_("reason for the change"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"


class PlanEvent(models.Model):
    """One step of a plan's life or one change of it: who, when, what."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("change"), max_length=24)
    details = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("plan change")
        verbose_name_plural = _("plan changes")
        ordering = ["plan", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.kind}"


class ProgressReport(models.Model):
    """How one action of an adopted plan stands before a meeting of the group (year
    two): written by the unit's team, it sets the action's status."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="progress_reports")
    # The group's next meeting when the report was written: the report is the one due
    # before that meeting (None when the group had no meeting ahead).
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices)
    percent_done = models.PositiveSmallIntegerField(
        _("per cent done"), validators=[MaxValueValidator(100)]
    )
    done_text = models.TextField(_("what was done"))
    evidence = models.TextField(_("evidence"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    written_at = models.DateTimeField(_("written at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["action", "-written_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent_done__lte=100), name="progress_percent_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action_id} {self.written_at:%Y-%m-%d}: {self.percent_done}%"


def _progress_file_path(attachment: ProgressAttachment, name: str) -> str:
    # A random name in storage: the person's file name is kept in the row, and nothing
    # reaches the file except through the permission-checked download.
    suffix = PurePath(name).suffix.lower()
    return f"plans/{attachment.report.action.plan_id}/{uuid.uuid4().hex}{suffix}"


class ProgressAttachment(models.Model):
    """A file of evidence attached to a progress report."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_progress_file_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(max_length=120)

    class Meta:
        verbose_name = _("attachment of a progress report")
        verbose_name_plural = _("attachments of progress reports")
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return self.name
