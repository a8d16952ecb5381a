"""Reading a person's assessments through the access rules (``access.py``): the
assessment a user may read (404 otherwise), the groups where they are assessed, the
people they give a second view of, and the assessment form's rows (each competency with
its four levels' behaviours and the seat's expected level)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benchlearn.accounts.access import active_account
from benchlearn.competencies.access import (
    may_read_assessment,
    open_seats,
    subordinate_seats,
)
from benchlearn.competencies.models import (
    LEVELS,
    Assessment,
    Competency,
    CompetencyScheme,
    DevelopmentGoal,
    Invitee,
    Role,
    Stage,
)
from benchlearn.competencies.scheme import current_scheme
from benchlearn.groups.models import ExchangeGroup, Programme, SeatHolding

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser
    from benchlearn.accounts.models import User


def in_language(polish: str, english: str) -> str:
    """The English text where the page is in English and there is one, else the Polish."""
    return english if english and (get_language() or "pl").startswith("en") else polish


def competency_name(competency: Competency) -> str:
    return in_language(competency.name_pl, competency.name_en)


def scheme_name(scheme: CompetencyScheme) -> str:
    return in_language(scheme.name_pl, scheme.name_en)


def level_name(scheme: CompetencyScheme, level: int) -> str:
    names = scheme.level_names.get(str(level)) or {}
    return in_language(str(names.get("pl") or level), str(names.get("en") or ""))


def assessment_get_for_user(user: AnyUser, assessment_id: int) -> Assessment:
    assessment = (
        Assessment.objects.select_related("group__programme", "scheme", "person", "unit")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None or not may_read_assessment(user, assessment):
        raise Http404(_("There is no such assessment."))
    return assessment


def assessed_group_get(user: AnyUser, group_id: int) -> ExchangeGroup:
    """A group where ``user`` is assessed: they hold an open seat there or were
    assessed there (a seat ended during the cycle). 404 otherwise."""
    account = active_account(user)
    group = (
        ExchangeGroup.objects.select_related("programme").filter(pk=group_id).first()
        if account is not None
        else None
    )
    if group is None or account is None:
        raise Http404(_("You are not assessed in this group."))
    seated = SeatHolding.objects.filter(group=group, user=account, ended_at__isnull=True).exists()
    if not seated and not Assessment.objects.filter(group=group, person=account).exists():
        raise Http404(_("You are not assessed in this group."))
    return group


@dataclass
class SecondView:
    """A person of the strategic person's unit, and their second views so far."""

    holding: SeatHolding
    start: Assessment | None
    end: Assessment | None

    @property
    def stages(self) -> list[tuple[str, Assessment | None, bool]]:
        """Each stage, its second view and whether one may be started now."""
        return [
            (Stage.START.value, self.start, True),
            (Stage.END.value, self.end, self.start is not None and self.start.is_submitted),
        ]


@dataclass
class GroupCard:
    """One group of "My competencies"."""

    group: ExchangeGroup
    seat: SeatHolding | None
    office_sees: bool
    start: Assessment | None
    end: Assessment | None
    goals: list[DevelopmentGoal]
    second_views: list[SecondView] = field(default_factory=list)
    scheme: CompetencyScheme | None = None

    @property
    def scheme_label(self) -> str:
        return "" if self.scheme is None else f"{scheme_name(self.scheme)} {self.scheme.version}"

    @property
    def end_allowed(self) -> bool:
        return self.start is not None and self.start.is_submitted


def trainings_invited(user: User) -> list[Invitee]:
    """The trainings ``user`` is invited to, the coming ones first, then the past."""
    today = timezone.localdate()
    invitations = list(
        Invitee.objects.filter(person=user).select_related("training").order_by("training__date")
    )
    coming = [i for i in invitations if i.training.date >= today]
    past = [i for i in invitations if i.training.date < today]
    return coming + past[::-1]


def office_readable(programme: Programme) -> list[Assessment]:
    """The programme's submitted assessments the office may read one by one: those whose
    person was told, before starting, that the office reads them (``office_may_see``)."""
    return list(
        Assessment.objects.filter(
            group__programme=programme, office_may_see=True, submitted_at__isnull=False
        )
        .select_related("person", "assessor", "unit", "group")
        .order_by("group__name", "unit__name", "person__full_name", "stage", "role", "pk")
    )


def office_sees(group: ExchangeGroup) -> bool:
    """What a person starting now is told: does the programme's office read it?"""
    return bool(group.programme and group.programme.competency_office_sees)


def my_groups(user: User) -> list[GroupCard]:
    """The groups where ``user`` holds an open seat or was assessed, with their
    assessments, goals and (a strategic person) the people they give a second view of."""
    groups = (
        ExchangeGroup.objects.filter(
            Q(seats__user=user, seats__ended_at__isnull=True)
            | Q(competency_assessments__person=user)
        )
        .select_related("programme")
        .distinct()
        .order_by("name", "pk")
    )
    own = {
        (a.group_id, a.stage): a
        for a in Assessment.objects.filter(person=user, role=Role.SELF).select_related("scheme")
    }
    views = {
        (a.group_id, a.person_id, a.stage): a
        for a in Assessment.objects.filter(assessor=user, role=Role.SUPERIOR)
    }
    goals = list(DevelopmentGoal.objects.filter(person=user))
    in_force = current_scheme()
    cards = []
    for group in groups:
        seats = open_seats(user.pk, group)
        start = own.get((group.pk, Stage.START))
        cards.append(
            GroupCard(
                group=group,
                seat=seats[0] if seats else None,
                office_sees=office_sees(group),
                start=start,
                end=own.get((group.pk, Stage.END)),
                scheme=start.scheme if start is not None else in_force,
                goals=[goal for goal in goals if goal.group_id == group.pk],
                second_views=[
                    SecondView(
                        holding=holding,
                        start=views.get((group.pk, holding.user_id, Stage.START)),
                        end=views.get((group.pk, holding.user_id, Stage.END)),
                    )
                    for holding in subordinate_seats(user, group)
                ],
            )
        )
    return cards


@dataclass
class LevelChoice:
    level: int
    name: str
    behaviours: str
    expected: bool


@dataclass
class CompetencyRow:
    """One competency of the assessment form."""

    competency: Competency
    name: str
    description: str
    expected: int
    levels: list[LevelChoice]


def form_rows(assessment: Assessment) -> list[CompetencyRow]:
    scheme = assessment.scheme
    rows = []
    competencies = Competency.objects.filter(scheme=scheme).prefetch_related("behaviours")
    for competency in competencies.order_by("order", "code"):
        expected = competency.expected_for(assessment.seat)
        texts = {b.level: in_language(b.text_pl, b.text_en) for b in competency.behaviours.all()}
        rows.append(
            CompetencyRow(
                competency=competency,
                name=competency_name(competency),
                description=in_language(competency.description_pl, competency.description_en),
                expected=expected,
                levels=[
                    LevelChoice(
                        level=level,
                        name=level_name(scheme, level),
                        behaviours=texts.get(level, ""),
                        expected=level == expected,
                    )
                    for level in LEVELS
                ],
            )
        )
    return rows


def scheme_for_goals(group: ExchangeGroup, person: User) -> CompetencyScheme | None:
    """The scheme the person's goals name competencies of: their latest assessment's
    in the group, else the scheme in force."""
    latest = (
        Assessment.objects.filter(person=person, group=group, role=Role.SELF)
        .select_related("scheme")
        .order_by("-created_at", "-pk")
        .first()
    )
    return latest.scheme if latest is not None else current_scheme()
