from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    URBAN_GMINA = "gm", _("urban gmina")
    RURAL_GMINA = "gw", _("rural gmina")
    URBAN_RURAL_GMINA = "gmw", _("urban-rural gmina")
    CITY_COUNTY = "mnpp", _("city with county rights")
    COUNTY = "pow", _("county")
    VOIVODESHIP = "woj", _("voivodeship")


class Unit(models.Model):
    """A local government unit (JST), identified by its TERYT code."""

    teryt = models.CharField(_("TERYT code"), max_length=7, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=4, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("county or voivodeship"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    voivodeship = models.CharField(_("voivodeship"), max_length=40, blank=True)
    # Units leave the register but are never deleted: memberships, groups and values
    # point at them, and past years stay comparable.
    abolished_on = models.DateField(_("abolished on"), null=True, blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name", "teryt"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def is_abolished(self) -> bool:
        return self.abolished_on is not None


class UnitChangeKind(models.TextChoices):
    CREATED = "created", _("created")
    RENAMED = "renamed", _("renamed")
    RECODED = "recoded", _("new TERYT code")
    KIND_CHANGED = "kind", _("kind changed")
    MOVED = "moved", _("moved to another county or voivodeship")
    ABOLISHED = "abolished", _("abolished")
    RESTORED = "restored", _("back in the register")


class UnitChange(models.Model):
    """One change of a unit in the register: what it was, what it became, and when."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("change"), max_length=10, choices=UnitChangeKind.choices)
    old_value = models.CharField(_("before"), max_length=120, blank=True)
    new_value = models.CharField(_("after"), max_length=120, blank=True)
    effective_on = models.DateField(_("effective on"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("unit change")
        verbose_name_plural = _("unit changes")
        ordering = ["unit", "-effective_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit.teryt} {self.kind} {self.effective_on}"

    def _display(self, value: str) -> str:
        if self.kind == UnitChangeKind.KIND_CHANGED and value in UnitKind.values:
            return str(UnitKind(value).label)
        return value

    @property
    def old_display(self) -> str:
        return self._display(self.old_value)

    @property
    def new_display(self) -> str:
        return self._display(self.new_value)


class Level(models.TextChoices):
    STRATEGIC = "strategic", _("strategic (leadership)")
    MIDDLE = "middle", _("middle management")
    OPERATIONAL = "operational", _("operational (service delivery)")


class UnitMembership(models.Model):
    """A person acting for a unit: a participant, at one of three management levels."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_memberships"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)

    class Meta:
        verbose_name = _("unit participant")
        verbose_name_plural = _("unit participants")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="membership_user_unit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.unit.name} ({self.get_level_display()})"


class ContextValue(models.Model):
    """A unit's figure from public statistics for a year: population, area, density..."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="context_values")
    variable = models.ForeignKey(
        "catalogue.Variable",
        verbose_name=_("variable"),
        on_delete=models.PROTECT,
        related_name="context_values",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.FloatField(_("value"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    fetched_at = models.DateTimeField(_("fetched at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("context value")
        verbose_name_plural = _("context values")
        ordering = ["unit", "variable", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "variable", "year"], name="context_value_unit_variable_year"
            )
        ]
        indexes = [models.Index(fields=["variable", "year"], name="context_value_variable_year")]

    def __str__(self) -> str:
        return f"{self.unit.teryt} {self.variable_id} {self.year}: {self.value}"


class ContextValueChange(models.Model):
    """One change of a context value: what it was, what it became, when and by what."""

    context_value = models.ForeignKey(
        ContextValue, on_delete=models.CASCADE, related_name="changes"
    )
    old_value = models.FloatField(_("before"), null=True, blank=True)
    new_value = models.FloatField(_("after"))
    changed_at = models.DateTimeField(_("changed at"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    origin = models.CharField(_("by what"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("context value change")
        verbose_name_plural = _("context value changes")
        ordering = ["context_value", "-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.context_value_id}: {self.old_value} → {self.new_value}"
