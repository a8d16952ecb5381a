"""What the office's survey pages read: the questionnaire or survey asked for (the office
only: ``Perm.SURVEY_MANAGE``), the public links residents are given, and the history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from benchlearn.accounts.access import Perm, require
from benchlearn.surveys.models import (
    Question,
    Questionnaire,
    QuestionnaireVersion,
    ResponseCode,
    Survey,
    SurveyEvent,
    SurveyUnit,
)

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser

# The resident's pages (benchlearn.surveys.urls, mounted at /s/).
OPEN_PATH = "/s/{token}/"
CODE_PATH = "/s/code/"


def open_link(survey_unit: SurveyUnit) -> str:
    """The unit's open link, for posters, websites and its QR code."""
    return settings.SITE_URL + OPEN_PATH.format(token=survey_unit.open_token)


def code_page_link() -> str:
    """Where a resident types the code of their letter."""
    return settings.SITE_URL + CODE_PATH


def code_link(code: ResponseCode | str) -> str:
    """The code's own link (its letter's QR code): the code page with the code filled in."""
    return f"{code_page_link()}?code={code}"


def questionnaire_get_for_office(user: AnyUser, questionnaire_id: int) -> Questionnaire:
    require(user, Perm.SURVEY_MANAGE)
    found = Questionnaire.objects.filter(pk=questionnaire_id).first()
    if found is None:
        raise Http404(_("There is no such questionnaire."))
    return found


def version_get_for_office(
    user: AnyUser, questionnaire_id: int, number: int
) -> QuestionnaireVersion:
    questionnaire = questionnaire_get_for_office(user, questionnaire_id)
    found = questionnaire.versions.filter(number=number).select_related("questionnaire").first()
    if found is None:
        raise Http404(_("There is no such version of the questionnaire."))
    return found


def question_get_for_office(version: QuestionnaireVersion, question_id: int) -> Question:
    found = version.questions.filter(pk=question_id).first()
    if found is None:
        raise Http404(_("There is no such question."))
    return found


def survey_get_for_office(user: AnyUser, survey_id: int) -> Survey:
    require(user, Perm.SURVEY_MANAGE)
    found = (
        Survey.objects.filter(pk=survey_id)
        .select_related("questionnaire_version__questionnaire", "programme")
        .first()
    )
    if found is None:
        raise Http404(_("There is no such survey."))
    return found


def survey_unit_get(survey: Survey, teryt: str) -> SurveyUnit:
    found = survey.survey_units.filter(unit__teryt=teryt).select_related("unit").first()
    if found is None:
        raise Http404(_("This unit does not take part in the survey."))
    return found


def questionnaires_for_office(user: AnyUser) -> QuerySet[Questionnaire]:
    require(user, Perm.SURVEY_MANAGE)
    return Questionnaire.objects.select_related("domain").annotate(
        version_count=Count("versions", distinct=True),
        published_count=Count("versions", filter=Q(versions__published_at__isnull=False)),
    )


def surveys_for_office(user: AnyUser) -> QuerySet[Survey]:
    require(user, Perm.SURVEY_MANAGE)
    return Survey.objects.select_related("questionnaire_version__questionnaire").annotate(
        unit_count=Count("survey_units", distinct=True),
        response_count=Count(
            "responses", filter=Q(responses__submitted_at__isnull=False), distinct=True
        ),
    )


# What the history's rows say (``SurveyEvent.kind``), in the reader's language.
KINDS = {
    "created": pgettext_lazy("survey history", "created"),
    "edited": pgettext_lazy("survey history", "changed"),
    "opened": pgettext_lazy("survey history", "opened"),
    "closed": pgettext_lazy("survey history", "closed"),
    "codes made": gettext_lazy("codes made"),
    "question added": gettext_lazy("question added"),
    "question changed": gettext_lazy("question changed"),
    "question removed": gettext_lazy("question removed"),
    "questions reordered": gettext_lazy("questions reordered"),
    "introduction changed": gettext_lazy("introduction changed"),
    "new version": pgettext_lazy("survey history", "new version"),
    "published": pgettext_lazy("survey history", "published"),
    "values written": gettext_lazy("satisfaction values written"),
}


@dataclass(frozen=True)
class HistoryRow:
    when: Any
    who: str
    kind: str
    changes: list[tuple[str, str, str]]


def history_of(rows: QuerySet[SurveyEvent]) -> list[HistoryRow]:
    """Changes for the pages' history table, newest first."""
    shown = []
    for row in rows.select_related("by").order_by("-at", "-pk")[:200]:
        old, new = row.old, row.new
        if isinstance(old, dict) or isinstance(new, dict):
            old_map = old if isinstance(old, dict) else {}
            new_map = new if isinstance(new, dict) else {}
            names = list(dict.fromkeys([*old_map, *new_map]))
            changes = [
                (name, _plain(old_map.get(name)), _plain(new_map.get(name))) for name in names
            ]
        else:
            changes = [("", _plain(old), _plain(new))]
        kind = str(KINDS.get(row.kind, row.kind))
        shown.append(HistoryRow(row.at, str(row.by) if row.by else "", kind, changes))
    return shown


def _plain(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
