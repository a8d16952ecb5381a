"""`benchlearn compute` and `benchlearn dea`: files in, files out, exit 2 on bad input."""

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

CATALOGUE = """\
format: benchlearn-catalogue
version: 1
variables:
  - code: EXP
  - code: PUPILS
  - code: DEC_ALL
  - code: DEC_LATE
indicators:
  - code: COST
    formula: EXP / PUPILS
    numerator: EXP
    denominator: PUPILS
    polarity: lower
  - code: LATE
    formula: 100 * DEC_LATE / DEC_ALL
    polarity: lower
    category: governance
  - code: GROWTH
    formula: EXP / prev(EXP) - 1
"""

VALUES = """\
unit,period,variable,value
A,2023,EXP,1000
A,2023,PUPILS,10
A,2024,EXP,1100
A,2024,PUPILS,10
A,2024,DEC_ALL,0
A,2024,DEC_LATE,0
B,2024,EXP,3000
B,2024,PUPILS,20
B,2024,DEC_ALL,50
B,2024,DEC_LATE,5
"""


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "benchlearn", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "cat.yaml").write_text(CATALOGUE, encoding="utf-8")
    (tmp_path / "values.csv").write_text(VALUES, encoding="utf-8")
    (tmp_path / "groups.csv").write_text("group,unit\nall,A\nall,B\n", encoding="utf-8")
    return tmp_path


def _compute(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return _run(
        tmp_path,
        "compute",
        "--catalogue", "cat.yaml",
        "--values", "values.csv",
        "--output", "out.csv",
        *extra,
    )  # fmt: skip


def test_compute_writes_every_indicator_for_every_unit_and_period(files):
    result = _compute(files, "--groups", "groups.csv", "--stats-output", "stats.csv")
    assert result.returncode == 0, result.stderr
    out = pl.read_csv(files / "out.csv")
    assert out.columns == ["unit", "period", "indicator", "value", "flag"]
    assert out.height == 2 * 2 * 3
    row = {(u, p, i): (v, f) for u, p, i, v, f in out.iter_rows()}
    assert row[("A", 2024, "COST")] == (110.0, None)
    assert row[("B", 2024, "LATE")] == (10.0, None)
    assert row[("A", 2024, "LATE")] == (None, "div0")
    assert row[("A", 2024, "GROWTH")][0] == pytest.approx(0.1)
    assert row[("A", 2023, "GROWTH")] == (None, None)

    stats = pl.read_csv(files / "stats.csv")
    cost = stats.filter((pl.col("indicator") == "COST") & (pl.col("period") == 2024)).row(
        0, named=True
    )
    assert cost["group"] == "all"
    assert cost["n"] == 2
    assert cost["mean"] == pytest.approx((110 + 150) / 2)
    assert cost["aggregate"] == pytest.approx((1100 + 3000) / (10 + 20))
    assert cost["best"] == pytest.approx(110)


@pytest.mark.parametrize(
    "catalogue, message",
    [
        (CATALOGUE.replace("EXP / PUPILS", "EXPP / PUPILS"), "unknown variable EXPP at column 1"),
        (CATALOGUE.replace("EXP / PUPILS", "(EXP / PUPILS"), "COST"),
        (
            CATALOGUE.replace(
                "EXP / prev(EXP) - 1", "COST2 + 1\n  - code: COST2\n    formula: GROWTH * 2"
            ),
            "cycle",
        ),
        (CATALOGUE.replace("code: LATE", "code: COST"), "COST"),
        (CATALOGUE + "  - code: [broken\n", "not valid YAML"),
    ],
)
def test_bad_catalogue_exits_2_with_the_problem_and_writes_nothing(files, catalogue, message):
    (files / "cat.yaml").write_text(catalogue, encoding="utf-8")
    result = _compute(files)
    assert result.returncode == 2
    assert message in result.stderr
    assert not (files / "out.csv").exists()


@pytest.mark.parametrize(
    "values, message",
    [
        (VALUES + "B,2024,EXP,12\n", "appear more than once"),
        (VALUES + "B,2024,PUPILS,many\n", "line 12: value is not a number"),
        (VALUES + "B,2024,NOPE,1\n", "unknown variable NOPE"),
        ("unit,period,variable,value\n", "no data rows"),
        ("unit;period;variable;value\nA;2024;EXP;1\n", "missing column(s)"),
    ],
)
def test_bad_values_exit_2_with_the_row_and_write_nothing(files, values, message):
    (files / "values.csv").write_text(values, encoding="utf-8")
    result = _compute(files)
    assert result.returncode == 2
    assert message in result.stderr
    assert not (files / "out.csv").exists()


def test_groups_without_stats_output_is_refused(files):
    result = _compute(files, "--groups", "groups.csv")
    assert result.returncode == 2
    assert "--groups and --stats-output go together" in result.stderr


def test_existing_output_is_not_touched_on_error(files):
    (files / "out.csv").write_text("previous results\n", encoding="utf-8")
    (files / "values.csv").write_text(VALUES + "A,2024,EXP,1\n", encoding="utf-8")
    assert _compute(files).returncode == 2
    assert (files / "out.csv").read_text(encoding="utf-8") == "previous results\n"


# A small table of firms (F6 has a zero input and must be reported, not scored). The
# numbers are checked against published examples in the engine's tests; here the command
# is checked for writing what the engine computes.
DEA_TABLE = "firm,y,x1,x2\nF1,1,2,5\nF2,2,2,4\nF3,3,6,6\nF4,1,3,2\nF5,2,6,2\nF6,1,0,1\n"


def test_dea_command_writes_scores_peers_and_slacks(tmp_path):
    (tmp_path / "firms.csv").write_text(DEA_TABLE, encoding="utf-8")
    result = _run(
        tmp_path,
        "dea",
        "--input", "firms.csv",
        "--id", "firm",
        "--inputs", "x1,x2",
        "--outputs", "y",
        "--rts", "crs",
        "--orientation", "input",
        "--output", "out.csv",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = pl.read_csv(tmp_path / "out.csv")
    assert out.columns[:3] == ["id", "efficiency", "peers"]
    assert {"slack_x1", "slack_x2", "slack_y"} <= set(out.columns)
    assert "F6" not in out["id"].to_list()
    assert "F6" in result.stderr  # the excluded unit is reported, not silently dropped
    # Two inputs and an output want 9 units: the scores are written, with a warning.
    assert f"warning: {out.height} units scored" in result.stderr
    assert "at least 9" in result.stderr
    scores = dict(zip(out["id"], out["efficiency"], strict=True))
    assert max(scores.values()) == pytest.approx(1.0)
    for firm, peers in zip(out["id"], out["peers"], strict=True):
        for part in peers.split(";"):
            peer, weight = part.split(":")
            assert scores[peer] == pytest.approx(1.0), f"{firm} learns from an inefficient {peer}"
            assert float(weight) > 0


def test_dea_with_an_unknown_column_exits_2(tmp_path):
    (tmp_path / "firms.csv").write_text(DEA_TABLE, encoding="utf-8")
    result = _run(
        tmp_path, "dea", "--input", "firms.csv", "--id", "firm", "--inputs", "x1,x9",
        "--outputs", "y", "--output", "out.csv",
    )  # fmt: skip
    assert result.returncode == 2
    assert "x9" in result.stderr
    assert not (tmp_path / "out.csv").exists()
