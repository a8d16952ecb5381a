"""Reads of the residents' pages: a survey's open link, a respondent's response in
progress, the questions of a survey's questionnaire."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from benchlearn.surveys.models import Question, Response, SurveyUnit


def survey_unit_by_token(token: str) -> SurveyUnit:
    """The unit's open link, or 404 (the same for a wrong token and a removed unit)."""
    return get_object_or_404(
        SurveyUnit.objects.select_related("survey__questionnaire_version__questionnaire", "unit"),
        open_token=token,
    )


def response_in_progress(survey_unit: SurveyUnit, resume_token: str | None) -> Response | None:
    """The partial response the respondent's cookie names, for this unit's survey."""
    if not resume_token:
        return None
    return Response.objects.filter(
        resume_token=resume_token,
        survey_id=survey_unit.survey_id,
        unit_id=survey_unit.unit_id,
        submitted_at__isnull=True,
    ).first()


def questions_of(survey_unit: SurveyUnit) -> list[Question]:
    return list(
        Question.objects.filter(version_id=survey_unit.survey.questionnaire_version_id).order_by(
            "position", "pk"
        )
    )


def survey_unit_of(response: Response) -> SurveyUnit:
    unit = SurveyUnit.objects.filter(survey_id=response.survey_id, unit_id=response.unit_id).first()
    if unit is None:
        raise Http404
    return unit
