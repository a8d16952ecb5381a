"""Data collection: rounds, each unit's submission in a round, the values themselves and
the history of every change of a value.

Values belong to a unit, a variable and a period, not to a round: two rounds of the same
year share them. Writes go through ``benchlearn.collection.services``; nothing here
changes data on ``save()``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RoundState(models.TextChoices):
    DRAFT = "draft", _("in preparation")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class Round(models.Model):
    """A collection round: a period, indicator sets, units and a deadline."""

    name = models.CharField(_("name"), max_length=200)
    period = models.PositiveSmallIntegerField(_("year"))
    indicator_sets = models.ManyToManyField(
        "catalogue.IndicatorSet", verbose_name=_("indicator sets"), related_name="rounds"
    )
    # The published versions of the sets when the round was opened: what the round asks
    # for never changes under the units' feet when the catalogue is edited.
    set_versions = models.ManyToManyField(
        "catalogue.IndicatorSetVersion",
        verbose_name=_("pinned set versions"),
        related_name="rounds",
        blank=True,
    )
    # The kinds of unit each set applied to when the round was opened (set code → kind
    # codes; none: every kind), pinned with the versions: who is asked for what stays.
    set_kinds = models.JSONField(_("kinds of unit of the sets"), default=dict, blank=True)
    units = models.ManyToManyField(
        "units.Unit", verbose_name=_("units"), related_name="collection_rounds"
    )
    deadline = models.DateField(_("deadline"))
    state = models.CharField(
        _("state"), max_length=8, choices=RoundState.choices, default=RoundState.DRAFT
    )
    warning_threshold = models.DecimalField(
        _("warning threshold for the change from last year (%)"),
        max_digits=6,
        decimal_places=2,
        default=30,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Data leave a unit only when its strategic-level participant confirms them: the
    # operational level enters, the middle level submits for sign-off, the strategic
    # level confirms and sends (``access.signoff_steps``).
    internal_signoff = models.BooleanField(
        _("internal sign-off by the strategic level"),
        default=False,
        help_text=_("Data leave a unit only when its strategic-level participant confirms them."),
    )

    class Meta:
        verbose_name = _("collection round")
        verbose_name_plural = _("collection rounds")
        ordering = ["-period", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.period})"


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("draft")
    # Internal sign-off: submitted inside the unit, waiting for its strategic level.
    SIGNOFF = "signoff", _("awaiting internal sign-off")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned for correction")
    APPROVED = "approved", _("approved")


# What the office sees as still open when a round closes.
OPEN_STATES = (SubmissionState.DRAFT, SubmissionState.RETURNED, SubmissionState.SIGNOFF)
EDITABLE_STATES = (SubmissionState.DRAFT, SubmissionState.RETURNED)
# Not yet sent out of the unit: its team still has to enter them, or its strategic
# level to sign them off; reminders go to these.
UNSENT_STATES = (*EDITABLE_STATES, SubmissionState.SIGNOFF)


class Submission(models.Model):
    """One unit's data in a round and where it stands in the workflow."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="submissions"
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="submissions"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=SubmissionState.choices, default=SubmissionState.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    # Bumped by every change of the submission or its values: a page carries it to find
    # out whether someone else changed something meanwhile.
    revision = models.PositiveIntegerField(_("revision"), default=0)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["round", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="submission_round_unit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.round} — {self.unit.name}"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES


class ValueSource(models.TextChoices):
    FORM = "form", _("form")
    EXCEL = "excel", _("Excel file")
    CLI = "cli", _("command line")
    API = "api", _("API")
    SURVEY = "survey", _("satisfaction survey")
    PUBLIC_STATISTICS = "public_statistics", _("public statistics")


class Value(models.Model):
    """A unit's figure of a variable for a period; ``value`` is None when left empty."""

    # No index of their own: the unique (unit, variable, period) and the index (variable,
    # period) serve every lookup by unit or variable, and an import of 290,000 values
    # spent much of its time keeping the two extra indexes.
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="values",
        db_index=False,
    )
    variable = models.ForeignKey(
        "catalogue.Variable",
        verbose_name=_("variable"),
        on_delete=models.PROTECT,
        related_name="values",
        db_index=False,
    )
    period = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6, null=True, blank=True)
    comment = models.TextField(_("explanation"), blank=True)
    source = models.CharField(_("source"), max_length=20, choices=ValueSource.choices)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    # No foreign key constraint in the database (on_delete is Django's anyway): the
    # single writer (services.writer.values_write_many) locks the user's row once per
    # write, as the constraint's check did once per value (costly on large imports).
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    # Bumped by every change: a form sends the revision it showed, and a save from an
    # older revision is refused as a conflict instead of overwriting someone's work.
    revision = models.PositiveIntegerField(_("revision"), default=1)

    class Meta:
        verbose_name = _("value")
        verbose_name_plural = _("values")
        ordering = ["unit", "period", "variable"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "variable", "period"], name="value_unit_variable_period_unique"
            )
        ]
        indexes = [models.Index(fields=["variable", "period"], name="value_variable_period")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.variable_id} {self.period}: {self.value}"


class ValueChange(models.Model):
    """One change of a value (or of its explanation): before, after, who, when, how."""

    # No constraint in the database (like changed_by and submission below): history rows
    # are written only by the single value writer, from the rows its INSERT and UPDATE
    # of values return, so they always point at a value; the check PostgreSQL would run
    # at commit for each of them weighed on every large import. Django still deletes
    # a value's history with it (the cascade is the ORM's).
    value = models.ForeignKey(
        Value,
        verbose_name=_("value"),
        on_delete=models.CASCADE,
        related_name="changes",
        db_constraint=False,
    )
    old_value = models.DecimalField(
        _("before"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    new_value = models.DecimalField(
        _("after"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    old_comment = models.TextField(_("explanation before"), blank=True)
    new_comment = models.TextField(_("explanation after"), blank=True)
    source = models.CharField(_("source"), max_length=20, choices=ValueSource.choices)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    # Without a constraint in the database, like Value.updated_by: the single writer
    # locks the user's and the submissions' rows once per write.
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    submission = models.ForeignKey(
        Submission,
        verbose_name=_("submission"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="value_changes",
        db_constraint=False,
    )
    submission_state = models.CharField(
        _("submission state"), max_length=10, choices=SubmissionState.choices, blank=True
    )
    # The value's revision after this change: what a form that showed it carries back.
    revision = models.PositiveIntegerField(_("revision"))
    # Indexed only where set (the partial index below): nearly every row has none.
    restored_from = models.ForeignKey(
        "self",
        verbose_name=_("restored from change"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("value change")
        verbose_name_plural = _("value changes")
        ordering = ["-changed_at", "-pk"]
        indexes = [
            models.Index(
                fields=["restored_from"],
                name="valuechange_restored_from",
                condition=models.Q(restored_from__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.value_id}: {self.old_value} → {self.new_value}"


class ReturnComment(models.Model):
    """The operator's remark on one variable when returning a submission for correction."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="return_comments"
    )
    variable = models.ForeignKey(
        "catalogue.Variable", verbose_name=_("variable"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("return comment")
        verbose_name_plural = _("return comments")
        ordering = ["submission", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.variable_id}: {self.text[:40]}"


class FrozenCheck(models.Model):
    """What the checks said of one value when its submission was submitted: its warnings
    (in Polish and English), the unit's last known value and its peers then. A submitted
    or approved submission shows these, so later data or catalogue changes never give it
    new warnings; returning it for correction lets the checks run again."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="frozen_checks"
    )
    variable = models.ForeignKey(
        "catalogue.Variable", verbose_name=_("variable"), on_delete=models.PROTECT, related_name="+"
    )
    # {"pl": [...], "en": [...]}: the messages as the person saw them, in each language.
    warnings = models.JSONField(_("warnings"), default=dict, blank=True)
    warned = models.BooleanField(_("with a warning"), default=False)
    previous = models.DecimalField(
        _("last known value"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    previous_period = models.PositiveSmallIntegerField(_("year of the last known value"), null=True)
    # The peers' stats ({"count", "median", "q1", "q3", "low", "high", "basis"}), if any.
    peers = models.JSONField(_("peers"), null=True, blank=True)
    # The validation rules the value broke: each rule's sides and messages, the operands
    # and what they computed (see collection.rule_findings), so that a later edit of the
    # rule or the data never changes what the reviewers read.
    rules = models.JSONField(_("broken rules"), default=list, blank=True)
    frozen_at = models.DateTimeField(_("frozen at"), default=timezone.now)

    class Meta:
        verbose_name = _("check at submission")
        verbose_name_plural = _("checks at submission")
        ordering = ["submission", "variable"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "variable"], name="frozen_check_submission_variable"
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.variable_id}"


class SubmissionEvent(models.Model):
    """A step of a submission's workflow: submitted, returned, approved, reopened; and,
    with internal sign-off, submitted for sign-off, confirmed and sent, or sent back."""

    class Kind(models.TextChoices):
        TO_SIGNOFF = "to_signoff", _("submitted for internal sign-off")
        SIGNED_OFF = "signed_off", _("confirmed and sent by the strategic level")
        SENT_BACK = "sent_back", _("sent back inside the unit")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned for correction")
        APPROVED = "approved", _("approved")
        REOPENED = "reopened", _("reopened")
        # The round stopped asking for sign-off: data awaiting it became sendable.
        RELEASED = "released", _("released: the round no longer asks for sign-off")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("step"), max_length=10, choices=Kind.choices)
    old_state = models.CharField(_("state before"), max_length=10, choices=SubmissionState.choices)
    new_state = models.CharField(_("state after"), max_length=10, choices=SubmissionState.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("submission step")
        verbose_name_plural = _("submission steps")
        ordering = ["submission", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.kind}"


class RoundEvent(models.Model):
    """A step of a round: opened, closed, reopened (with the reason), its internal
    sign-off switched on or off (the old and new setting)."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("opened")
        CLOSED = "closed", _("closed")
        REOPENED = "reopened", _("reopened")
        SIGNOFF = "signoff", _("internal sign-off changed")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("step"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    # The units whose forms were still open when the round closed (names, as they were).
    open_units = models.JSONField(_("units with open forms"), default=list, blank=True)
    # A setting changed (internal sign-off): what it was and what it became.
    old_value = models.CharField(_("old value"), max_length=50, blank=True)
    new_value = models.CharField(_("new value"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("round step")
        verbose_name_plural = _("round steps")
        ordering = ["round", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.kind}"

    @property
    def change(self) -> str:
        """The setting changed, as read: "off → on"."""
        if not (self.old_value or self.new_value):
            return ""
        said = {"on": _("on"), "off": _("off")}
        old, new = (said.get(v, v) for v in (self.old_value, self.new_value))
        return f"{old} → {new}"


class ImportJobState(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("importing")
    DONE = "done", _("done")
    FAILED = "failed", _("refused")


class ImportJob(models.Model):
    """An Excel or CSV file being imported in the background, with its progress.

    A task run by ``benchlearn worker`` imports it and writes its progress here; the
    page polls ``done``/``total``.
    """

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="import_jobs"
    )
    # The unit whose page received the file; None for an operator's file of the round.
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    file_name = models.CharField(_("file name"), max_length=255)
    path = models.CharField(_("stored file"), max_length=500)
    # The uploader's language: the worker writes the problems in it.
    language = models.CharField(_("language"), max_length=8, default="pl")
    state = models.CharField(
        _("state"), max_length=8, choices=ImportJobState.choices, default=ImportJobState.QUEUED
    )
    done = models.PositiveIntegerField(_("units checked"), default=0)
    total = models.PositiveIntegerField(_("units in the file"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    changed = models.PositiveIntegerField(_("values changed"), default=0)
    # Rows of units whose submissions are locked (submitted, approved) and whose values
    # in the file are what is stored: left alone, and listed (TERYT, name, state).
    skipped = models.JSONField(_("rows skipped"), default=list, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import of a file")
        verbose_name_plural = _("imports of files")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (ImportJobState.DONE, ImportJobState.FAILED)

    @property
    def percent(self) -> int:
        if self.state == ImportJobState.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
