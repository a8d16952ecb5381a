"""The demo's competency scheme at work: the shipped scheme loaded; every member unit's
three seats filled (the units without demo accounts get people of their own, seated
after the meetings held so far, so the meetings' attendance stays as it was, and
without passwords: they are not demo logins), so that each seat of each group has
enough people for the aggregates to show; every seated person's start-of-cycle
self-assessment, and in the education group the end-of-cycle one of most of them; the
second view of a few by their unit's strategic person; a development goal or two of
each demo account; and one training the office planned from the programme's largest
gap, its invitees the people in that seat.

The levels are drawn from a seeded generator around each seat's expected level, so the
demo is the same on every machine. Running it again adds nothing."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.db.models import Max
from django.test.utils import override_settings
from django.utils import timezone

from benchlearn.accounts.models import User
from benchlearn.accounts.services import user_create
from benchlearn.competencies.models import (
    Assessment,
    AssessmentChange,
    Competency,
    CompetencyScheme,
    DevelopmentGoal,
    Invitee,
    Rating,
    Role,
    Stage,
    Training,
)
from benchlearn.competencies.scheme import scheme_load
from benchlearn.demo.cycle import DROP_MAIL, RUN_AT_ONCE
from benchlearn.demo.cycle_stories import DOMAINS, INVITED
from benchlearn.engine.competencies import RatingRow, largest_gaps, summarise
from benchlearn.groups.models import ExchangeGroup, SeatHolding
from benchlearn.groups.services import seat_fill
from benchlearn.units.models import Level

VIA = "demo"
SEED = 18
# The education group has reached its end-of-cycle self-assessments for most people.
END_GROUP = "GWD Oświata — miasta na prawach powiatu"
END_SHARE = 0.75

FIRST_NAMES = [
    "Anna", "Piotr", "Katarzyna", "Tomasz", "Małgorzata", "Marcin", "Agnieszka", "Michał",
    "Ewa", "Łukasz", "Barbara", "Jakub", "Dorota", "Rafał", "Monika", "Adam", "Beata",
    "Marek", "Iwona", "Wojciech",
]  # fmt: skip
LAST_NAMES = [
    "Nowak", "Wiśniewska", "Wójcik", "Kamińska", "Lewandowski", "Zielińska", "Szymański",
    "Dąbrowska", "Kozłowski", "Mazur", "Krawczyk", "Piotrowska", "Grabowski", "Pawłowska",
    "Michalski", "Król", "Wieczorek", "Jabłońska", "Wróbel", "Nowakowska",
]  # fmt: skip

GOALS = {
    "MEASURE": "Przygotować dla wydziału miesięczne zestawienie wskaźników usługi z danych rundy.",
    "ANALYSE": "Przeanalizować wyniki grupy i przedstawić na spotkaniu trzy wnioski dla jednostki.",
    "RESIDENTS": "Omówić z zespołem wyniki badania satysfakcji i wybrać dwa usprawnienia.",
    "IMPROVE": "Poprowadzić jedno działanie planu usprawnień od diagnozy do pomiaru efektu.",
    "PROCESS": "Opisać proces obsługi wniosku w usłudze i wskazać jego wąskie gardło.",
    "COOPERATE": "Zorganizować wizytę studyjną u jednostki z najlepszym wynikiem w grupie.",
    "LEAD": "Włączyć cele usługi do strategii rozwoju jednostki na kolejne lata.",
}  # fmt: skip


def competencies_build(*, operator: User) -> None:
    with override_settings(TASKS=RUN_AT_ONCE, EMAIL_BACKEND=DROP_MAIL), transaction.atomic():
        scheme = scheme_load(by=operator).scheme
        if Assessment.objects.exists():
            return
        rng = random.Random(SEED)  # noqa: S311 (made-up levels, not secrets)
        # The groups in their cycle (those formed for the next one have no seats yet).
        groups = list(ExchangeGroup.objects.filter(name__in=DOMAINS).order_by("name"))
        for group in groups:
            _seats_complete(group, operator)
        for group in groups:
            _assessments_build(group, scheme, rng)
        _goals_build(scheme)
        for programme_id in {g.programme_id for g in groups if g.programme_id}:
            _training_build(programme_id, scheme, operator)


def _seated_after(group: ExchangeGroup) -> datetime.datetime:
    """A moment after the group's last meeting held: new people missed none."""
    today = timezone.localdate()
    held = group.meetings.filter(date__lt=today).aggregate(last=Max("date"))["last"]
    day = (held or today - datetime.timedelta(days=14)) + datetime.timedelta(days=2)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def _seats_complete(group: ExchangeGroup, operator: User) -> None:
    """People in the three seats of each member unit that has none seated yet."""
    since = _seated_after(group)
    filled: list[int] = []
    for unit in group.units.order_by("teryt"):
        if SeatHolding.objects.filter(group=group, unit=unit).exists():
            continue
        for level in Level:
            email = f"{level.value}.{unit.teryt}@example.org"
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                number = int(unit.teryt) + len(filled)
                name = f"{FIRST_NAMES[number % 20]} {LAST_NAMES[(number // 20 + len(filled)) % 20]}"
                user = user_create(email=email, full_name=name, password=None)
            holding = seat_fill(
                group=group, unit=unit, level=level, user=user, by=operator, via=VIA
            )
            filled.append(holding.pk)
    SeatHolding.objects.filter(pk__in=filled).update(started_at=since)


def _level_near(expected: int, rng: random.Random) -> int:
    # Most people a level below what their seat expects, some at it, a few above.
    return max(1, min(4, expected + rng.choice([-2, -1, -1, -1, 0, 0, 1])))


def _assessment(
    *,
    person: User,
    assessor: User,
    role: str,
    holding: SeatHolding,
    stage: str,
    scheme: CompetencyScheme,
    levels: dict[Competency, int],
    at: datetime.datetime,
) -> Assessment:
    office_may_see = bool(
        holding.group.programme and holding.group.programme.competency_office_sees
    )
    assessment = Assessment.objects.create(
        person=person,
        assessor=assessor,
        role=role,
        group=holding.group,
        unit=holding.unit,
        seat=holding.level,
        stage=stage,
        scheme=scheme,
        office_may_see=office_may_see,
        submitted_at=at,
        created_at=at,
        updated_at=at,
    )
    Rating.objects.bulk_create(
        Rating(assessment=assessment, competency=competency, level=level)
        for competency, level in levels.items()
    )
    AssessmentChange.objects.bulk_create(
        [
            AssessmentChange(
                assessment=assessment,
                kind="started",
                changes={c.code: [None, level] for c, level in levels.items()},
                changed_at=at,
                changed_by=assessor,
            ),
            AssessmentChange(
                assessment=assessment,
                kind="submitted",
                changes={},
                changed_at=at,
                changed_by=assessor,
            ),
        ]
    )
    return assessment


def _assessments_build(group: ExchangeGroup, scheme: CompetencyScheme, rng: random.Random) -> None:
    competencies = list(scheme.competencies.all())
    now = timezone.now()
    holdings = list(
        SeatHolding.objects.filter(group=group, ended_at__isnull=True)
        .select_related("user", "unit", "group__programme")
        .order_by("unit__teryt", "level")
    )
    strategic = {h.unit_id: h for h in holdings if h.level == Level.STRATEGIC}
    for number, holding in enumerate(holdings):
        started = max(holding.started_at, now - datetime.timedelta(days=120)) + datetime.timedelta(
            days=3
        )
        start = {c: _level_near(c.expected_for(holding.level), rng) for c in competencies}
        _assessment(
            person=holding.user,
            assessor=holding.user,
            role=Role.SELF,
            holding=holding,
            stage=Stage.START,
            scheme=scheme,
            levels=start,
            at=min(started, now),
        )
        if group.name == END_GROUP and rng.random() < END_SHARE:
            end = {c: min(4, level + rng.choice([0, 0, 1, 1, 1])) for c, level in start.items()}
            _assessment(
                person=holding.user,
                assessor=holding.user,
                role=Role.SELF,
                holding=holding,
                stage=Stage.END,
                scheme=scheme,
                levels=end,
                at=now - datetime.timedelta(days=1),
            )
        # The strategic person's second view of every other middle manager.
        superior = strategic.get(holding.unit_id)
        if holding.level == Level.MIDDLE and superior is not None and number % 2 == 0:
            view = {c: max(1, min(4, level + rng.choice([-1, 0, 0]))) for c, level in start.items()}
            _assessment(
                person=holding.user,
                assessor=superior.user,
                role=Role.SUPERIOR,
                holding=holding,
                stage=Stage.START,
                scheme=scheme,
                levels=view,
                at=min(started + datetime.timedelta(days=5), now),
            )


def _goals_build(scheme: CompetencyScheme) -> None:
    """Each person with a password (a demo login) sets goals on their two largest gaps."""
    codes = {c.pk: c for c in scheme.competencies.all()}
    for assessment in Assessment.objects.filter(role=Role.SELF, stage=Stage.START).select_related(
        "person"
    ):
        if not assessment.person.has_usable_password():
            continue
        ratings = sorted(
            assessment.ratings.all(),
            key=lambda r: r.level - codes[r.competency_id].expected_for(assessment.seat),
        )
        for rating in ratings[:2]:
            code = codes[rating.competency_id].code
            DevelopmentGoal.objects.create(
                person=assessment.person,
                group=assessment.group,
                competency_code=code,
                text=GOALS.get(code, code),
                due=timezone.localdate() + datetime.timedelta(days=180),
            )


def _training_build(programme_id: int, scheme: CompetencyScheme, operator: User) -> None:
    """One training on the programme's largest gap, for the people in that seat."""
    expected = {c.pk: c for c in scheme.competencies.all()}
    rows = [
        RatingRow(
            person=r.assessment.person_id,
            seat=r.assessment.seat,
            competency=expected[r.competency_id].code,
            stage=r.assessment.stage,
            level=r.level,
            expected=expected[r.competency_id].expected_for(r.assessment.seat),
        )
        for r in Rating.objects.filter(
            assessment__group__programme_id=programme_id,
            assessment__role=Role.SELF,
            assessment__submitted_at__isnull=False,
        ).select_related("assessment")
    ]
    largest = [
        cell for cells in largest_gaps(summarise(rows, min_people=5)).values() for cell in cells
    ]
    if not largest:
        return
    top = max(largest, key=lambda cell: cell.mean_gap or 0.0)
    name = next(c.name_pl for c in expected.values() if c.code == top.competency)
    training = Training.objects.create(
        programme_id=programme_id,
        title=f"Warsztaty: {name.lower()}",
        date=timezone.localdate() + datetime.timedelta(days=45),
        place="Biuro związku, sala konferencyjna",
        description=(
            "Szkolenie zaplanowane z samoocen na początku cyklu: największa luka "
            "kompetencyjna na tym stanowisku w programie."
        ),
        competency_codes=[top.competency],
        seats=[top.seat] if top.seat else [],
        created_by=operator,
    )
    people = (
        SeatHolding.objects.filter(
            group__programme_id=programme_id, level=top.seat, ended_at__isnull=True
        )
        .exclude(unit__teryt=INVITED.teryt, level=INVITED.level)
        .values_list("user", flat=True)
        .distinct()
    )
    Invitee.objects.bulk_create(Invitee(training=training, person_id=pk) for pk in people)
