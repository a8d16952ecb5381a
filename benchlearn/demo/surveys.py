"""The demo's residents' satisfaction surveys: a questionnaire per domain of the demo
groups (the shipped one where loaded, else the demo's own), a CLOSED survey of last
year for each group's members with 100–160 responses per unit (made up
deterministically from the unit's TERYT code), and one OPEN survey with its open links
(their QR codes on the office's unit pages).

Closing a survey (``running.survey_close`` → ``close.survey_values_write``) writes
each unit's satisfaction variables of last year (``<D>_SURVEY_RESP``,
``<D>_SURVEY_SATISFIED``, ``<D>_SAT_SCORE``) into its open round, source "survey", so
the satisfaction indicators compute like any other: built after the rounds."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from benchlearn.accounts.models import User
from benchlearn.catalogue.models import Domain
from benchlearn.groups.models import ExchangeGroup
from benchlearn.surveys.editing import (
    QuestionInput,
    question_save,
    questionnaire_create,
    version_publish,
)
from benchlearn.surveys.models import (
    DONT_KNOW,
    QuestionKind,
    Questionnaire,
    QuestionnaireVersion,
    QuestionRole,
    Response,
    ResponseMode,
    Survey,
)
from benchlearn.surveys.running import SurveyInput, survey_close, survey_open, survey_save

# Catalogue domain code → what the questionnaire asks about.
SERVICES = {
    "EDU": ("szkoły i przedszkola w gminie", "the gmina's schools and pre-schools"),
    "WST": ("odbiór odpadów", "waste collection"),
}
ITEM = "Q1"
FEWEST, MOST = 100, 160  # responses per unit
_SEXES = [
    {"code": "1", "label_pl": "kobieta", "label_en": "woman"},
    {"code": "2", "label_pl": "mężczyzna", "label_en": "man"},
]
_AGES = [
    {"code": str(n), "label_pl": label, "label_en": label}
    for n, label in enumerate(["18–34", "35–49", "50–64", "65+"], start=1)
]


def _questions(domain: str) -> list[QuestionInput]:
    pl, en = SERVICES[domain]
    return [
        QuestionInput(
            code="USE",
            kind=QuestionKind.SINGLE,
            text_pl=f"Czy w ostatnim roku korzystał(a) Pan/Pani z usługi: {pl}?",
            text_en=f"Have you used {en} in the last year?",
            options=[
                {"code": "1", "label_pl": "tak", "label_en": "yes"},
                {"code": "2", "label_pl": "nie", "label_en": "no"},
            ],
            role=QuestionRole.FILTER,
        ),
        QuestionInput(
            code=ITEM,
            kind=QuestionKind.SCALE5,
            text_pl=f"Jak ocenia Pan/Pani {pl}?",
            text_en=f"How satisfied are you with {en}?",
            dont_know=True,
            show_if={"question": "USE", "in": ["1"]},
            role=QuestionRole.ITEM,
        ),
        QuestionInput(
            code="OVERALL",
            kind=QuestionKind.SCALE5,
            text_pl="Ogólnie, jak ocenia Pan/Pani życie w gminie?",
            text_en="Overall, how satisfied are you with living in the gmina?",
            role=QuestionRole.OVERALL,
        ),
        QuestionInput(
            code="NPS",
            kind=QuestionKind.NPS,
            text_pl="Czy poleciłby Pan/Pani gminę jako miejsce do życia (0–10)?",
            text_en="Would you recommend the gmina as a place to live (0–10)?",
            role=QuestionRole.RECOMMEND,
        ),
        QuestionInput(
            code="OPEN",
            kind=QuestionKind.TEXT,
            text_pl="Co należałoby poprawić?",
            text_en="What should be improved?",
            role=QuestionRole.OPEN,
        ),
        QuestionInput(
            code="SEX",
            kind=QuestionKind.SINGLE,
            text_pl="Płeć",
            text_en="Sex",
            options=_SEXES,
            role=QuestionRole.SEX,
        ),
        QuestionInput(
            code="AGE",
            kind=QuestionKind.SINGLE,
            text_pl="Wiek",
            text_en="Age",
            options=_AGES,
            role=QuestionRole.AGE,
        ),
    ]


def _questionnaire(domain: Domain, operator: User) -> QuestionnaireVersion:
    """The domain's shipped questionnaire if one is loaded, else the demo's own."""
    candidates = [
        Questionnaire.objects.filter(domain=domain, shipped=True).first(),
        Questionnaire.objects.filter(code=f"demo-{domain.code.lower()}").first(),
    ]
    # The shipped questionnaire is used only where it asks ITEM (the demo's answers are
    # made up for it); else the demo's own, made once.
    for found in candidates:
        if found is None:
            continue
        version = found.versions.filter(published_at__isnull=False).order_by("-number").first()
        if version is not None and version.questions.filter(code=ITEM).exists():
            return version
    pl, en = SERVICES[domain.code]
    version = questionnaire_create(
        code=f"demo-{domain.code.lower()}",
        name_pl=f"Zadowolenie mieszkańców: {pl}",
        name_en=f"Residents' satisfaction: {en}",
        by=operator,
    )
    version.questionnaire.domain = domain
    version.questionnaire.save(update_fields=["domain"])
    for data in _questions(domain.code):
        question_save(version=version, data=data, by=operator, base_token=None)
    return version_publish(version=version, by=operator, base_token=None)


def _answers(rng: random.Random, satisfied: float) -> dict[str, Any]:
    """One made-up respondent of a unit whose users are ``satisfied`` on average."""
    answers: dict[str, Any] = {
        "SEX": rng.choice("12"),
        "AGE": rng.choices("1234", weights=[26, 25, 26, 23])[0],
    }
    uses = rng.random() < 0.85
    answers["USE"] = "1" if uses else "2"
    if uses:
        if rng.random() < 0.05:
            answers[ITEM] = DONT_KNOW
        elif rng.random() < satisfied:
            answers[ITEM] = rng.choice([4, 4, 5])
        else:
            answers[ITEM] = rng.choice([1, 2, 3, 3])
    answers["OVERALL"] = (
        rng.choice([4, 4, 5]) if rng.random() < satisfied else rng.choice([1, 2, 3, 3])
    )
    answers["NPS"] = min(10, max(0, round(rng.gauss(4 + 5 * satisfied, 2))))
    if rng.random() < 0.1:
        answers["OPEN"] = rng.choice(
            ["Więcej informacji na stronie gminy.", "Dziękuję, jest dobrze.", "Szybsza obsługa."]
        )
    return answers


def _respond(survey: Survey, year: int) -> None:
    """Each unit's made-up responses stored (submitted during the survey's dates)."""
    moment = timezone.make_aware(datetime(year, 10, 15, 12, 0))
    rows = []
    for survey_unit in survey.survey_units.select_related("unit").order_by("unit__teryt"):
        teryt = survey_unit.unit.teryt
        seed = f"survey-{survey.questionnaire_version.questionnaire.code}-{teryt}"
        rng = random.Random(seed)  # noqa: S311 - made-up answers, no secret
        satisfied = rng.uniform(0.45, 0.85)
        answered = [_answers(rng, satisfied) for _ in range(rng.randint(FEWEST, MOST))]
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
    new: the results are due)."""
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
