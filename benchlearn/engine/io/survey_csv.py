"""Survey CSV files for `benchlearn survey-stats`: responses (one row per respondent)
and raking margins (``[group,]variable,category,share``), checked row by row.

As the other readers: every problem is collected, naming its line (the header is
line 1) or its column, and raised together as InputError before anything is computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from benchlearn.engine.io import InputError
from benchlearn.engine.io.csv_frames import _listed, _numeric, _read_text_table
from benchlearn.engine.surveys import MARGIN_SUM_TOLERANCE

MARGIN_COLUMNS = ("variable", "category", "share")


def _no_columns(path: Path, frame: pl.DataFrame, columns: Sequence[str], what: str) -> list[str]:
    missing = [name for name in dict.fromkeys(columns) if name not in frame.columns]
    if not missing:
        return []
    # The file was read (only the columns asked for): its header is sound.
    header = pl.read_csv(path, n_rows=0, infer_schema=False, encoding="utf8").columns
    there = ", ".join(name.strip().lstrip("\ufeff") for name in header)
    return [f"{path}: no column {name} ({what}); the columns are {there}" for name in missing]


def read_responses_csv(
    path: Path,
    *,
    questions: Sequence[str],
    by: str | None = None,
    weight: str | None = None,
    text_columns: Sequence[str] = (),
) -> pl.DataFrame:
    """The respondents' answers to ``questions`` as numbers (an empty cell is no
    answer), the ``by`` and ``text_columns`` columns as text, ``weight`` as a number
    (required, not negative)."""
    wanted = [*questions, *([by] if by else []), *([weight] if weight else []), *text_columns]
    frame = _read_text_table(path, columns=wanted)
    problems = _no_columns(path, frame, questions, "a question")
    if by is not None:
        problems += _no_columns(path, frame, [by], "--by")
    if weight is not None:
        problems += _no_columns(path, frame, [weight], "--weight")
    problems += _no_columns(path, frame, text_columns, "a variable of the margins")
    if problems:
        raise InputError(problems)
    if frame.height == 0:
        raise InputError([f"{path}: no data rows"])
    columns: dict[str, pl.Series] = {}
    for question in dict.fromkeys(questions):
        columns[question], found = _numeric(frame, path, question, pl.Float64(), required=False)
        problems += found
    if weight is not None:
        columns[weight], found = _numeric(frame, path, weight, pl.Float64(), required=True)
        problems += found
        negative = frame["_line"].filter(columns[weight] < 0)
        problems += _listed(path, negative, f"{weight} (the weight) is negative")
    for name in dict.fromkeys([*([by] if by else []), *text_columns]):
        text = frame[name].str.strip_chars()
        columns[name] = text
    if by is not None:
        empty = frame["_line"].filter(columns[by].is_null() | (columns[by] == ""))
        problems += _listed(path, empty, f"{by} (--by) is empty")
    if problems:
        raise InputError(problems)
    return pl.DataFrame(list(columns.values()))


def read_margins_csv(path: Path, *, grouped_by: str | None) -> pl.DataFrame:
    """Raking margins ``variable, category, share`` (optionally ``group`` first, which
    needs ``--by``); each (group,) variable's shares add up to 1 (within 0.001)."""
    frame = _read_text_table(path)
    missing = [name for name in MARGIN_COLUMNS if name not in frame.columns]
    if missing:
        raise InputError(
            [f"{path}: no column {', '.join(missing)}; expected [group,]{','.join(MARGIN_COLUMNS)}"]
        )
    if frame.height == 0:
        raise InputError([f"{path}: no data rows"])
    grouped = "group" in frame.columns
    if grouped and grouped_by is None:
        raise InputError([f"{path}: margins per group (column group) need --by"])
    keys = ["group", "variable", "category"] if grouped else ["variable", "category"]
    problems: list[str] = []
    for name in keys:
        empty = frame[name].is_null() | (frame[name].str.strip_chars() == "")
        problems += _listed(path, frame["_line"].filter(empty), f"{name} is empty")
    share, found = _numeric(frame, path, "share", pl.Float64(), required=True)
    problems += found
    problems += _listed(path, frame["_line"].filter(share < 0), "share is negative")
    margins = frame.select("_line", *(pl.col(name).str.strip_chars() for name in keys), share=share)
    if problems:
        raise InputError(problems)
    twice = margins.filter(pl.struct(keys).is_duplicated())
    for row in twice.group_by(keys, maintain_order=True).agg("_line").iter_rows(named=True):
        lines = ", ".join(str(line) for line in row["_line"])
        problems.append(
            f"{path}: lines {lines}: the margin of {row['variable']} = {row['category']} "
            "is given more than once"
        )
    sums = margins.group_by(keys[:-1], maintain_order=True).agg(pl.col("share").sum(), "_line")
    for row in sums.filter((pl.col("share") - 1).abs() > MARGIN_SUM_TOLERANCE).iter_rows(
        named=True
    ):
        where = f" in group {row['group']}" if grouped else ""
        problems.append(
            f"{path}: lines {', '.join(map(str, row['_line']))}: the shares of {row['variable']}"
            f"{where} add up to {row['share']:g}, not 1"
        )
    if problems:
        raise InputError(problems)
    return margins.drop("_line")
