"""The Excel and CSV round trip: templates, uploads through the import, idempotency,
files for the wrong round, unit or template version, the CLI and its exit codes."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from benchlearn.collection.files.export import round_csv, round_template, unit_template
from benchlearn.collection.files.importer import import_file
from benchlearn.collection.models import Submission, Value, ValueChange, ValueSource
from benchlearn.collection.selectors import submission_values
from tests.collection.conftest import dump, make_round, save


def fill(data: bytes, values: dict[str, object], *, comments=None) -> openpyxl.Workbook:
    """A downloaded unit template with ``values`` typed into the value column."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        code = row[0].value
        if code in values:
            row[5].value = values[code]
        if comments and code in comments:
            row[6].value = comments[code]
    return book


def saved(book, tmp_path, name="dane.xlsx"):
    path = tmp_path / name
    book.save(path)
    return path


def run(path, round_, user, unit=None, **options):
    return import_file(
        path=path,
        name=path.name,
        round_=round_,
        user=user,
        unit=unit,
        source=ValueSource.EXCEL,
        **options,
    )


def stored(submission):
    return {code: v.value for code, v in submission_values(submission).items()}


VALUES = {"EDU_EXP": 1234567.5, "SUBSIDY": "600 000", "TEACHERS": 40, "NEW_PUPILS": 25}


def test_template_has_a_row_per_variable_unlocked_inputs_and_validation(sub_a):
    book = openpyxl.load_workbook(io.BytesIO(unit_template(sub_a)))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == [
        "Code",
        "Variable",
        "Definition",
        "Unit of measure",
        "Last year",
        "Value",
        "Comment",
    ]
    codes = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert codes == ["EDU_EXP", "NEW_PUPILS", "SUBSIDY", "TEACHERS", "WASTE_T"][: len(codes)]
    assert sheet.protection.sheet
    assert not sheet["F2"].protection.locked and sheet["A2"].protection.locked
    rules = sheet.data_validations.dataValidation
    assert rules and all(rule.type == "decimal" for rule in rules)
    meta = book["benchlearn"]
    assert meta.sheet_state == "hidden"
    info = {row[0].value: row[1].value for row in meta.iter_rows()}
    assert info["round"] == sub_a.round.pk and info["unit"] == sub_a.unit.teryt
    assert info["version"] == 1 and len(info["variables"]) == 16


def test_round_trip_stores_values_from_excel_with_history(sub_a, participant_a, tmp_path):
    path = saved(fill(unit_template(sub_a), VALUES, comments={"TEACHERS": "nowa szkoła"}), tmp_path)
    result = run(path, sub_a.round, participant_a, sub_a.unit)
    assert result.ok, result.problems
    assert result.changed == 4
    assert stored(sub_a) == {
        "EDU_EXP": Decimal("1234567.5"),
        "SUBSIDY": Decimal("600000"),
        "TEACHERS": Decimal("40"),
        "NEW_PUPILS": Decimal("25"),
    }
    changes = ValueChange.objects.all()
    assert len(changes) == 4
    assert {c.source for c in changes} == {ValueSource.EXCEL}
    assert {c.changed_by for c in changes} == {participant_a}
    assert {c.submission for c in changes} == {sub_a}
    assert Value.objects.get(variable__code="TEACHERS").comment == "nowa szkoła"
    sub_a.refresh_from_db()
    assert sub_a.revision == 1


def test_the_same_file_twice_changes_nothing_the_second_time(sub_a, participant_a, tmp_path):
    path = saved(fill(unit_template(sub_a), VALUES), tmp_path)
    assert run(path, sub_a.round, participant_a, sub_a.unit).ok
    before = dump()
    again = run(path, sub_a.round, participant_a, sub_a.unit)
    assert again.ok and again.changed == 0
    assert dump() == before


def test_downloaded_template_carries_stored_values_back_unchanged(sub_a, participant_a, tmp_path):
    save(sub_a, participant_a, {"EDU_EXP": ("1 000,25", "remont"), "TEACHERS": "12"})
    before = dump()
    path = tmp_path / "t.xlsx"
    path.write_bytes(unit_template(sub_a))
    result = run(path, sub_a.round, participant_a, sub_a.unit)
    assert result.ok and result.changed == 0
    assert dump() == before


def test_problems_name_sheet_cell_and_variable_and_store_nothing(sub_a, participant_a, tmp_path):
    book = fill(unit_template(sub_a), {"EDU_EXP": "abc", "TEACHERS": 20000, "SUBSIDY": 5})
    path = saved(book, tmp_path)
    before = dump()
    result = run(path, sub_a.round, participant_a, sub_a.unit)
    assert not result.ok
    shown = [str(p) for p in result.problems]
    assert shown[0].startswith("Sheet Data, cell F2, variable EDU_EXP: “abc” is not a number")
    assert any("cell F5, variable TEACHERS" in s and "maximum" in s for s in shown)
    assert len(shown) == 2
    assert dump() == before


def test_problems_in_polish(sub_a, participant_a, tmp_path, settings):
    path = saved(fill(unit_template(sub_a), {"EDU_EXP": "abc"}), tmp_path)
    settings.LANGUAGE_CODE = "pl"
    from django.utils import translation

    with translation.override("pl"):
        result = run(path, sub_a.round, participant_a, sub_a.unit)
        assert str(result.problems[0]).startswith("Arkusz Data, komórka F2, zmienna EDU_EXP:")


def test_file_for_another_unit_round_or_version_is_refused(
    round_, sub_a, sub_b, participant_a, operator, unit_a, tmp_path, published, units
):
    path = saved(fill(unit_template(sub_b), VALUES), tmp_path)
    result = run(path, round_, participant_a, unit_a)
    assert "template of unit 2466011, not of" in str(result.problems[0])
    # The file names unit B, whose data participant A may not enter.
    result = run(path, round_, participant_a)
    assert "You may not enter data for" in str(result.problems[0])
    other = make_round(operator, list(units.values()), period=2023)
    result = run(saved(fill(unit_template(sub_a), VALUES), tmp_path), other, operator)
    assert f"round number {round_.pk}, not for this round" in str(result.problems[0])
    book = fill(unit_template(sub_a), VALUES)
    book["benchlearn"]["B2"] = 0
    result = run(saved(book, tmp_path), round_, participant_a, unit_a)
    assert "template version 0" in str(result.problems[0])
    assert not Value.objects.exists()


def test_round_workbook_and_csv_round_trip(round_, sub_a, sub_b, operator, participant_a, tmp_path):
    save(sub_a, participant_a, {"EDU_EXP": ("1 000,25", "remont"), "TEACHERS": "12"})
    book = openpyxl.load_workbook(io.BytesIO(round_template(round_)))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["TERYT", "Unit"]
    column = header.index("TEACHERS")
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == sub_b.unit.teryt:
            row[column].value = 33
    path = saved(book, tmp_path, "round.xlsx")
    result = run(path, round_, operator)
    assert result.ok, result.problems
    assert result.changed == 1 and stored(sub_b) == {"TEACHERS": Decimal(33)}
    csv_path = tmp_path / "round.csv"
    csv_path.write_bytes(round_csv(round_))
    text = csv_path.read_bytes().decode("utf-8-sig")
    assert "2461011;EDU_EXP;1000,25;remont" in text
    before = dump()
    again = run(csv_path, round_, operator)
    assert again.ok and again.changed == 0
    assert dump() == before


def test_round_workbook_problems_name_the_cell_and_store_nothing(
    round_, sub_a, sub_b, operator, tmp_path
):
    book = openpyxl.load_workbook(io.BytesIO(round_template(round_)))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    letter = {code: openpyxl.utils.get_column_letter(header.index(code) + 1) for code in header}
    rows = {row[0].value: row[0].row for row in sheet.iter_rows(min_row=2)}
    row_a, row_b = rows[sub_a.unit.teryt], rows[sub_b.unit.teryt]
    sheet[f"{letter['EDU_EXP']}{row_a}"] = 100.5  # fine
    sheet[f"{letter['TEACHERS']}{row_a}"] = "dużo"  # not a number: found reading the file
    sheet[f"{letter['TEACHERS']}{row_b}"] = 20000  # above the maximum: found by the import
    before = dump()
    result = run(saved(book, tmp_path, "round.xlsx"), round_, operator)
    places = {(p.cell, p.variable) for p in result.problems}
    assert places == {
        (f"{letter['TEACHERS']}{row_a}", "TEACHERS"),
        (f"{letter['TEACHERS']}{row_b}", "TEACHERS"),
    }
    assert "maximum" in " ".join(p.message for p in result.problems)
    assert result.changed == 0 and dump() == before


def test_cli_imports_dry_runs_and_exits_2_on_problems(
    round_, sub_a, participant_a, tmp_path, capsys
):
    path = saved(fill(unit_template(sub_a), VALUES), tmp_path)
    call_command("import-values", "--round", str(round_.pk), "--file", str(path), "--dry-run")
    assert "Dry run" in capsys.readouterr().out
    assert not Value.objects.exists()
    call_command("import-values", "--round", str(round_.pk), "--file", str(path))
    assert "4 changed" in capsys.readouterr().out
    assert {c.source for c in ValueChange.objects.all()} == {ValueSource.CLI}
    assert {c.changed_by for c in ValueChange.objects.all()} == {None}
    bad = saved(
        fill(unit_template(sub_a), {"EDU_EXP": "x", "TEACHERS": "#DIV/0!"}), tmp_path, "bad.xlsx"
    )
    before = dump()
    with pytest.raises(CommandError) as raised:
        call_command("import-values", "--round", str(round_.pk), "--file", str(bad))
    assert raised.value.returncode == 2
    lines = str(raised.value).splitlines()
    assert len(lines) == 3 and "F2" in lines[1] and "spreadsheet error" in lines[2]
    assert dump() == before


def test_export_values_writes_csv_and_xlsx(round_, sub_a, participant_a, tmp_path):
    save(sub_a, participant_a, {"EDU_EXP": "1 000,5", "TEACHERS": "12"})
    call_command("export-values", "--round", str(round_.pk), "--output", str(tmp_path / "o.csv"))
    lines = (tmp_path / "o.csv").read_bytes().decode("utf-8-sig").splitlines()
    assert lines == ["TERYT;Code;Value;Comment", "2461011;EDU_EXP;1000,5;", "2461011;TEACHERS;12;"]
    call_command("export-values", "--round", str(round_.pk), "--output", str(tmp_path / "o.xlsx"))
    sheet = openpyxl.load_workbook(tmp_path / "o.xlsx").worksheets[0]
    assert sheet.max_row == 1 + Submission.objects.filter(round=round_).count()
    with pytest.raises(CommandError) as raised:
        call_command("export-values", "--round", "999", "--output", str(tmp_path / "o.csv"))
    assert raised.value.returncode == 2
