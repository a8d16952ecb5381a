"""A survey's results per unit and question, from its submitted responses.

The figures are the engine's (``benchlearn.engine.surveys``): per question the valid
answers ``n`` ("don't know", 9, and missing left out), the share satisfied (the top
two boxes of the 5-point scale) with its 95 % Wilson interval, on the Kish effective
sample size when weighted, the mean and the design effect. Weights come from raking
each unit's respondents to its population by sex and age band (``margins``),
optionally trimmed at the survey's ``weight_cap`` × the unit's mean weight; a unit
without margins, or whose respondents cannot be raked to them (a cap too low among
others), is unweighted and its results say why.

Respondents who did not give their sex or age band (or chose an answer the population
statistics have no category for, e.g. an option "prefer not to say" added to the
questionnaire) are not raked: they keep weight 1, the mean weight, their answers count
in every figure, and the page says how many they are. This is the engine's policy
(``engine.surveys``, "Respondents without a weighting answer"), which
``benchlearn survey-stats --rake`` follows too.

A unit with fewer submitted responses than the survey's minimum is flagged
(``below_minimum``): its results are shown to it, never compared, never written to
the indicators."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benchlearn.engine import surveys as engine
from benchlearn.i18n import translate_message
from benchlearn.surveys.margins import AGE, SEX, UnitMargins, unit_margins
from benchlearn.surveys.models import (
    DONT_KNOW,
    Question,
    QuestionKind,
    QuestionRole,
    Response,
    Survey,
)
from benchlearn.units.models import Unit

SATISFIED = (4, 5)  # top two boxes of the 5-point scale
EXCLUDED = (DONT_KNOW,)
NUMERIC = (QuestionKind.SCALE5, QuestionKind.NPS, QuestionKind.NUMBER)
CHOICES = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


def in_language(pl_text: str, en_text: str) -> str:
    return en_text if (get_language() or "pl").startswith("en") and en_text else pl_text


@dataclass(frozen=True)
class Bar:
    """One answer of a question's distribution: how many gave it, and its (weighted)
    share of the answers given (in per cent)."""

    code: str
    label: str
    count: int
    percent: float


@dataclass
class QuestionResult:
    code: str
    text: str
    kind: str
    role: str
    n: int = 0  # valid answers
    n_effective: float | None = None
    share: float | None = None  # satisfied, a fraction (5-point scale only)
    ci_low: float | None = None
    ci_high: float | None = None
    mean: float | None = None
    design_effect: float | None = None
    dont_know: int = 0
    distribution: list[Bar] = field(default_factory=list)

    @property
    def has_share(self) -> bool:
        return self.kind == QuestionKind.SCALE5 and self.share is not None

    @property
    def percent(self) -> float | None:
        return None if self.share is None else 100 * self.share

    @property
    def percent_low(self) -> float | None:
        return None if self.ci_low is None else 100 * self.ci_low

    @property
    def percent_high(self) -> float | None:
        return None if self.ci_high is None else 100 * self.ci_high


@dataclass
class UnitResults:
    unit: Unit
    responses: int  # submitted
    minimum: int
    weighted: bool
    weighting_note: str  # why not weighted, or how
    margins_year: int | None = None
    design_effect: float | None = None
    n_effective: float | None = None
    max_weight: float | None = None
    unweighted_respondents: int = 0  # weighted survey, but no sex or age band given
    cap: float | None = None  # the weights trimmed at cap × the mean weight
    questions: list[QuestionResult] = field(default_factory=list)

    @property
    def below_minimum(self) -> bool:
        return self.responses < self.minimum

    @property
    def overall(self) -> QuestionResult | None:
        return next((q for q in self.questions if q.role == QuestionRole.OVERALL), None)

    def question(self, code: str) -> QuestionResult | None:
        return next((q for q in self.questions if q.code == code), None)


def survey_questions(survey: Survey) -> list[Question]:
    return list(survey.questionnaire_version.questions.order_by("position", "pk"))


def _answers(survey: Survey, units: Sequence[Unit]) -> dict[int, list[dict[str, Any]]]:
    rows = Response.objects.filter(
        survey=survey, submitted_at__isnull=False, unit__in=units
    ).values_list("unit_id", "answers")
    found: dict[int, list[dict[str, Any]]] = {unit.pk: [] for unit in units}
    for unit_id, answers in rows.order_by("pk").iterator(chunk_size=2000):
        found[unit_id].append(answers if isinstance(answers, dict) else {})
    return found


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None or isinstance(value, list):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _weights(
    answers: list[dict[str, Any]],
    questions: Sequence[Question],
    margins: UnitMargins | None,
    cap: float | None = None,
) -> tuple[np.ndarray | None, str, int]:
    """Each respondent's weight (None: unweighted), what the page says of the
    weighting, and how many respondents kept weight 1 for want of their sex or age band."""
    if margins is None:
        return None, _("Unweighted: the unit has no population by sex and age band."), 0
    sex = next((q.code for q in questions if q.role == QuestionRole.SEX), None)
    age = next((q.code for q in questions if q.role == QuestionRole.AGE), None)
    if sex is None or age is None:
        return None, _("Unweighted: the questionnaire does not ask for sex and age band."), 0
    known = {
        role: set(margins.frame.filter(pl.col("variable") == role)["category"].to_list())
        for role in (SEX, AGE)
    }
    # An answer without a margin is no weighting answer: the engine keeps weight 1 for it.
    columns = {
        role: [str(a.get(code)) if str(a.get(code)) in known[role] else None for a in answers]
        for role, code in ((SEX, sex), (AGE, age))
    }
    frame = pl.DataFrame(columns, schema={SEX: pl.String, AGE: pl.String})
    if not (frame[SEX].is_not_null() & frame[AGE].is_not_null()).any():
        return None, _("Unweighted: no respondent gave both sex and age band."), 0
    try:
        raked = engine.rake(frame, margins.frame, cap=cap)
    except engine.RakingError as error:
        reasons = "; ".join(translate_message(p.message) for p in error.found[:3])
        return (
            None,
            _("Unweighted: the answers cannot be weighted (%(why)s).") % {"why": reasons},
            0,
        )
    note = _("Weighted to the population by sex and age band of %(year)s.") % {"year": margins.year}
    return raked.weights, note, raked.unweighted_count


def _distribution(question: Question, values: list[Any], weights: np.ndarray) -> list[Bar]:
    if question.kind == QuestionKind.SCALE5:
        labels = [(str(n), str(n)) for n in range(1, 6)]
    elif question.kind == QuestionKind.NPS:
        labels = [(str(n), str(n)) for n in range(11)]
    elif question.kind in CHOICES:
        labels = [
            (str(o.get("code")), in_language(o.get("label_pl", ""), o.get("label_en", "")))
            for o in question.options
        ]
    else:
        return []
    if question.dont_know and question.kind != QuestionKind.NPS:
        labels.append((str(DONT_KNOW), _("don't know / don't use")))
    counts = {code: 0 for code, _label in labels}
    weighted = {code: 0.0 for code, _label in labels}
    given = 0.0
    for value, weight in zip(values, weights, strict=True):
        chosen = value if isinstance(value, list) else [] if value is None else [value]
        if chosen:
            given += weight
        for item in chosen:
            code = str(item)
            if code in counts:
                counts[code] += 1
                weighted[code] += weight
    return [
        Bar(code, label, counts[code], 100 * weighted[code] / given if given else 0.0)
        for code, label in labels
    ]


def _question_results(
    questions: Sequence[Question],
    answers: list[dict[str, Any]],
    weights: np.ndarray,
    weighted: bool,
) -> list[QuestionResult]:
    numeric = [q for q in questions if q.kind in NUMERIC]
    frame = pl.DataFrame(
        {q.code: [_number(a.get(q.code)) for a in answers] for q in numeric},
        schema=dict.fromkeys((q.code for q in numeric), pl.Float64),
    )
    stats: dict[str, dict[str, Any]] = {}
    for kind, satisfied, exclude in (
        (QuestionKind.SCALE5, SATISFIED, EXCLUDED),
        (QuestionKind.NPS, (9, 10), ()),
        (QuestionKind.NUMBER, (), ()),
    ):
        codes = [q.code for q in numeric if q.kind == kind]
        if not codes or not answers:
            continue
        table = engine.survey_stats(
            frame.select(codes),
            questions=codes,
            satisfied=satisfied,
            exclude=exclude,
            weights=weights if weighted else None,
        )
        stats.update({row["question"]: row for row in table.iter_rows(named=True)})
    results = []
    for question in questions:
        if question.kind == QuestionKind.TEXT:
            continue
        values = [a.get(question.code) for a in answers]
        result = QuestionResult(
            question.code,
            in_language(question.text_pl, question.text_en),
            question.kind,
            question.role,
            distribution=_distribution(question, values, weights),
        )
        row = stats.get(question.code)
        if row is not None:
            result.n = int(row["n"])
            result.n_effective = row["n_effective"]
            result.mean = row["mean"]
            result.design_effect = row["design_effect"] if weighted else 1.0 if result.n else None
            if question.kind == QuestionKind.SCALE5:
                result.share, result.ci_low, result.ci_high = (
                    row["share"],
                    row["ci_low"],
                    row["ci_high"],
                )
            result.dont_know = sum(1 for v in values if _number(v) == DONT_KNOW)
        elif question.kind in CHOICES:
            result.n = sum(1 for v in values if v not in (None, "", []))
        results.append(result)
    return results


def survey_results(survey: Survey, units: Iterable[Unit] | None = None) -> list[UnitResults]:
    """The results of ``units`` (default: all the survey's units, by name). The survey's
    ``weight_cap`` (k > 1) trims the weights at k × the unit's mean weight while raking
    (a cap too low for the margins leaves the unit unweighted, saying so)."""
    cap = survey.weight_cap
    chosen = list(units) if units is not None else list(survey.units.order_by("name", "teryt"))
    questions = survey_questions(survey)
    answers = _answers(survey, chosen)
    margins = unit_margins(chosen, survey.period)
    found = []
    for unit in chosen:
        given = answers[unit.pk]
        raked, note, unplaced = _weights(given, questions, margins.get(unit.pk), cap)
        weighted = raked is not None
        weights = raked if raked is not None else np.ones(len(given))
        result = UnitResults(
            unit,
            len(given),
            survey.min_responses,
            weighted,
            note,
            margins_year=margins[unit.pk].year if weighted else None,
            unweighted_respondents=unplaced,
            cap=cap if weighted else None,
            questions=_question_results(questions, given, weights, weighted),
        )
        if given:
            result.n_effective = engine.kish_effective_n(weights)
            result.design_effect = engine.design_effect(weights)
            result.max_weight = float(weights.max() / weights.mean())
        found.append(result)
    return found


def unit_results(survey: Survey, unit: Unit) -> UnitResults:
    return survey_results(survey, [unit])[0]


@dataclass(frozen=True)
class OpenAnswer:
    question: str
    text: str


def open_answers(survey: Survey, unit: Unit) -> list[OpenAnswer]:
    """The unit's answers to the open questions, in the order they came (no date, no
    mode: nothing that could point to a respondent). Callers check who reads them."""
    questions = [q for q in survey_questions(survey) if q.kind == QuestionKind.TEXT]
    found = []
    for answers in _answers(survey, [unit])[unit.pk]:
        for question in questions:
            text = str(answers.get(question.code) or "").strip()
            if text:
                found.append(OpenAnswer(in_language(question.text_pl, question.text_en), text))
    return found
