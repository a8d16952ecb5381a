"""The indicator catalogue in the database: domains, variables, versioned indicators
and versioned model indicator sets.

Indicators and sets are split into an identity (code) and numbered versions so that
results computed later can point at the exact definition they used. Writes go through
``benchlearn.catalogue.services``; nothing here changes data on ``save()``.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benchlearn.engine.catalogue import applies_to
from benchlearn.engine.formula_text import printed


class Source(models.TextChoices):
    FORM = "form", _("data-entry form")
    SURVEY = "survey", _("satisfaction survey")
    PUBLIC_STATISTICS = "public_statistics", _("public statistics")


class Polarity(models.TextChoices):
    HIGHER_BETTER = "higher", _("higher is better")
    LOWER_BETTER = "lower", _("lower is better")
    NEUTRAL = "neutral", _("neutral")


class Basis(models.TextChoices):
    """What a raw variable is compared by between units of different size."""

    AS_IS = "as_is", _("as is")
    PER_USER = "per_user", _("per service user")
    PER_RESIDENT = "per_resident", _("per resident")


class Severity(models.TextChoices):
    ERROR = "error", _("error (blocks submission)")
    WARNING = "warning", _("warning (needs an explanation)")


class Operator(models.TextChoices):
    LT = "<", "<"
    LE = "<=", "≤"
    EQ = "=", "="
    GE = ">=", "≥"
    GT = ">", ">"
    BETWEEN = "between", _("between")


# The kinds of unit a set may apply to, named as the register names them (the same
# words as benchlearn.units.models.UnitKind, which the catalogue may not import; a test
# checks both lists agree).
UNIT_KIND_LABELS = {
    "gm": _("urban gmina"),
    "gw": _("rural gmina"),
    "gmw": _("urban-rural gmina"),
    "mnpp": _("city with county rights"),
    "pow": _("county"),
    "woj": _("voivodeship"),
}


class Category(models.TextChoices):
    INPUT = "input", _("input")
    OUTPUT = "output", _("output / outcome")
    EFFICIENCY = "efficiency", _("efficiency")
    QUALITY = "quality", _("quality")
    SATISFACTION = "satisfaction", _("satisfaction")
    GOVERNANCE = "governance", _("governance")


class Domain(models.Model):
    """A public-service area (education, waste, roads...)."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name_pl = models.CharField(_("name (Polish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_pl = models.TextField(_("description (Polish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name_pl or self.code


class Variable(models.Model):
    """A raw data item: entered on a form, filled from a survey or public statistics."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    domain = models.ForeignKey(
        Domain,
        verbose_name=_("domain"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="variables",
    )
    name_pl = models.CharField(_("name (Polish)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    unit = models.CharField(_("unit of measure"), max_length=60, blank=True)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.FORM
    )
    minimum = models.FloatField(_("minimum"), null=True, blank=True)
    maximum = models.FloatField(_("maximum"), null=True, blank=True)
    definition_pl = models.TextField(_("definition (Polish)"), blank=True)
    definition_en = models.TextField(_("definition (English)"), blank=True)
    # Plausibility checks compare comparable quantities: a big city's raw counts are
    # divided by its service users or residents before they meet a small gmina's.
    compare = models.CharField(
        _("compared"), max_length=16, choices=Basis.choices, default=Basis.AS_IS
    )
    compare_per = models.CharField(
        _("service users counted by"),
        max_length=64,
        blank=True,
        help_text=_("For comparison per service user: the code of the variable counting them."),
    )
    plausible_min = models.FloatField(_("plausible from"), null=True, blank=True)
    plausible_max = models.FloatField(_("plausible to"), null=True, blank=True)
    # The data years the definition holds for (inclusive; empty: open-ended): a round
    # of another year does not ask for the variable.
    valid_from = models.PositiveSmallIntegerField(_("valid from data year"), null=True, blank=True)
    valid_to = models.PositiveSmallIntegerField(_("valid to data year"), null=True, blank=True)
    # GUS BDL variables publishing the same figure, by BDL level ("6:76037"; see
    # engine.catalogue.bdl_sources): fetched by bdl-fetch, an entry is checked against it.
    bdl = models.CharField(_("GUS BDL source"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("variable")
        verbose_name_plural = _("variables")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name_pl}"


class Indicator(models.Model):
    """An indicator's identity; what it computes lives in its numbered versions."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    domain = models.ForeignKey(
        Domain,
        verbose_name=_("domain"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.code


class IndicatorVersion(models.Model):
    """One definition of an indicator. The current version is the highest number;
    a published version never changes what it computes."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    formula = models.TextField(_("formula"))
    numerator = models.TextField(_("numerator"), blank=True)
    denominator = models.TextField(_("denominator"), blank=True)
    polarity = models.CharField(
        _("polarity"), max_length=10, choices=Polarity.choices, default=Polarity.NEUTRAL
    )
    category = models.CharField(
        _("category"), max_length=16, choices=Category.choices, default=Category.OUTPUT
    )
    name_pl = models.CharField(_("name (Polish)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    unit = models.CharField(_("unit of measure"), max_length=60, blank=True)
    decimals = models.PositiveSmallIntegerField(_("decimal places"), default=2)
    notes_pl = models.TextField(_("methodology notes (Polish)"), blank=True)
    notes_en = models.TextField(_("methodology notes (English)"), blank=True)
    # The data years this definition computes (inclusive; empty: open-ended). Each year
    # is computed with the highest-numbered version valid in it.
    valid_from = models.PositiveSmallIntegerField(_("valid from data year"), null=True, blank=True)
    valid_to = models.PositiveSmallIntegerField(_("valid to data year"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("indicator version")
        verbose_name_plural = _("indicator versions")
        ordering = ["indicator", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "number"], name="indicator_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class IndicatorSet(models.Model):
    """A model indicator set of one domain; its membership lives in numbered versions."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    domain = models.ForeignKey(
        Domain,
        verbose_name=_("domain"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sets",
    )
    name_pl = models.CharField(_("name (Polish)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    description_pl = models.TextField(_("description (Polish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    # The kinds of unit (UNIT_KINDS codes, in that order) the set applies to: a round
    # asks a unit only for the sets of its kind. Empty: every kind.
    kinds = models.JSONField(_("kinds of unit"), default=list, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    # Bumped by every edit of the set or its membership: the token of its edit forms.
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("indicator set")
        verbose_name_plural = _("indicator sets")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name_pl or self.code

    def applies_to(self, kind: str) -> bool:
        """Whether the set applies to a unit of ``kind`` (a set of no kinds: to all)."""
        return applies_to(self.kinds, kind)

    @property
    def kind_labels(self) -> list[str]:
        return [str(UNIT_KIND_LABELS[kind]) for kind in self.kinds if kind in UNIT_KIND_LABELS]


class IndicatorSetVersion(models.Model):
    """One membership of a set. A published version pins exact indicator versions."""

    set = models.ForeignKey(
        IndicatorSet,
        verbose_name=_("indicator set"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    indicators = models.ManyToManyField(
        IndicatorVersion,
        verbose_name=_("indicators"),
        through="IndicatorSetEntry",
        related_name="set_versions",
    )

    class Meta:
        verbose_name = _("indicator set version")
        verbose_name_plural = _("indicator set versions")
        ordering = ["set", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["set", "number"], name="set_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.set.code} v{self.number}"


class IndicatorSetEntry(models.Model):
    set_version = models.ForeignKey(
        IndicatorSetVersion, on_delete=models.CASCADE, related_name="entries"
    )
    indicator_version = models.ForeignKey(
        IndicatorVersion, on_delete=models.PROTECT, related_name="set_entries"
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator in a set")
        verbose_name_plural = _("indicators in sets")
        ordering = ["set_version", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["set_version", "indicator_version"], name="set_entry_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.set_version} #{self.order}: {self.indicator_version}"


class ValidationRule(models.Model):
    """A check between variables (as DHIS2's validation rules): ``left operator right``,
    or ``left between right and upper``; the sides are formulas over variable codes.
    Edits are recorded as catalogue changes; warnings given at submission are frozen by
    the collection, so a later edit never changes what an approved submission showed."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    domain = models.ForeignKey(
        Domain,
        verbose_name=_("domain"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rules",
    )
    left = models.TextField(_("left side"))
    operator = models.CharField(_("operator"), max_length=8, choices=Operator.choices)
    right = models.TextField(_("right side or lower bound"))
    upper = models.TextField(_("upper bound"), blank=True)
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.WARNING
    )
    message_pl = models.TextField(_("message (Polish)"))
    message_en = models.TextField(_("message (English)"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.code

    @property
    def expression(self) -> str:
        """The rule as one line: "A / B ≤ 30", "A / B between 5 and 30"."""
        # Each side printed from its parsed formula (engine.formula_text), as the
        # catalogue prints indicators' formulas.
        left, right = printed(self.left), printed(self.right)
        if self.operator == Operator.BETWEEN:
            return _("%(left)s between %(low)s and %(high)s") % {
                "left": left,
                "low": right,
                "high": printed(self.upper),
            }
        return f"{left} {Operator(self.operator).label} {right}"


class ChangeAction(models.TextChoices):
    """What a catalogue version did about an item, in its change log."""

    FIXED = "fixed", _("fixed")
    KEPT = "kept", _("kept as it was")
    ADDED = "added", _("added")
    RETIRED = "retired", _("retired")


class CatalogueRelease(models.Model):
    """A catalogue version's change log as imported: its summary and entries (each a
    mapping of ref, codes, action, pl, en as in the YAML file)."""

    version = models.CharField(_("catalogue version"), max_length=32, unique=True)
    summary_pl = models.TextField(_("summary (Polish)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    entries = models.JSONField(_("entries"), default=list, blank=True)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        verbose_name = _("catalogue change log")
        verbose_name_plural = _("catalogue change logs")
        ordering = ["-version"]  # "2026.1" after "2025.1"; selectors sort numerically

    def __str__(self) -> str:
        return self.version


class CatalogueChange(models.Model):
    """The history of catalogue edits: who changed which fields of what, from and to."""

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        EDITED = "edited", _("edited")
        NEW_VERSION = "new_version", _("new version")
        PUBLISHED = "published", _("published")
        IMPORTED = "imported", _("imported")
        DELETED = "deleted", _("deleted")

    # "indicator", "variable", "domain", "set", "rule"
    object_type = models.CharField(_("object type"), max_length=16)
    code = models.CharField(_("code"), max_length=64, db_index=True)
    version_number = models.PositiveIntegerField(_("version"), null=True, blank=True)
    kind = models.CharField(_("kind of change"), max_length=16, choices=Kind.choices)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("catalogue change")
        verbose_name_plural = _("catalogue changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.object_type} {self.code}: {self.kind}"

    @property
    def shown_changes(self) -> list[tuple[str, str, str]]:
        """(field, old, new) as text for pages: a set's membership lists its codes."""
        return [(name, shown(old), shown(new)) for name, (old, new) in self.changes.items()]


def shown(value: Any) -> str:
    """A recorded value as text: lists (a set's indicator codes) joined by commas."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
