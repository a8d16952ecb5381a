"""The engine's command-line runs: files in, files out, no database.

Each function reads and checks every input first, computes, and only then writes its
outputs (atomically), so an error never leaves a partial file. Errors are raised as
InputError or CatalogueError with every problem listed; the management commands turn
them into exit status 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl

from benchlearn.engine.dea import dea, dea_table
from benchlearn.engine.evaluate import check_by_year, evaluate_by_year
from benchlearn.engine.io import InputError
from benchlearn.engine.io.catalogue_yaml import read_catalogue
from benchlearn.engine.io.csv_frames import (
    read_groups_csv,
    read_numeric_table,
    read_values_csv,
    write_csv_atomic,
)
from benchlearn.engine.io.survey_csv import read_margins_csv, read_responses_csv
from benchlearn.engine.stats import group_stats
from benchlearn.engine.surveys import RakingError, rake, survey_stats, weight_summary

RESULT_COLUMNS = ["unit", "period", "indicator", "value", "flag"]


@dataclass(frozen=True)
class ComputeSummary:
    units: int
    periods: int
    indicators: int
    missing: int
    div0: int
    groups: int


def _unknown_variables(values: pl.DataFrame, known: set[str], path: Path) -> list[str]:
    unknown = values.filter(~pl.col("variable").is_in(sorted(known)))["variable"].unique()
    return [f"{path}: unknown variable {code} (not in the catalogue)" for code in sorted(unknown)]


def compute_files(
    *,
    catalogue_path: Path,
    values_path: Path,
    output_path: Path,
    groups_path: Path | None = None,
    stats_output_path: Path | None = None,
) -> ComputeSummary:
    """Evaluate every indicator (and group statistics when groups are given)."""
    if (groups_path is None) != (stats_output_path is None):
        raise InputError(["--groups and --stats-output go together: give both or neither"])
    catalogue = read_catalogue(catalogue_path)
    check_by_year(catalogue)
    values = read_values_csv(values_path)
    problems = _unknown_variables(values, catalogue.variable_codes(), values_path)
    groups = read_groups_csv(groups_path) if groups_path else None
    if groups is not None:
        known_units = set(values["unit"].unique())
        problems += [
            f"{groups_path}: unknown unit {unit} in group {group} (no values for it)"
            for group, unit in groups.iter_rows()
            if unit not in known_units
        ]
    if problems:
        raise InputError(problems)

    results = evaluate_by_year(values, catalogue)
    stats = None
    if groups is not None:
        polarity = {indicator.code: indicator.polarity for indicator in catalogue.indicators}
        stats = group_stats(results, groups, polarity)

    write_csv_atomic(results.select(RESULT_COLUMNS), output_path)
    if stats is not None and stats_output_path is not None:
        write_csv_atomic(stats, stats_output_path)
    return ComputeSummary(
        units=results["unit"].n_unique(),
        periods=results["period"].n_unique(),
        indicators=len(catalogue.indicators),
        missing=results["value"].null_count(),
        div0=results.filter(pl.col("flag") == "div0").height,
        groups=0 if groups is None else groups["group"].n_unique(),
    )


def dea_files(
    *,
    input_path: Path,
    id_column: str,
    inputs: list[str],
    outputs: list[str],
    rts: Literal["crs", "vrs"],
    orientation: Literal["input", "output"],
    output_path: Path,
) -> tuple[pl.DataFrame, int]:
    """Run DEA on a CSV table; returns the excluded units (id, reason) and how many
    units were scored."""
    if not inputs or not outputs:
        raise InputError(["give at least one input (--inputs) and one output (--outputs)"])
    table = read_numeric_table(input_path, id_column=id_column, numeric=[*inputs, *outputs])
    try:
        result = dea(
            table, id=id_column, inputs=inputs, outputs=outputs, rts=rts, orientation=orientation
        )
    except ValueError as exc:
        raise InputError([str(exc)]) from exc
    write_csv_atomic(dea_table(result), output_path)
    return result.excluded, result.scores.height


STATS_OUTPUT = ["group", "question", "n", "n_effective", "share", "ci_low", "ci_high", "mean"]


@dataclass(frozen=True)
class SurveySummary:
    groups: int
    questions: int
    respondents: int
    design_effects: tuple[float, float] | None  # lowest and highest, when weighted
    unweighted: int = 0  # raked, but no value in a margin's column: weight 1


def _no_answer_as_empty(
    answers: pl.DataFrame, margins: pl.DataFrame, exclude: list[float]
) -> pl.DataFrame:
    """An ``--exclude`` code (9: no answer) in a margin's column that the margins do not
    name is no answer, like an empty cell: that respondent keeps weight 1."""
    if not exclude:
        return answers
    changed = []
    for variable in margins["variable"].unique(maintain_order=True).to_list():
        named = margins.filter(pl.col("variable") == variable)["category"].to_list()
        value = pl.col(variable)
        excluded = value.cast(pl.Float64, strict=False).is_in(exclude) & ~value.is_in(named)
        changed.append(pl.when(excluded).then(None).otherwise(value).alias(variable))
    return answers.with_columns(changed)


def survey_stats_files(
    *,
    responses_path: Path,
    questions: list[str],
    satisfied: list[float],
    exclude: list[float],
    output_path: Path,
    by: str | None = None,
    weight: str | None = None,
    margins_path: Path | None = None,
    cap: float | None = None,
) -> SurveySummary:
    """Share satisfied (with Wilson intervals), mean and effective size per group and
    question from a CSV of respondents, weighted by a column or raked to margins
    (respondents with an empty cell or an ``exclude`` code in a margin's column keep
    weight 1 and are counted in ``unweighted``; another value no margin names is an
    error)."""
    problems = []
    if not questions:
        problems.append("give at least one question column (--question)")
    if not satisfied:
        problems.append("give the satisfied answer codes (--satisfied, e.g. 4,5)")
    both = sorted(set(satisfied) & set(exclude))
    if both:
        problems.append(
            f"answer codes {', '.join(f'{c:g}' for c in both)} are both --satisfied and --exclude"
        )
    if weight is not None and margins_path is not None:
        problems.append("--weight and --rake go apart: give one or neither")
    if cap is not None and margins_path is None:
        problems.append("--cap trims raking weights: it needs --rake")
    if not output_path.resolve().parent.is_dir():
        problems.append(f"{output_path}: no such folder for the output")
    if problems:
        raise InputError(problems)
    margins = read_margins_csv(margins_path, grouped_by=by) if margins_path else None
    variables: list[str] = (
        [] if margins is None else margins["variable"].unique(maintain_order=True).to_list()
    )
    answers = read_responses_csv(
        responses_path, questions=questions, by=by, weight=weight, text_columns=list(variables)
    )
    weights = None if weight is None else answers[weight].to_numpy()
    unweighted = 0
    if margins is not None:
        answers = _no_answer_as_empty(answers, margins, exclude)
        try:
            raked = rake(answers, margins, group=by, cap=cap, first_line=2)
        except RakingError as exc:
            # A respondent's problem has its line in the responses; the others are the
            # margins' (a category nobody is in, a cap they cannot live with).
            raise InputError(
                [f"{responses_path if p.line else margins_path}: {p.located()}" for p in exc.found]
            ) from exc
        weights, unweighted = raked.weights, raked.unweighted_count
    stats = survey_stats(
        answers,
        questions=questions,
        satisfied=satisfied,
        exclude=exclude,
        group=by,
        weights=weights,
    )
    write_csv_atomic(stats.select(STATS_OUTPUT), output_path)
    effects = None
    if weights is not None:
        per_group = weight_summary(answers, group=by, weights=weights)["design_effect"]
        effects = (float(per_group.min()), float(per_group.max()))  # type: ignore[arg-type]
    return SurveySummary(
        groups=stats["group"].n_unique(),
        questions=len(questions),
        respondents=answers.height,
        design_effects=effects,
        unweighted=unweighted,
    )
