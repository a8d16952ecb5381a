"""`benchlearn survey-stats`: a CSV of respondents in, figures per group and question out,
no database; bad input exits with status 2, names the line or column and writes nothing."""

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from statsmodels.stats.proportion import proportion_confint

OUTPUT = ["group", "question", "n", "n_effective", "share", "ci_low", "ci_high", "mean"]

# Two units; q1 on the 1–5 scale with 9 = don't know, q2 with an empty answer.
RESPONSES = """\
unit,sex,age,q1,q2,w
A,M,young,5,4,1
A,F,young,4,,1
A,F,old,2,1,2
A,M,old,9,5,1
B,M,young,1,2,1
B,F,old,5,5,3
B,M,old,4,3,1
"""

MARGINS = """\
variable,category,share
sex,M,0.5
sex,F,0.5
age,young,0.4
age,old,0.6
"""


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "benchlearn", "survey-stats", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "responses.csv").write_text(RESPONSES, encoding="utf-8")
    (tmp_path / "margins.csv").write_text(MARGINS, encoding="utf-8")
    return tmp_path


def _stats(folder: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return _run(
        folder,
        "--responses", "responses.csv",
        "--question", "q1,q2",
        "--satisfied", "4,5",
        "--exclude", "9",
        "--output", "out.csv",
        *extra,
    )  # fmt: skip


def test_unweighted_figures_per_unit_and_question(folder):
    result = _stats(folder, "--by", "unit")
    assert result.returncode == 0, result.stderr
    assert "2 questions for 2 groups" in result.stdout
    out = pl.read_csv(folder / "out.csv", schema_overrides={"group": pl.String})
    assert out.columns == OUTPUT
    rows = {(r["group"], r["question"]): r for r in out.iter_rows(named=True)}
    a1 = rows[("A", "q1")]  # 5, 4, 2 (9 left out)
    assert (a1["n"], a1["n_effective"]) == (3, 3.0)
    assert a1["share"] == pytest.approx(2 / 3) and a1["mean"] == pytest.approx(11 / 3)
    assert (a1["ci_low"], a1["ci_high"]) == pytest.approx(
        proportion_confint(2, 3, method="wilson"), abs=1e-12
    )
    a2 = rows[("A", "q2")]  # 4, 1, 5 (the empty answer left out)
    assert (a2["n"], a2["share"]) == (3, pytest.approx(2 / 3))
    assert rows[("B", "q1")]["share"] == pytest.approx(2 / 3)


def test_weight_column(folder):
    result = _stats(folder, "--by", "unit", "--weight", "w")
    assert result.returncode == 0, result.stderr
    out = pl.read_csv(folder / "out.csv")
    a1 = out.filter((pl.col("group") == "A") & (pl.col("question") == "q1")).row(0, named=True)
    # weights 1, 1, 2 on answers 5, 4, 2: share 2/4, n_eff 16/6
    assert a1["share"] == pytest.approx(0.5) and a1["n_effective"] == pytest.approx(16 / 6)
    assert a1["mean"] == pytest.approx((5 + 4 + 4) / 4)
    assert "Design effect of the weights" in result.stdout


def test_raking_within_units_meets_the_margins(folder):
    result = _stats(folder, "--by", "unit", "--rake", "margins.csv")
    assert result.returncode == 0, result.stderr
    out = pl.read_csv(folder / "out.csv")
    assert out.height == 4
    # Unit A has one respondent in each sex × age cell, so raking gives each cell
    # 4 × share of sex × share of age: young 0.8, old 1.2. On q1 (M old said 9):
    # 5 (0.8), 4 (0.8), 2 (1.2).
    a1 = out.filter((pl.col("group") == "A") & (pl.col("question") == "q1")).row(0, named=True)
    assert a1["n"] == 3
    assert a1["share"] == pytest.approx(1.6 / 2.8)
    assert a1["n_effective"] == pytest.approx(2.8**2 / (0.64 + 0.64 + 1.44))
    assert a1["mean"] == pytest.approx((5 * 0.8 + 4 * 0.8 + 2 * 1.2) / 2.8)


def test_without_by_one_group_named_all(folder):
    result = _stats(folder)
    assert result.returncode == 0, result.stderr
    out = pl.read_csv(folder / "out.csv")
    assert out["group"].to_list() == ["all", "all"]
    assert out["n"].to_list() == [6, 6]


def _refused(folder: Path, result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    for text in expected:
        assert text in result.stderr
    assert not (folder / "out.csv").exists()
    assert not [p for p in folder.iterdir() if p.name.startswith(".out.csv")]


def test_missing_question_column(folder):
    result = _run(
        folder,
        "--responses", "responses.csv", "--question", "q1,q7", "--satisfied", "4,5",
        "--output", "out.csv",
    )  # fmt: skip
    _refused(folder, result, "no column q7 (a question)")


def test_non_numeric_answer_names_line_and_column(folder):
    (folder / "responses.csv").write_text(
        RESPONSES.replace("B,M,old,4,3,1", "B,M,old,four,3,1"), encoding="utf-8"
    )
    _refused(folder, _stats(folder, "--by", "unit"), "line 8: q1 is not a number")


def test_margins_not_adding_up_to_one(folder):
    (folder / "margins.csv").write_text(MARGINS.replace("age,old,0.6", "age,old,0.7"))
    result = _stats(folder, "--by", "unit", "--rake", "margins.csv")
    _refused(folder, result, "margins.csv: lines 4, 5: the shares of age add up to 1.1, not 1")


def test_unknown_by_column(folder):
    _refused(folder, _stats(folder, "--by", "district"), "no column district (--by)")


def test_a_margin_category_nobody_is_in(folder):
    (folder / "margins.csv").write_text(
        MARGINS.replace("age,old,0.6", "age,old,0.5\nage,middle,0.1"), encoding="utf-8"
    )
    result = _stats(folder, "--by", "unit", "--rake", "margins.csv")
    _refused(
        folder,
        result,
        "margins.csv: group A: no respondent has age = middle, whose margin is 0.1",
        "group B: no respondent has age = middle",
    )


def test_a_respondent_outside_the_margins_is_named_by_line(folder):
    (folder / "responses.csv").write_text(
        RESPONSES.replace("B,M,old,4,3,1", "B,X,old,4,3,1"), encoding="utf-8"
    )
    result = _stats(folder, "--by", "unit", "--rake", "margins.csv")
    _refused(folder, result, "responses.csv: line 8: sex is X, which has no margin in group B")


def test_a_margin_variable_missing_from_the_responses(folder):
    (folder / "margins.csv").write_text(MARGINS + "region,north,1\n", encoding="utf-8")
    result = _stats(folder, "--by", "unit", "--rake", "margins.csv")
    _refused(folder, result, "no column region (a variable of the margins)")


def test_margins_per_group_need_by(folder):
    (folder / "margins.csv").write_text(
        "group,variable,category,share\nA,sex,M,0.5\nA,sex,F,0.5\n", encoding="utf-8"
    )
    _refused(folder, _stats(folder, "--rake", "margins.csv"), "margins per group")


def test_weight_and_rake_go_apart_and_codes_are_numbers(folder):
    both = _stats(folder, "--weight", "w", "--rake", "margins.csv")
    _refused(folder, both, "not allowed with argument")
    words = _run(
        folder,
        "--responses", "responses.csv", "--question", "q1", "--satisfied", "top",
        "--output", "out.csv",
    )  # fmt: skip
    _refused(folder, words, "--satisfied")


def test_a_cap_too_low_for_the_margins(folder):
    result = _stats(folder, "--by", "unit", "--rake", "margins.csv", "--cap", "1.05")
    _refused(folder, result, "raise the cap")


SAN_DIEGO = Path("/work/shared/data/survey/san_diego_2015_resident_survey_weighted.csv")
if not SAN_DIEGO.exists():  # beside the clone, as CI lays shared/ out
    SAN_DIEGO = (
        Path(__file__).resolve().parents[3]
        / "shared/data/survey/san_diego_2015_resident_survey_weighted.csv"
    )


@pytest.fixture
def san_diego(tmp_path: Path) -> Path:
    if not SAN_DIEGO.exists():
        pytest.skip("shared/data/survey is not beside this checkout")
    (tmp_path / "margins.csv").write_text(
        "variable,category,share\nQ27,1,0.49\nQ27,2,0.51\n"
        "Q20_code,1,0.30\nQ20_code,2,0.27\nQ20_code,3,0.20\nQ20_code,4,0.13\nQ20_code,5,0.10\n",
        encoding="utf-8",
    )
    return tmp_path


def test_san_diego_by_council_district(san_diego):
    result = _run(
        san_diego,
        "--responses", str(SAN_DIEGO), "--question", "Q2_6", "--satisfied", "4,5",
        "--exclude", "9", "--by", "Q28", "--output", "out.csv",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = pl.read_csv(san_diego / "out.csv", schema_overrides={"group": pl.String})
    assert out["group"].to_list() == [str(district) for district in range(1, 10)]
    assert out["n"].sum() == 2435  # the README's 46.6 % and 3.22 are over these
    satisfied = (out["share"] * out["n"]).sum()
    assert round(satisfied) == 1134
    assert round((out["mean"] * out["n"]).sum() / 2435, 2) == 3.22


def test_san_diego_raking_names_respondents_outside_the_margins(san_diego):
    """8 respondents said "other" gender (3), which has no margin: raking says where
    they are. (16 did not say their gender and 109 their age, coded 9 = --exclude: no
    answer, they would keep weight 1.)"""
    result = _run(
        san_diego,
        "--responses", str(SAN_DIEGO), "--question", "Q2_6", "--satisfied", "4,5",
        "--exclude", "9", "--by", "Q28", "--rake", "margins.csv", "--output", "out.csv",
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.count("Q27 is 3, which has no margin in group") == 8
    assert "Q20_code is 9" not in result.stderr and "more respondents" not in result.stderr
    assert not (san_diego / "out.csv").exists()


def test_san_diego_raked_with_the_unknown_at_weight_one(san_diego, tmp_path):
    """ "Other" gender blanked: every respondent without gender or age band (an empty
    cell or 9) keeps weight 1 and the output says how many."""
    frame = pl.read_csv(SAN_DIEGO, infer_schema=False)
    frame.with_columns(Q27=pl.when(pl.col("Q27") != "3").then(pl.col("Q27"))).write_csv(
        tmp_path / "responses.csv"
    )
    result = _run(
        san_diego,
        "--responses", str(tmp_path / "responses.csv"), "--question", "Q2_6",
        "--satisfied", "4,5", "--exclude", "9", "--by", "Q28", "--rake", "margins.csv",
        "--output", "out.csv",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    known = frame.filter(pl.col("Q27").is_in(["1", "2"]) & pl.col("Q20_code").is_in(list("12345")))
    unknown = frame.height - known.height
    assert unknown > 109
    assert f"{unknown} respondents could not be weighted" in result.stdout


# One unit: two women (5, 5), a man (1), one who gave no sex (4), one who said 9 (2).
NO_SEX = "unit,sex,q1\nA,F,5\nA,F,5\nA,M,1\nA,,4\nA,9,2\n"


def test_respondents_without_sex_keep_weight_one(folder):
    """Raked among the three who gave their sex (half and half: the women weigh 3/4,
    the man 3/2); the other two weigh 1 and count. Satisfied: (3/4 + 3/4 + 1) / 5;
    mean (3/4·5·2 + 3/2·1 + 4 + 2) / 5 = 3; n_eff = 5² / (2·9/16 + 9/4 + 2)."""
    (folder / "responses.csv").write_text(NO_SEX, encoding="utf-8")
    (folder / "margins.csv").write_text(
        "variable,category,share\nsex,F,0.5\nsex,M,0.5\n", encoding="utf-8"
    )
    result = _run(
        folder,
        "--responses", "responses.csv", "--question", "q1", "--satisfied", "4,5",
        "--exclude", "9", "--rake", "margins.csv", "--output", "out.csv",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "2 respondents could not be weighted" in result.stdout
    row = pl.read_csv(folder / "out.csv").row(0, named=True)
    assert row["n"] == 5
    assert row["share"] == pytest.approx(0.5)
    assert row["mean"] == pytest.approx(3.0)
    assert row["n_effective"] == pytest.approx(25 / (2 * 9 / 16 + 9 / 4 + 2))


def test_without_exclude_a_9_for_sex_is_a_value_outside_the_margins(folder):
    (folder / "responses.csv").write_text(NO_SEX, encoding="utf-8")
    (folder / "margins.csv").write_text(
        "variable,category,share\nsex,F,0.5\nsex,M,0.5\n", encoding="utf-8"
    )
    result = _run(
        folder,
        "--responses", "responses.csv", "--question", "q1", "--satisfied", "4,5",
        "--rake", "margins.csv", "--output", "out.csv",
    )  # fmt: skip
    _refused(folder, result, "responses.csv: line 6: sex is 9, which has no margin in group all")
