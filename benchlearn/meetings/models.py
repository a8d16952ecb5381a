"""The meetings of an exchange group's cycle: a meeting a quarter, eight in two years,
each held at one member's office and used to present that member's practice."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from benchlearn.groups.models import ExchangeGroup
from benchlearn.units.models import Level, Unit

MEETINGS_PER_CYCLE = 8


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")


class MinutesState(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")
    PUBLISHED = "published", _("published to the members")


class Meeting(models.Model):
    group = models.ForeignKey(
        ExchangeGroup, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("group")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"))
    host = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="hosted_meetings", verbose_name=_("host")
    )
    place = models.CharField(_("place"), max_length=300)
    state = models.CharField(
        _("state"), max_length=10, choices=MeetingState.choices, default=MeetingState.PLANNED
    )
    practice_title = models.CharField(_("the host's practice: title"), max_length=300, blank=True)
    practice_summary = models.TextField(_("the host's practice: summary"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_state = models.CharField(
        _("minutes"), max_length=10, choices=MinutesState.choices, default=MinutesState.DRAFT
    )
    minutes_approved_at = models.DateTimeField(_("minutes approved at"), null=True, blank=True)
    minutes_published_at = models.DateTimeField(_("minutes published at"), null=True, blank=True)
    # Raised with every change of date, time or place: calendars replace the event
    # they hold (iCalendar SEQUENCE) instead of showing two.
    sequence = models.PositiveIntegerField(default=0)
    invited_at = models.DateTimeField(_("invitations sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["group", "number"]
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="meeting_group_number"),
            models.UniqueConstraint(fields=["group", "date"], name="meeting_group_date"),
        ]

    def __str__(self) -> str:
        return f"{self.group} #{self.number} ({self.date})"

    @property
    def minutes_published(self) -> bool:
        return self.minutes_state == MinutesState.PUBLISHED


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("agenda item"), max_length=300)

    class Meta:
        ordering = ["meeting", "position"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """Who came for a unit at one seat level. Recorded by (unit, level) with the person
    where known, so that it stands whatever becomes of the seats later."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_attendance",
    )
    present = models.BooleanField(_("present"), default=False)

    class Meta:
        ordering = ["meeting", "unit__name", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "unit", "level"], name="attendance_meeting_unit_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.unit_id} {self.level}: {self.present}"


class ActionKind(models.TextChoices):
    DECISION = "decision", _("decision")
    ACTION = "action", _("action item")


class ActionState(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", pgettext_lazy("an action's status", "done")
    DROPPED = "dropped", _("dropped")


class ActionItem(models.Model):
    """A decision of the meeting, or an action someone takes by a date."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("kind"), max_length=10, choices=ActionKind.choices)
    text = models.CharField(_("text"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_actions",
    )
    due = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActionState.choices, default=ActionState.OPEN
    )

    class Meta:
        ordering = ["meeting", "kind", "pk"]

    def __str__(self) -> str:
        return self.text


class AttachmentKind(models.TextChoices):
    MATERIAL = "material", _("meeting material")
    PRACTICE = "practice", _("the host's practice")
    MINUTES = "minutes", _("annex to the minutes")


class Attachment(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    file = models.FileField(upload_to="meetings/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["meeting", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class MeetingChange(models.Model):
    """One change of a meeting, its attendance, minutes, actions or files: who, when, what."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="changes")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    what = models.CharField(max_length=40)
    detail = models.TextField(blank=True)
    via = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["meeting", "-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.what}"


class CalendarFeed(models.Model):
    """A person's secret calendar address: whoever has it reads that person's meetings,
    so it is made anew (the old one stops working) whenever they ask."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"feed of {self.user_id}"
