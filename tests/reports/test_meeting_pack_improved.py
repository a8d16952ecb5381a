"""The meeting pack's "most improved": per ranked indicator, the members whose value
improved most since the year before, by the indicator's direction (hand-worked)."""

from types import SimpleNamespace

from benchlearn.reports.documents.meeting_pack import most_improved_in_report
from tests.conftest import client_for
from tests.reports.test_documents import computed  # noqa: F401 - a fixture
from tests.reports.test_meeting_pack import meetings, pack_url, pages_of  # noqa: F401
from tests.results.conftest import (  # noqa: F401 - fixtures used by these tests
    computed_programme,
    extra_units,
    published,
)


def _row(label, previous, value, own=False):
    return SimpleNamespace(label=label, previous=previous, value=value, own=own)


def _indicator(name, polarity, rows, unit="%"):
    info = SimpleNamespace(name=name, polarity=polarity, decimals=1, unit=unit)
    return SimpleNamespace(info=info, rows=rows)


def _report(*indicators, withheld="", years=(2023, 2024)):
    return SimpleNamespace(
        year=2024,
        years=list(years),
        comparison=SimpleNamespace(withheld=withheld),
        indicators=list(indicators),
    )


LATE_DECISIONS = _indicator(
    "Late decisions",
    "lower",
    [
        _row("A", 10.0, 8.0),  # −2: improved by 2
        _row("B", 10.0, 9.0),  # −1: improved by 1
        _row("C", 10.0, 12.0),  # +2: worse, not listed
        _row("D", 10.0, 8.0, own=True),  # −2: ties with A
        _row("E", None, 5.0),  # no value the year before: not ranked
        _row("F", 10.0, 9.5),  # −0.5: fourth, past the first three
    ],
)
SATISFIED = _indicator(
    "Satisfied residents", "higher", [_row("A", 50.0, 49.0), _row("B", 50.0, 57.5)]
)
CLASS_SIZE = _indicator("Class size", "neutral", [_row("A", 20.0, 18.0)])


def test_the_most_improved_by_direction_ties_sharing_a_rank():
    found = most_improved_in_report(_report(LATE_DECISIONS, SATISFIED, CLASS_SIZE))
    listed = [(r.indicator, r.rank, r.label, r.own, r.baseline, r.latest, r.change) for r in found]
    assert listed == [
        ("Late decisions", 1, "A", False, "10.0", "8.0", "-2.0"),
        ("Late decisions", 1, "D", True, "10.0", "8.0", "-2.0"),
        ("Late decisions", 3, "B", False, "10.0", "9.0", "-1.0"),
        # Higher is better: B rose by 7.5; A fell and is not listed.
        ("Satisfied residents", 1, "B", False, "50.0", "57.5", "+7.5"),
    ]  # the neutral class size has no "better": no ranking


def test_nothing_without_the_year_before_or_where_the_group_is_too_small():
    assert most_improved_in_report(_report(LATE_DECISIONS, years=(2024,))) == []
    withheld = _report(LATE_DECISIONS, withheld="Fewer than 5 units: figures withheld.")
    assert most_improved_in_report(withheld) == []
    assert most_improved_in_report(None) == []


def test_the_pack_says_when_no_member_improved(computed, meetings, moderator):  # noqa: F811
    # Every member's cost per pupil rose and its teachers per 100 pupils fell from 2023
    # to 2024 (tests/results/conftest.py): nobody improved either.
    text = "\n".join(pages_of(client_for(moderator).get(pack_url(meetings["second"]))))
    assert "Most improved, 2023–2024" in text
    assert "No member improved a ranked indicator from 2023 to 2024." in text
