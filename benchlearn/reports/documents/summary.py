"""What every report opens and closes with: its cover, its one-page summary (strongest
and weakest positions, largest changes from the previous year) and its methodology
appendix, computed from the figures the report shows."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from benchlearn.engine.stats import Position
from benchlearn.reports.documents.common import (
    change_words,
    decimals_of,
    indicator_heading,
    neutral_place,
    relative_change,
    table_of,
    table_row,
)
from benchlearn.reports.pdf import LONG_DATE
from benchlearn.results.pages import RowWords
from benchlearn.results.selectors import IndicatorInfo, Stat

# Rows of each of the summary's lists: with three lists and the notes, one page.
SHOWN = 5
Number = Callable[[float | None, int], str]
T = TypeVar("T")


@dataclass(frozen=True)
class Standing:
    """One indicator of one unit in the report's year: its value, the previous year's,
    and its place in the comparison."""

    info: IndicatorInfo
    value: float | None
    previous: float | None
    position: Position | None
    stat: Stat | None


def cover(
    *, title: str, subtitle: list[str], facts: list[tuple[str, str]], date: datetime.date
) -> dict[str, Any]:
    """The first page: the title, what the report is about, and when it was made."""
    return {
        "title": title,
        "subtitle": subtitle,
        "facts": [{"label": label, "value": value} for label, value in facts],
        "date": formats.date_format(date, LONG_DATE),
    }


def unit_summary(
    standings: Sequence[Standing], *, year: int, number: Number, unit_name: str
) -> dict[str, Any]:
    """The unit's strongest and weakest positions (by percentile; neutral indicators
    have none and are placed against the median instead) and its largest changes from
    the previous year (in per cent of the earlier value)."""
    words = RowWords.translated()
    ranked = [s for s in standings if s.position is not None and s.position.percentile is not None]
    best_first = sorted(ranked, key=lambda s: (-_percentile(s), s.info.code))
    strongest, weakest = _ends(best_first)
    headers = [_("Indicator"), _("Value"), _("Median"), _("Rank"), _("Percentile")]

    def position_row(s: Standing) -> dict[str, Any]:
        assert s.position is not None
        decimals = decimals_of(s.info)
        return table_row(
            indicator_heading(s.info),
            number(s.value, decimals),
            number(s.stat.median if s.stat else None, decimals),
            _("%(rank)s of %(n)s") % {"rank": s.position.rank, "n": s.position.n},
            number(s.position.percentile, 0),
        )

    changes = _largest_changes(standings)
    neutral = [
        f"{s.info.name}: {neutral_place(s.position, words)}"
        for s in standings
        if s.info.polarity == "neutral" and s.position is not None
    ]
    notes = []
    if neutral:
        notes.append(
            _("Indicators where neither more nor less is better, against the median: %(list)s.")
            % {"list": _listed(neutral)}
        )
    return {
        "heading": _("Summary"),
        "intro": _(
            "%(unit)s in %(year)s: the indicators where it stands highest and lowest in its "
            "comparison (percentile: 100 = the best unit, 0 = the weakest) and the largest "
            "changes from %(previous)s."
        )
        % {"unit": unit_name, "year": year, "previous": year - 1},
        "sections": [
            _section(_("Strongest positions"), headers, [position_row(s) for s in strongest]),
            _section(_("Weakest positions"), headers, [position_row(s) for s in weakest]),
            _section(
                _("Largest changes from %(year)s") % {"year": year - 1},
                [_("Indicator"), pgettext("of a value", "Change")],
                [
                    table_row(indicator_heading(s.info), change_words(s.info, v, p, number))
                    for s, v, p in changes
                ],
            ),
        ],
        "notes": notes,
    }


@dataclass(frozen=True)
class GroupStanding:
    """One indicator of a group in the report's year: its median, the median a year
    before, and where its median stands among all units (``overall``: their median)."""

    info: IndicatorInfo
    median: float | None
    previous_median: float | None
    overall: float | None
    position: Position | None  # the group's median placed among all units


def group_summary(
    standings: Sequence[GroupStanding], *, year: int, number: Number
) -> dict[str, Any]:
    """A group's summary for a reader without a unit in it (its moderator, an
    operator): the indicators where the group's median stands highest and lowest among
    all units (no member is named: letters differ from one indicator to the next), and
    the largest changes of the group's median from the previous year."""
    ranked = [s for s in standings if s.position is not None and s.position.percentile is not None]
    best_first = sorted(ranked, key=lambda s: (-_group_percentile(s), s.info.code))
    strongest, weakest = _ends(best_first)
    headers = [_("Indicator"), _("Group median"), _("Median of all units"), _("Percentile")]

    def row(s: GroupStanding) -> dict[str, Any]:
        decimals = decimals_of(s.info)
        return table_row(
            indicator_heading(s.info),
            number(s.median, decimals),
            number(s.overall, decimals),
            number(_group_percentile(s), 0),
        )

    moved = sorted(
        (
            (abs(change), s)
            for s in standings
            if (change := relative_change(s.median, s.previous_median))
        ),
        key=lambda c: (-c[0], c[1].info.code),
    )[:SHOWN]
    return {
        "heading": _("Summary"),
        "intro": _(
            "The group in %(year)s: the indicators where the group's median stands highest "
            "and lowest among all units (percentile: 100 = better than every unit), and "
            "the largest changes of the group's median from %(previous)s."
        )
        % {"year": year, "previous": year - 1},
        "sections": [
            _section(_("Strongest positions"), headers, [row(s) for s in strongest]),
            _section(_("Weakest positions"), headers, [row(s) for s in weakest]),
            _section(
                _("Largest changes of the median from %(year)s") % {"year": year - 1},
                [_("Indicator"), _("Median")],
                [
                    table_row(
                        indicator_heading(s.info),
                        change_words(s.info, s.median, s.previous_median, number),
                    )
                    for _size, s in moved
                    if s.median is not None and s.previous_median is not None
                ],
            ),
        ],
        "notes": [],
    }


def _group_percentile(standing: GroupStanding) -> float:
    assert standing.position is not None and standing.position.percentile is not None
    return standing.position.percentile


def methodology(
    indicators: Sequence[IndicatorInfo], *, names_shown: bool, formula: Callable[[str], str]
) -> dict[str, Any]:
    """The appendix: how the report's figures are computed, and the formula of every
    indicator it shows (``formula`` prints a stored formula)."""
    paragraphs = [
        _(
            "Median and quartiles: the values of the units of the comparison with a value "
            "in the year, sorted; the median and the quartiles (Q1, Q3) interpolate "
            "linearly between neighbouring values, as Excel's QUARTILE.INC. Units without "
            "a value are left out of every figure."
        ),
        _(
            "Rank: 1 is the best unit (the highest value where more is better, the lowest "
            "where less is better); tied units share the better rank. Percentile = (n − "
            "rank) / (n − 1) · 100: the share of the other units that the unit is better "
            "than or equal to (100 = the best). Quarter: the best quarter for a percentile "
            "of 75 or more, the second for 50 or more, the third for 25 or more, the worst "
            "below."
        ),
        _(
            "Indicators where neither more nor less is better are not ranked: a value "
            "below Q1 is below the median, one between Q1 and Q3 around it, one above Q3 "
            "above it."
        ),
        _(
            "Gap to the median = (value − median) / |median| · 100 %. Change from the "
            "previous year: the same unit's value a year before, in the same comparison."
        ),
        _(
            "Indicators without a value for any unit of the comparison in the year are "
            "named, not drawn."
        ),
    ]
    if not names_shown:
        paragraphs.append(
            _(
                "Anonymisation: other units are shown as letters, which run A, B, C… down "
                "each indicator's table, best first; they are the same for every reader "
                "of the same comparison and data version, and a letter on one indicator "
                "says nothing of the letter of the same unit on another. Letters are not "
                "derived from names or codes, so they cannot be traced back to a unit "
                "from public data. Your own unit is always named."
            )
        )
    return {
        "heading": _("Appendix: how the figures are computed"),
        "text": paragraphs,
        "formulas": table_of(
            [_("Indicator"), _("Formula")],
            [table_row(indicator_heading(info), formula(info.formula)) for info in indicators],
        ),
    }


def _ends(best_first: list[T]) -> tuple[list[T], list[T]]:
    """The strongest and the weakest, ``SHOWN`` of each, weakest first; with fewer than
    twice that, the better half and the other half (nothing is strong and weak)."""
    strong = min(SHOWN, (len(best_first) + 1) // 2)
    weak = min(SHOWN, len(best_first) - strong)
    return best_first[:strong], best_first[::-1][:weak]


def _section(heading: str, headers: list[str], rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "heading": heading,
        "table": table_of(headers, rows) if rows else None,
        "empty": _("Nothing to show for this year."),
    }


def _percentile(standing: Standing) -> float:
    assert standing.position is not None and standing.position.percentile is not None
    return standing.position.percentile


def _largest_changes(standings: Sequence[Standing]) -> list[tuple[Standing, float, float]]:
    found = []
    for s in standings:
        change = relative_change(s.value, s.previous)
        if change and s.value is not None and s.previous is not None:
            found.append((abs(change), s.info.code, s, s.value, s.previous))
    found.sort(key=lambda f: (-f[0], f[1]))
    return [(s, value, previous) for _size, _code, s, value, previous in found[:SHOWN]]


def _listed(items: list[str], limit: int = 8) -> str:
    """ "a; b; c" and "and N more" past ``limit``, so that the summary stays one page."""
    shown = "; ".join(items[:limit])
    if len(items) > limit:
        shown += " " + _("and %(n)s more") % {"n": len(items) - limit}
    return shown
