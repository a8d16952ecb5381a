"""The aggregates of a programme's or a group's self-assessments: per competency and
seat (and over all seats), the change from the start to the end of the cycle, the
largest gaps per seat, with every mean withheld where fewer than ``MIN_PEOPLE`` people
stand behind it (the engine's ``summarise`` does the withholding).

Only submitted self-assessments count: drafts are not finished, and a superior's second
view is not the person's own. Whether the office may read an assessment one by one
(``office_may_see``) does not matter here: every submitted self-assessment counts in
the aggregates, which name nobody.

A person counts once in a programme's figures even where they were assessed in two of
its groups (their later group's rating of a stage wins): counting them twice would let
fewer than five people stand behind a figure."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benchlearn.accounts.access import active_account, group_get_for_user
from benchlearn.competencies.models import (
    MIN_PEOPLE,
    Competency,
    CompetencyScheme,
    Rating,
    Role,
)
from benchlearn.competencies.scheme import current_scheme
from benchlearn.engine.competencies import Cell, RatingRow, largest_gaps, summarise
from benchlearn.groups.models import ExchangeGroup, Programme
from benchlearn.units.models import Level

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser

SEATS = [seat.value for seat in Level]


def may_see_programme_aggregates(user: AnyUser, programme: Programme | None) -> bool:
    """A programme's aggregates: the office only."""
    account = active_account(user)
    return account is not None and account.is_operator


def programme_for_aggregates(user: AnyUser, programme_id: int) -> Programme:
    """The programme whose aggregates or trainings ``user`` opens: the office only (403
    for anyone else before any programme is looked up, so nobody learns which exist)."""
    programme = Programme.objects.filter(pk=programme_id).first()
    if not may_see_programme_aggregates(user, programme):
        raise PermissionDenied(_("A programme's competency aggregates are for the office only."))
    if programme is None:
        raise Http404(_("There is no programme number %(id)s.") % {"id": programme_id})
    return programme


def group_for_aggregates(user: AnyUser, group_id: int) -> ExchangeGroup:
    """The group whose aggregates ``user`` opens: 404 where they do not see the group,
    403 for its members (the office and its moderator read them)."""
    group = group_get_for_user(user, group_id)
    if not may_see_group_aggregates(user, group):
        raise PermissionDenied(
            _("A group's competency aggregates are for its moderator and the office.")
        )
    return group


def may_see_group_aggregates(user: AnyUser, group: ExchangeGroup) -> bool:
    """A group's aggregates: the office and the group's moderator (never its members:
    in a small group they could tell one another apart)."""
    account = active_account(user)
    if account is None:
        return False
    return account.is_operator or group.moderator_id == account.pk


def competency_name(competency: Competency) -> str:
    """The competency's name in the active language (Polish where English is missing)."""
    if (get_language() or "pl").startswith("en") and competency.name_en:
        return competency.name_en
    return competency.name_pl


@dataclass(frozen=True)
class Line:
    """One competency of a table: its cells per seat (None: nobody of that seat was
    assessed) and over all seats."""

    code: str
    name: str
    seats: list[Cell | None]
    overall: Cell | None


@dataclass(frozen=True)
class GroupAggregates:
    group: ExchangeGroup
    lines: list[Line]
    people: int


@dataclass(frozen=True)
class Aggregates:
    """What a programme's or a group's pages, exports and the API show."""

    scheme: CompetencyScheme | None  # whose names and order are used
    min_people: int
    seats: list[tuple[str, str]]  # (value, label)
    lines: list[Line]
    cells: list[Cell]  # per competency and seat, in the lines' order
    largest: list[tuple[str, str, list[tuple[Cell, str]]]]  # seat, label, (cell, name)
    people: int  # people with a submitted self-assessment
    groups: list[GroupAggregates]
    names: dict[str, str]

    @property
    def empty(self) -> bool:
        return not self.cells


def _rows(groups: list[int]) -> tuple[list[tuple[int, RatingRow]], list[int]]:
    """Each submitted self-assessment's ratings (with its group), and the schemes used."""
    found = (
        Rating.objects.filter(
            assessment__group_id__in=groups,
            assessment__role=Role.SELF,
            assessment__submitted_at__isnull=False,
        )
        .order_by("assessment__group_id", "assessment__created_at", "pk")
        .values_list(
            "assessment__group_id",
            "assessment__person_id",
            "assessment__seat",
            "assessment__stage",
            "assessment__scheme_id",
            "competency__code",
            "level",
            "competency__expected_strategic",
            "competency__expected_middle",
            "competency__expected_operational",
        )
    )
    rows: list[tuple[int, RatingRow]] = []
    schemes: set[int] = set()
    for group_id, person, seat, stage, scheme_id, code, level, *expected in found:
        schemes.add(scheme_id)
        rows.append(
            (
                group_id,
                RatingRow(
                    person=person,
                    seat=seat,
                    competency=code,
                    stage=stage,
                    level=level,
                    expected=dict(zip(SEATS, expected, strict=True))[seat],
                ),
            )
        )
    return rows, sorted(schemes)


def _naming_scheme(used: list[int]) -> CompetencyScheme | None:
    """The newest scheme the assessments used; the scheme in force when none was."""
    newest = (
        CompetencyScheme.objects.filter(pk__in=used).order_by("-published_at", "-pk").first()
        if used
        else None
    )
    return newest or current_scheme()


def _lines(rows: list[RatingRow], order: list[str], names: dict[str, str]) -> list[Line]:
    by_seat = {
        (cell.competency, cell.seat): cell for cell in summarise(rows, min_people=MIN_PEOPLE)
    }
    overall = {
        cell.competency: cell for cell in summarise(rows, min_people=MIN_PEOPLE, by_seat=False)
    }
    codes = [code for code in order if code in overall]
    codes += sorted(code for code in overall if code not in order)
    return [
        Line(
            code=code,
            name=names.get(code, code),
            seats=[by_seat.get((code, seat)) for seat in SEATS],
            overall=overall.get(code),
        )
        for code in codes
    ]


def aggregates_of(groups: list[ExchangeGroup], *, per_group: bool = True) -> Aggregates:
    """The aggregates of the groups' submitted self-assessments, together (a person
    counted once) and, with ``per_group``, for each group."""
    rows, used = _rows([group.pk for group in groups])
    scheme = _naming_scheme(used)
    competencies = list(scheme.competencies.all()) if scheme else []
    order = [competency.code for competency in competencies]
    names = {competency.code: competency_name(competency) for competency in competencies}
    # A person counted once: their latest group's rating of a stage stands.
    latest: dict[tuple[object, str, str], RatingRow] = {}
    per: dict[int, list[RatingRow]] = defaultdict(list)
    for group_id, row in rows:
        latest[(row.person, row.competency, row.stage)] = row
        per[group_id].append(row)
    together = list(latest.values())
    lines = _lines(together, order, names)
    cells = [cell for line in lines for cell in line.seats if cell is not None]
    labels = dict(Level.choices)
    gaps = largest_gaps(cells)
    return Aggregates(
        scheme=scheme,
        min_people=MIN_PEOPLE,
        seats=[(seat, str(labels[seat])) for seat in SEATS],
        lines=lines,
        cells=cells,
        largest=[
            (
                seat,
                str(labels[seat]),
                [(cell, names.get(cell.competency, cell.competency)) for cell in gaps[seat]],
            )
            for seat in SEATS
            if gaps.get(seat)
        ],
        people=len({row.person for row in together}),
        groups=[
            GroupAggregates(
                group=group,
                lines=_lines(per[group.pk], order, names),
                people=len({row.person for row in per[group.pk]}),
            )
            for group in groups
        ]
        if per_group
        else [],
        names=names,
    )


def programme_groups(programme: Programme) -> list[ExchangeGroup]:
    return list(programme.groups.order_by("name", "pk"))


def programme_aggregates(programme: Programme) -> Aggregates:
    """A programme's aggregates: over its groups, and per group."""
    return aggregates_of(programme_groups(programme))


def group_aggregates(group: ExchangeGroup) -> Aggregates:
    """One group's aggregates."""
    return aggregates_of([group], per_group=False)


def seats_with_gaps(programme: Programme, codes: list[str]) -> list[str]:
    """The seats whose shown mean gap in one of ``codes`` is above zero, largest
    first: whom a training of those competencies is for (no one's own result is read)."""
    found = programme_aggregates(programme)
    gap: dict[str, float] = {}
    for cell in found.cells:
        if cell.seat and cell.competency in codes and cell.mean_gap:
            gap[cell.seat] = max(gap.get(cell.seat, 0.0), cell.mean_gap)
    return sorted(gap, key=lambda seat: -gap[seat])
