"""What closing a survey writes: the satisfaction variables of each unit at or above the
survey's minimum, into the unit's values of the survey's year (source "survey", each
change with its history row through the collection's single writer).

Per domain of the questionnaire (``<D>`` its code), where the catalogue has them:
``<D>_SURVEY_RESP`` the valid answers to the overall satisfaction question;
``<D>_SURVEY_SATISFIED`` the weighted satisfied count (weighted share × answers), so
that ``100 × SATISFIED / RESP`` is the weighted share; ``<D>_SAT_SCORE`` the weighted
mean of the overall question on 0–10 (a 5-point answer a is (a − 1) × 2.5 there).

All or nothing: run inside the close step's transaction, a refusal (``SurveyError``)
leaves the survey open and writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.catalogue.models import Variable
from benchlearn.collection.models import Submission, Value, ValueSource
from benchlearn.collection.services.writer import (
    Stored,
    UnitWrites,
    Write,
    values_write_many,
)
from benchlearn.surveys.editing import SurveyError
from benchlearn.surveys.models import QuestionKind, Survey, SurveyEvent
from benchlearn.surveys.results import UnitResults, survey_results

PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Written:
    """A unit's figures as written (code → value)."""

    teryt: str
    values: dict[str, Decimal]


def survey_variables(survey: Survey) -> dict[str, Variable]:
    """The catalogue's survey variables of the questionnaire's domain, by role
    ("resp", "satisfied", "score")."""
    domain = survey.questionnaire_version.questionnaire.domain
    if domain is None:
        return {}
    codes = {
        "resp": f"{domain.code}_SURVEY_RESP",
        "satisfied": f"{domain.code}_SURVEY_SATISFIED",
        "score": f"{domain.code}_SAT_SCORE",
    }
    found = {v.code: v for v in Variable.objects.filter(code__in=list(codes.values()))}
    return {role: found[code] for role, code in codes.items() if code in found}


def _figures(result: UnitResults, variables: dict[str, Variable]) -> list[Write]:
    overall = result.overall
    if overall is None or overall.n == 0:
        return []
    writes = []
    if "resp" in variables:
        writes.append(Write(variables["resp"], Decimal(overall.n), ""))
    if "satisfied" in variables and overall.share is not None:
        satisfied = Decimal(repr(overall.share * overall.n)).quantize(PLACES)
        writes.append(Write(variables["satisfied"], satisfied, ""))
    if "score" in variables and overall.mean is not None:
        mean = overall.mean if overall.kind == QuestionKind.NPS else (overall.mean - 1) * 2.5
        writes.append(Write(variables["score"], Decimal(repr(mean)).quantize(PLACES), ""))
    return writes


def survey_values_write(*, survey: Survey, by: User | None) -> list[Written]:
    """Write the satisfaction variables of every unit at or above the minimum (see the
    module); SurveyError naming the units without a collection round of the survey's
    year, and nothing written. Call inside the close step's transaction."""
    variables = survey_variables(survey)
    if not variables:
        return []
    results = [
        r
        for r in survey_results(survey)
        if not r.below_minimum and r.overall is not None and r.overall.n
    ]
    if not results:
        return []
    submissions: dict[int, Submission] = {}
    for submission in (
        Submission.objects.filter(
            round__period=survey.period, unit_id__in=[r.unit.pk for r in results]
        )
        .select_related("round")
        .order_by("round__created_at", "pk")
    ):
        submissions[submission.unit_id] = submission  # the newest round's
    missing = [r.unit.name for r in results if r.unit.pk not in submissions]
    if missing:
        raise SurveyError(
            _(
                "The survey was not closed and nothing was written: these units have no "
                "collection round for %(year)s to take the survey's results: %(units)s. "
                "Add them to a round of that year first."
            )
            % {"year": survey.period, "units": ", ".join(missing)}
        )
    ids = [v.pk for v in variables.values()]
    existing: dict[int, dict[str, Stored]] = {}
    for value in (
        Value.objects.select_for_update(of=("self",))
        .filter(period=survey.period, unit_id__in=list(submissions), variable_id__in=ids)
        .select_related("variable")
    ):
        existing.setdefault(value.unit_id, {})[value.variable.code] = Stored(
            value.pk, value.value, value.comment, value.revision
        )
    batches = []
    written = []
    for result in results:
        writes = _figures(result, variables)
        unit_id = result.unit.pk
        stored = existing.get(unit_id, {})
        writes = [Write(w.variable, w.value, _comment(stored, w.variable.code)) for w in writes]
        batches.append(UnitWrites(result.unit, submissions[unit_id], writes, stored))
        written.append(
            Written(
                result.unit.teryt, {w.variable.code: w.value for w in writes if w.value is not None}
            )
        )
    values_write_many(
        period=survey.period,
        batches=batches,
        user=by,
        source=ValueSource.SURVEY,
        note=survey.name[:300],
    )
    if written:
        SurveyEvent.objects.create(
            survey=survey,
            kind="values written",
            new={w.teryt: {code: str(v) for code, v in w.values.items()} for w in written},
            by=by,
        )
    return written


def _comment(stored: dict[str, Stored], code: str) -> str:
    value = stored.get(code)
    return value.comment if value is not None else ""
