"""CSV files of values: a row per unit and variable (TERYT, code, value, comment).

Read: UTF-8 with or without a byte-order mark, separated by ``;`` (what Excel writes in
Polish), ``,`` or a tab. A file in Windows-1250 (Excel's "CSV" in Polish Windows) is
refused with a message saying so and how to save it as UTF-8: guessing an encoding
could store wrong letters in comments without anybody noticing.
Written: UTF-8 with a byte-order mark (so Excel opens it right), ``;``, decimal commas;
text that a spreadsheet would take for a formula gets an apostrophe before it, which
reading takes off again (see ``spreadsheet_cells``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _

from benchlearn.collection.files.layout import CSV_COLUMNS
from benchlearn.collection.files.problems import FileRefused
from benchlearn.engine.io.spreadsheet_cells import csv_cell, csv_cell_read

# Bytes of Polish letters in Windows-1250 that are not valid UTF-8 on their own.
_CP1250_POLISH = set(b"\xa5\xb9\xc6\xe6\xca\xea\xa3\xb3\xd1\xf1\xd3\xf3\x8c\x9c\x8f\x9f\xaf\xbf")


def read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        if any(byte in _CP1250_POLISH for byte in data):
            raise FileRefused(
                _(
                    "The CSV file is in the Windows-1250 encoding, not UTF-8: in Excel choose "
                    "“CSV UTF-8 (comma delimited)” when saving (or convert it to UTF-8) and "
                    "upload it again."
                )
            ) from None
        raise FileRefused(_("The CSV file is not UTF-8 text: save it as CSV UTF-8.")) from None
    first = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [[csv_cell_read(cell) for cell in row] for row in rows]


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
