"""How a unit delivers a public service in a year: the organisational forms (a department
of the office, a municipal company, a contracted operator…) and the share of the service
each covers, with the history of every change.

Writes go through ``benchlearn.delivery.services``; nothing here changes data on
``save()``.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeliveryForm(models.TextChoices):
    """The organisational forms, in the order pages list them (from in-house to outside)."""

    DEPARTMENT = "department", _("department of the office")
    BUDGET_UNIT = "budget_unit", _("budget unit")
    BUDGET_ESTABLISHMENT = "establishment", _("local-government budget establishment")
    COMPANY = "company", _("municipal company")
    PRIVATE = "private", _("contracted private operator")
    UNION = "union", _("inter-municipal union or agreement")
    OTHER = "other", _("other form")


FORM_ORDER = {code: position for position, code in enumerate(DeliveryForm.values)}


def plain_share(share: Decimal) -> Decimal:
    """A share as people write it: 70.00 as 70, 62.50 as 62.5."""
    return share.quantize(Decimal(1)) if share == share.to_integral() else share.normalize()


class Delivery(models.Model):
    """A unit's way of delivering one service (a catalogue domain) in one year."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="deliveries"
    )
    domain = models.ForeignKey(
        "catalogue.Domain",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    period = models.PositiveSmallIntegerField(_("year"))
    # Bumped by every change: the page carries the revision it showed, and a save from
    # an older one is refused as a conflict instead of overwriting someone's work.
    revision = models.PositiveIntegerField(_("revision"), default=0)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("delivery of a service")
        verbose_name_plural = _("deliveries of services")
        ordering = ["unit", "period", "domain"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "domain", "period"], name="delivery_unit_domain_period_unique"
            )
        ]
        indexes = [models.Index(fields=["domain", "period"], name="delivery_domain_period")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.domain_id} {self.period}"


class DeliveryShare(models.Model):
    """One organisational form of a delivery and the share of the service it covers."""

    delivery = models.ForeignKey(
        Delivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="shares"
    )
    form = models.CharField(_("organisational form"), max_length=16, choices=DeliveryForm.choices)
    share = models.DecimalField(_("share of the service (%)"), max_digits=5, decimal_places=2)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("share of an organisational form")
        verbose_name_plural = _("shares of organisational forms")
        ordering = ["delivery", "-share", "form"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "form"], name="deliveryshare_form_unique"),
            models.CheckConstraint(
                condition=models.Q(share__gt=0, share__lte=100), name="deliveryshare_share_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form} {self.share} %"


class DeliveryChange(models.Model):
    """One change of a delivery's forms: before and after (lists of form, share and note,
    as ``services.snapshot_of`` writes them), who and when."""

    delivery = models.ForeignKey(
        Delivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="changes"
    )
    old = models.JSONField(_("before"), default=list, blank=True)
    new = models.JSONField(_("after"), default=list, blank=True)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revision = models.PositiveIntegerField(_("revision"))

    class Meta:
        verbose_name = _("change of organisational forms")
        verbose_name_plural = _("changes of organisational forms")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.delivery_id} r{self.revision}"
