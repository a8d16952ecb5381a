from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from benchlearn.units.models import Unit


class Programme(models.Model):
    """A programme of exchange groups run by the association over a few years, and the
    settings its groups share (who may review data, the anonymity a new group starts
    with)."""

    name = models.CharField(_("name"), max_length=200)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    moderators_review = models.BooleanField(
        _("moderators may return and approve their members' data"),
        default=False,
        help_text=_(
            "Besides the association's office, the moderator of each group of the "
            "programme may return and approve the submissions of the group's members."
        ),
    )
    anonymised_default = models.BooleanField(
        _("new groups anonymise their members"),
        default=False,
        help_text=_("The anonymity a new group of the programme starts with."),
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-first_year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_year__gte=models.F("first_year")),
                name="programme_years_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def years_label(self) -> str:
        return f"{self.first_year}–{self.last_year}"


class ExchangeGroup(models.Model):
    """An experience-exchange group (GWD): units working together on one service."""

    name = models.CharField(_("name"), max_length=200)
    service = models.CharField(_("public service"), max_length=120)
    cycle_start = models.PositiveSmallIntegerField(_("first year of the cycle"))
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderated_groups",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="groups",
    )
    units = models.ManyToManyField(
        Unit, verbose_name=_("member units"), related_name="exchange_groups", blank=True
    )
    # Members see one another by name in comparisons unless the group chose otherwise
    # (each viewer still sees their own unit by name).
    anonymised = models.BooleanField(
        _("anonymise members in comparisons"),
        default=False,
        help_text=_("Other members are shown as A, B, C… in charts, tables and reports."),
    )

    class Meta:
        verbose_name = _("exchange group")
        verbose_name_plural = _("exchange groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def cycle_end(self) -> int:
        return self.cycle_start + 1

    @property
    def cycle_label(self) -> str:
        # Years are written without a thousands separator, whatever the locale.
        return f"{self.cycle_start}–{self.cycle_end}"
