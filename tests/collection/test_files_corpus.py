"""The bad-file corpus: each file gives a clear message and stores nothing."""

from decimal import Decimal

import pytest

from benchlearn.collection.files.export import unit_template
from benchlearn.collection.files.importer import import_file
from benchlearn.collection.models import Value, ValueSource
from tests.collection import corpus
from tests.collection.conftest import dump, save


@pytest.fixture
def template(sub_a, participant_a):
    save(sub_a, participant_a, {"EDU_EXP": "100"})  # something stored that must survive
    return unit_template(sub_a)


def refused(path, sub_a, participant_a) -> str:
    before = dump()
    result = import_file(
        path=path,
        name=path.name,
        round_=sub_a.round,
        user=participant_a,
        unit=sub_a.unit,
        source=ValueSource.EXCEL,
    )
    assert not result.ok
    assert dump() == before
    return "\n".join(str(problem) for problem in result.problems)


def test_a_png_named_xlsx(sub_a, participant_a, tmp_path):
    shown = refused(corpus.png_named_xlsx(tmp_path), sub_a, participant_a)
    assert shown == "“dane.xlsx” is not an Excel workbook, although its name says so."


def test_a_password_protected_workbook(sub_a, participant_a, tmp_path):
    shown = refused(corpus.encrypted_workbook(tmp_path), sub_a, participant_a)
    assert "protected with a password" in shown and "remove the password" in shown


def test_macro_enabled_workbooks(sub_a, participant_a, tmp_path, template):
    shown = refused(corpus.macro_workbook(tmp_path, template), sub_a, participant_a)
    assert "Workbooks with macros (.xlsm) are not accepted" in shown
    shown = refused(corpus.macro_inside_xlsx(tmp_path, template), sub_a, participant_a)
    assert "The workbook contains macros" in shown


def test_an_empty_sheet(sub_a, participant_a, tmp_path, template):
    shown = refused(corpus.empty_sheet(tmp_path, template), sub_a, participant_a)
    assert shown == "The sheet Data is empty: fill in the template downloaded from the round."


def test_shuffled_columns_are_found_by_their_headers(sub_a, participant_a, tmp_path, template):
    path = corpus.shuffled_columns(tmp_path, template, {"TEACHERS": 41})
    result = import_file(
        path=path,
        name=path.name,
        round_=sub_a.round,
        user=participant_a,
        unit=sub_a.unit,
        source=ValueSource.EXCEL,
    )
    assert result.ok and result.changed == 1
    assert Value.objects.get(variable__code="TEACHERS").value == Decimal(41)


def test_renamed_or_missing_columns_are_refused(sub_a, participant_a, tmp_path, template):
    shown = refused(corpus.renamed_column(tmp_path, template), sub_a, participant_a)
    assert "Sheet Data, cell F1: The column “Kwota” is not one of the template's columns" in shown
    assert "Required columns are missing: “Value”" in shown
    shown = refused(corpus.missing_column(tmp_path, template), sub_a, participant_a)
    assert shown == (
        "Sheet Data: Required columns are missing: “Value” (the first row holds the headers)."
    )


def test_merged_cells(sub_a, participant_a, tmp_path, template):
    shown = refused(corpus.merged_cells(tmp_path, template), sub_a, participant_a)
    assert shown == (
        "Sheet Data, cell F2: Cells F2:F3 are merged: unmerge them so that each value has its cell."
    )


def test_text_and_a_date_in_number_cells(sub_a, participant_a, tmp_path, template):
    shown = refused(corpus.text_and_date(tmp_path, template), sub_a, participant_a).splitlines()
    assert shown[0].startswith("Sheet Data, cell F2, variable EDU_EXP: “dużo” is not a number")
    assert shown[1] == (
        "Sheet Data, cell F3, variable NEW_PUPILS: “2024-05-01” looks like a date, not a number."
    )


def test_spreadsheet_errors(sub_a, participant_a, tmp_path, template):
    shown = refused(corpus.spreadsheet_errors(tmp_path, template), sub_a, participant_a)
    lines = shown.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Sheet Data, cell F2, variable EDU_EXP: “#DIV/0!” is a spreadsheet")
    assert lines[1].startswith("Sheet Data, cell F3, variable NEW_PUPILS: “#DIV/0!” is a spread")


def test_formulas_count_with_their_computed_value(sub_a, participant_a, tmp_path, template):
    path = corpus.formula_with_result(tmp_path, template)
    result = import_file(
        path=path,
        name=path.name,
        round_=sub_a.round,
        user=participant_a,
        unit=sub_a.unit,
        source=ValueSource.EXCEL,
    )
    assert result.ok and Value.objects.get(variable__code="EDU_EXP").value == Decimal(42)


def test_a_formula_without_a_computed_value(sub_a, participant_a, tmp_path, template):
    shown = refused(corpus.formula_without_result(tmp_path, template), sub_a, participant_a)
    assert shown.startswith(
        "Sheet Data, cell F2, variable EDU_EXP: The cell has a formula whose result was never "
        "computed"
    )


def test_a_duplicated_row(sub_a, participant_a, tmp_path, template):
    shown = refused(corpus.duplicated_row(tmp_path, template), sub_a, participant_a)
    rows = len([1 for _ in template])  # noqa: F841 - the template's size does not matter
    assert "variable EDU_EXP: The variable appears more than once (also in row 2)." in shown


def test_a_50_mb_file_is_refused_before_it_is_read(sub_a, participant_a, tmp_path):
    shown = refused(corpus.huge_file(tmp_path), sub_a, participant_a)
    assert shown == "The file is 50 MB; files of at most 20 MB can be imported."


def test_a_zip_bomb_is_refused_from_its_directory(sub_a, participant_a, tmp_path, settings):
    settings.COLLECTION_IMPORT_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
    shown = refused(corpus.zip_bomb(tmp_path, 60), sub_a, participant_a)
    assert "would unpack to 60 MB" in shown and "zip bomb" in shown


def test_a_csv_in_windows_1250(sub_a, participant_a, tmp_path):
    shown = refused(corpus.csv_windows_1250(tmp_path, sub_a.unit.teryt), sub_a, participant_a)
    assert "The CSV file is in the Windows-1250 encoding, not UTF-8" in shown


@pytest.mark.parametrize("bom", [True, False])
def test_a_csv_in_utf8_with_or_without_bom(sub_a, participant_a, tmp_path, bom):
    teryt = sub_a.unit.teryt
    path = corpus.csv_utf8(tmp_path, [f"{teryt};EDU_EXP;1 234,5;Zwiększone"], bom=bom)
    result = import_file(
        path=path,
        name=path.name,
        round_=sub_a.round,
        user=participant_a,
        unit=sub_a.unit,
        source=ValueSource.EXCEL,
    )
    assert result.ok, result.problems
    value = Value.objects.get(variable__code="EDU_EXP")
    assert (value.value, value.comment) == (Decimal("1234.5"), "Zwiększone")


def test_a_csv_row_of_another_unit(sub_a, participant_a, tmp_path, unit_b):
    path = corpus.csv_utf8(tmp_path, [f"{unit_b.teryt};EDU_EXP;1"], bom=False)
    shown = refused(path, sub_a, participant_a)
    assert shown == f"Sheet dane.csv, cell A2: The row is for unit {unit_b.teryt}, not for 2461011."
