"""Writing assessments: starting one (the seat, the scheme and whether the office may
read it are fixed then), saving its ratings (each change recorded), submitting it, and
correcting a submitted one (its assessor only, recorded too).

The rule of the end of the cycle: a person assesses themselves at the end once their
start-of-cycle assessment (of the same role) is submitted, so that there is a start to
compare the end with."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.competencies.access import is_superior_of, open_seats, superior_of
from benchlearn.competencies.models import (
    LEVELS,
    Assessment,
    AssessmentChange,
    Competency,
    Rating,
    Role,
    Stage,
)
from benchlearn.competencies.scheme import current_scheme
from benchlearn.competencies.selectors import competency_name
from benchlearn.groups.models import ExchangeGroup

# A competency's code → (level or None: not rated yet, evidence).
Ratings = dict[str, tuple[int | None, str]]

MAX_EVIDENCE = 4000


class AssessmentStale(ValidationError):
    """Someone else saved the assessment since the form was opened: nothing stored."""


def _record(assessment: Assessment, by: User, kind: str, changes: dict[str, Any]) -> None:
    AssessmentChange.objects.create(
        assessment=assessment, kind=kind, changes=changes, changed_by=by
    )


def _end_allowed(person: User, group: ExchangeGroup, role: str) -> bool:
    return Assessment.objects.filter(
        person=person, group=group, role=role, stage=Stage.START, submitted_at__isnull=False
    ).exists()


@transaction.atomic
def assessment_start(
    *,
    person: User,
    group: ExchangeGroup,
    stage: str,
    by: User,
    role: str = Role.SELF,
    subject: User | None = None,
) -> Assessment:
    """Starts (or returns the already started) assessment of a stage. A self-assessment
    is ``person``'s own (``by`` is the person); a second view is written by ``person``,
    the strategic person of ``subject``'s unit (``by`` is the strategic person)."""
    if stage not in Stage.values:
        raise ValidationError(_("Unknown stage of the cycle: %(stage)s.") % {"stage": stage})
    if role == Role.SELF:
        assessed = person
        if by.pk != person.pk:
            raise PermissionDenied(_("Only the person assesses themselves."))
    elif role == Role.SUPERIOR:
        if subject is None:
            raise ValidationError(_("Say whose second view this is."))
        assessed = subject
        if by.pk != person.pk or not is_superior_of(by, subject.pk, group):
            raise PermissionDenied(
                _("Only the unit's strategic person gives a second view of its people.")
            )
    else:
        raise ValidationError(_("Unknown kind of assessment: %(role)s.") % {"role": role})
    existing = Assessment.objects.filter(
        person=assessed, group=group, stage=stage, role=role
    ).first()
    if existing is not None:
        return existing
    if role == Role.SELF:
        seats = open_seats(assessed.pk, group)
        seat = seats[0] if seats else None
    else:
        holding = superior_of(assessed.pk, group)
        seat = (
            None
            if holding is None
            else next(
                (s for s in open_seats(assessed.pk, group) if s.unit_id == holding.unit_id), None
            )
        )
    if seat is None:
        raise ValidationError(
            _("%(person)s holds no seat in the group %(group)s: there is nothing to assess.")
            % {"person": assessed, "group": group}
        )
    scheme = current_scheme()
    if scheme is None:
        raise ValidationError(_("No competency scheme is published yet."))
    if stage == Stage.END and not _end_allowed(assessed, group, role):
        raise ValidationError(
            _(
                "The end of the cycle is assessed once the assessment at the start of the "
                "cycle is submitted."
            )
        )
    programme = group.programme
    assessment = Assessment.objects.create(
        person=assessed,
        assessor=by,
        role=role,
        group=group,
        unit=seat.unit,
        seat=seat.level,
        stage=stage,
        scheme=scheme,
        office_may_see=bool(programme and programme.competency_office_sees),
    )
    _record(
        assessment,
        by,
        "started",
        {"office_may_see": [None, assessment.office_may_see], "seat": [None, seat.level]},
    )
    return assessment


def _as_shown(rating: Rating | None) -> dict[str, Any] | None:
    return None if rating is None else {"level": rating.level, "evidence": rating.evidence}


def _check_ratings(
    assessment: Assessment, competencies: dict[str, Competency], ratings: Ratings
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for code, (level, evidence) in ratings.items():
        if code not in competencies:
            problems.setdefault("__all__", []).append(
                _("%(code)s is not a competency of this scheme.") % {"code": code}
            )
            continue
        if level is not None and (isinstance(level, bool) or level not in LEVELS):
            problems[code] = [_("Choose a level from 1 to 4.")]
        elif level is None and evidence.strip():
            problems[code] = [_("Choose a level: the evidence is kept with a level.")]
        elif level is None and assessment.is_submitted:
            problems[code] = [_("A submitted assessment keeps a level of every competency.")]
        elif len(evidence) > MAX_EVIDENCE:
            problems[code] = [
                _("Write at most %(max)s characters of evidence.") % {"max": MAX_EVIDENCE}
            ]
    return problems


@transaction.atomic
def assessment_save(
    *, assessment: Assessment, by: User, ratings: Ratings, revision: int
) -> Assessment:
    """Stores the levels and evidence given (a draft may leave competencies unrated).
    Refuses, storing nothing, a form opened before someone else's save (``revision``),
    a level outside 1–4 and a code not of the assessment's scheme."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.assessor_id != by.pk:
        raise PermissionDenied(_("Only its assessor changes an assessment."))
    if locked.revision != revision:
        raise AssessmentStale(
            _(
                "Someone else saved this assessment meanwhile. Nothing of yours was stored: "
                "your input is shown again; check it and save once more."
            )
        )
    competencies = {c.code: c for c in Competency.objects.filter(scheme_id=locked.scheme_id)}
    problems = _check_ratings(locked, competencies, ratings)
    if problems:
        raise ValidationError(problems)
    existing = {r.competency.code: r for r in locked.ratings.select_related("competency")}
    changes: dict[str, Any] = {}
    for code, (level, evidence) in ratings.items():
        evidence = evidence.strip()
        rating = existing.get(code)
        old = _as_shown(rating)
        if level is None:
            if rating is not None:
                rating.delete()
                changes[code] = [old, None]
            continue
        if rating is None:
            rating = Rating.objects.create(
                assessment=locked, competency=competencies[code], level=level, evidence=evidence
            )
        elif (rating.level, rating.evidence) != (level, evidence):
            rating.level, rating.evidence = level, evidence
            rating.save(update_fields=["level", "evidence"])
        else:
            continue
        changes[code] = [old, _as_shown(rating)]
    if changes:
        _record(locked, by, "corrected" if locked.is_submitted else "saved", changes)
    locked.revision += 1
    locked.updated_at = timezone.now()
    locked.save(update_fields=["revision", "updated_at"])
    return locked


def missing_competencies(assessment: Assessment) -> list[Competency]:
    rated = assessment.ratings.values("competency_id")
    return list(
        Competency.objects.filter(scheme_id=assessment.scheme_id)
        .exclude(pk__in=rated)
        .order_by("order", "code")
    )


@transaction.atomic
def assessment_submit(*, assessment: Assessment, by: User) -> Assessment:
    """Submits the assessment once every competency has a level; otherwise says which
    have none and changes nothing."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.assessor_id != by.pk:
        raise PermissionDenied(_("Only its assessor submits an assessment."))
    if locked.is_submitted:
        return locked
    missing = missing_competencies(locked)
    if missing:
        raise ValidationError(
            _("Give a level of every competency before submitting; missing: %(names)s.")
            % {"names": ", ".join(competency_name(competency) for competency in missing)}
        )
    locked.submitted_at = timezone.now()
    locked.revision += 1
    locked.updated_at = locked.submitted_at
    locked.save(update_fields=["submitted_at", "revision", "updated_at"])
    _record(locked, by, "submitted", {})
    return locked
