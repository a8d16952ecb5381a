"""The catalogue's change log as its pages show it: per catalogue version, what changed."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from django.utils.translation import get_language

from benchlearn.catalogue.models import ChangeAction, IndicatorVersion
from benchlearn.catalogue.selectors.engine_view import releases
from benchlearn.catalogue.selectors.lookups import effective_ranges


def _in_language(polish: str, english: str) -> str:
    return english if (get_language() or "pl").startswith("en") and english else polish


@dataclass(frozen=True)
class ChangeLine:
    ref: str
    codes: tuple[str, ...]
    action: str  # its label
    text: str


@dataclass(frozen=True)
class ReleaseView:
    version: str
    summary: str
    entries: tuple[ChangeLine, ...]


def changelog_page() -> list[ReleaseView]:
    """Every stored catalogue version's change log, newest first, in the page's language."""
    labels = dict(ChangeAction.choices)
    return [
        ReleaseView(
            version=release.version,
            summary=_in_language(release.summary_pl, release.summary_en),
            entries=tuple(
                ChangeLine(
                    ref=entry.get("ref", ""),
                    codes=tuple(entry.get("codes", ())),
                    action=str(labels.get(entry.get("action", ""), entry.get("action", ""))),
                    text=_in_language(entry.get("pl", ""), entry.get("en", "")),
                )
                for entry in release.entries
            ),
        )
        for release in releases()
    ]


@dataclass(frozen=True)
class SeriesBreak:
    """Where an indicator's definition changed between two data years: ``year`` is the
    first computed with the new one; ``reason`` says why (the change log's entries naming
    the indicator, or else the new version's notes)."""

    year: int
    reason: str
    formula_before: str = ""
    formula_after: str = ""


def series_breaks(code: str) -> list[SeriesBreak]:
    """The breaks in an indicator's series: between the published versions in force, a
    year where what is computed (formula, numerator, denominator) changes."""
    versions = list(
        IndicatorVersion.objects.filter(indicator__code=code, published_at__isnull=False)
    )
    ranges = effective_ranges(versions)
    entries = [
        _in_language(entry.get("pl", ""), entry.get("en", ""))
        for release in releases()
        for entry in release.entries
        if code in entry.get("codes", ())
    ]
    found = []
    for (before, _start, _end), (after, start, _end_after) in itertools.pairwise(ranges):
        if start is None or _computes(before) == _computes(after):
            continue
        reason = " ".join(text for text in entries if text) or _in_language(
            after.notes_pl, after.notes_en
        )
        found.append(SeriesBreak(start, reason, before.formula, after.formula))
    return found


def _computes(version: IndicatorVersion) -> tuple[str, str, str]:
    return version.formula, version.numerator, version.denominator
