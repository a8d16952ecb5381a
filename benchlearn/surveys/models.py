"""Residents' satisfaction surveys: questionnaires (versioned like the catalogue: a
version published or answered is never edited, a change makes a new version), surveys
run over units, their open links and single-use codes, and the responses, which hold
no personal data and no network address."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benchlearn.catalogue.models import Domain
from benchlearn.groups.models import SURVEY_MIN_RESPONSES_DEFAULT, Programme
from benchlearn.units.models import Unit

# The answer "nie wiem / nie korzystam" where a question offers it.
DONT_KNOW = 9
# The default minimum number of responses before a unit's results feed comparisons (a
# programme sets its own: Programme.survey_min_responses).
MIN_RESPONSES_DEFAULT = SURVEY_MIN_RESPONSES_DEFAULT
# Trimming of the raking weights: a cap of k × the unit's mean weight, k in (1, 10]. Above
# 10 hardly any weight is trimmed (a cell would have to be a tenth as well represented as
# in the population), so a larger k is taken for a typing mistake.
WEIGHT_CAP_MAX = 10.0
# Single-use codes: no 0/O, 1/I/L, 5/S, 2/Z, 8/B, so a code read off paper is typed right.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 8


def new_token() -> str:
    """A random URL-safe token (an open link, a respondent's resume cookie)."""
    return secrets.token_urlsafe(16)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    SCALE5 = "scale5", _("5-point scale")
    NPS = "nps", _("0–10 scale")
    NUMBER = "number", _("number")
    TEXT = "text", _("open text")


class QuestionRole(models.TextChoices):
    """What the results make of a question: satisfaction items, the overall
    satisfaction, the likelihood to recommend, the open answer, the weighting
    questions, the filter ("do you use the service?")."""

    NONE = "", _("—")
    ITEM = "item", _("satisfaction item")
    OVERALL = "overall", _("overall satisfaction")
    RECOMMEND = "recommend", _("likelihood to recommend")
    OPEN = "open", _("open answer")
    SEX = "sex", _("sex")
    AGE = "age", _("age band")
    AREA = "area", _("part of the unit")
    FILTER = "filter", _("filter question")


class Questionnaire(models.Model):
    """A questionnaire's identity; its questions live in its numbered versions."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    domain = models.ForeignKey(
        Domain,
        verbose_name=_("domain"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questionnaires",
    )
    name_pl = models.CharField(_("name (Polish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    # Shipped with the application (benchlearn load-questionnaires) rather than written
    # by an operator.
    shipped = models.BooleanField(_("shipped template"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_pl or self.code


class QuestionnaireVersion(models.Model):
    """One numbered version of a questionnaire. Once published or answered it is
    frozen: a change makes a new version (``is_frozen``)."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    # Intro shown on the answering page above the first question.
    intro_pl = models.TextField(_("introduction (Polish)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        ordering = ["questionnaire", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="questionnaire_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire.code} v{self.number}"

    @property
    def is_frozen(self) -> bool:
        """Published or answered: never edited again."""
        return (
            self.published_at is not None
            or Response.objects.filter(survey__questionnaire_version=self).exists()
        )


class Question(models.Model):
    """One question of a questionnaire version.

    ``options``: ``[{"code": "1", "label_pl": "...", "label_en": "..."}]`` for choice
    questions (the scales carry their own labels). ``show_if``: ``None`` or
    ``{"question": CODE, "in": [values]}``: the question is asked only when the
    earlier question's answer is one of the values (for a multiple choice: any of them
    chosen); answers to a question not shown are dropped."""

    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    code = models.CharField(_("code"), max_length=32)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text_pl = models.TextField(_("question (Polish)"))
    text_en = models.TextField(_("question (English)"), blank=True)
    help_pl = models.CharField(_("hint (Polish)"), max_length=300, blank=True)
    help_en = models.CharField(_("hint (English)"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    options = models.JSONField(_("answers to choose from"), default=list, blank=True)
    dont_know = models.BooleanField(
        _("offers “don't know / don't use”"),
        default=False,
        help_text=_("An answer coded 9 beside the scale."),
    )
    show_if = models.JSONField(_("asked only if"), null=True, blank=True)
    role = models.CharField(
        _("role in the results"),
        max_length=10,
        choices=QuestionRole.choices,
        blank=True,
        default=QuestionRole.NONE,
    )
    # For a number question: the allowed range.
    minimum = models.FloatField(_("minimum"), null=True, blank=True)
    maximum = models.FloatField(_("maximum"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["version", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="question_code_unique")
        ]

    def __str__(self) -> str:
        return self.code


class SurveyMode(models.TextChoices):
    OPEN = "open", _("open link")
    CODES = "codes", _("single-use codes")
    PAPER = "paper", _("paper questionnaires")
    IMPORT = "import", _("imported responses")


class SurveyState(models.TextChoices):
    DRAFT = "draft", _("in preparation")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class Survey(models.Model):
    """A survey run with one questionnaire version over some units for one period."""

    name = models.CharField(_("name"), max_length=200)
    questionnaire_version = models.ForeignKey(
        QuestionnaireVersion,
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="surveys",
    )
    period = models.PositiveSmallIntegerField(_("year"))
    # A subset of SurveyMode's values.
    modes = models.JSONField(_("modes"), default=list, blank=True)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    target_responses = models.PositiveIntegerField(
        _("target number of responses per unit"), null=True, blank=True
    )
    min_responses = models.PositiveIntegerField(
        _("minimum number of responses for comparisons"),
        default=MIN_RESPONSES_DEFAULT,
        help_text=_("Below it a unit's results are flagged and feed no comparison."),
    )
    # None: the raking weights are not trimmed.
    weight_cap = models.FloatField(
        _("cap on the weights (× the mean weight)"), null=True, blank=True
    )
    state = models.CharField(
        _("state"), max_length=8, choices=SurveyState.choices, default=SurveyState.DRAFT
    )
    units = models.ManyToManyField(
        Unit, through="SurveyUnit", verbose_name=_("units"), related_name="surveys"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-period", "name"]

    def __str__(self) -> str:
        return self.name

    def accepts_answers(self, today: datetime.date | None = None) -> bool:
        """Open, and today within its dates."""
        day = today or timezone.localdate()
        if self.state != SurveyState.OPEN:
            return False
        if self.opens_on is not None and day < self.opens_on:
            return False
        return not (self.closes_on is not None and day > self.closes_on)


class SurveyUnit(models.Model):
    """A unit taking part in a survey, with its open link's token."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="survey_units")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)
    open_token = models.CharField(
        _("open link token"), max_length=32, unique=True, default=new_token
    )

    class Meta:
        verbose_name = _("unit in a survey")
        verbose_name_plural = _("units in surveys")
        ordering = ["survey", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "unit"], name="survey_unit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.unit}"


class ResponseCode(models.Model):
    """A single-use code for an address-based sample: one response per code."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="codes")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)
    code = models.CharField(_("code"), max_length=CODE_LENGTH, unique=True, default=new_code)
    batch = models.PositiveIntegerField(_("batch"), default=1)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("response code")
        verbose_name_plural = _("response codes")
        ordering = ["survey", "unit", "batch", "code"]
        indexes = [models.Index(fields=["survey", "unit", "batch"], name="response_code_batch")]

    def __str__(self) -> str:
        return self.code


class ResponseMode(models.TextChoices):
    OPEN = "open", _("open link")
    CODE = "code", _("single-use code")
    PAPER = "paper", _("paper")
    IMPORT = "import", _("import")


class Response(models.Model):
    """One respondent's answers: ``{question_code: value or [values]}``. Partial until
    submitted (``submitted_at``); the respondent's browser holds ``resume_token`` in a
    cookie to come back. Nothing here identifies the person."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)
    code = models.OneToOneField(
        ResponseCode,
        verbose_name=_("code"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="response",
    )
    mode = models.CharField(_("mode"), max_length=8, choices=ResponseMode.choices)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, db_index=True)
    resume_token = models.CharField(max_length=32, unique=True, default=new_token)
    # Who typed a paper return or ran an import (an office account); None online.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["survey", "unit", "started_at", "pk"]
        indexes = [
            models.Index(fields=["survey", "unit", "submitted_at"], name="response_survey_unit")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.unit_id} · {self.pk}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class SurveyEvent(models.Model):
    """One change of a survey or its questionnaire: who, when, what, old and new."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    kind = models.CharField(_("change"), max_length=32)
    old = models.JSONField(_("before"), null=True, blank=True)
    new = models.JSONField(_("after"), null=True, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("survey change")
        verbose_name_plural = _("survey changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.survey_id or self.questionnaire_id} {self.kind}"
