"""Hostile archives (zip headers that lie, damaged, encrypted, odd entries) and CSV
files (quotes, encodings, binary data, long lines, numbers that are not)."""

from __future__ import annotations

import io
import random
import struct
import warnings
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from tests.collection.corpus import PNG_HEAD
from tests.collection.hostile.common import (
    SHEET,
    Case,
    csv_text,
    edu,
    parts_of,
    raw,
    zipped,
)


def _entry_offsets(data: bytes, member: str) -> tuple[int, int]:
    """Offsets of ``member``'s local header and central directory entry."""
    name = member.encode()
    local = data.index(b"PK\x03\x04")
    while data[local + 30 : local + 30 + len(name)] != name:
        local = data.index(b"PK\x03\x04", local + 4)
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.index(b"PK\x01\x02", central + 4)
    return local, central


def patched(
    name: str, change: Callable[[bytearray, int, int], None]
) -> Callable[[Path, bytes, str], Path]:
    """The template with the sheet's zip headers changed by ``change(data, local, central)``."""

    def build(folder: Path, template: bytes, _teryt: str) -> Path:
        data = bytearray(zipped(folder / "src.xlsx", parts_of(template)).read_bytes())
        local, central = _entry_offsets(bytes(data), SHEET)
        change(data, local, central)
        path = folder / name
        path.write_bytes(bytes(data))
        return path

    return build


def _small_size(data: bytearray, local: int, central: int) -> None:
    """Declare the sheet 100 bytes long (it is longer)."""
    struct.pack_into("<I", data, local + 22, 100)
    struct.pack_into("<I", data, central + 24, 100)


def _bad_crc(data: bytearray, local: int, central: int) -> None:
    crc = struct.unpack_from("<I", data, central + 16)[0] ^ 0xFFFF
    struct.pack_into("<I", data, local + 14, crc)
    struct.pack_into("<I", data, central + 16, crc)


def _encrypted(data: bytearray, local: int, central: int) -> None:
    for offset in (local + 6, central + 8):
        struct.pack_into("<H", data, offset, struct.unpack_from("<H", data, offset)[0] | 1)


def _unknown_method(data: bytearray, local: int, central: int) -> None:
    struct.pack_into("<H", data, local + 8, 99)
    struct.pack_into("<H", data, central + 10, 99)


def truncated(folder: Path, template: bytes, _teryt: str) -> Path:
    path = folder / "obciety.xlsx"
    path.write_bytes(template[: len(template) // 2])
    return path


def lying_bomb(folder: Path, template: bytes, _teryt: str) -> Path:
    """A sheet of 200 MB of spaces inside valid XML, whose headers say 1,000 bytes."""
    path = folder / "klamstwo.xlsx"
    parts = parts_of(template)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            if name != SHEET:
                target.writestr(name, data)
        with target.open(SHEET, "w", force_zip64=False) as part:
            part.write(parts[SHEET][: -len(b"</worksheet>")])
            for _ in range(200):
                part.write(b" " * (1024 * 1024))
            part.write(b"</worksheet>")
    data = bytearray(path.read_bytes())
    local, central = _entry_offsets(bytes(data), SHEET)
    _small_size(data, local, central)
    path.write_bytes(bytes(data))
    return path


def duplicated_part(folder: Path, template: bytes, _teryt: str) -> Path:
    path = zipped(folder / "podwojna.xlsx", parts_of(template))
    with zipfile.ZipFile(path, "a") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": the point of this file
        archive.writestr(SHEET, edu('<c r="F2"><v>999</v></c>'))
    return path


def many_parts(folder: Path, template: bytes, _teryt: str) -> Path:
    parts = parts_of(template)
    path = folder / "czesci.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
        for number in range(12_000):
            target.writestr(f"x/{number}", b"")
    return path


def odd_entries(folder: Path, template: bytes, _teryt: str) -> Path:
    """Entries a careless unzip would write outside its folder, a zip inside the zip,
    and a directory entry: none of them is opened, the workbook imports."""
    parts = parts_of(template)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as nested:
        nested.writestr("a.txt", "a" * 1000)
    parts["../../etc/passwd"] = b"root:x:0:0"
    parts["/absolute.txt"] = b"x"
    parts["xl/embeddings/inner.zip"] = inner.getvalue()
    parts["xl/media/"] = b""
    return zipped(folder / "dziwne.xlsx", parts)


def missing_sheet_part(folder: Path, template: bytes, _teryt: str) -> Path:
    parts = parts_of(template)
    del parts[SHEET]
    return zipped(folder / "bez_arkusza.xlsx", parts)


def relative_targets(folder: Path, template: bytes, _teryt: str) -> Path:
    """Relations as Excel writes them (relative) rather than openpyxl (absolute)."""
    parts = parts_of(template)
    rels = parts["xl/_rels/workbook.xml.rels"].decode().replace('Target="/xl/', 'Target="')
    parts["xl/_rels/workbook.xml.rels"] = rels.encode()
    parts[SHEET] = edu('<c r="F2"><v>8</v></c>')
    return zipped(folder / "wzgledne.xlsx", parts)


def workbook_named_csv(folder: Path, template: bytes, _teryt: str) -> Path:
    parts = parts_of(template)
    parts[SHEET] = edu('<c r="F2"><v>9</v></c>')
    return zipped(folder / "skoroszyt.csv", parts)


def empty_zip(folder: Path, _template: bytes, _teryt: str) -> Path:
    path = folder / "pusty_zip.xlsx"
    with zipfile.ZipFile(path, "w"):
        pass
    return path


def zip_cases() -> list[Case]:
    damaged = "is damaged or not an Excel workbook"
    return [
        Case(
            "a sheet longer than its declared size",
            patched("z1.xlsx", _small_size),
            refused=(damaged,),
        ),
        Case("a CRC error", patched("z2.xlsx", _bad_crc), refused=(damaged,)),
        Case(
            "an encrypted part",
            patched("z3.xlsx", _encrypted),
            refused=("compressed or encrypted",),
        ),
        Case(
            "an unknown compression",
            patched("z4.xlsx", _unknown_method),
            refused=("compressed or encrypted",),
        ),
        Case("a truncated zip", truncated, refused=(damaged,)),
        Case("200 MB of sheet declared as 100 bytes", lying_bomb, refused=(damaged,)),
        Case("two parts of one name", duplicated_part, refused=(damaged,)),
        Case("12,000 parts", many_parts, refused=("more than 10000 parts",)),
        Case("odd entries, a zip inside", odd_entries, stored={"EDU_EXP": Decimal(100)}),
        Case("a sheet part missing", missing_sheet_part, refused=("The sheet Data is missing",)),
        Case("relative relation targets", relative_targets, stored={"EDU_EXP": Decimal(8)}),
        Case("a workbook named .csv", workbook_named_csv, stored={"EDU_EXP": Decimal(9)}),
        Case(
            "an empty zip named .xlsx", empty_zip, refused=("is not an Excel workbook, although",)
        ),
    ]


def random_bytes(_teryt: str) -> bytes:
    return random.Random(12).randbytes(5000)


def csv_cases() -> list[Case]:
    line2 = "Sheet dane.csv, line 2"
    return [
        Case(
            "an unclosed quotation mark",
            raw("dane.csv", csv_text('{teryt};EDU_EXP;"5;a', "{teryt};TEACHERS;4;b")),
            refused=(line2, "is never closed"),
        ),
        Case(
            "a quotation mark closed rows later",
            raw(
                "dane.csv",
                csv_text('{teryt};EDU_EXP;5;"a', "{teryt};TEACHERS;4;b", '{teryt};SUBSIDY;4;c"'),
            ),
            refused=(line2, "closed only on line 4"),
        ),
        Case(
            "a stray quotation mark",
            raw("dane.csv", csv_text('{teryt};EDU_EXP;"5"x;a')),
            refused=(line2, "not valid CSV"),
        ),
        Case(
            "a comment over two lines",
            raw(
                "dane.csv",
                csv_text('{teryt};EDU_EXP;5;"pierwsza\r\ndruga"', "{teryt};TEACHERS;4;b"),
            ),
            stored={"EDU_EXP": Decimal(5), "TEACHERS": Decimal(4)},
        ),
        Case(
            "a PNG named .csv",
            raw("dane.csv", PNG_HEAD + b"\x00" * 100),
            refused=("is neither a CSV file nor",),
        ),
        Case(
            "a PDF named .csv",
            raw("dane.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"),
            refused=("is neither a CSV file nor",),
        ),
        Case(
            "random bytes named .csv",
            raw("dane.csv", random_bytes),
            refused=("is neither a CSV file nor",),
        ),
        Case(
            "NUL bytes in a CSV",
            raw(
                "dane.csv", lambda t: csv_text("{teryt};EDU_EXP;5;a")(t).replace(b"5", b"5\x00\x00")
            ),
            refused=("is neither a CSV file nor",),
        ),
        Case(
            "a control character in a comment",
            raw("dane.csv", csv_text("{teryt};EDU_EXP;5;a\x01b")),
            refused=(line2, "control character"),
        ),
        Case(
            "UTF-16 with a byte-order mark, tabs",
            raw(
                "dane.csv",
                csv_text(
                    "{teryt}\tEDU_EXP\t6\tZwiększone",
                    header="TERYT\tKod\tWartość\tKomentarz",
                    encoding="utf-16",
                ),
            ),
            stored={"EDU_EXP": Decimal(6)},
        ),
        Case(
            "UTF-16 big-endian with a byte-order mark",
            raw("dane.csv", csv_text("{teryt};EDU_EXP;7;ż", encoding="utf-16-be", bom=b"\xfe\xff")),
            stored={"EDU_EXP": Decimal(7)},
        ),
        Case(
            "UTF-8 with a byte-order mark and CR line ends",
            raw(
                "dane.csv",
                lambda t: csv_text("{teryt};EDU_EXP;8;ź", bom=b"\xef\xbb\xbf")(t).replace(
                    b"\r\n", b"\r"
                ),
            ),
            stored={"EDU_EXP": Decimal(8)},
        ),
        Case(
            "Windows-1250",
            raw("dane.csv", csv_text("{teryt};EDU_EXP;5;Zwiększone", encoding="cp1250")),
            refused=("Sheet dane.csv, line 1", "Windows-1250"),
        ),
        Case(
            "Latin-1 without Polish letters",
            raw(
                "dane.csv",
                csv_text(
                    "{teryt};EDU_EXP;5;caf\xe9",
                    encoding="latin-1",
                    header="TERYT;Code;Value;Comment",
                ),
            ),
            refused=(line2, "not UTF-8 text"),
        ),
        Case("an empty file", raw("dane.csv", b""), refused=("is empty.",)),
        Case(
            "only line breaks",
            raw("dane.csv", b"\r\n" * 10000),
            refused=("The file dane.csv is empty.",),
        ),
        Case(
            "only the header",
            raw("dane.csv", csv_text()),
            refused=("The file dane.csv has no values.",),
        ),
        Case(
            "a very long line",
            raw("dane.csv", csv_text("{teryt};EDU_EXP;5;" + "x" * 200_000)),
            refused=(line2, "more than 100000 characters"),
        ),
        Case(
            "a very long line in quotes",
            raw("dane.csv", csv_text('{teryt};EDU_EXP;5;"' + "x" * 200_000 + '"')),
            refused=(line2, "more than 100000 characters"),
        ),
        Case(
            "a huge number",
            raw(
                "dane.csv",
                csv_text("{teryt};SUBSIDY;1e400;a", "{teryt};EDU_EXP;99999999999999999999;b"),
            ),
            refused=(
                "Sheet dane.csv, cell C2, variable SUBSIDY",
                "Sheet dane.csv, cell C3, variable EDU_EXP",
                "too many digits",
            ),
        ),
        Case(
            "NaN and infinity as text",
            raw(
                "dane.csv",
                csv_text(
                    "{teryt};EDU_EXP;NaN;a", "{teryt};TEACHERS;inf;b", "{teryt};SUBSIDY;-Infinity;c"
                ),
            ),
            refused=(
                "cell C2, variable EDU_EXP",
                "cell C3, variable TEACHERS",
                "cell C4, variable SUBSIDY",
            ),
        ),
        Case(
            "blank lines between rows, commas",
            raw(
                "dane.csv",
                csv_text(
                    "", '{teryt},EDU_EXP,"1 234,5",a', "", header="TERYT,Kod,Wartość,Komentarz"
                ),
            ),
            stored={"EDU_EXP": Decimal("1234.5")},
        ),
        Case(
            "700,000 short lines",
            raw("dane.csv", lambda t: csv_text()(t) + b"1;2\n" * 700_000),
            refused=("Sheet dane.csv, cell A2: ",),
        ),
    ]
