"""A person's competency profile in a group: per competency the level expected of
their seat, their submitted self-assessments at the start and the end of the cycle,
the submitted second view, the gap and the change, and learning suggestions for each
competency with a gap (the programme's and everyone's; a good practice only where it is
published and the reader may read it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.charts import Chart
from benchlearn.charts.competencies import CompetencyLevel, competency_chart
from benchlearn.competencies.access import open_seats
from benchlearn.competencies.models import (
    Assessment,
    Competency,
    CompetencyScheme,
    DevelopmentGoal,
    LearningResource,
    ResourceKind,
    Role,
    Stage,
)
from benchlearn.competencies.scheme import current_scheme
from benchlearn.competencies.selectors import competency_name
from benchlearn.engine.competencies import ProfileLine
from benchlearn.groups.models import ExchangeGroup
from benchlearn.practices.access import may_read_practice


@dataclass
class Suggestion:
    title: str
    kind: str
    kind_label: str
    url: str
    description: str
    practice_id: int | None


@dataclass
class ProfileRow:
    code: str
    name: str
    line: ProfileLine
    start_evidence: str = ""
    end_evidence: str = ""
    suggestions: list[Suggestion] = field(default_factory=list)


@dataclass
class Profile:
    group: ExchangeGroup
    scheme: CompetencyScheme | None
    seat: str | None
    rows: list[ProfileRow]
    start: Assessment | None
    end: Assessment | None
    superior: Assessment | None
    chart: Chart | None
    goals: list[DevelopmentGoal]
    drafts: list[Assessment]

    @property
    def gaps(self) -> list[ProfileRow]:
        """The assessed competencies, the largest gap first (no gap last)."""
        assessed = [row for row in self.rows if row.line.gap is not None]
        return sorted(assessed, key=lambda row: -(row.line.gap or 0))

    @property
    def with_gaps(self) -> list[ProfileRow]:
        return [row for row in self.gaps if (row.line.gap or 0) > 0]

    @property
    def has_change(self) -> bool:
        return any(row.line.change is not None for row in self.rows)

    @property
    def open_goals(self) -> int:
        return sum(1 for goal in self.goals if goal.achieved_at is None)


def _submitted(person: User, group: ExchangeGroup) -> dict[tuple[str, str], Assessment]:
    found = Assessment.objects.filter(
        person=person, group=group, submitted_at__isnull=False
    ).select_related("scheme")
    return {(a.role, a.stage): a for a in found}


def _levels(assessment: Assessment | None) -> dict[str, tuple[int, str]]:
    if assessment is None:
        return {}
    return {
        r.competency.code: (r.level, r.evidence)
        for r in assessment.ratings.select_related("competency")
    }


def suggestions_for(
    reader: User, group: ExchangeGroup, codes: list[str]
) -> dict[str, list[Suggestion]]:
    """The learning suggestions of each competency in ``codes`` the reader may follow."""
    programme = Q(programme__isnull=True)
    if group.programme_id is not None:
        programme |= Q(programme_id=group.programme_id)
    resources = LearningResource.objects.filter(programme, competency_code__in=codes)
    found: dict[str, list[Suggestion]] = {code: [] for code in codes}
    for resource in resources.select_related("practice").order_by("kind", "title"):
        practice = resource.practice
        if practice is not None and not (
            practice.is_published and may_read_practice(reader, practice)
        ):
            continue
        found[resource.competency_code].append(
            Suggestion(
                title=resource.title or (practice.title if practice else ""),
                kind=resource.kind,
                kind_label=str(ResourceKind(resource.kind).label),
                url=resource.url,
                description=resource.description,
                practice_id=practice.pk if practice is not None else None,
            )
        )
    return found


def profile_for(person: User, group: ExchangeGroup) -> Profile:
    """``person``'s own profile in the group (the caller checked who reads it)."""
    submitted = _submitted(person, group)
    start = submitted.get((Role.SELF, Stage.START))
    end = submitted.get((Role.SELF, Stage.END))
    superior = submitted.get((Role.SUPERIOR, Stage.END)) or submitted.get(
        (Role.SUPERIOR, Stage.START)
    )
    latest = end or start
    scheme = latest.scheme if latest is not None else current_scheme()
    seats = open_seats(person.pk, group)
    seat = latest.seat if latest is not None else (seats[0].level if seats else None)
    starts, ends, views = _levels(start), _levels(end), _levels(superior)
    rows: list[ProfileRow] = []
    competencies = Competency.objects.filter(scheme=scheme).order_by("order", "code")
    for competency in competencies if seat else []:
        code = competency.code
        line = ProfileLine(
            competency=code,
            expected=competency.expected_for(seat) if seat else 0,
            start=starts[code][0] if code in starts else None,
            end=ends[code][0] if code in ends else None,
            superior=views[code][0] if code in views else None,
        )
        rows.append(
            ProfileRow(
                code=code,
                name=competency_name(competency),
                line=line,
                start_evidence=starts.get(code, (0, ""))[1],
                end_evidence=ends.get(code, (0, ""))[1],
            )
        )
    gap_codes = [row.code for row in rows if (row.line.gap or 0) > 0]
    by_code = suggestions_for(person, group, gap_codes)
    for row in rows:
        row.suggestions = by_code.get(row.code, [])
    chart = None
    if latest is not None:
        chart = competency_chart(
            title=_("Your competencies against the level expected of your seat"),
            items=[
                CompetencyLevel(
                    competency=row.name,
                    expected=row.line.expected,
                    start=row.line.start,
                    end=row.line.end,
                    superior=row.line.superior,
                )
                for row in rows
            ],
        )
    drafts = list(
        Assessment.objects.filter(
            person=person, group=group, role=Role.SELF, submitted_at__isnull=True
        )
    )
    return Profile(
        group=group,
        scheme=scheme,
        seat=seat,
        rows=rows,
        start=start,
        end=end,
        superior=superior,
        chart=chart,
        goals=list(DevelopmentGoal.objects.filter(person=person, group=group)),
        drafts=drafts,
    )
