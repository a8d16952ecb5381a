"""Survey results with raking at the scale of a national programme: 200,000 responses
across 500 units, raked by sex and age band to each unit's own margins (as GUS gives
them per gmina), then n, n_effective, share satisfied with its Wilson interval and mean
for ten 1–5 questions (9 = don't know, some left empty).

The respondents are drawn with a skew (women and older people answer more) so that
raking has work to do; the margins differ per unit. Timed: the engine (``rake`` then
``survey_stats``), and the whole ``survey-stats`` command's work on CSV files (reading,
checking, raking, figures, writing) for information.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import polars as pl

from bench.common import BenchRow, peak_memory_mb, timed
from benchlearn.compute.cli import survey_stats_files
from benchlearn.engine.surveys import rake, survey_stats, weight_summary

RESPONSES, UNITS, QUESTIONS = 200_000, 500, 10
SEXES = ["M", "F"]
AGES = ["18-29", "30-44", "45-59", "60-74", "75+"]
TARGET_SECONDS = 3.0


def synthetic_survey(seed: int = 0) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(responses, margins): one row per respondent (unit, sex, age, Q1…Q10) and the
    margins ``group, variable, category, share`` of every unit."""
    rng = np.random.default_rng(seed)
    unit = rng.integers(0, UNITS, RESPONSES)
    sex = rng.choice(len(SEXES), RESPONSES, p=[0.42, 0.58])
    age = rng.choice(len(AGES), RESPONSES, p=[0.10, 0.18, 0.24, 0.32, 0.16])
    codes = [f"U{number:03d}" for number in range(UNITS)]
    columns: dict[str, object] = {
        "unit": np.asarray(codes)[unit],
        "sex": np.asarray(SEXES)[sex],
        "age": np.asarray(AGES)[age],
    }
    for question in range(1, QUESTIONS + 1):
        answers = rng.choice([1, 2, 3, 4, 5, 9], RESPONSES, p=[0.08, 0.14, 0.25, 0.33, 0.15, 0.05])
        answers = answers.astype(np.float64)
        answers[rng.random(RESPONSES) < 0.02] = np.nan
        columns[f"Q{question}"] = answers
    responses = pl.DataFrame(columns).fill_nan(None)
    rows = []
    for code in codes:
        men = rng.uniform(0.46, 0.50)
        rows += [(code, "sex", "M", men), (code, "sex", "F", 1 - men)]
        ages = rng.dirichlet([20, 25, 25, 20, 10])
        rows += [(code, "age", band, float(share)) for band, share in zip(AGES, ages, strict=True)]
    margins = pl.DataFrame(rows, schema=["group", "variable", "category", "share"], orient="row")
    return responses, margins


def run() -> list[BenchRow]:
    """Time raking and the figures in the engine, and the command on files."""
    responses, margins = synthetic_survey()
    questions = [f"Q{number}" for number in range(1, QUESTIONS + 1)]

    def engine() -> tuple[pl.DataFrame, int]:
        raked = rake(responses, margins, group="unit")
        stats = survey_stats(
            responses,
            questions=questions,
            satisfied=[4, 5],
            exclude=[9],
            group="unit",
            weights=raked.weights,
        )
        return stats, raked.iterations

    (stats, iterations), seconds = timed(engine, repeat=3)
    raked = rake(responses, margins, group="unit")
    effects = weight_summary(responses, group="unit", weights=raked.weights)["design_effect"]
    with tempfile.TemporaryDirectory() as folder:
        responses_csv, margins_csv = Path(folder) / "responses.csv", Path(folder) / "margins.csv"
        responses.write_csv(responses_csv)
        margins.write_csv(margins_csv)
        _, command_seconds = timed(
            lambda: survey_stats_files(
                responses_path=responses_csv,
                questions=questions,
                satisfied=[4.0, 5.0],
                exclude=[9.0],
                output_path=Path(folder) / "out.csv",
                by="unit",
                margins_path=margins_csv,
            )
        )
    shape = f"{RESPONSES:,} responses × {UNITS} units, raked by sex × age band"
    return [
        BenchRow(
            f"surveys: rake + {QUESTIONS} questions' figures, {shape} "
            f"({iterations} sweeps, {stats.height:,} rows)",
            f"{seconds:.2f} s ({seconds / TARGET_SECONDS:.2f}× target)",
            f"< {TARGET_SECONDS:.0f} s",
            seconds < TARGET_SECONDS,
        ),
        BenchRow(
            "surveys: the survey-stats command on CSV files (read, check, rake, write)",
            f"{command_seconds:.2f} s ({command_seconds / TARGET_SECONDS:.2f}× target)",
            "for information",
            True,
        ),
        BenchRow(
            "surveys: design effect of the raking weights per unit",
            f"{effects.min():.2f}–{effects.max():.2f}",
            "for information",
            True,
        ),
        BenchRow(
            "surveys: peak memory of this benchmark",
            f"{peak_memory_mb():,.0f} MiB",
            "for information",
            True,
        ),
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
