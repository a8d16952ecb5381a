"""The change log of a catalogue file: read, written back, and refused when malformed."""

import pytest

from benchlearn.engine.catalogue import ChangeAction, ChangeEntry, Release
from benchlearn.engine.io import InputError
from benchlearn.engine.io.catalogue_yaml import catalogue_from_yaml, catalogue_to_yaml

BASE = """\
format: benchlearn-catalogue
version: 2
variables:
  - code: A
indicators:
  - code: X
    formula: A * 2
"""

WITH_LOG = (
    BASE
    + """\
changelog:
  - version: "2026.1"
    summary: {pl: Poprawki po przeglądzie, en: Fixes after the review}
    entries:
      - {ref: D03, codes: [X, A], action: fixed, pl: Węższy zakres, en: A narrower scope}
      - {codes: [OLD], action: retired, pl: Zniesione ustawą}
  - version: "2025.1"
    summary: Pierwsza wersja
"""
)


def _problems(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        catalogue_from_yaml(text)
    return caught.value.problems


def test_the_change_log_is_read_and_written_back():
    catalogue = catalogue_from_yaml(WITH_LOG)
    assert catalogue.changelog == (
        Release(
            version="2026.1",
            summary_pl="Poprawki po przeglądzie",
            summary_en="Fixes after the review",
            entries=(
                ChangeEntry(
                    ("X", "A"), ChangeAction.FIXED, "Węższy zakres", "A narrower scope", "D03"
                ),
                # A retired code need not be in the file any more.
                ChangeEntry(("OLD",), ChangeAction.RETIRED, "Zniesione ustawą", "", ""),
            ),
        ),
        Release(version="2025.1", summary_pl="Pierwsza wersja", summary_en="Pierwsza wersja"),
    )
    written = catalogue_to_yaml(catalogue)
    assert written.startswith("format: benchlearn-catalogue\nversion: 3\n")
    assert catalogue_from_yaml(written) == catalogue


def test_a_version_1_file_without_a_change_log_is_still_read():
    catalogue = catalogue_from_yaml(BASE.replace("version: 2", "version: 1"))
    assert catalogue.changelog == () and catalogue.indicator("X").formula == "A * 2"


@pytest.mark.parametrize(
    "log, expected",
    [
        (
            '  - version: "2026.1"\n    entries:\n      - {codes: [X], action: mended}\n',
            "change log 2026.1 entry action must be one of fixed, kept, added, retired, "
            "not 'mended'",
        ),
        (
            '  - version: "2026.1"\n    entries:\n      - {action: fixed}\n',
            "change log 2026.1 entry names no codes",
        ),
        (
            '  - version: "2026.1"\n    entries:\n      - {codes: [X]}\n',
            "change log 2026.1 entry has no action (one of fixed, kept, added, retired)",
        ),
        (
            '  - version: "2026.1"\n    entries:\n      - {codes: [X], action: added, why: x}\n',
            "change log 2026.1 entry: unknown key 'why'",
        ),
        ("  - summary: x\n", "a change log version without 'version'"),
        ('  - version: "2026.1"\n  - version: "2026.1"\n', "lists version 2026.1 twice"),
    ],
)
def test_a_malformed_change_log_is_refused_with_its_line(log, expected):
    problems = _problems(BASE + "changelog:\n" + log)
    assert any(expected in problem and problem.startswith("line ") for problem in problems), (
        problems
    )
