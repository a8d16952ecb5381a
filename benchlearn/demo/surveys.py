"""The demo's residents' satisfaction surveys, on the questionnaires shipped for the
groups' domains (``EDU_SATISFACTION``, ``WST_SATISFACTION``, loaded by the build): a
CLOSED survey of last year for each group's members with 100–160 responses per unit,
and one OPEN survey with its open links (their QR codes on the office's unit pages).

The answers are made up deterministically from the unit's TERYT code, every question
of the questionnaire answered as a resident would (skip logic kept: the items only for
users of the service; "don't know" now and then). The respondents lean the way real
ones do: more women and more older people than live there, older people more
satisfied; each unit has its adults by sex and age band (``population``), so the
results are raked to them and the weighted shares differ from the raw ones.

Closing a survey (``running.survey_close`` → ``close.survey_values_write``) writes
each unit's satisfaction variables of last year (``<D>_SURVEY_RESP``,
``<D>_SURVEY_SATISFIED``, weighted) into its open round, source "survey", so the
satisfaction indicators compute like any other: built after the rounds."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from benchlearn.accounts.models import User
from benchlearn.catalogue.models import Domain
from benchlearn.demo.population import margins_build
from benchlearn.groups.models import ExchangeGroup
from benchlearn.surveys.answering import choice_codes, is_shown
from benchlearn.surveys.models import (
    DONT_KNOW,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireVersion,
    QuestionRole,
    Response,
    ResponseMode,
    Survey,
)
from benchlearn.surveys.questionnaires import questionnaires_load
from benchlearn.surveys.running import SurveyInput, survey_close, survey_open, survey_save

FEWEST, MOST = 100, 160  # responses per unit


@dataclass(frozen=True)
class Respondents:
    """Who answers a domain's survey: the share of women, the weights of the age bands
    (youngest first), and per band the chance of using the service."""

    women: float
    ages: Sequence[float]
    uses: Sequence[float]


# Adults are about 53 % women and a quarter 65 or older; the respondents are more often
# women and (but for the parents asked about schools) older. Using schools is a matter
# of age (parents of pupils), using waste collection nearly everyone's.
RESPONDENTS = {
    "EDU": Respondents(0.68, (5, 14, 24, 22, 18, 17), (0.35, 0.65, 0.85, 0.6, 0.3, 0.15)),
    "WST": Respondents(0.62, (4, 9, 14, 18, 24, 31), (0.85, 0.9, 0.93, 0.93, 0.94, 0.94)),
}
# Older people are more satisfied (by the age band, youngest first); men a little more.
AGE_EFFECT = (-0.12, -0.08, -0.04, 0.0, 0.06, 0.12)
SEX_EFFECT = {"F": -0.03, "M": 0.03}
REMARKS = {
    "EDU": [
        "Więcej miejsc w przedszkolach.",
        "Lepsze dowozy do szkoły.",
        "Remont sali gimnastycznej.",
        "Więcej zajęć dodatkowych po lekcjach.",
        "Szybsza informacja od szkoły przez dziennik elektroniczny.",
    ],
    "WST": [
        "Częstszy odbiór odpadów bio latem.",
        "Dłuższe godziny otwarcia PSZOK.",
        "Opłata jest za wysoka.",
        "Harmonogram odbioru wcześniej na stronie gminy.",
        "Porządek przy altanach śmietnikowych.",
    ],
}


def _questionnaire(domain: Domain, operator: User) -> QuestionnaireVersion:
    """The latest published version of the domain's shipped questionnaire (loaded
    here if the build has not yet)."""
    for attempt in range(2):
        shipped = Questionnaire.objects.filter(domain=domain, shipped=True).order_by("code")
        version = (
            QuestionnaireVersion.objects.filter(
                questionnaire__in=shipped, published_at__isnull=False
            )
            .order_by("questionnaire__code", "-number")
            .first()
        )
        if version is not None:
            return version
        if attempt == 0:
            questionnaires_load(by=operator)
    raise RuntimeError(f"No questionnaire is shipped for the domain {domain.code}.")


@dataclass(frozen=True)
class _Unit:
    """What a unit's made-up respondents share: the domain's respondents, how satisfied
    its users are, how each item differs from that, and where its residents live."""

    respondents: Respondents
    satisfied: float
    items: Mapping[str, float]
    town: float  # the share living in the town (for the part of the gmina)
    remarks: Sequence[str]


def _unit_traits(rng: random.Random, domain: str, teryt: str, items: Sequence[str]) -> _Unit:
    kind = teryt[-1]  # 1: town, 2: rural gmina, 3: a town with villages around it
    return _Unit(
        respondents=RESPONDENTS[domain],
        satisfied=rng.uniform(0.45, 0.8),
        items={code: rng.uniform(-0.15, 0.1) for code in items},
        town={"1": 1.0, "2": 0.0}.get(kind, 0.45),
        remarks=REMARKS[domain],
    )


def _chance(value: float) -> float:
    return min(0.95, max(0.05, value))


def _scale(rng: random.Random, satisfied: float, dont_know: float) -> int:
    """A 5-point answer of someone satisfied with chance ``satisfied`` (or 9)."""
    if rng.random() < dont_know:
        return DONT_KNOW
    if rng.random() < _chance(satisfied):
        return rng.choice([4, 4, 5])
    return rng.choice([1, 2, 2, 3, 3, 3])


def _answers(
    rng: random.Random, questions: Sequence[Question], unit: _Unit, age: int | None = None
) -> dict[str, Any]:
    """One made-up respondent's answers to ``questions`` in their order, those the
    skip logic does not ask left out. ``age``: the band (index) if it is set."""
    who = unit.respondents
    women = rng.random() < who.women
    band = age if age is not None else rng.choices(range(len(who.ages)), weights=who.ages)[0]
    satisfied = unit.satisfied + AGE_EFFECT[band] + SEX_EFFECT["F" if women else "M"]
    answers: dict[str, Any] = {}
    for question in questions:
        if not is_shown(question, answers):
            continue
        codes = choice_codes(question)
        role = question.role
        value: Any = None
        if role == QuestionRole.SEX:
            value = codes[0] if women else codes[1]  # the shipped order: F, M
        elif role == QuestionRole.AGE:
            value = codes[min(band, len(codes) - 1)]
        elif role == QuestionRole.AREA:
            town = rng.random() < unit.town
            value = codes[0] if town else codes[1]  # the shipped order: town, village
            value = value if rng.random() < 0.92 else None  # some leave it out
        elif role == QuestionRole.FILTER:
            value = codes[0] if rng.random() < who.uses[band] else codes[1]  # yes, no
        elif role == QuestionRole.ITEM and question.kind == QuestionKind.SCALE5:
            offset = unit.items.get(question.code, 0.0)
            value = _scale(rng, satisfied + offset, 0.04 + max(0.0, -offset) / 2)
        elif role == QuestionRole.OVERALL and question.kind == QuestionKind.SCALE5:
            value = _scale(rng, satisfied, 0.02)
        elif question.kind == QuestionKind.NPS:
            value = min(10, max(0, round(rng.gauss(2 + 8 * satisfied, 1.8))))
        elif question.kind == QuestionKind.TEXT and rng.random() < 0.12:
            value = rng.choice(unit.remarks)
        if value is not None:
            answers[question.code] = value
    return answers


def _respond(survey: Survey, year: int) -> None:
    """Each unit's made-up responses stored (submitted during the survey's dates)."""
    moment = timezone.make_aware(datetime(year, 10, 15, 12, 0))
    version = survey.questionnaire_version
    questions = list(version.questions.order_by("position", "pk"))
    domain = version.questionnaire.domain
    code = domain.code if domain is not None else ""
    items = [q.code for q in questions if q.role == QuestionRole.ITEM]
    rows = []
    for survey_unit in survey.survey_units.select_related("unit").order_by("unit__teryt"):
        teryt = survey_unit.unit.teryt
        rng = random.Random(f"survey-{version.questionnaire.code}-{year}-{teryt}")  # noqa: S311
        unit = _unit_traits(rng, code, teryt, items)
        count = rng.randint(FEWEST, MOST)
        bands = len(unit.respondents.ages)
        # Every age band answers at least once, so that the unit can be raked.
        answered = [_answers(rng, questions, unit, n if n < bands else None) for n in range(count)]
        rows += [
            Response(
                survey=survey,
                unit=survey_unit.unit,
                mode=ResponseMode.OPEN,
                answers=answers,
                started_at=moment,
                submitted_at=moment,
            )
            for answers in answered
        ]
    Response.objects.bulk_create(rows, batch_size=1000)


def surveys_build(*, operator: User, groups: Mapping[str, ExchangeGroup], year: int) -> int:
    """The demo's surveys not made yet (by name), the closed ones of ``year`` by the
    groups' catalogue domain code; how many closed surveys were made (their values are
    new: the results are due). The units' margins come first: the closing weights by them."""
    for group in groups.values():
        margins_build(units=group.units.order_by("teryt"), years=(year, year + 1), by=operator)
    made = 0
    for code, group in groups.items():
        domain = Domain.objects.get(code=code)
        name = f"Zadowolenie mieszkańców {year}: {group.name}"
        existing = Survey.objects.filter(name=name).first()
        if existing is not None:
            continue
        version = _questionnaire(domain, operator)
        survey = survey_save(
            data=SurveyInput(
                name=name,
                questionnaire_version=version,
                period=year,
                units=list(group.units.order_by("teryt")),
                modes=["open", "paper"],
                opens_on=date(year, 9, 1),
                closes_on=date(year, 11, 30),
                target_responses=150,
            ),
            by=operator,
            base_token=None,
        )
        survey_open(survey=survey, by=operator)
        _respond(survey, year)
        survey_close(survey=survey, by=operator)  # writes the satisfaction variables
        made += 1
    _open_survey(operator, groups, year + 1)
    return made


def _open_survey(operator: User, groups: Mapping[str, ExchangeGroup], year: int) -> None:
    """This year's survey of the waste group, open now for residents' answers."""
    code, group = "WST", groups["WST"]
    name = f"Zadowolenie mieszkańców {year}: {group.name}"
    if Survey.objects.filter(name=name).exists():
        return
    today = date.today()
    survey = survey_save(
        data=SurveyInput(
            name=name,
            questionnaire_version=_questionnaire(Domain.objects.get(code=code), operator),
            period=year,
            units=list(group.units.order_by("teryt")),
            modes=["open", "codes", "paper", "import"],
            opens_on=today - timedelta(days=7),
            closes_on=today + timedelta(days=60),
            target_responses=150,
        ),
        by=operator,
        base_token=None,
    )
    survey_open(survey=survey, by=operator)


__all__ = ["surveys_build"]
