"""CSV inputs of the command line: every problem named by line, nothing half-read."""

import polars as pl
import pytest

from benchlearn.engine.io import InputError
from benchlearn.engine.io.csv_frames import (
    read_groups_csv,
    read_numeric_table,
    read_values_csv,
    write_csv_atomic,
)


def _write(tmp_path, text: str, *, encoding: str = "utf-8", name: str = "values.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _problems(reader, path, **kwargs) -> list[str]:
    with pytest.raises(InputError) as caught:
        reader(path, **kwargs)
    return [problem.split(": ", 1)[1] for problem in caught.value.problems]


def test_values_are_read_with_types_and_missing_values(tmp_path):
    path = _write(tmp_path, "unit,period,variable,value\nA,2020,X,1.5\nA,2021,X,\n B ,2020,Y, 3 \n")
    values = read_values_csv(path)
    assert values.schema == {
        "unit": pl.String,
        "period": pl.Int64,
        "variable": pl.String,
        "value": pl.Float64,
    }
    assert values.rows() == [("A", 2020, "X", 1.5), ("A", 2021, "X", None), ("B", 2020, "Y", 3.0)]


def test_columns_may_come_in_any_order_and_with_a_bom(tmp_path):
    path = _write(tmp_path, "\ufeffvalue,variable,period,unit\n2,X,2020,A\n")
    assert read_values_csv(path).rows() == [("A", 2020, "X", 2.0)]


def test_text_in_numbers_empty_codes_and_duplicates_are_all_reported(tmp_path):
    text = (
        "unit,period,variable,value\n"
        "A,2020,X,1\nA,twenty,X,2\nA,2020,X,3\nB,2020,,4\nC,2020,Y,abc\n"
    )
    path = _write(tmp_path, text)
    problems = _problems(read_values_csv, path)
    assert "line 3: period is not a number" in problems
    assert "line 5: variable is empty" in problems
    assert "line 6: value is not a number" in problems
    assert "the same unit A, period 2020 and variable X appear more than once" in " ".join(problems)
    assert any(problem.startswith("lines 2, 4:") for problem in problems)


@pytest.mark.parametrize(
    "text, message",
    [
        ("unit,period,variable,value\n", "no data rows"),
        (
            "unit,period,value\nA,2020,1\n",
            "missing column(s) variable; expected unit,period,variable,value",
        ),
        ("unit,period,variable,value\nA,2020,X,1\nA,2020,X,1,9\n", "malformed CSV"),
        ("", "the file is empty"),
    ],
)
def test_malformed_files(tmp_path, text, message):
    problems = _problems(read_values_csv, _write(tmp_path, text))
    assert any(message in problem for problem in problems), problems


def test_windows_1250_file_is_refused_with_advice(tmp_path):
    path = _write(tmp_path, "unit,period,variable,value\nŁódź,2020,X,1\n", encoding="cp1250")
    assert _problems(read_values_csv, path) == ["not UTF-8 text (save the file as CSV UTF-8)"]


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_values_csv(tmp_path / "nope.csv")


def test_long_lists_of_bad_lines_are_summarised(tmp_path):
    rows = "".join(f"A,{2000 + i},X,bad\n" for i in range(25))
    problems = _problems(read_values_csv, _write(tmp_path, "unit,period,variable,value\n" + rows))
    assert len(problems) == 11
    assert problems[-1] == "… and 15 more lines: value is not a number"


def test_groups(tmp_path):
    path = _write(tmp_path, "group,unit\nG1,A\nG1,B\nG2,A\nG1,A\n", name="groups.csv")
    assert read_groups_csv(path).rows() == [("G1", "A"), ("G1", "B"), ("G2", "A")]
    bad = _write(tmp_path, "group,unit\n,A\n", name="bad.csv")
    assert _problems(read_groups_csv, bad) == ["line 2: group is empty"]


def test_numeric_table(tmp_path):
    path = _write(tmp_path, "school,staff,pupils\nS1,10,200\nS2,,150\nS3,x,1\n", name="t.csv")
    assert _problems(read_numeric_table, path, id_column="school", numeric=["staff", "pupils"]) == [
        "line 4: staff is not a number"
    ]
    ok = _write(tmp_path, "school,staff,pupils\nS1,10,200\nS2,,150\n", name="ok.csv")
    table = read_numeric_table(ok, id_column="school", numeric=["staff", "pupils"])
    assert table.rows() == [("S1", 10.0, 200.0), ("S2", None, 150.0)]


def test_atomic_write_leaves_no_file_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "out.csv"

    def broken(self, file, *args, **kwargs):
        with open(file, "w") as handle:
            handle.write("half a fi")
        raise OSError("disk full")

    monkeypatch.setattr(pl.DataFrame, "write_csv", broken)
    with pytest.raises(OSError, match="disk full"):
        write_csv_atomic(pl.DataFrame({"a": [1]}), target)
    assert list(tmp_path.iterdir()) == []
