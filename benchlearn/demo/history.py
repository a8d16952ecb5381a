"""The past years of the demo programme, collected, approved and closed, and the
current round of each domain, open with most units' values in.

Education rounds for 30 cities with county rights and waste rounds for 30 rural gminas
of the same voivodeships, from 2021 to the year before last (closed) and for last year
(open, most submissions approved), so that the comparison pages have
groups worth comparing with; the other domains (``finance``, ``county``, ``health``)
likewise from their first year. Rounds of one year share a unit's values, so a year's
rounds are all filled and submitted before any is approved.

The figures are invented but plausible: each unit keeps
its own traits (seeded by its TERYT code), each year adds a little noise (seeded by the
code and the year) and spending follows prices, so a value moves a few per cent a year,
under the rounds' warning threshold. Where the checks still warn (a count of a few
decisions that changed by a few, the largest city of a round), the unit explains the
value in a comment before submitting, as it would in the form.

Every step goes through the collection services: a round is created and opened, the
values come in by the bulk import, every unit submits (its demo participant where it
has one), the operator approves and closes the round.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

from benchlearn.accounts.models import User
from benchlearn.catalogue.models import IndicatorSet, Variable
from benchlearn.collection.models import Round, Submission, SubmissionState, ValueSource
from benchlearn.collection.services import (
    round_close,
    round_create,
    round_open,
    submission_approve,
    values_import,
)
from benchlearn.demo.submitting import submit_explained
from benchlearn.units.models import ContextValue, Unit
from benchlearn.units.services import BUNDLED_CONTEXT_YEAR, context_values_store

FIRST_YEAR = 2021
OPEN_YEAR = date.today().year - 1  # the open rounds collect last year's data
HISTORY_YEARS = tuple(range(FIRST_YEAR, OPEN_YEAR))
EDU_SUBV_LAST_YEAR = 2024  # the catalogue's EDU_SUBV valid_to: EDU_NEEDS from 2025

# Besides the eight cities of the education exchange group: every other city with
# county rights of their voivodeships (śląskie, małopolskie, opolskie, wielkopolskie)
# and three of dolnośląskie — 30 in all.
EDUCATION_MORE_CITIES = [
    "2462011",  # Bytom
    "2463011",  # Chorzów
    "2465011",  # Dąbrowa Górnicza
    "2467011",  # Jastrzębie-Zdrój
    "2468011",  # Jaworzno
    "2469011",  # Katowice
    "2470011",  # Mysłowice
    "2471011",  # Piekary Śląskie
    "2472011",  # Ruda Śląska
    "2474011",  # Siemianowice Śląskie
    "2475011",  # Sosnowiec
    "2476011",  # Świętochłowice
    "2478011",  # Zabrze
    "2479011",  # Żory
    "1261011",  # Kraków
    "1262011",  # Nowy Sącz
    "3062011",  # Konin
    "3063011",  # Leszno
    "3064011",  # Poznań
    "0261011",  # Jelenia Góra
    "0262011",  # Legnica
    "0265011",  # Wałbrzych
]
# Besides the eight gminas of the waste exchange group: 22 rural gminas of the same
# counties and their neighbours in śląskie and małopolskie — 30 in all.
WASTE_MORE_GMINAS = [
    "2402032",  # Buczkowice
    "2402062",  # Jaworze
    "2403042",  # Brenna
    "2403052",  # Chybie
    "2403072",  # Goleszów
    "2403082",  # Hażlach
    "2403092",  # Istebna
    "2403122",  # Zebrzydowice
    "2410012",  # Goczałkowice-Zdrój
    "2410032",  # Miedźna
    "2410042",  # Pawłowice
    "2410062",  # Suszec
    "2417042",  # Jeleśnia
    "2417062",  # Lipowa
    "2417082",  # Łodygowice
    "2417152",  # Węgierska Górka
    "1206072",  # Liszki
    "1206092",  # Mogilany
    "1206152",  # Wielka Wieś
    "1218022",  # Brzeźnica
    "1218062",  # Spytkowice
    "1218082",  # Tomice
]

DEMO_CONTEXT_SOURCE = (
    "Dane demonstracyjne Benchlearn (wymyślone; ludność wyliczona ze stanu na 31.12.2018)"
)

# National averages of the eighth-grade exam (CKE), per cent: Polish and mathematics
# (2021–2024 as published; later years repeat the last known).
EXAM_NATIONAL = {2021: (60.0, 47.0), 2022: (60.0, 57.0), 2023: (66.0, 53.0), 2024: (62.0, 52.0)}
# The demo's national mean of the eighth-grade English exam, per cent (invented near
# the published means; later years repeat the last).
EXAM_ENGLISH_NATIONAL = {2021: 66.0, 2022: 67.0, 2023: 67.0, 2024: 66.0}
# Current education spending per pupil in a typical city, zł (teachers' pay rises).
EDU_COST_PER_PUPIL = {2021: 13_800.0, 2022: 15_100.0, 2023: 17_600.0, 2024: 19_900.0}
# Cost of the waste system per resident of a typical rural gmina, zł.
WST_COST_PER_RESIDENT = {2021: 290.0, 2022: 345.0, 2023: 395.0, 2024: 425.0}


def of_year(table: Mapping[int, _T], year: int) -> _T:
    """A yearly figure; years after the table grow with prices by 4 % a year from its
    last one (a mapping of tuples repeats the last)."""
    if year in table:
        return table[year]
    last = max(table)
    value = table[last]
    if isinstance(value, float):
        return value * 1.04 ** (year - last)  # type: ignore[return-value]
    return value


Figures = dict[str, float]
_T = TypeVar("_T")


def unit_traits(teryt: str, domain: str) -> random.Random:
    """A unit's own character: the same every year and every run."""
    return random.Random(f"benchlearn-demo:{domain}:{teryt}")  # noqa: S311 - made-up figures


def year_noise(teryt: str, domain: str, year: int) -> Callable[[float], float]:
    """A factor of 1 ± ``spread`` for one year's noise, the same on every run."""
    noise = random.Random(f"benchlearn-demo:{domain}:{teryt}:{year}")  # noqa: S311
    return lambda spread: 1 + noise.uniform(-spread, spread)


def population(teryt: str, population_2018: float, year: int) -> float:
    """Cities lose residents slowly, rural gminas around them gain some."""
    city = teryt.endswith("011")
    drift = unit_traits(teryt, "pop").uniform(*((-0.009, -0.002) if city else (0.002, 0.012)))
    return float(round(population_2018 * (1 + drift) ** (year - BUNDLED_CONTEXT_YEAR)))


def decisions(
    prefix: str, count: float, since: int, traits: random.Random, wobble: Callable[[float], float]
) -> Figures:
    """A domain's administrative decisions: a few late, a few appealed, fewer overturned.

    The number issued varies by year; the shares follow the unit's own steady trend
    (better or worse by up to a tenth a year), not yearly noise, so that counts of a
    few decisions do not jump by half from one year to the next."""
    late, appealed, overturned = (
        traits.uniform(0.005, 0.06),
        traits.uniform(0.01, 0.04),
        traits.uniform(0.05, 0.35),
    )
    trend = 1 + traits.uniform(-0.1, 0.06) * since
    issued = round(count * wobble(0.05))
    appeals = round(issued * appealed)
    return {
        f"{prefix}_DEC_ALL": issued,
        f"{prefix}_DEC_LATE": round(issued * late * trend),
        f"{prefix}_DEC_APPEALED": appeals,
        f"{prefix}_DEC_OVERTURNED": round(appeals * overturned * trend),
    }


def _funding(
    spending: float, coverage: float, since: int, year: int, wobble: Callable[[float], float]
) -> Figures:
    """Up to 2024 the education part of the general subvention, which grows more slowly
    than spending (it covers a little less each year); from 2025, when the revenue act
    of 2024 abolished it, the amount of educational needs, somewhat higher."""
    if year <= EDU_SUBV_LAST_YEAR:
        return {"EDU_SUBV": round(spending * (coverage - 0.01 * since) * wobble(0.02), 2)}
    return {"EDU_NEEDS": round(spending * (coverage + 0.04) * wobble(0.02), 2)}


def education_entered(teryt: str, residents: float, year: int) -> Figures:
    traits, wobble = unit_traits(teryt, "edu"), year_noise(teryt, "edu", year)
    pupils_share, preschool_share, other_share = (
        traits.uniform(0.070, 0.086),
        traits.uniform(0.021, 0.028),
        traits.uniform(0.004, 0.014),
    )
    class_size, per_teacher = traits.uniform(19.5, 24.5), traits.uniform(10.0, 12.8)
    cost_level, coverage = traits.uniform(0.88, 1.15), traits.uniform(0.52, 0.66)
    since = year - HISTORY_YEARS[0]
    pupils = round(residents * pupils_share * (1 + 0.01 * since) * wobble(0.01))
    preschool = round(residents * preschool_share * (1 - 0.01 * since) * wobble(0.015))
    other = round(residents * other_share * (1 + 0.03 * since) * wobble(0.02))
    per_pupil = of_year(EDU_COST_PER_PUPIL, year)
    spending = (pupils + preschool + other) * per_pupil * cost_level * wobble(0.02)
    return {
        "EDU_PUPILS": pupils,
        "EDU_PRESCHOOL": preschool,
        "EDU_PUPILS_OTHER": other,
        "EDU_CLASSES": round(pupils / (class_size * wobble(0.01))),
        "EDU_TEACHERS_FTE": round((pupils + preschool) / per_teacher * wobble(0.015), 1),
        "EDU_EXP_CUR": round(spending, 2),
        **_funding(spending, coverage, since, year, wobble),
        **decisions("EDU", residents * traits.uniform(0.002, 0.006), since, traits, wobble),
        **_education_review_a(teryt, year, spending, pupils + other),
    }


def _education_review_a(teryt: str, year: int, spending: float, pupils: int) -> Figures:
    """The variables of the review's priority-A education indicators: targeted grants
    (a few per cent of spending) and weighted pupils (the algorithm's weights lift the
    schools' pupils by a quarter to a half). Own random streams, so that the figures
    drawn before them do not change."""
    traits, wobble = unit_traits(teryt, "edu-a"), year_noise(teryt, "edu-a", year)
    return {
        "EDU_GRANTS": round(spending * traits.uniform(0.03, 0.07) * wobble(0.05), 2),
        "EDU_WEIGHTED_PUPILS": round(pupils * traits.uniform(1.25, 1.5) * wobble(0.01), 2),
    }


def education_context(teryt: str, residents: float, year: int) -> Figures:
    traits, wobble = unit_traits(teryt, "edu-context"), year_noise(teryt, "edu-context", year)
    since = year - HISTORY_YEARS[0]
    children = round(residents * traits.uniform(0.027, 0.032) * (1 - 0.015 * since) * wobble(0.01))
    enrolled = min(0.99, traits.uniform(0.86, 0.96) + 0.005 * since + wobble(0.01) - 1)
    polish, maths = of_year(EXAM_NATIONAL, year)
    polish_own, maths_own = traits.uniform(-3, 6), traits.uniform(-4, 9)
    return {
        "EDU_POP_3_5": children,
        "EDU_PRESCHOOL_3_5": round(children * enrolled),
        "EDU_EXAM_TAKERS": round(residents * traits.uniform(0.0085, 0.0105) * wobble(0.03)),
        "EDU_EXAM_POL": round(polish + polish_own + 1.5 * (wobble(1) - 1), 1),
        "EDU_EXAM_MATH": round(maths + maths_own + 2 * (wobble(1) - 1), 1),
        "EDU_EXAM_POL_PL": polish,
        "EDU_EXAM_MATH_PL": maths,
        **_english_exam(teryt, year),
    }


def _english_exam(teryt: str, year: int) -> Figures:
    """The eighth-grade English exam: the demo's national mean and the unit's result
    around it (own random streams, as in _education_review_a)."""
    traits, wobble = unit_traits(teryt, "edu-lang"), year_noise(teryt, "edu-lang", year)
    national = of_year(EXAM_ENGLISH_NATIONAL, year)
    return {
        "EDU_EXAM_LANG": round(national + traits.uniform(-2, 10) + 2 * (wobble(1) - 1), 1),
        "EDU_EXAM_LANG_PL": national,
    }


def waste_entered(teryt: str, residents: float, year: int) -> Figures:
    traits, wobble = unit_traits(teryt, "wst"), year_noise(teryt, "wst", year)
    since = year - HISTORY_YEARS[0]
    kilograms, separate = traits.uniform(230, 380), traits.uniform(0.32, 0.55)
    cost_level, fee_coverage = traits.uniform(0.85, 1.2), traits.uniform(0.86, 1.02)
    arrears, declared = traits.uniform(0.02, 0.09), traits.uniform(0.80, 0.95)
    recycling = traits.uniform(28, 45)
    collected = residents * kilograms / 1000 * (1 + 0.02 * since) * wobble(0.02)
    generated = collected * 1.03
    cost = residents * of_year(WST_COST_PER_RESIDENT, year) * cost_level * wobble(0.02)
    revenue = cost * fee_coverage * wobble(0.02)
    due = revenue / (1 - arrears * wobble(0.04))
    figures = {
        "WST_COLLECTED_T": round(collected, 1),
        "WST_SEPARATE_T": round(collected * min(0.8, separate + 0.02 * since) * wobble(0.02), 1),
        "WST_COST": round(cost, 2),
        "WST_FEE_REVENUE": round(revenue, 2),
        "WST_FEE_DUE": round(due, 2),
        "WST_FEE_ARREARS": round(due - revenue, 2),
        "WST_DECLARED_RESIDENTS": round(residents * declared * wobble(0.01)),
        # The report's Mwyt and Mpur (the rate is 100·Mpur/Mwyt): Mwyt a little above
        # the mass collected, Mpur from the unit's rising rate.
        "WST_GENERATED_T": round(generated, 1),
        "WST_PREP_RECYCLED_T": round(
            generated * min(100.0, recycling + 3 * since + 1.5 * (wobble(1) - 1)) / 100, 1
        ),
        **decisions("WST", residents * traits.uniform(0.004, 0.012), since, traits, wobble),
    }
    return figures | _waste_review_a(teryt, year, figures, revenue)


def _waste_review_a(teryt: str, year: int, figures: Figures, revenue: float) -> Figures:
    """The variables of the review's priority-A waste indicators: the monthly fee per
    declared resident that the fee revenue implies, and mixed waste 20 03 01, most of
    the mass not collected separately (the rest 20 03 99). Own random stream."""
    wobble = year_noise(teryt, "wst-a", year)
    unsorted = figures["WST_COLLECTED_T"] - figures["WST_SEPARATE_T"]
    return {
        "WST_FEE_RATE": round(revenue / figures["WST_DECLARED_RESIDENTS"] / 12, 2),
        "WST_MIXED_T": round(unsorted * 0.97 * wobble(0.01), 1),
    }


def waste_context(teryt: str, residents: float, year: int) -> Figures:
    return {}  # population (stored for every unit) is all the waste set reads


@dataclass(frozen=True)
class Domain:
    """What a domain's past rounds need: the set, the round names, how figures arise."""

    set_code: str  # the domain's set (its first, when the rounds ask several)
    round_name: str  # with {year}
    open_name: str  # the round open now, for last year's data
    entered: Callable[[str, float, int], Figures]  # (TERYT, population, year) → values
    context: Callable[[str, float, int], Figures]  # its public statistics, likewise
    first_year: int = FIRST_YEAR  # its first closed round (OPEN_YEAR: only the open one)
    more_sets: tuple[str, ...] = ()  # other sets its rounds ask (each of its own kinds)
    # Where a context figure says it came from, by code (else DEMO_CONTEXT_SOURCE).
    context_sources: tuple[tuple[str, str], ...] = ()

    @property
    def set_codes(self) -> tuple[str, ...]:
        return (self.set_code, *self.more_sets)


EDUCATION = Domain(
    "SET_EDU",
    "Oświata — dane za {year} r.",
    "Oświata — zbieranie danych za ubiegły rok",
    education_entered,
    education_context,
)
WASTE = Domain(
    "SET_WST",
    "Gospodarka odpadami — dane za {year} r.",
    "Gospodarka odpadami — zbieranie danych za ubiegły rok",
    waste_entered,
    waste_context,
)


def history_build(
    *,
    operator: User,
    units: Mapping[Domain, list[str]],
    submitters: Mapping[str, User],
) -> list[Round]:
    """Store the demo's public statistics of the history years and the open year, and
    create each domain's rounds that do not exist yet (by name): closed ones for the
    history years from the domain's first, and the open one of last year; the rounds
    created.

    Rounds of one year share a unit's values (its data of the year are approved
    together): a year's new rounds are all filled and submitted before any submission
    is approved. ``submitters`` names who submits a unit's data (by TERYT); the operator
    does for units without a demo participant. In the open rounds their units keep
    drafts with the values in, for them to check and submit; every fifth of the others
    waits for review; the rest is approved.
    """
    # A domain whose sets the catalogue lacks (an older catalogue) has no rounds.
    shipped = set(IndicatorSet.objects.values_list("code", flat=True))
    units = {d: teryts for d, teryts in units.items() if set(d.set_codes) <= shipped}
    populations = _populations_store(sorted({t for teryts in units.values() for t in teryts}))
    for domain, teryts in units.items():
        _context_store(domain, {t: populations[t] for t in teryts})
    created = []
    for year in HISTORY_YEARS:
        due = {
            domain: domain.round_name.format(year=year)
            for domain in units
            if year >= domain.first_year
        }
        rounds = [
            _round_with_values(
                operator,
                domain,
                name,
                year,
                {t: domain.entered(t, populations[t][year], year) for t in units[domain]},
                deadline=date(year + 1, 3, 31),
            )
            for domain, name in due.items()
            if not Round.objects.filter(name=name).exists()
        ]
        for round_ in rounds:
            for submission in _submissions(round_):
                submit_explained(submission, submitters.get(submission.unit.teryt, operator))
        for round_ in rounds:
            for submission in _submissions(round_):
                submission_approve(submission=submission, operator=operator)
            created.append(round_close(round_=round_, user=operator))
    opened = [
        _round_with_values(
            operator,
            domain,
            domain.open_name,
            OPEN_YEAR,
            {t: domain.entered(t, populations[t][OPEN_YEAR], OPEN_YEAR) for t in teryts},
            deadline=date.today() + timedelta(weeks=6),
        )
        for domain, teryts in units.items()
        if not Round.objects.filter(name=domain.open_name).exists()
    ]
    _open_rounds_filled(opened, operator, submitters)
    return created + opened


def _submissions(round_: Round) -> list[Submission]:
    """The round's forms, sharing one round object (its variables are worked out once)."""
    found = list(round_.submissions.select_related("unit").order_by("unit__teryt"))
    for submission in found:
        submission.round = round_
    return found


def _open_rounds_filled(
    rounds: list[Round], operator: User, submitters: Mapping[str, User]
) -> None:
    """Last year's rounds, open for six more weeks, with every unit's values in: the
    units of demo participants keep drafts (in every round: a unit's data approved in
    one would lock its drafts in the others), one in five of the others waits for
    review, the rest is approved (their values are in the results)."""
    others = [
        [s for s in _submissions(round_) if s.unit.teryt not in submitters] for round_ in rounds
    ]
    for submissions in others:
        for submission in submissions:
            submit_explained(submission, operator)
    for submissions in others:
        for number, submission in enumerate(submissions):
            if number % 5 != 4:
                submission_approve(submission=submission, operator=operator)


def _populations_store(teryts: list[str]) -> dict[str, dict[int, float]]:
    """Each unit's population in the history years, stored as context values (the
    bundled statistics are of 2018 only); TERYT → year → population."""
    variable = Variable.objects.get(code="POP")
    units = {u.teryt: u for u in Unit.objects.filter(teryt__in=teryts)}
    base = dict(
        ContextValue.objects.filter(
            variable=variable, year=BUNDLED_CONTEXT_YEAR, unit__teryt__in=teryts
        ).values_list("unit__teryt", "value")
    )
    populations = {
        teryt: {year: population(teryt, base[teryt], year) for year in (*HISTORY_YEARS, OPEN_YEAR)}
        for teryt in teryts
    }
    _store(
        variable,
        ((units[t], y, v) for t, by_year in populations.items() for y, v in by_year.items()),
    )
    return populations


def _context_store(domain: Domain, populations: Mapping[str, Mapping[int, float]]) -> None:
    units = {u.teryt: u for u in Unit.objects.filter(teryt__in=list(populations))}
    rows: dict[str, list[tuple[Unit, int, float]]] = {}
    for teryt, by_year in populations.items():
        for year, residents in by_year.items():
            for code, value in domain.context(teryt, residents, year).items():
                rows.setdefault(code, []).append((units[teryt], year, value))
    sources = dict(domain.context_sources)
    for code, values in rows.items():
        _store(Variable.objects.get(code=code), values, sources.get(code, DEMO_CONTEXT_SOURCE))


def _store(
    variable: Variable,
    values: Iterable[tuple[Unit, int, float]],
    source: str = DEMO_CONTEXT_SOURCE,
) -> None:
    context_values_store(variable=variable, values=values, source=source, origin="demo")


def _round_with_values(
    operator: User,
    domain: Domain,
    name: str,
    year: int,
    figures: Mapping[str, Figures],
    *,
    deadline: date,
) -> Round:
    """A round of ``year`` of the domain's sets, open, with the units' values imported
    (drafts). A unit whose data of the year another round already approved (a demo
    built by an earlier version) cannot take part: its values are locked."""
    locked = set(
        Submission.objects.filter(
            round__period=year, state=SubmissionState.APPROVED, unit__teryt__in=list(figures)
        ).values_list("unit__teryt", flat=True)
    )
    figures = {teryt: values for teryt, values in figures.items() if teryt not in locked}
    round_ = round_create(
        user=operator,
        name=name,
        period=year,
        indicator_sets=IndicatorSet.objects.filter(code__in=domain.set_codes),
        units=Unit.objects.filter(teryt__in=list(figures)),
        deadline=deadline,
    )
    round_ = round_open(round_=round_, user=operator)
    imported = values_import(
        round_=round_,
        user=operator,
        entries={
            teryt: {code: (_decimal(value), None) for code, value in values.items()}
            for teryt, values in figures.items()
        },
        source=ValueSource.CLI,
    )
    if not imported.ok:  # the figures are ours: a refusal is a bug of this module
        raise ValueError(f"The demo values of {name} were refused: {imported.errors}")
    return round_


def _decimal(value: float) -> Decimal:
    return Decimal(str(value))
