"""The competency scheme: the competencies of managing public services, each described
on four levels, with the level expected of each seat (strategic, middle, operational);
people's assessments of themselves at the start and the end of a cycle (and the unit's
strategic person's second view), their development goals, the learning suggestions the
office links per competency, and the trainings it plans from the gaps.

A scheme is versioned like the catalogue: a version published or used by an assessment
is never edited, a change makes a new version. Competencies keep their ``code`` across
versions, so aggregates follow a competency from one version to the next.

Privacy: an assessment is its person's own. ``office_may_see`` is fixed when the person
starts it, from the programme's setting they were shown (``Programme.competency_office_sees``);
the office reads individual results only where it is true. Aggregates are shown only
where at least ``MIN_PEOPLE`` people stand behind a figure."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from benchlearn.groups.models import ChangeRecord, ExchangeGroup, Programme
from benchlearn.units.models import Level, Unit

# The levels of a competency, 1 (basic) to 4 (expert).
LOWEST_LEVEL = 1
HIGHEST_LEVEL = 4
LEVELS = range(LOWEST_LEVEL, HIGHEST_LEVEL + 1)
# An aggregate (a mean of a group, a programme, a seat) is shown only when at least this
# many people stand behind it.
MIN_PEOPLE = 5
# A person sets one to three development goals per cycle.
MAX_GOALS = 3

_level_validators = [MinValueValidator(LOWEST_LEVEL), MaxValueValidator(HIGHEST_LEVEL)]


class CompetencyScheme(models.Model):
    """One version of the scheme ("2026.1"). Published versions are frozen."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    name_pl = models.CharField(_("name (Polish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    # The names of the four levels: {"1": {"pl": "podstawowy", "en": "basic"}, ...}.
    level_names = models.JSONField(_("names of the levels"), default=dict)
    change_note_pl = models.TextField(_("what changed (Polish)"), blank=True)
    change_note_en = models.TextField(_("what changed (English)"), blank=True)
    # Shipped with the application (benchlearn load-competencies), not written here.
    shipped = models.BooleanField(_("shipped with Benchlearn"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The edit token of a draft: a form carries it back to detect someone else's save.
    revision = models.PositiveIntegerField(_("revision"), default=1)

    class Meta:
        verbose_name = _("competency scheme")
        verbose_name_plural = _("competency schemes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name_pl} {self.version}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Competency(models.Model):
    scheme = models.ForeignKey(
        CompetencyScheme, on_delete=models.CASCADE, related_name="competencies"
    )
    code = models.CharField(_("code"), max_length=32)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_pl = models.CharField(_("name (Polish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_pl = models.TextField(_("description (Polish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    # The level expected of each seat.
    expected_strategic = models.PositiveSmallIntegerField(
        _("expected of the strategic level"), validators=_level_validators
    )
    expected_middle = models.PositiveSmallIntegerField(
        _("expected of middle management"), validators=_level_validators
    )
    expected_operational = models.PositiveSmallIntegerField(
        _("expected of the operational level"), validators=_level_validators
    )

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["scheme", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="competency_scheme_code")
        ]

    def __str__(self) -> str:
        return self.name_pl

    def expected_for(self, seat: str) -> int:
        """The level expected of a seat (a ``units.models.Level`` value)."""
        return int(getattr(self, f"expected_{seat}"))


class Behaviour(models.Model):
    """What a person at a level of a competency does (the level's description)."""

    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="behaviours")
    level = models.PositiveSmallIntegerField(_("level"), validators=_level_validators)
    text_pl = models.TextField(_("behaviours (Polish)"))
    text_en = models.TextField(_("behaviours (English)"), blank=True)

    class Meta:
        verbose_name = _("behaviours of a level")
        verbose_name_plural = _("behaviours of the levels")
        ordering = ["competency", "level"]
        constraints = [
            models.UniqueConstraint(fields=["competency", "level"], name="behaviour_level_unique")
        ]

    def __str__(self) -> str:
        return f"{self.competency.code} {self.level}"


class Stage(models.TextChoices):
    START = "start", _("start of the cycle")
    END = "end", _("end of the cycle")


class Role(models.TextChoices):
    """Who assessed: the person themselves, or their unit's strategic person."""

    SELF = "self", _("self-assessment")
    SUPERIOR = "superior", _("second view (strategic level)")


class Assessment(models.Model):
    """One person's assessment at one stage of their group's cycle: by themselves, or
    (a second view) by their unit's strategic person. A draft until submitted; a
    submitted assessment is changed only by its assessor, each change recorded."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="competency_assessments",
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    role = models.CharField(_("assessment"), max_length=10, choices=Role.choices, default=Role.SELF)
    group = models.ForeignKey(
        ExchangeGroup,
        verbose_name=_("exchange group"),
        on_delete=models.CASCADE,
        related_name="competency_assessments",
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)
    # The person's seat when the assessment was started.
    seat = models.CharField(_("seat"), max_length=12, choices=Level.choices)
    stage = models.CharField(_("stage"), max_length=5, choices=Stage.choices)
    scheme = models.ForeignKey(
        CompetencyScheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="+"
    )
    # Fixed when started, from what the person was told: may the office read it?
    office_may_see = models.BooleanField(_("the office may read it"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    revision = models.PositiveIntegerField(_("revision"), default=1)

    class Meta:
        verbose_name = _("competency assessment")
        verbose_name_plural = _("competency assessments")
        ordering = ["group", "person", "stage", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "group", "stage", "role"], name="assessment_one_per_stage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.group} · {self.stage} · {self.role}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Rating(models.Model):
    """The level given for one competency, with the evidence behind it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    competency = models.ForeignKey(
        Competency, verbose_name=_("competency"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(_("level"), validators=_level_validators)
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["assessment", "competency__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "competency"], name="rating_one_per_competency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.competency.code}: {self.level}"


class AssessmentChange(ChangeRecord):
    """A change of an assessment: started, saved (each rating's old and new level and
    evidence), submitted, reopened."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="changes")

    class Meta(ChangeRecord.Meta):
        verbose_name = _("change of an assessment")
        verbose_name_plural = _("changes of assessments")


class DevelopmentGoal(models.Model):
    """One of a person's one to three development goals in a group's cycle."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="development_goals"
    )
    group = models.ForeignKey(ExchangeGroup, on_delete=models.CASCADE, related_name="+")
    # The competency's code (it stays across the scheme's versions).
    competency_code = models.CharField(_("competency"), max_length=32)
    text = models.TextField(_("goal"))
    due = models.DateField(_("by"), null=True, blank=True)
    achieved_at = models.DateTimeField(_("achieved"), null=True, blank=True)
    created_at = models.DateTimeField(_("set at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    revision = models.PositiveIntegerField(_("revision"), default=1)

    class Meta:
        verbose_name = _("development goal")
        verbose_name_plural = _("development goals")
        ordering = ["person", "group", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class ResourceKind(models.TextChoices):
    MATERIAL = "material", pgettext_lazy("a learning resource", "material")
    PRACTICE = "practice", _("good practice")
    TRAINING = "training", pgettext_lazy("a learning resource", "training")


class LearningResource(models.Model):
    """A learning suggestion for a competency: a material, a good practice or a
    training, added by the office (for its programme, or for every programme)."""

    competency_code = models.CharField(_("competency"), max_length=32, db_index=True)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=ResourceKind.choices, default=ResourceKind.MATERIAL
    )
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("address (URL)"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    # A good practice of the platform (shown only to those who may read it).
    practice = models.ForeignKey(
        "practices.Practice",
        verbose_name=_("good practice"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("learning suggestion")
        verbose_name_plural = _("learning suggestions")
        ordering = ["competency_code", "kind", "title"]

    def __str__(self) -> str:
        return self.title


class Training(models.Model):
    """A training the office plans for a programme from the gaps."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="trainings"
    )
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    # The competencies' codes the training develops.
    competency_codes = models.JSONField(_("competencies"), default=list)
    # The seats it is meant for (empty: all).
    seats = models.JSONField(_("seats"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    revision = models.PositiveIntegerField(_("revision"), default=1)

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-date", "title"]

    def __str__(self) -> str:
        return self.title


class Invitee(models.Model):
    """A person invited to a training, and whether they attended (None: not recorded)."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="invitees")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="training_invitations",
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitee")
        verbose_name_plural = _("invitees")
        ordering = ["training", "person__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["training", "person"], name="invitee_unique")
        ]

    def __str__(self) -> str:
        return f"{self.training} · {self.person}"
