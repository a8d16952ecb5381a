"""Responses imported from LimeSurvey's CSV export and from a plain CSV: all or
nothing, every problem named by line and column; ``benchlearn survey import``."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from benchlearn.surveys.imports import (
    LIMESURVEY,
    ImportRefused,
    guess_mapping,
    read_table,
    responses_import,
)
from benchlearn.surveys.models import Response, SurveyEvent
from tests.surveys.office_walk import questionnaire_of, survey_of


@pytest.fixture
def survey(operator, unit_a, unit_b):
    return survey_of(
        questionnaire_of(operator), [unit_a, unit_b], operator, modes=["open", "import"]
    )


def _plain(unit_a, unit_b) -> bytes:
    return (
        "unit;USE;Q1;NPS;AGE;OPEN\n"
        f"{unit_a.teryt};1;5;9;34;Więcej koszy\n"
        f"{unit_a.teryt};1;9;10;61;\n"
        f'{unit_b.teryt};2;;3;45;"Rzadziej; głośno"\n'
    ).encode()


def _limesurvey(unit_a) -> bytes:
    return (
        '"id","submitdate","lastpage","startlanguage","seed","USE","Q1","NPS","AGE","OPEN"\n'
        '"1","2026-03-02 10:00:00","3","pl","123","A1","A4","8","40","Dobrze"\n'
        '"2","","1","pl","124","A1","","","",""\n'
        '"3","2026-03-03 11:00:00","3","pl","125","A1","A9","10","22",""\n'
    ).encode("utf-8-sig")


def _run(survey, data, name="odpowiedzi.csv", fmt="csv", unit="", dry_run=False, by=None):
    table = read_table(data, name)
    mapping = guess_mapping(table, survey, fmt)
    mapping.unit = unit
    return responses_import(
        survey=survey, table=table, mapping=mapping, by=by, fmt=fmt, dry_run=dry_run
    )


def test_a_plain_csv_is_imported_with_mode_import_and_recorded(survey, unit_a, unit_b, operator):
    result = _run(survey, _plain(unit_a, unit_b), by=operator)
    assert result.count == 3 and result.by_unit == {unit_a.teryt: 2, unit_b.teryt: 1}
    answers = [(r.unit_id, r.mode, r.answers) for r in Response.objects.filter(survey=survey)]
    assert (
        unit_a.pk,
        "import",
        {"USE": "1", "Q1": 5, "NPS": 9, "AGE": 34, "OPEN": "Więcej koszy"},
    ) in answers
    # skip logic as online: Q1 is asked only of users; the open answer keeps its ";".
    assert (
        unit_b.pk,
        "import",
        {"USE": "2", "NPS": 3, "AGE": 45, "OPEN": "Rzadziej; głośno"},
    ) in answers
    event = SurveyEvent.objects.get(survey=survey, kind="imported")
    assert event.by == operator and event.new["file"] == "odpowiedzi.csv"
    assert event.new["count"] == 3


def test_limesurvey_export_answer_codes_and_incomplete_rows(survey, unit_a):
    result = _run(survey, _limesurvey(unit_a), fmt=LIMESURVEY, unit=unit_a.teryt)
    assert result.count == 2 and result.skipped == 1
    stored = sorted(
        Response.objects.filter(survey=survey).values_list("answers", flat=True),
        key=lambda a: a["AGE"],
    )
    assert stored[0] == {"USE": "1", "Q1": 9, "NPS": 10, "AGE": 22}
    assert stored[1] == {"USE": "1", "Q1": 4, "NPS": 8, "AGE": 40, "OPEN": "Dobrze"}


def test_limesurvey_array_items_and_code_text_headings(operator, unit_a):
    from benchlearn.surveys.editing import (
        QuestionInput,
        question_save,
        questionnaire_create,
        version_publish,
    )
    from benchlearn.surveys.models import QuestionKind

    version = questionnaire_create(code="arr", name_pl="Tablica", by=operator)
    for code in ("Q2_SQ001", "Q2_SQ002"):
        question_save(
            version=version,
            data=QuestionInput(code=code, kind=QuestionKind.SCALE5, text_pl=code),
            by=operator,
            base_token=None,
        )
    version = version_publish(version=version, by=operator, base_token=None)
    survey = survey_of(version, [unit_a], operator, modes=["import"])
    data = (
        b'"id","submitdate","Q2[SQ001]. Czysto?","Q2[SQ002]. Cicho?"\n"1","2026-01-01","A5","A2"\n'
    )
    _run(survey, data, fmt=LIMESURVEY, unit=unit_a.teryt)
    assert Response.objects.get().answers == {"Q2_SQ001": 5, "Q2_SQ002": 2}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "The file is empty."),
        (b"\xef\xbb\xbf\r\n", "The file is empty."),
        (b"unit;Q1\n", "headings but no responses"),
        (b"unit Q1 NPS\n1 2 3\n", "Only one column was found"),
        ("unit;Q1\n0000000;ż\n".encode("cp1250"), "Windows-1250"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary data"),
        (b'unit;Q1\n0000000;"5\n0000000;4\n', "Line 2: A quotation mark"),
        (b"unit;Q1\n0000000;5;4;3\n", "Line 2: The line has more cells"),
        (b"unit;Q1;Q1\n0000000;5;4\n", "Line 1, column Q1: Two columns"),
        (b"unit;;Q1\n0000000;5;4\n", "Line 1, column B: A column has no heading"),
    ],
)
def test_unreadable_files_are_refused_clearly(survey, data, expected):
    with pytest.raises(ImportRefused) as refused:
        _run(survey, data)
    assert expected in "\n".join(str(p) for p in refused.value.problems)
    assert not Response.objects.exists()


def test_an_overlong_open_answer_is_refused(survey, unit_a):
    data = f"unit;NPS;OPEN\n{unit_a.teryt};5;{'x' * 2001}\n".encode()
    with pytest.raises(ImportRefused) as refused:
        _run(survey, data)
    assert [str(p) for p in refused.value.problems] == [
        "Line 2, column OPEN: The answer is longer than 2000 characters."
    ]
    assert not Response.objects.exists()


def test_oversized_files_are_refused(survey, settings):
    settings.COLLECTION_IMPORT_MAX_BYTES = 1024 * 1024
    with pytest.raises(ImportRefused) as refused:
        _run(survey, b"unit;Q1\n" + b"1234567;5\n" * 120_000)
    assert "larger than 1 MB" in str(refused.value)
    assert not Response.objects.exists()


def test_bad_values_are_listed_by_line_and_column_and_nothing_is_stored(survey, unit_a, unit_b):
    data = (
        "unit;USE;Q1;NPS;AGE\n"
        f"{unit_a.teryt};1;5;9;34\n"
        f"{unit_a.teryt};1;7;9;34\n"  # outside the scale
        f"{unit_b.teryt};3;;9;34\n"  # unknown code
        "9999999;1;4;9;34\n"  # a unit not in the survey
        f"{unit_b.teryt};1;4;11;200\n"  # 0–10 and the age range
    ).encode()
    with pytest.raises(ImportRefused) as refused:
        _run(survey, data)
    shown = [str(problem) for problem in refused.value.problems]
    assert any(s.startswith("Line 3, column Q1: No such answer: 7") for s in shown)
    assert any(s.startswith("Line 4, column USE: No such answer: 3") for s in shown)
    assert "Line 5, column unit: The unit 9999999 does not take part in the survey." in shown
    assert any(s.startswith("Line 6, column NPS") for s in shown)
    assert "Line 6, column AGE: The number is outside the allowed range." in shown
    assert not Response.objects.exists()
    assert not SurveyEvent.objects.filter(kind="imported").exists()


def test_a_survey_without_import_mode_or_closed_takes_no_file(operator, unit_a, unit_b):
    survey = survey_of(questionnaire_of(operator), [unit_a], operator)
    with pytest.raises(ImportRefused) as refused:
        _run(survey, _plain(unit_a, unit_a))
    assert str(refused.value) == "This survey takes no imported responses (mode “import”)."
    assert not Response.objects.exists()


def test_dry_run_stores_nothing(survey, unit_a, unit_b):
    result = _run(survey, _plain(unit_a, unit_b), dry_run=True)
    assert result.count == 3 and result.dry_run
    assert not Response.objects.exists()
    assert not SurveyEvent.objects.filter(kind="imported").exists()


def test_the_command_imports_and_dry_runs(survey, unit_a, unit_b, tmp_path, capsys):
    path = tmp_path / "plain.csv"
    path.write_bytes(_plain(unit_a, unit_b))
    call_command("survey", "import", "--survey", str(survey.pk), str(path), "--dry-run")
    assert "3 responses would be imported" in capsys.readouterr().out
    assert not Response.objects.exists()
    call_command("survey", "import", "--survey", str(survey.pk), str(path))
    assert Response.objects.filter(survey=survey, mode="import").count() == 3


def test_the_command_reads_limesurvey_with_a_mapping_file(survey, unit_a, tmp_path):
    path = tmp_path / "results-survey123.csv"
    path.write_bytes(_limesurvey(unit_a).replace(b'"Q1"', b'"CLEAN"'))
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"columns": {"CLEAN": "Q1"}, "unit": unit_a.teryt}))
    call_command(
        "survey",
        "import",
        "--survey",
        str(survey.pk),
        str(path),
        "--format",
        "limesurvey",
        "--mapping",
        str(mapping),
    )
    assert Response.objects.filter(survey=survey).count() == 2
    assert {r.answers.get("Q1") for r in Response.objects.all()} == {4, 9}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("unit;Q1\n9999999;5\n", "Line 2, column unit: The unit 9999999"),
        ("", "The file is empty"),
        ("Q1;NPS\n5;9\n", "No column holds the unit"),
    ],
)
def test_the_command_exits_2_on_bad_input_and_stores_nothing(survey, tmp_path, content, expected):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(CommandError) as error:
        call_command("survey", "import", "--survey", str(survey.pk), str(path))
    assert error.value.returncode == 2
    assert expected in str(error.value)
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_the_command_names_a_missing_survey(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("unit;Q1\n1;2\n")
    with pytest.raises(CommandError) as error:
        call_command("survey", "import", "--survey", "999999", str(path))
    assert error.value.returncode == 2 and "no survey 999999" in str(error.value)
