"""The shipped scheme loads once, and a bad scheme file is refused whole."""

from pathlib import Path

import pytest

from benchlearn.competencies.models import Behaviour, Competency, CompetencyScheme
from benchlearn.competencies.scheme import SchemeFileError, current_scheme, scheme_load
from benchlearn.units.models import Level


def test_shipped_scheme_has_every_level_and_expectation(scheme):
    competencies = list(scheme.competencies.all())
    assert 6 <= len(competencies) <= 8
    for competency in competencies:
        assert competency.name_pl and competency.name_en
        assert sorted(competency.behaviours.values_list("level", flat=True)) == [1, 2, 3, 4]
        for seat in Level:
            assert 1 <= competency.expected_for(seat.value) <= 4
    assert all(b.text_pl and b.text_en for b in Behaviour.objects.all())
    assert current_scheme() == scheme


def test_loading_again_changes_nothing(scheme):
    report = scheme_load()
    assert not report.created and report.scheme == scheme
    assert CompetencyScheme.objects.count() == 1


def test_a_bad_file_is_refused_whole_with_every_problem(db, tmp_path: Path):
    path = tmp_path / "scheme.yaml"
    path.write_text(
        """format: 1
version: "2027.1"
name_pl: Schemat
levels: {1: {pl: a}, 2: {pl: b}, 3: {pl: c}, 4: {pl: d}}
competencies:
  - code: A
    name_pl: Pierwsza
    expected: {strategic: 5, middle: 2, operational: 2}
    behaviours: {1: {pl: x}, 2: {pl: x}, 3: {pl: x}}
  - code: A
    name_pl: Druga
    expected: {strategic: 1, middle: 2, operational: 2}
    behaviours: {1: {pl: x}, 2: {pl: x}, 3: {pl: x}, 4: {pl: x}}
""",
        encoding="utf-8",
    )
    with pytest.raises(SchemeFileError) as refused:
        scheme_load(path=path)
    problems = refused.value.problems
    assert any("5" in problem and "1 to 4" in problem for problem in problems)
    assert any("level 4 has no behaviours" in problem for problem in problems)
    assert any("A: the code is repeated" in problem for problem in problems)
    assert not CompetencyScheme.objects.exists() and not Competency.objects.exists()


def test_a_newer_format_is_refused(db, tmp_path: Path):
    path = tmp_path / "scheme.yaml"
    path.write_text("format: 2\nversion: '2030.1'\n", encoding="utf-8")
    with pytest.raises(SchemeFileError, match="unknown format 2"):
        scheme_load(path=path)
    assert not CompetencyScheme.objects.exists()
