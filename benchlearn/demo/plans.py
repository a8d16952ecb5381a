"""The demo groups' improvement plans. The education group has gone through year one:
every member unit's plan was written by its team from the prefilled diagnosis,
confirmed by its strategic level and adopted by the moderator, and each action has a
progress report for the group's next meeting. The waste group is at the end of year
one: half of its plans are still drafts, the other half confirmed and in the
moderator's review (one with the moderator's comment on an action).

Each action moves an indicator of the unit's diagnosis with what a unit would do for it
(``IDEAS``). The actions move the indicators of the unit's diagnosis (or, where it has none, of the
group's sets). Their baselines are the unit's stored results of the year before its
latest one: the demo's data stop before the cycle's years, and a baseline with a later
result is what lets the plan's "did it work" figures measure something. Targets are 5 %
better than the baseline, by the indicator's polarity.

Everything goes through the services (notifications stored, e-mails dropped, as in
``cycle``), with who would do it: the unit's people where the demo has them, the office
for the units it has none for. Running it again changes nothing already there.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from benchlearn.accounts.models import User
from benchlearn.demo.cycle import DROP_MAIL, RUN_AT_ONCE
from benchlearn.groups.models import ExchangeGroup
from benchlearn.meetings.models import Meeting, MeetingState
from benchlearn.notifications.models import Notification
from benchlearn.plans.models import (
    ActionIndicator,
    ActionStatus,
    Inspiration,
    Plan,
    PlanEvent,
    ProgressReport,
)
from benchlearn.plans.progress import progress_report_add
from benchlearn.plans.selectors import group_indicator_codes, indicator_polarities
from benchlearn.plans.services import (
    ActionInput,
    TargetInput,
    action_comment_add,
    action_save,
    plan_adopt,
    plan_confirm,
    plan_start,
    plan_submit,
)
from benchlearn.results.models import Result
from benchlearn.results.selectors.computations import current_computation
from benchlearn.units.models import Level, Unit, UnitMembership

ADOPTED_GROUP = "GWD Oświata — miasta na prawach powiatu"
YEAR_ONE_GROUP = "GWD Gospodarka odpadami — gminy wiejskie"
IMPROVEMENT = 0.05  # targets: this much better than the baseline


@dataclass(frozen=True)
class Idea:
    title: str
    description: str
    done: str  # what the progress report says was done
    evidence: str


def _idea(title: str, description: str, done: str, evidence: str) -> Idea:
    return Idea(title, description, done, evidence)


_SHARED_PURCHASE = _idea(
    "Wspólny przetarg na odbiór odpadów z sąsiednimi gminami",
    "Porozumienie międzygminne i jedno postępowanie na odbiór i zagospodarowanie "
    "odpadów, by obniżyć koszt systemu.",
    "Podpisano porozumienie z dwiema gminami; przygotowywana jest dokumentacja.",
    "Porozumienie międzygminne.",
)
_DECLARATIONS = _idea(
    "Weryfikacja deklaracji o wysokości opłaty",
    "Porównanie deklaracji z ewidencją ludności i zużyciem wody; wezwania do złożenia korekt.",
    "Porównano deklaracje z ewidencją; wysłano wezwania do korekty.",
    "Zestawienie rozbieżności, wzór wezwania.",
)
_CAMPAIGN = _idea(
    "Kampania o segregacji odpadów u źródła",
    "Ulotki, spotkania w sołectwach i lekcje w szkołach; kontrola jakości segregacji w "
    "wybranych rejonach.",
    "Przeprowadzono spotkania w sołectwach i lekcje w szkołach.",
    "Materiały kampanii, protokoły kontroli.",
)
_PSZOK = _idea(
    "Rozbudowa punktu selektywnej zbiórki odpadów komunalnych",
    "Dłuższe godziny otwarcia PSZOK i przyjmowanie nowych frakcji.",
    "Wydłużono godziny otwarcia; trwa przetarg na kontenery.",
    "Regulamin PSZOK.",
)

# What a unit would do to move each indicator of the demo's sets (the first idea not
# yet in the plan is taken).
IDEAS: dict[str, Sequence[Idea]] = {
    "EDU_EXAM_MATH_GAP": [
        _idea(
            "Zajęcia wyrównawcze z matematyki w klasach 7–8",
            "Zajęcia w małych grupach dla uczniów z najsłabszymi wynikami próbnego "
            "egzaminu; wspólny próbny egzamin we wszystkich szkołach miasta.",
            "Zajęcia prowadzi 14 szkół; przeprowadzono wspólny próbny egzamin.",
            "Harmonogram zajęć, zestawienie wyników próbnego egzaminu.",
        )
    ],
    "EDU_EXAM_POL_GAP": [
        _idea(
            "Program czytelniczy i warsztaty pisania dla klas 7–8",
            "Warsztaty pisania rozprawki prowadzone przez nauczycieli-konsultantów, "
            "wzorem programu przedstawionego na spotkaniu grupy.",
            "Warsztaty odbyły się w 9 szkołach; nauczyciele wymieniają się scenariuszami.",
            "Program warsztatów, listy obecności.",
        )
    ],
    "EDU_DEC_LATE_SHARE": [
        _idea(
            "Elektroniczny obieg wniosków w sprawach oświatowych",
            "Wnioski o dowóz uczniów i dofinansowanie kształcenia przyjmowane "
            "elektronicznie, terminy pilnowane w systemie, zastępstwa w referacie.",
            "Uruchomiono obieg elektroniczny; referat ma wyznaczone zastępstwa.",
            "Zarządzenie w sprawie obiegu dokumentów, rejestr spraw.",
        )
    ],
    "EDU_SKO_OVERTURNED_SHARE": [
        _idea(
            "Nowe wzory decyzji oświatowych po analizie uchyleń",
            "Analiza decyzji uchylonych przez SKO, wzory decyzji uzgodnione z radcą "
            "prawnym i szkolenie pracowników referatu.",
            "Przeanalizowano uchylone decyzje; nowe wzory są w użyciu.",
            "Analiza orzeczeń SKO, wzory decyzji.",
        )
    ],
    "EDU_PRESCHOOL_RATE": [
        _idea(
            "Nowe oddziały przedszkolne w dzielnicach z listami oczekujących",
            "Dwa oddziały w szkołach podstawowych i konkurs dla przedszkoli "
            "niepublicznych w dzielnicach, gdzie brakuje miejsc.",
            "Otwarto jeden oddział; ogłoszono konkurs na miejsca w przedszkolach.",
            "Uchwała o sieci przedszkoli, ogłoszenie konkursu.",
        )
    ],
    "EDU_SATISFACTION": [
        _idea(
            "Ankieta dla rodziców i rozmowy dyrektorów z radami rodziców",
            "Coroczna ankieta dla rodziców, a po niej spotkania dyrektorów z radami "
            "rodziców o jej wynikach i o tym, co szkoła zmieni.",
            "Ankietę wypełniło 2 300 rodziców; spotkania odbyły się w połowie szkół.",
            "Raport z ankiety, notatki ze spotkań.",
        )
    ],
    "WST_COST_RESIDENT": [_SHARED_PURCHASE, _DECLARATIONS],
    "WST_COST_TONNE": [_SHARED_PURCHASE, _PSZOK],
    "WST_DECLARED_SHARE": [_DECLARATIONS],
    "WST_FEE_ARREARS_SHARE": [
        _idea(
            "Indywidualne konta i szybsze upomnienia w opłacie za odpady",
            "Każdy płatnik z własnym rachunkiem do wpłat, upomnienia wysyłane w miesiąc "
            "po terminie płatności.",
            "Płatnicy dostali numery rachunków; upomnienia wychodzą co miesiąc.",
            "Zarządzenie wójta, rejestr upomnień.",
        ),
        _DECLARATIONS,
    ],
    "WST_SEPARATE_SHARE": [_CAMPAIGN, _PSZOK],
    "WST_RECYCLING": [_PSZOK, _CAMPAIGN],
    "WST_DEC_LATE_SHARE": [
        _idea(
            "Rejestr spraw o opłacie za odpady z przypomnieniami terminów",
            "Sprawy o opłatę i jej zwolnienia w jednym rejestrze, który przypomina o "
            "terminie załatwienia.",
            "Rejestr prowadzony jest od początku roku; zaległe sprawy załatwiono.",
            "Wydruk z rejestru spraw.",
        )
    ],
    "WST_SKO_OVERTURNED_SHARE": [
        _idea(
            "Nowe wzory decyzji o opłacie po analizie uchyleń",
            "Analiza decyzji uchylonych przez SKO i nowe wzory decyzji określających "
            "wysokość opłaty.",
            "Przeanalizowano uchylone decyzje; nowe wzory są w użyciu.",
            "Analiza orzeczeń SKO, wzory decyzji.",
        )
    ],
    "WST_SATISFACTION": [
        _idea(
            "Harmonogram odbioru w aplikacji i zgłaszanie nieodebranych odpadów",
            "Przypomnienia o odbiorze w aplikacji i formularz zgłoszenia, na który firma "
            "odpowiada w dwa dni robocze.",
            "Aplikację pobrało 1 100 mieszkańców; zgłoszenia są załatwiane w terminie.",
            "Umowa z firmą odbierającą, rejestr zgłoszeń.",
        )
    ],
}
# An indicator without ideas of its own (a catalogue the operator changed).
FALLBACK = _idea(
    "Przegląd procesu i wymiana doświadczeń z jednostką wskazaną przez grupę",
    "Przegląd, jak usługa jest dziś świadczona, i wizyta studyjna w jednostce z "
    "najlepszym wynikiem w grupie.",
    "Przegląd zakończono; wizyta studyjna odbyła się.",
    "Notatka z przeglądu i z wizyty.",
)
IDEAS_BY_TITLE = {idea.title: idea for ideas in IDEAS.values() for idea in ideas}


def _idea_for(code: str, used: set[str]) -> Idea:
    """The first idea for ``code`` not yet in the plan."""
    for idea in IDEAS.get(code, []):
        if idea.title not in used:
            return idea
    return FALLBACK


def plans_build(*, operator: User) -> None:
    """The plans of both demo groups (see the module's description)."""
    today = timezone.localdate()
    with override_settings(TASKS=RUN_AT_ONCE, EMAIL_BACKEND=DROP_MAIL), transaction.atomic():
        adopted = ExchangeGroup.objects.filter(name=ADOPTED_GROUP).first()
        if adopted is not None and not Plan.objects.filter(group=adopted).exists():
            for index, unit in enumerate(adopted.units.order_by("name")):
                plan = _plan_written(adopted, unit, index, operator, today)
                _confirmed(plan, operator)
                plan_adopt(plan=plan, by=_moderator(adopted, operator))
                _reported(plan, index, operator, today)
            _backdate(adopted, today)
        year_one = ExchangeGroup.objects.filter(name=YEAR_ONE_GROUP).first()
        if year_one is not None and not Plan.objects.filter(group=year_one).exists():
            for index, unit in enumerate(year_one.units.order_by("name")):
                plan = _plan_written(year_one, unit, index, operator, today)
                if index % 2:
                    _confirmed(plan, operator)
                    first = plan.actions.order_by("position").first()
                    if index == 1 and first is not None:
                        action_comment_add(
                            action=first,
                            text="Proszę dodać kamień milowy z terminem ogłoszenia przetargu.",
                            by=_moderator(year_one, operator),
                        )


def _moderator(group: ExchangeGroup, operator: User) -> User:
    return group.moderator or operator


def _person(unit: Unit, levels: Sequence[str], operator: User) -> User:
    """The unit's person at the first of ``levels`` it has one at; the office otherwise."""
    people = UnitMembership.objects.filter(unit=unit, user__is_active=True)
    for level in levels:
        found = people.filter(level=level).order_by("user__email").first()
        if found is not None:
            return found.user
    return operator


def _at_level(unit: Unit, level: str) -> User | None:
    """The unit's person at ``level`` (the action's owner), if the demo has one."""
    found = (
        UnitMembership.objects.filter(unit=unit, level=level, user__is_active=True)
        .order_by("user__email")
        .first()
    )
    return found.user if found is not None else None


def _writer(unit: Unit, operator: User) -> User:
    return _person(unit, [Level.MIDDLE, Level.OPERATIONAL, Level.STRATEGIC], operator)


def _confirmed(plan: Plan, operator: User) -> None:
    plan_submit(plan=plan, by=_writer(plan.unit, operator))
    plan_confirm(plan=plan, by=_person(plan.unit, [Level.STRATEGIC], operator))


def _series(unit: Unit, codes: set[str]) -> dict[str, dict[int, float]]:
    """The unit's stored results of ``codes`` in the current computation, by year."""
    computation = current_computation()
    found: dict[str, dict[int, float]] = {}
    if computation is None:
        return found
    rows = Result.objects.filter(
        computation=computation, unit=unit, indicator__code__in=codes, value__isnull=False
    ).values_list("indicator__code", "period", "value")
    for code, period, value in rows:
        if value is not None:
            found.setdefault(code, {})[period] = value
    return found


def _indicators(plan: Plan, index: int) -> list[tuple[str, int, float]]:
    """Two indicators for the plan's actions, with the baseline year and value: those
    of the kept diagnosis first, then the group's others; only those with a result
    later than the baseline."""
    polarities = indicator_polarities(group_indicator_codes(plan.group))
    ranked = {code for code, polarity in polarities.items() if polarity != "neutral"}
    series = _series(plan.unit, ranked)
    usable = sorted(code for code, years in series.items() if len(years) >= 2)
    diagnosed = [
        code
        for code in plan.diagnosis.filter(kept=True).values_list("indicator_code", flat=True)
        if code in usable
    ]
    others = [code for code in usable if code not in diagnosed]
    if others:  # a different one for each unit, deterministically
        shift = index % len(others)
        others = others[shift:] + others[:shift]
    chosen = list(dict.fromkeys([*diagnosed, *others]))[:2]
    found = []
    for code in chosen:
        years = sorted(series[code])
        year = years[-2]  # a later result exists: the effect can be measured
        found.append((code, year, series[code][year]))
    return found


def _target(baseline: float, polarity: str) -> float:
    """``IMPROVEMENT`` of the baseline's size better, by polarity (a negative baseline
    too: a gap of −1.9 points aims at −1.8); a share or a cost does not go below 0."""
    step = IMPROVEMENT * abs(baseline) or 0.1
    if polarity == "higher":
        return round(baseline + step, 2)
    target = round(baseline - step, 2)
    return max(target, 0.0) if baseline >= 0 else target


def _plan_written(
    group: ExchangeGroup, unit: Unit, index: int, operator: User, today: datetime.date
) -> Plan:
    """The unit's plan, started by its team (the diagnosis prefilled) with an action on
    each of two indicators."""
    writer = _writer(unit, operator)
    plan = plan_start(unit=unit, group=group, by=writer)
    polarities = indicator_polarities(group_indicator_codes(group))
    first_day = datetime.date(group.cycle_start, 1, 1)
    start = max(first_day, today - datetime.timedelta(days=60))
    presentations = list(
        Meeting.objects.filter(group=group, state=MeetingState.HELD)
        .exclude(host=unit)
        .order_by("number")
    )
    used: set[str] = set()
    for position, (code, year, baseline) in enumerate(_indicators(plan, index)):
        idea = _idea_for(code, used)
        used.add(idea.title)
        inspired = presentations[0] if position == 0 and presentations else None
        level = Level.MIDDLE if position == 0 else Level.OPERATIONAL
        data = ActionInput(
            title=idea.title,
            description=idea.description,
            owner_level=level,
            owner=_at_level(unit, level),
            start_date=start,
            end_date=datetime.date(group.cycle_end, 6 + 3 * position, 30),
            indicators=[TargetInput(code, _target(baseline, polarities[code]), group.cycle_end)],
            inspired_kind=Inspiration.PRESENTATION if inspired else Inspiration.NONE,
            inspired_meeting=inspired,
        )
        action, _warnings = action_save(plan=plan, data=data, by=writer)
        ActionIndicator.objects.filter(action=action, indicator_code=code).update(
            baseline=baseline, baseline_year=year
        )
    return plan


def _reported(plan: Plan, index: int, operator: User, today: datetime.date) -> None:
    """A progress report on each action for the group's next meeting: the first action
    of every third unit done, the others under way."""
    writer = _writer(plan.unit, operator)
    for position, action in enumerate(plan.actions.order_by("position")):
        done = position == 0 and index % 3 == 0
        idea = IDEAS_BY_TITLE.get(action.title)
        progress_report_add(
            action=action,
            by=writer,
            status=ActionStatus.DONE if done else ActionStatus.IN_PROGRESS,
            percent_done=100 if done else 30 + 15 * ((index + position) % 4),
            done_text=idea.done if idea else "Działanie jest realizowane zgodnie z planem.",
            evidence=idea.evidence if idea else "",
            today=today,
        )


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _backdate(group: ExchangeGroup, today: datetime.date) -> None:
    """The plans were written, confirmed and adopted in the weeks after the last meeting
    held (their notifications with them); the progress reports were written two days
    ago, before the next meeting."""
    held = (
        Meeting.objects.filter(group=group, state=MeetingState.HELD, date__lt=today)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    if held is None:
        return
    plans = Plan.objects.filter(group=group)
    # Adopted three weeks after the meeting, and at any rate before the reports.
    adopted = min(held + datetime.timedelta(days=20), today - datetime.timedelta(days=3))
    steps = {"started": 7, "action_added": 8, "submitted": 12, "confirmed": 13, "adopted": 20}
    for kind, days in steps.items():
        at = _moment(adopted - datetime.timedelta(days=20 - days), 10)
        PlanEvent.objects.filter(plan__in=plans, kind=kind).update(at=at)
        if kind == "adopted":
            plans.update(adopted_at=at, updated_at=at)
            for plan in plans:
                plan.versions.update(created_at=at)
    links = [f"/plans/{pk}/" for pk in plans.values_list("pk", flat=True)]
    for kind, days in (("plan_submitted", 12), ("plan_confirmed", 13), ("plan_adopted", 20)):
        at = _moment(adopted - datetime.timedelta(days=20 - days), 10)
        Notification.objects.filter(kind=kind, link__in=links).update(created_at=at)
    written = _moment(today - datetime.timedelta(days=2), 14)
    ProgressReport.objects.filter(action__plan__in=plans).update(written_at=written)
    PlanEvent.objects.filter(plan__in=plans, kind="progress").update(at=written)
