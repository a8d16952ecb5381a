"""CSV files of values: a row per unit and variable (TERYT, code, value, comment).

Read: UTF-8 with or without a byte-order mark, or UTF-16 with one (Excel's "Unicode
text"), separated by ``;`` (what Excel writes in Polish), ``,`` or a tab. A file in
Windows-1250 (Excel's "CSV" in Polish Windows) is refused with a message saying so and
how to save it as UTF-8: guessing an encoding could store wrong letters in comments
without anybody noticing. Binary data (an image, a PDF named .csv) is refused as not a
CSV file, not as a text encoding problem. A quotation mark that is never closed, or
that makes a cell swallow the rows after it, is refused naming the line it opens on.
Written: UTF-8 with a byte-order mark (so Excel opens it right), ``;``, decimal commas;
text that a spreadsheet would take for a formula gets an apostrophe before it, which
reading takes off again (see ``spreadsheet_cells``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _

from benchlearn.collection.files.layout import CSV_COLUMNS
from benchlearn.collection.files.problems import FileRefused, Problem
from benchlearn.collection.files.safety import not_a_table
from benchlearn.engine.io.spreadsheet_cells import csv_cell, csv_cell_read

# Bytes of Polish letters in Windows-1250 that are not valid UTF-8 on their own.
_CP1250_POLISH = set(b"\xa5\xb9\xc6\xe6\xca\xea\xa3\xb3\xd1\xf1\xd3\xf3\x8c\x9c\x8f\x9f\xaf\xbf")
# Control characters that text never holds (tab, line breaks and form feed aside).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
MAX_FIELD = 100_000  # characters in one cell (csv's own limit is 131,072)
# A line as csv reads it from a file opened with newline="": its end kept.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+")


def read_csv(path: Path, name: str = "") -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of each row with any text, the line where the row starts (a
    comment may hold line breaks, so the n-th row is not always on the n-th line).
    Rows are read as they are used, never all kept: a 20 MB file of short lines would
    take gigabytes as lists. FileRefused, with the line, for anything that is not a CSV
    file this import can read unambiguously, when the reading reaches it."""
    name = name or path.name
    text = _decoded(path.read_bytes(), name)
    first = text[: text.find("\n")] if "\n" in text else text
    delimiter = max(";,\t", key=first.count)
    lines = (match.group() for match in _LINE.finditer(text))
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    line = 1  # where the next record starts
    try:
        for row in reader:
            if reader.line_num > line:
                _check_spanning(row, delimiter, line, reader.line_num, name)
            if any(cell.strip() for cell in row):
                yield line, [csv_cell_read(cell) for cell in row]
            line = reader.line_num + 1
    except csv.Error as error:
        raise _refusal(_csv_problem(str(error)), name, line) from None


def _decoded(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise not_a_table(name) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    head = data[:65536]
    if b"\x00" in head or len(_CONTROL_BYTES.findall(head)) > 8 + len(head) // 100:
        raise not_a_table(name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        if any(byte in _CP1250_POLISH for byte in data):
            message = _(
                "The CSV file is in the Windows-1250 encoding, not UTF-8: in Excel choose "
                "“CSV UTF-8 (comma delimited)” when saving (or convert it to UTF-8) and "
                "upload it again."
            )
        else:
            message = _("The CSV file is not UTF-8 text: save it as CSV UTF-8.")
        raise _refusal(message, name, line) from None
    found = _CONTROL.search(text)
    if found is not None:
        raise _refusal(
            _("The line holds a control character (code %(code)s), which text never holds.")
            % {"code": ord(found.group())},
            name,
            text.count("\n", 0, found.start()) + 1,
        )
    return text


def _check_spanning(row: list[str], delimiter: str, first: int, last: int, name: str) -> None:
    """A record over several lines: fine for a comment typed with line breaks, not for
    a quotation mark left open that made a cell take in the rows after it."""
    for cell in row:
        lines = cell.splitlines()
        if len(lines) > 1 and (
            any(delimiter in text for text in lines[1:]) or len(cell) > MAX_FIELD
        ):
            raise _refusal(
                _(
                    "A quotation mark opened on this line is closed only on line %(last)s, "
                    "so the rows between would be read as one cell: close the quotation "
                    "mark (or remove it) and upload the file again."
                )
                % {"last": last},
                name,
                first,
            )
        if len(cell) > MAX_FIELD:
            raise _refusal(
                _("A cell holds more than %(count)s characters.") % {"count": MAX_FIELD},
                name,
                first,
            )


def _csv_problem(error: str) -> str:
    if "unexpected end of data" in error or "EOF" in error:
        return _(
            "A quotation mark opened on this line is never closed, so every row after it "
            "would be read as one cell: close the quotation mark (or remove it) and upload "
            "the file again."
        )
    if "field larger than field limit" in error:
        return _("A cell holds more than %(count)s characters.") % {"count": MAX_FIELD}
    return _(
        "The line is not valid CSV (a quotation mark in the middle of a cell?): put cells "
        "with quotation marks or separators in double quotes, or remove the marks."
    )


def _refusal(message: str, name: str, line: int) -> FileRefused:
    return FileRefused(Problem(message, sheet=name, line=line, row=line))


def decimal_text(value: Decimal | None) -> str:
    """``1234,5`` — what ``parse_number`` reads back as the same number."""
    if value is None:
        return ""
    text = format(value.normalize(), "f") if value else "0"
    return text.replace(".", ",")


def write_csv(rows: Iterable[tuple[str, str, Decimal | None, str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_(CSV_COLUMNS[key]) for key in ("teryt", "code", "value", "comment")])
    for teryt, code, value, comment in rows:
        writer.writerow([csv_cell(teryt), csv_cell(code), decimal_text(value), csv_cell(comment)])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
