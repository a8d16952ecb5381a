"""The catalogue's change log as its pages show it: per catalogue version, what changed."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language

from benchlearn.catalogue.models import ChangeAction
from benchlearn.catalogue.selectors.engine_view import releases


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
