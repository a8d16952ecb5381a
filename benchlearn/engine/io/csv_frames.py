"""CSV files the command line reads and writes, checked row by row.

Every reader collects all problems (naming the line in the file: the header is line 1)
and raises InputError before anything is computed; writers write to a temporary file
and rename it, so a failed run never leaves a partial output file. Text that a
spreadsheet would take for a formula is written with an apostrophe before it, which
reading takes off (``spreadsheet_cells``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from benchlearn.engine.io import InputError
from benchlearn.engine.io.spreadsheet_cells import csv_frame, csv_frame_read

VALUE_COLUMNS = ("unit", "period", "variable", "value")
GROUP_COLUMNS = ("group", "unit")
_SHOWN = 10  # problems of one kind listed before "and N more"


def _read_text_table(path: Path, columns: Sequence[str] | None = None) -> pl.DataFrame:
    """Every cell as text, with the file line of each row in ``_line``; only the named
    ``columns`` (those of them that are there) when given: a wide file reads faster."""
    if not path.is_file():
        raise InputError([f"{path}: no such file"])
    try:
        selected = None
        if columns is not None:
            header = pl.read_csv(path, n_rows=0, infer_schema=False, encoding="utf8").columns
            wanted = set(columns)
            selected = [name for name in header if name.strip().lstrip("\ufeff") in wanted]
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8", columns=selected)
    except pl.exceptions.ComputeError as exc:
        message = str(exc).splitlines()[0]
        if "utf-8" in message.lower() or "utf8" in message.lower():
            raise InputError([f"{path}: not UTF-8 text (save the file as CSV UTF-8)"]) from exc
        raise InputError([f"{path}: malformed CSV: {message}"]) from exc
    except pl.exceptions.NoDataError as exc:
        raise InputError([f"{path}: the file is empty"]) from exc
    frame = frame.rename({name: name.strip().lstrip("\ufeff") for name in frame.columns})
    return csv_frame_read(frame).with_row_index("_line", offset=2)


def _require_columns(frame: pl.DataFrame, path: Path, columns: Sequence[str]) -> None:
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise InputError(
            [f"{path}: missing column(s) {', '.join(missing)}; expected {','.join(columns)}"]
        )
    if frame.height == 0:
        raise InputError([f"{path}: no data rows"])


def _listed(path: Path, lines: pl.Series, message: str) -> list[str]:
    shown = [f"{path}: line {line}: {message}" for line in lines.head(_SHOWN).to_list()]
    if lines.len() > _SHOWN:
        shown.append(f"{path}: … and {lines.len() - _SHOWN} more lines: {message}")
    return shown


def _numeric(
    frame: pl.DataFrame, path: Path, column: str, dtype: pl.DataType, *, required: bool
) -> tuple[pl.Series, list[str]]:
    text = frame[column].str.strip_chars()
    converted = text.cast(dtype, strict=False)
    empty = text.is_null() | (text == "")
    bad = converted.is_null() & ~empty
    problems = _listed(path, frame["_line"].filter(bad), f"{column} is not a number")
    if required:
        problems += _listed(path, frame["_line"].filter(empty), f"{column} is empty")
    return converted, problems


def read_values_csv(path: Path) -> pl.DataFrame:
    """Long values ``unit, period, variable, value``; an empty value is a missing value."""
    frame = _read_text_table(path)
    _require_columns(frame, path, VALUE_COLUMNS)
    problems: list[str] = []
    for column in ("unit", "variable"):
        empty = frame[column].is_null() | (frame[column].str.strip_chars() == "")
        problems += _listed(path, frame["_line"].filter(empty), f"{column} is empty")
    period, found = _numeric(frame, path, "period", pl.Int64(), required=True)
    problems += found
    value, found = _numeric(frame, path, "value", pl.Float64(), required=False)
    problems += found
    values = pl.DataFrame(
        {
            "_line": frame["_line"],
            "unit": frame["unit"].str.strip_chars(),
            "period": period,
            "variable": frame["variable"].str.strip_chars(),
            "value": value,
        }
    )
    duplicated = values.filter(pl.struct("unit", "period", "variable").is_duplicated())
    if duplicated.height:
        first = duplicated.group_by("unit", "period", "variable", maintain_order=True).agg("_line")
        for row in first.head(_SHOWN).iter_rows(named=True):
            lines = ", ".join(str(line) for line in row["_line"])
            problems.append(
                f"{path}: lines {lines}: the same unit {row['unit']}, period {row['period']} "
                f"and variable {row['variable']} appear more than once"
            )
    if problems:
        raise InputError(problems)
    return values.drop("_line")


def read_groups_csv(path: Path) -> pl.DataFrame:
    """Comparison groups as ``group, unit`` pairs (a unit may be in several groups)."""
    frame = _read_text_table(path)
    _require_columns(frame, path, GROUP_COLUMNS)
    problems: list[str] = []
    for column in GROUP_COLUMNS:
        empty = frame[column].is_null() | (frame[column].str.strip_chars() == "")
        problems += _listed(path, frame["_line"].filter(empty), f"{column} is empty")
    if problems:
        raise InputError(problems)
    return frame.select(pl.col(c).str.strip_chars() for c in GROUP_COLUMNS).unique(
        maintain_order=True
    )


def read_numeric_table(path: Path, *, id_column: str, numeric: Sequence[str]) -> pl.DataFrame:
    """A table with an id column and named numeric columns (empty cells are missing)."""
    frame = _read_text_table(path)
    _require_columns(frame, path, [id_column, *numeric])
    problems: list[str] = []
    columns = {id_column: frame[id_column].str.strip_chars()}
    for column in numeric:
        converted, found = _numeric(frame, path, column, pl.Float64(), required=False)
        columns[column] = converted
        problems += found
    if problems:
        raise InputError(problems)
    return pl.DataFrame(columns)


def write_csv_atomic(frame: pl.DataFrame, path: Path) -> None:
    """Write ``frame`` to ``path`` completely or not at all."""
    directory = path.resolve().parent
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    os.close(handle)
    try:
        csv_frame(frame).write_csv(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
