"""The demo groups' good practices: in each group two member units have written up what
they did, the group's moderator reviewed it and published it to everyone (on the
portal and in the open data), and a third unit's is published to the programme's
members only; in the waste group one more waits in the moderator's review.

Each practice is measured on the indicators of the group's sets on which its unit
improved most between its two latest years of stored results (the "before" and
"after"), so that its "Did it work?" figures have something to show. Everything goes
through the services (notifications stored, e-mails dropped, as in ``cycle``), with who
would do it: the unit's people where the demo has them, the office for the units it has
none for. Running it again adds nothing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.test.utils import override_settings

from benchlearn.accounts.models import User
from benchlearn.delivery.models import DeliveryForm
from benchlearn.demo.cycle import DROP_MAIL, RUN_AT_ONCE
from benchlearn.groups.models import ExchangeGroup
from benchlearn.plans.selectors import group_indicator_codes, indicator_polarities
from benchlearn.practices.models import Audience, Practice
from benchlearn.practices.services import (
    IndicatorInput,
    PracticeInput,
    practice_create,
    practice_publish,
    practice_submit,
)
from benchlearn.results.models import Result
from benchlearn.results.selectors.computations import current_computation
from benchlearn.units.models import Level, Unit, UnitMembership

EDUCATION_GROUP = "GWD Oświata — miasta na prawach powiatu"
WASTE_GROUP = "GWD Gospodarka odpadami — gminy wiejskie"


@dataclass(frozen=True)
class Story:
    title: str
    problem: str
    solution: str
    results: str
    tags: tuple[str, ...]
    cost: int | None
    months: int
    form: str


STORIES: dict[str, list[Story]] = {
    EDUCATION_GROUP: [
        Story(
            "Zajęcia wyrównawcze z matematyki w małych grupach",
            "Co trzeci uczeń klas ósmych pisał egzamin z matematyki poniżej 30 %; szkoły "
            "prowadziły zajęcia wyrównawcze każda po swojemu, bez wspólnej diagnozy.",
            "Wspólny próbny egzamin we wszystkich szkołach miasta, a po nim zajęcia w "
            "grupach do ośmiu uczniów prowadzone przez nauczycieli z dodatkiem za wyniki; "
            "dyrektorzy co kwartał porównują postępy na spotkaniu w wydziale edukacji.",
            "Odsetek uczniów z najsłabszymi wynikami spadł w dwóch kolejnych latach; "
            "rodzice ocenili zajęcia w ankiecie na 4,3 w skali 5.",
            ("egzamin ósmoklasisty", "matematyka", "zajęcia wyrównawcze"),
            180_000,
            12,
            DeliveryForm.BUDGET_UNIT,
        ),
        Story(
            "Elektroniczny obieg wniosków o dowóz uczniów",
            "Wnioski o dowóz uczniów niepełnosprawnych rozpatrywano po terminie: papierowy "
            "obieg między szkołą, wydziałem i przewoźnikiem trwał tygodniami.",
            "Wnioski przyjmowane przez ePUAP i formularz w BIP, terminy pilnowane w "
            "systemie, zastępstwa w referacie i jeden wzór decyzji uzgodniony z radcą.",
            "Decyzje wydawane w terminie; mniej odwołań do SKO.",
            ("dowóz uczniów", "ePUAP", "terminowość decyzji"),
            25_000,
            6,
            DeliveryForm.DEPARTMENT,
        ),
        Story(
            "Rady rodziców o wynikach ankiety satysfakcji",
            "Rodzice nie wiedzieli, co szkoła robi z ich uwagami z ankiet.",
            "Po corocznej ankiecie dyrektorzy omawiają jej wyniki z radami rodziców i "
            "publikują trzy zmiany na kolejny rok.",
            "Więcej odpowiedzi w ankiecie i wyższa ocena komunikacji szkoły.",
            ("ankieta", "rodzice", "komunikacja"),
            None,
            3,
            DeliveryForm.BUDGET_UNIT,
        ),
    ],
    WASTE_GROUP: [
        Story(
            "Wspólny przetarg na odbiór odpadów z sąsiednimi gminami",
            "Koszt odbioru odpadów na mieszkańca rósł co roku szybciej niż w sąsiednich "
            "gminach; na przetargi gminy zgłaszał się jeden wykonawca.",
            "Porozumienie międzygminne z dwiema sąsiednimi gminami i jedno postępowanie na "
            "odbiór i zagospodarowanie odpadów, podzielone na części; wspólny inspektor "
            "kontroluje wykonawcę.",
            "Trzech wykonawców w przetargu, niższa cena za tonę, koszt na mieszkańca "
            "wzrósł mniej niż w grupie.",
            ("gospodarka odpadami", "przetarg", "porozumienie międzygminne"),
            40_000,
            9,
            DeliveryForm.UNION,
        ),
        Story(
            "Kampania o segregacji odpadów w sołectwach",
            "Odpady zmieszane stanowiły większość zebranych; kontrole wskazywały złą "
            "segregację w zabudowie wielorodzinnej.",
            "Spotkania w sołectwach, lekcje w szkołach, naklejki na pojemniki i kontrole "
            "jakości segregacji z informacją zwrotną dla mieszkańców.",
            "Udział odpadów zebranych selektywnie wzrósł w ciągu roku.",
            ("segregacja", "edukacja ekologiczna", "sołectwa"),
            15_000,
            12,
            DeliveryForm.DEPARTMENT,
        ),
        Story(
            "Weryfikacja deklaracji o wysokości opłaty za odpady",
            "Liczba osób w deklaracjach była o kilkanaście procent niższa niż w "
            "ewidencji ludności.",
            "Porównanie deklaracji z ewidencją ludności i zużyciem wody, wezwania do "
            "korekty, kontrole na miejscu.",
            "Więcej osób objętych opłatą i mniejsza dopłata z budżetu do systemu.",
            ("opłata za odpady", "deklaracje"),
            None,
            6,
            DeliveryForm.DEPARTMENT,
        ),
        Story(
            "Dłużej otwarty punkt selektywnej zbiórki",
            "Punkt selektywnej zbiórki był otwarty w godzinach pracy mieszkańców.",
            "PSZOK otwarty w soboty i do 19:00 w dni robocze; przyjmuje nowe frakcje.",
            "Więcej odpadów wielkogabarytowych oddanych w punkcie.",
            ("PSZOK", "selektywna zbiórka"),
            60_000,
            4,
            DeliveryForm.COMPANY,
        ),
    ],
}


def _author(unit: Unit, operator: User) -> User:
    """The unit's middle-level person, else any of its people, else the office."""
    people = UnitMembership.objects.filter(unit=unit, user__is_active=True)
    for level in (Level.MIDDLE, Level.STRATEGIC, Level.OPERATIONAL):
        found = people.filter(level=level).order_by("user__email").first()
        if found is not None:
            return found.user
    return operator


def _improved(unit: Unit, group: ExchangeGroup, count: int = 2) -> list[IndicatorInput]:
    """The group's indicators on which ``unit`` improved most from its second latest to
    its latest year of stored results."""
    computation = current_computation()
    if computation is None:
        return []
    codes = group_indicator_codes(group)
    polarities = indicator_polarities(codes)
    series: dict[str, dict[int, float]] = defaultdict(dict)
    rows = Result.objects.filter(
        computation=computation, unit=unit, indicator__code__in=codes, value__isnull=False
    ).values_list("indicator__code", "period", "value")
    for code, period, value in rows:
        if value is not None:
            series[code][period] = value
    ranked = []
    for code, values in series.items():
        polarity = polarities.get(code, "neutral")
        if len(values) < 2 or polarity == "neutral":
            continue
        before, after = sorted(values)[-2:]
        change = values[after] - values[before]
        better = change if polarity == "higher" else -change
        scale = abs(values[before]) or 1.0
        ranked.append((better / scale, code, before, after))
    ranked.sort(reverse=True)
    return [IndicatorInput(code, before, after) for _gain, code, before, after in ranked[:count]]


def _written(
    group: ExchangeGroup, unit: Unit, story: Story, operator: User, audience: str
) -> Practice:
    author = _author(unit, operator)
    data = PracticeInput(
        title=story.title,
        problem=story.problem,
        solution=story.solution,
        results=story.results,
        domain=group.domain,
        group=group,
        cost=None if story.cost is None else Decimal(story.cost),
        delivery_form=story.form,
        months_to_implement=story.months,
        contact_name=author.full_name if author != operator else "",
        contact_email=author.email if author != operator else "",
        tags=list(story.tags),
        audience=audience,
        indicators=_improved(unit, group),
    )
    return practice_create(unit=unit, data=data, by=author)


def practices_build(*, operator: User) -> None:
    """Both demo groups' practices (see the module's description), once."""
    with override_settings(TASKS=RUN_AT_ONCE, EMAIL_BACKEND=DROP_MAIL), transaction.atomic():
        for name, stories in STORIES.items():
            group = ExchangeGroup.objects.filter(name=name).first()
            if group is None or Practice.objects.filter(group=group).exists():
                continue
            units = list(group.units.order_by("name"))
            moderator = group.moderator or operator
            for index, (unit, story) in enumerate(zip(units, stories, strict=False)):
                audience = Audience.PUBLIC if index < 2 else Audience.MEMBERS
                practice = _written(group, unit, story, operator, audience)
                author = practice.author or operator
                practice_submit(practice=practice, by=author)
                if index < 3:
                    practice_publish(practice=practice, by=moderator, audience=audience)
