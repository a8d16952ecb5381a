"""Who reads a survey's results, and what the results pages show.

- A unit's results: its team, the moderators of its groups and the office
  (``Perm.UNIT_VIEW`` on the unit).
- Its open answers: its team and the office only (``Perm.UNIT_EDIT``: members of the
  unit, and operators), never the moderator or other units.
- The comparison across the survey's units: whoever reads one of them. Units below
  the minimum are not compared (only counted); the others are named to the office and
  inside an exchange group that did not choose anonymity, and lettered otherwise
  (``pseudonym_order``), the reader's own unit by name.
- Change over time: the unit's results of earlier closed surveys of the same
  questionnaire (any version), question by question code."""

from __future__ import annotations

from dataclasses import dataclass
from string import ascii_uppercase
from typing import TYPE_CHECKING

from django.http import Http404
from django.utils.translation import gettext as _

from benchlearn.accounts.access import (
    Perm,
    active_account,
    groups_visible_to,
    may,
    pseudonym_order,
    require,
)
from benchlearn.surveys.models import QuestionKind, Survey, SurveyState
from benchlearn.surveys.results import UnitResults, survey_results, unit_results
from benchlearn.units.models import Unit, UnitMembership

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


def surveys_for_results(user: AnyUser) -> list[Survey]:
    """The surveys with at least one unit whose results ``user`` reads."""
    account = active_account(user)
    if account is None:
        return []
    found = Survey.objects.exclude(state=SurveyState.DRAFT).select_related(
        "questionnaire_version__questionnaire"
    )
    if not account.is_operator:
        units = readable_units(account)
        found = found.filter(survey_units__unit__in=units).distinct()
    return list(found.order_by("-period", "name"))


def readable_units(user: AnyUser) -> list[Unit]:
    account = active_account(user)
    if account is None:
        return []
    if account.is_operator:
        return list(Unit.objects.all())
    own = Unit.objects.filter(memberships__user_id=account.pk)
    moderated = Unit.objects.filter(exchange_groups__moderator_id=account.pk)
    return list((own | moderated).distinct())


def survey_get_for_results(user: AnyUser, survey_id: int) -> Survey:
    """The survey if ``user`` reads the results of one of its units (404 otherwise, as
    for one that does not exist)."""
    survey = (
        Survey.objects.filter(pk=survey_id)
        .select_related("questionnaire_version__questionnaire__domain")
        .first()
    )
    if survey is None or not any(may(user, Perm.UNIT_VIEW, u) for u in survey.units.all()):
        raise Http404(_("There is no such survey."))
    return survey


def survey_unit_for_results(user: AnyUser, survey: Survey, teryt: str) -> Unit:
    unit = survey.units.filter(teryt=teryt).first()
    if unit is None or not may(user, Perm.UNIT_VIEW, unit):
        raise Http404(_("This unit does not take part in the survey."))
    return unit


def may_read_open_answers(user: AnyUser, unit: Unit) -> bool:
    """The unit's team and the office (members of the unit: UNIT_EDIT), not the
    moderator of its group nor other units."""
    return may(user, Perm.UNIT_EDIT, unit)


def require_open_answers(user: AnyUser, unit: Unit) -> None:
    require(user, Perm.UNIT_EDIT, unit)


@dataclass(frozen=True)
class Compared:
    label: str
    own: bool
    result: UnitResults
    linked: bool  # the reader may open the unit's own results


@dataclass(frozen=True)
class Comparison:
    survey: Survey
    compared: list[Compared]  # at or above the minimum, by share of the overall question
    below: int  # units below the minimum, not compared
    question_codes: list[str]


def _named_units(user: AnyUser) -> tuple[set[int], set[int]]:
    """Units ``user`` sees by name in a comparison, and their own units."""
    account = active_account(user)
    if account is None:
        return set(), set()
    own = set(UnitMembership.objects.filter(user_id=account.pk).values_list("unit_id", flat=True))
    groups = groups_visible_to(account).filter(anonymised=False)
    named = set(Unit.objects.filter(exchange_groups__in=groups).values_list("pk", flat=True))
    return named | own, own


def survey_comparison(user: AnyUser, survey: Survey) -> Comparison:
    results = survey_results(survey)
    kept = [r for r in results if not r.below_minimum]
    account = active_account(user)
    operator = account is not None and account.is_operator
    named, own = _named_units(user)

    def share(result: UnitResults) -> float:
        overall = result.overall
        return -(overall.share or 0.0) if overall is not None else 0.0

    kept.sort(key=share)
    hidden = [r.unit.pk for r in kept if not operator and r.unit.pk not in named]
    order = pseudonym_order(
        hidden, scope=f"survey:{survey.pk}", by={r.unit.pk: share(r) for r in kept}
    )
    letters = {unit_id: _letter(i) for i, unit_id in enumerate(order)}
    compared = [
        Compared(
            letters.get(r.unit.pk, r.unit.name),
            r.unit.pk in own,
            r,
            r.unit.pk not in letters and may(user, Perm.UNIT_VIEW, r.unit),
        )
        for r in kept
    ]
    codes = [q.code for q in (kept[0].questions if kept else []) if q.kind == QuestionKind.SCALE5]
    return Comparison(survey, compared, len(results) - len(kept), codes)


def _letter(index: int) -> str:
    letters = ascii_uppercase
    return letters[index] if index < 26 else letters[index // 26 - 1] + letters[index % 26]


@dataclass(frozen=True)
class TrendPoint:
    survey: Survey
    result: UnitResults


def unit_trend(survey: Survey, unit: Unit) -> list[TrendPoint]:
    """The unit's results in this survey and every earlier closed one of the same
    questionnaire it took part in, oldest first."""
    questionnaire = survey.questionnaire_version.questionnaire_id
    earlier = (
        Survey.objects.filter(
            questionnaire_version__questionnaire_id=questionnaire,
            period__lt=survey.period,
            state=SurveyState.CLOSED,
            survey_units__unit=unit,
        )
        .select_related("questionnaire_version")
        .order_by("period", "pk")
    )
    points = [TrendPoint(s, unit_results(s, unit)) for s in earlier]
    return [*points, TrendPoint(survey, unit_results(survey, unit))]
