"""Computed results, kept: what every comparison page and report reads.

A ``Computation`` is one run of the engine over every stored value: every indicator of
the published catalogue for every unit and period (``Result``), the standing comparison
groups of that moment (``ComparisonGroup``: all units, each voivodeship, each kind of
unit in a population band, each exchange group), their statistics per indicator and
period (``GroupStat``, with the group's sorted values, so that a unit's rank is a
binary search rather than a recomputation) and each unit's nearest neighbours by
context (``Neighbour``). Pages read the newest finished computation; a new one is
built beside it and replaces it only when complete.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benchlearn.catalogue.models import Indicator
from benchlearn.groups.models import ExchangeGroup
from benchlearn.units.models import Unit


class ComputationState(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("computing")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class Computation(models.Model):
    """One run of the engine, with its progress while it runs."""

    state = models.CharField(
        _("state"), max_length=8, choices=ComputationState.choices, default=ComputationState.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    step = models.CharField(_("step"), max_length=200, blank=True)
    done = models.PositiveIntegerField(_("steps done"), default=0)
    total = models.PositiveIntegerField(_("steps"), default=0)
    error = models.TextField(_("error"), blank=True)
    # What was computed from: indicator code -> version number, and the newest change
    # of collected values and of context values at the start (the data version).
    catalogue = models.JSONField(_("indicator versions"), default=dict, blank=True)
    value_change = models.PositiveBigIntegerField(_("last value change"), default=0)
    context_change = models.PositiveBigIntegerField(_("last context change"), default=0)
    data_as_of = models.DateTimeField(_("data as of"), null=True, blank=True)
    first_period = models.PositiveSmallIntegerField(_("first period"), null=True, blank=True)
    last_period = models.PositiveSmallIntegerField(_("last period"), null=True, blank=True)
    units = models.PositiveIntegerField(_("units"), default=0)
    results = models.PositiveIntegerField(_("results"), default=0)
    # Public only once the office publishes it (the portal and the open data read the
    # newest published computation, nothing else); None: not public.
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("computation")
        verbose_name_plural = _("computations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.state})"

    @property
    def data_version(self) -> str:
        """A short label of the data a computation used, printed on reports."""
        return f"{self.pk}.{self.value_change}.{self.context_change}"

    @property
    def finished(self) -> bool:
        return self.state in (ComputationState.DONE, ComputationState.FAILED)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


class PublicationAction(models.TextChoices):
    PUBLISHED = "published", _("published")
    UNPUBLISHED = "unpublished", _("withdrawn from publication")
    REPLACED = "replaced", _("replaced by a newer publication")


class PublicationChange(models.Model):
    """One publication or withdrawal of a computation: who, when, and why."""

    # Kept when the computation itself is discarded (SET_NULL): the log of what was out.
    computation = models.ForeignKey(
        Computation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="publication_changes",
    )
    computation_number = models.PositiveIntegerField(_("computation"))
    action = models.CharField(_("action"), max_length=12, choices=PublicationAction.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("change of publication")
        verbose_name_plural = _("changes of publication")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.computation_number} {self.action} {self.at:%Y-%m-%d %H:%M}"


class Result(models.Model):
    """One indicator's value for one unit and period."""

    computation = models.ForeignKey(
        Computation, on_delete=models.CASCADE, related_name="result_rows", db_index=False
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    period = models.SmallIntegerField(_("period"))
    value = models.FloatField(_("value"), null=True)
    flag = models.CharField(_("flag"), max_length=8, blank=True)
    numerator = models.FloatField(_("numerator"), null=True)
    denominator = models.FloatField(_("denominator"), null=True)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        indexes = [
            models.Index(fields=["computation", "unit", "indicator"], name="result_unit"),
            models.Index(fields=["computation", "indicator", "period"], name="result_indicator"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.indicator_id} {self.period}: {self.value}"


class ComparisonKind(models.TextChoices):
    EXCHANGE = "exchange", _("exchange group")
    BAND = "band", _("same kind and population band")
    NEIGHBOURS = "neighbours", _("nearest neighbours")
    VOIVODESHIP = "voivodeship", _("voivodeship")
    ALL = "all", _("all units")


# The pools a unit's size-band and nearest-neighbour peers are drawn from: units doing
# the same tasks. Gminas among gminas and cities with county rights (which do the gmina
# tasks), as before sets declared kinds; for the county sets, counties and cities with
# county rights among themselves. A city with county rights with results of a county
# set is in both (see ``results.services.peer_pools``).
GMINA_POOL, COUNTY_POOL = "", "county"


class ComparisonGroup(models.Model):
    """A standing comparison group as it was at a computation (neighbours are per unit:
    see ``Neighbour``)."""

    computation = models.ForeignKey(
        Computation, on_delete=models.CASCADE, related_name="comparison_groups"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ComparisonKind.choices)
    # "all"; a voivodeship's name; "<unit kind>:<population band>" (or "county:<band>",
    # counties and cities with county rights); an exchange group's id.
    key = models.CharField(_("key"), max_length=80)
    exchange_group = models.ForeignKey(
        ExchangeGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    members = models.ManyToManyField(Unit, related_name="+")

    class Meta:
        verbose_name = _("comparison group")
        verbose_name_plural = _("comparison groups")
        constraints = [
            models.UniqueConstraint(
                fields=["computation", "kind", "key"], name="comparison_group_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class GroupStat(models.Model):
    """A comparison group's statistics of one indicator in one period (definitions in
    ``benchlearn.engine.stats``), with the members' values sorted (float64 bytes)."""

    group = models.ForeignKey(ComparisonGroup, on_delete=models.CASCADE, related_name="stats")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    period = models.SmallIntegerField(_("period"))
    n = models.PositiveIntegerField(_("units with a value"))
    mean = models.FloatField(null=True)
    aggregate = models.FloatField(null=True)
    median = models.FloatField(null=True)
    q1 = models.FloatField(null=True)
    q3 = models.FloatField(null=True)
    minimum = models.FloatField(null=True)
    maximum = models.FloatField(null=True)
    std = models.FloatField(null=True)
    best = models.FloatField(null=True)
    worst = models.FloatField(null=True)
    values = models.BinaryField(_("sorted values"))

    class Meta:
        verbose_name = _("group statistic")
        verbose_name_plural = _("group statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "indicator", "period"], name="group_stat_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group_id} {self.indicator_id} {self.period}: n = {self.n}"

    def sorted_values(self) -> npt.NDArray[np.float64]:
        return np.frombuffer(bytes(self.values), dtype="<f8")


class Neighbour(models.Model):
    """One of a unit's nearest neighbours by context, and why (each context variable's
    share of the squared distance)."""

    computation = models.ForeignKey(
        Computation, on_delete=models.CASCADE, related_name="neighbours", db_index=False
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    peer = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(_("rank"))
    distance = models.FloatField(_("distance"))
    shares = models.JSONField(_("shares of the distance"), default=dict)
    # The pool the neighbour was drawn from (GMINA_POOL, COUNTY_POOL): a city with
    # county rights has neighbours in both.
    pool = models.CharField(_("drawn from"), max_length=8, blank=True, default=GMINA_POOL)

    class Meta:
        verbose_name = _("neighbour")
        verbose_name_plural = _("neighbours")
        ordering = ["unit", "rank"]
        indexes = [models.Index(fields=["computation", "unit", "rank"], name="neighbour_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id} → {self.peer_id} ({self.rank})"


class Rts(models.TextChoices):
    CRS = "crs", _("constant returns to scale")
    VRS = "vrs", _("variable returns to scale")


class Orientation(models.TextChoices):
    INPUT = "input", _("input (the same results with less)")
    OUTPUT = "output", _("output (more results with the same)")


class Reference(models.TextChoices):
    """Which units a model's frontier is drawn from, each year."""

    KIND = "kind", _("units of the same kind (rural gminas with rural gminas, cities with cities…)")
    ALL = "all", _("all units with the data, whatever their kind")


class EfficiencyModel(models.Model):
    """A DEA model chosen by an operator: a service's inputs and outputs (variable or
    indicator codes), returns to scale and orientation. Scored at every computation."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_pl = models.CharField(_("name (Polish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    domain = models.ForeignKey(
        "catalogue.Domain",
        verbose_name=_("domain"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    inputs = models.JSONField(_("inputs"), default=list)
    outputs = models.JSONField(_("outputs"), default=list)
    rts = models.CharField(
        _("returns to scale"), max_length=3, choices=Rts.choices, default=Rts.VRS
    )
    orientation = models.CharField(
        _("orientation"), max_length=6, choices=Orientation.choices, default=Orientation.INPUT
    )
    reference = models.CharField(
        _("frontier drawn from"), max_length=4, choices=Reference.choices, default=Reference.KIND
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("efficiency model")
        verbose_name_plural = _("efficiency models")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def name(self, language: str) -> str:
        return self.name_en if language.startswith("en") and self.name_en else self.name_pl


class EfficiencyScore(models.Model):
    """A unit's DEA result in one period: its score and peers (λ), or why it could not
    be scored (``excluded``)."""

    computation = models.ForeignKey(
        Computation, on_delete=models.CASCADE, related_name="efficiency_scores", db_index=False
    )
    model = models.ForeignKey(EfficiencyModel, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    period = models.SmallIntegerField(_("period"))
    score = models.FloatField(_("efficiency"), null=True)
    efficient = models.BooleanField(_("on the frontier"), default=False)
    peers = models.JSONField(_("peers"), default=list)  # [[unit id, λ], …]
    excluded = models.CharField(_("not scored because"), max_length=200, blank=True)
    # The units with complete data in the unit's reference set that year, and how many
    # the rule of thumb asks for: below it nobody of the set is scored.
    reference_size = models.PositiveIntegerField(_("units in the reference set"), default=0)
    reference_needed = models.PositiveIntegerField(_("units the model needs"), default=0)

    class Meta:
        verbose_name = _("efficiency score")
        verbose_name_plural = _("efficiency scores")
        indexes = [
            models.Index(fields=["computation", "model", "period"], name="efficiency_period"),
            models.Index(fields=["computation", "unit", "model"], name="efficiency_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.model_id} {self.unit_id} {self.period}: {self.score}"

    @property
    def too_few(self) -> bool:
        """Not scored because the reference set is below the rule of thumb."""
        return self.score is None and self.reference_size < self.reference_needed
