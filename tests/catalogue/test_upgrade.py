"""Upgrading an installation: the 2025.1 catalogue (format version 1) still imports, the
new default goes onto a database holding it, its rounds and results, without altering a
published version or a past result, and the command prints what was added, changed and
retired. Bad files are refused whole, every problem listed by code."""

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from benchlearn.catalogue.models import (
    CatalogueRelease,
    Indicator,
    IndicatorVersion,
    ValidationRule,
    Variable,
)
from benchlearn.catalogue.services import (
    CatalogueProblems,
    catalogue_export,
    catalogue_import,
    catalogue_publish,
)
from benchlearn.collection.models import Submission, SubmissionState
from benchlearn.collection.selectors import round_variables
from benchlearn.engine.io.catalogue_yaml import default_catalogue_text
from benchlearn.results.models import Result
from benchlearn.results.services import computation_request, computation_run
from tests.collection.conftest import make_round, save
from tests.conftest import TERYT_A

OLD_DEFAULT = Path(__file__).parent / "data" / "default_catalogue_2025_1.yaml"

pytestmark = pytest.mark.django_db


def _version_rows():
    fields = ["pk", "indicator__code", "number", "formula", "name_pl", "notes_pl"]
    fields += ["valid_from", "valid_to", "published_at"]
    return sorted(IndicatorVersion.objects.values_list(*fields))


def _results():
    return {
        (code, period): value
        for code, period, value in Result.objects.values_list("indicator__code", "period", "value")
    }


EDU_2024 = {
    "EDU_EXP_CUR": "30 000 000",
    "EDU_SUBV": "17 000 000",
    "EDU_PUPILS": "2 500",
    "EDU_PRESCHOOL": "700",
    "EDU_PUPILS_OTHER": "100",
    "EDU_CLASSES": "120",
    "EDU_TEACHERS_FTE": "280",
}


def test_a_2025_1_database_upgrades_without_altering_its_past(
    programme, units, operator, participant_a, capsys, tmp_path
):
    call_command("catalogue", "import", str(OLD_DEFAULT))
    capsys.readouterr()
    catalogue_publish(user=operator)
    round_2024 = make_round(operator, [units["a"]], period=2024)
    submission = Submission.objects.get(round=round_2024, unit__teryt=TERYT_A)
    assert save(submission, participant_a, EDU_2024).ok
    # Approved directly: the figures are what matters here, not the workflow.
    Submission.objects.filter(pk=submission.pk).update(state=SubmissionState.APPROVED)
    computation_run(computation_request(user=operator).pk)
    results_before, versions_before = _results(), _version_rows()
    assert results_before[("EDU_SUBV_COVERAGE", 2024)] == pytest.approx(100 * 17 / 30)
    asked_before = {v.code for v in round_variables(round_2024)}

    # The operator's command for the shipped catalogue (its main file and its parts).
    call_command("catalogue", "load-default")
    printed = capsys.readouterr().out
    assert "added variables: " in printed and "EDU_NEEDS" in printed
    assert "changed indicators: " in printed and "EDU_SUBV_COVERAGE" in printed
    assert "retired variables: EDU_SUBV" in printed
    # Every version stored before is still there as it was; new ones came on top.
    versions_after = _version_rows()
    assert [row for row in versions_after if row[0] in {r[0] for r in versions_before}] == (
        versions_before
    )
    coverage = Indicator.objects.get(code="EDU_SUBV_COVERAGE")
    assert [
        (v.number, v.valid_from, v.valid_to, v.formula)
        for v in coverage.versions.order_by("number")
    ] == [
        (1, None, None, "100 * EDU_SUBV / EDU_EXP_CUR"),
        (2, None, 2024, "100 * EDU_SUBV / EDU_EXP_CUR"),
        (3, 2025, None, "100 * EDU_NEEDS / EDU_EXP_CUR"),
    ]
    # An indicator 2026.1 left as it was got no new version.
    assert Indicator.objects.get(code="EDU_PUPILS_PER_TEACHER").versions.count() == 1
    assert CatalogueRelease.objects.filter(version="2026.1").exists()

    # The export gives each definition with the years it computes, and reads back as is.
    exported = catalogue_export()
    assert [
        (i.get("valid_from"), i.get("valid_to"), i["formula"])
        for i in yaml.safe_load(exported)["indicators"]
        if i["code"] == "EDU_SUBV_COVERAGE"
    ] == [
        (None, 2024, "100 * EDU_SUBV / EDU_EXP_CUR"),
        (2025, None, "100 * EDU_NEEDS / EDU_EXP_CUR"),
    ]
    assert not catalogue_import(text=exported, user=operator).code_lines()

    catalogue_publish(user=operator)
    computation_run(computation_request(user=operator).pk)
    assert _results() == results_before
    # The round opened before asks for what it asked.
    assert {v.code for v in round_variables(round_2024)} == asked_before
    # Importing the same catalogue again, as a file, changes nothing.
    shipped = tmp_path / "default.yaml"
    shipped.write_text(default_catalogue_text(), encoding="utf-8")
    call_command("catalogue", "import", str(shipped))
    again = capsys.readouterr().out
    assert "added " not in again and "changed " not in again and "retired " not in again


def test_the_earlier_format_still_imports(db, operator):
    summary = catalogue_import(text=OLD_DEFAULT.read_text(encoding="utf-8"), user=operator)
    assert summary.indicators_created == Indicator.objects.count() > 50
    assert Variable.objects.get(code="EDU_SUBV").valid_to is None


def test_a_newer_format_is_refused_with_a_clear_message(db, tmp_path):
    newer = tmp_path / "newer.yaml"
    newer.write_text(
        default_catalogue_text().replace("\nversion: 3\n", "\nversion: 7\n"),
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as refused:
        call_command("catalogue", "import", str(newer))
    assert refused.value.returncode == 2
    assert "format version 7 is newer than this Benchlearn reads (1..3); upgrade Benchlearn" in (
        str(refused.value)
    )
    assert not Variable.objects.exists()


BAD = """\
format: benchlearn-catalogue
version: 2
variables:
  - {code: EXP}
  - {code: SUBV}
indicators:
  - {code: OVERLAPS, formula: EXP, valid_to: 2024}
  - {code: OVERLAPS, formula: SUBV, valid_from: 2024}
  - {code: GAPS, formula: EXP, valid_to: 2022}
  - {code: GAPS, formula: SUBV, valid_from: 2025}
  - {code: FINE, formula: EXP, valid_to: 2024}
  - {code: FINE, formula: SUBV, valid_from: 2025}
rules:
  - {code: CHECK_SUBV, left: SUBV / EXPENSES, operator: "<=", right: 1}
"""


def test_a_bad_file_is_refused_whole_with_every_problem_by_code(db, operator):
    with pytest.raises(CatalogueProblems) as refused:
        catalogue_import(text=BAD, user=operator)
    problems = refused.value.problems
    assert any(
        p.startswith("line 8: ") and "OVERLAPS" in p and "..2024 and 2024.. overlap" in p
        for p in problems
    ), problems
    assert any(
        p.startswith("line 10: ") and "GAPS" in p and "from 2023 to 2024" in p for p in problems
    ), problems
    assert any("CHECK_SUBV" in p and "EXPENSES" in p for p in problems), problems
    assert not any("FINE" in p for p in problems)
    assert not Variable.objects.exists() and not ValidationRule.objects.exists()
