"""Aggregates of competency assessments, with small numbers withheld.

A person's gap on a competency is how far below the level expected of their seat they
stand (``max(expected - level, 0)``): being above the expectation does not make up for
someone else's shortfall. Their change is their end-of-cycle level minus their
start-of-cycle level, for those assessed at both.

Every mean is given only where at least ``min_people`` people stand behind it; below
that the figure is ``None`` and only the count is told, so that no one's assessment can
be read off an aggregate."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from statistics import fmean

START = "start"
END = "end"


@dataclass(frozen=True)
class RatingRow:
    """One submitted self-assessment's level of one competency."""

    person: Hashable
    seat: str
    competency: str
    stage: str
    level: int
    expected: int


@dataclass(frozen=True)
class Cell:
    """The aggregate of one competency for one seat (or all seats: ``seat`` None)."""

    competency: str
    seat: str | None
    n: int  # people assessed at either stage
    n_start: int
    n_end: int
    n_both: int  # people assessed at both stages (behind the change)
    mean_start: float | None
    mean_end: float | None
    # The mean gap of each person's latest assessment (the end where there is one).
    mean_gap: float | None
    mean_change: float | None

    @property
    def shown(self) -> bool:
        return self.mean_gap is not None


def gap(level: int, expected: int) -> int:
    """How far below the expected level: 0 at or above it."""
    return max(expected - level, 0)


def _mean(values: list[float], min_people: int) -> float | None:
    return fmean(values) if len(values) >= min_people and values else None


def _cell(competency: str, seat: str | None, rows: list[RatingRow], min_people: int) -> Cell:
    start: dict[Hashable, RatingRow] = {}
    end: dict[Hashable, RatingRow] = {}
    for row in rows:
        (start if row.stage == START else end)[row.person] = row
    latest = {**start, **end}
    both = [person for person in end if person in start]
    return Cell(
        competency=competency,
        seat=seat,
        n=len(latest),
        n_start=len(start),
        n_end=len(end),
        n_both=len(both),
        mean_start=_mean([row.level for row in start.values()], min_people),
        mean_end=_mean([row.level for row in end.values()], min_people),
        mean_gap=_mean([gap(row.level, row.expected) for row in latest.values()], min_people),
        mean_change=_mean([end[person].level - start[person].level for person in both], min_people),
    )


def summarise(rows: Iterable[RatingRow], *, min_people: int, by_seat: bool = True) -> list[Cell]:
    """Per competency and seat (and per competency over all seats when ``by_seat`` is
    False), in the order the competencies and seats first appear."""
    cells: dict[tuple[str, str | None], list[RatingRow]] = defaultdict(list)
    for row in rows:
        cells[(row.competency, row.seat if by_seat else None)].append(row)
    return [
        _cell(competency, seat, members, min_people)
        for (competency, seat), members in cells.items()
    ]


def largest_gaps(cells: Iterable[Cell], limit: int = 3) -> dict[str | None, list[Cell]]:
    """Per seat, the shown cells with the largest mean gap (ties by competency order)."""
    by_seat: dict[str | None, list[Cell]] = defaultdict(list)
    for cell in cells:
        if cell.mean_gap is not None and cell.mean_gap > 0:
            by_seat[cell.seat].append(cell)
    return {
        seat: sorted(members, key=lambda cell: -(cell.mean_gap or 0.0))[:limit]
        for seat, members in by_seat.items()
    }


@dataclass(frozen=True)
class ProfileLine:
    """One competency of one person's profile."""

    competency: str
    expected: int
    start: int | None
    end: int | None
    superior: int | None  # the strategic person's second view (latest stage)

    @property
    def latest(self) -> int | None:
        return self.end if self.end is not None else self.start

    @property
    def gap(self) -> int | None:
        return None if self.latest is None else gap(self.latest, self.expected)

    @property
    def change(self) -> int | None:
        if self.start is None or self.end is None:
            return None
        return self.end - self.start
