from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benchlearn.units.models import Level, Unit

# A figure of a group smaller than this is not published, unless its programme says.
MIN_GROUP_SIZE_DEFAULT = 3
# The public portal: a figure rests on at least this many units, and no unit makes up
# more than this share of an aggregate's numerator, unless the programme says.
PUBLIC_MIN_UNITS_DEFAULT = 5
PUBLIC_MAX_SHARE_DEFAULT = 0.5
# A unit's resident-survey results need this many responses, unless the programme says.
SURVEY_MIN_RESPONSES_DEFAULT = 100


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
    associations = models.CharField(
        _("associations running it"),
        max_length=300,
        blank=True,
        help_text=_("E.g. “Związek Miast Polskich, Związek Gmin Wiejskich RP”."),
    )
    min_group_size = models.PositiveSmallIntegerField(
        _("minimum group size for published figures"),
        default=MIN_GROUP_SIZE_DEFAULT,
        help_text=_(
            "Figures of a group with fewer units than this are not published where "
            "names are hidden: so small a group would reveal its members."
        ),
    )
    public_names = models.BooleanField(
        _("members agreed to be named on the public portal"),
        default=False,
        help_text=_(
            "The member units of the programme's groups appear by name, with their own "
            "values, in the published results. Otherwise only averages are published."
        ),
    )
    public_min_units = models.PositiveSmallIntegerField(
        _("minimum units behind a public figure"),
        default=PUBLIC_MIN_UNITS_DEFAULT,
        help_text=_(
            "An average on the public portal is shown only when at least this many units "
            "stand behind it."
        ),
    )
    public_max_share = models.FloatField(
        _("largest share of one unit in a public aggregate"),
        default=PUBLIC_MAX_SHARE_DEFAULT,
        help_text=_(
            "A public aggregate (ratio of sums) is hidden when one unit makes up more than "
            "this share of its numerator, e.g. 0.5 for half."
        ),
    )
    survey_min_responses = models.PositiveIntegerField(
        _("minimum responses of a unit's survey results"),
        default=SURVEY_MIN_RESPONSES_DEFAULT,
        help_text=_(
            "In the programme's resident surveys, a unit with fewer responses sees its "
            "results flagged, and they feed no comparison (a survey may set its own)."
        ),
    )
    competency_office_sees = models.BooleanField(
        _("the office reads individual competency assessments"),
        default=False,
        help_text=_(
            "People are told before they start a self-assessment; an assessment started "
            "while this was off stays the person's own. Aggregates of at least five people "
            "are shown either way."
        ),
    )
    # The edit token: a form carries it to detect someone else's save meanwhile.
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

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
    # The catalogue domain of the service (a string reference: the catalogue sits a
    # layer above groups, and a group only points at its domain). None for groups made
    # before domains were chosen here.
    domain = models.ForeignKey(
        "catalogue.Domain",
        verbose_name=_("domain"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exchange_groups",
    )
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
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

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


class ChangeRecord(models.Model):
    """One saved change of a programme's or a group's settings: who, when, and each
    field's old and new value (``changes``: field → [old, new], as shown)."""

    kind = models.CharField(_("change"), max_length=20)
    changes = models.JSONField(_("changes"), default=dict)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True
        ordering = ["-changed_at", "-pk"]

    @property
    def shown_changes(self) -> list[tuple[str, Any, Any]]:
        return [(name, old, new) for name, (old, new) in self.changes.items()]


class ProgrammeChange(ChangeRecord):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="changes")

    class Meta(ChangeRecord.Meta):
        verbose_name = _("change of a programme")
        verbose_name_plural = _("changes of programmes")

    def __str__(self) -> str:
        return f"{self.programme_id} {self.kind} {self.changed_at:%Y-%m-%d %H:%M}"


class GroupChange(ChangeRecord):
    group = models.ForeignKey(ExchangeGroup, on_delete=models.CASCADE, related_name="changes")

    class Meta(ChangeRecord.Meta):
        verbose_name = _("change of a group")
        verbose_name_plural = _("changes of groups")

    def __str__(self) -> str:
        return f"{self.group_id} {self.kind} {self.changed_at:%Y-%m-%d %H:%M}"


class SeatEnd(models.TextChoices):
    LEFT = "left", _("left the seat")
    HANDED_OVER = "handed_over", _("handed the seat over")
    UNIT_LEFT = "unit_left", _("the unit left the group")


class SeatHolding(models.Model):
    """A person in one of a member unit's three seats in a group (strategic, middle,
    operational), from a date to a date. A seat is empty when no holding of it is open;
    holdings are ended, never deleted, so the group keeps who sat where and when."""

    group = models.ForeignKey(ExchangeGroup, on_delete=models.CASCADE, related_name="seats")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="seats",
    )
    started_at = models.DateTimeField(_("since"), default=timezone.now)
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    end_reason = models.CharField(
        _("why it ended"), max_length=12, choices=SeatEnd.choices, blank=True
    )
    # Who put the person in the seat (the inviter), and who ended the holding.
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("seat holding")
        verbose_name_plural = _("seat holdings")
        ordering = ["group", "unit", "level", "-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "unit", "level"],
                condition=models.Q(ended_at__isnull=True),
                name="seat_one_open_holding",
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.unit.name} · {self.level}: {self.user}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class SeatInvitation(models.Model):
    """An e-mailed invitation into a seat: a single-use link that expires. Only the
    digest of its key is stored; the key is in the e-mail alone."""

    group = models.ForeignKey(ExchangeGroup, on_delete=models.CASCADE, related_name="invitations")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("seat invitation")
        verbose_name_plural = _("seat invitations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.email} → {self.group} · {self.unit.name} · {self.level}"

    @property
    def is_pending(self) -> bool:
        return (
            self.used_at is None and self.cancelled_at is None and self.expires_at > timezone.now()
        )
