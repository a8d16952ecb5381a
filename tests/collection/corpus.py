"""Bad files for the import, each built here in a temporary folder (no binary files in
the repository): what people really upload by mistake, and what attackers send."""

import datetime
import io
import re
import zipfile
from pathlib import Path

import openpyxl

PNG_HEAD = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
)
OLE_HEAD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def book_of(template: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(template))


def saved(book: openpyxl.Workbook, path: Path) -> Path:
    book.save(path)
    return path


def png_named_xlsx(folder: Path) -> Path:
    path = folder / "dane.xlsx"
    path.write_bytes(PNG_HEAD + b"\x00" * 200)
    return path


def encrypted_workbook(folder: Path) -> Path:
    """What Excel writes for a workbook with a password to open: an OLE compound file
    whose directory holds the EncryptionInfo and EncryptedPackage streams."""
    directory = b"".join(
        name.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64
        for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage")
    )
    path = folder / "zaszyfrowany.xlsx"
    path.write_bytes(OLE_HEAD + b"\x00" * 504 + directory + b"\x00" * 4096)
    return path


def macro_workbook(folder: Path, template: bytes) -> Path:
    path = folder / "makra.xlsm"
    return saved(book_of(template), path)


def macro_inside_xlsx(folder: Path, template: bytes) -> Path:
    """An .xlsm renamed .xlsx: the macros are in xl/vbaProject.bin."""
    path = folder / "makra.xlsx"
    with zipfile.ZipFile(io.BytesIO(template)) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\x00" * 100)
    return path


def empty_sheet(folder: Path, template: bytes) -> Path:
    book = book_of(template)
    sheet = book.worksheets[0]
    sheet.delete_rows(1, sheet.max_row)
    return saved(book, folder / "pusty.xlsx")


def with_cells(folder: Path, template: bytes, cells: dict[str, object], name: str) -> Path:
    book = book_of(template)
    sheet = book.worksheets[0]
    for ref, value in cells.items():
        sheet[ref] = value
    return saved(book, folder / name)


def shuffled_columns(folder: Path, template: bytes, values: dict[str, object]) -> Path:
    """The columns in reverse order, headers and all, with ``values`` typed in."""
    book = book_of(template)
    sheet = book.worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    for row in rows[1:]:
        if row[0] in values:
            row[5] = values[row[0]]
    sheet.delete_rows(1, sheet.max_row)
    for row in rows:
        sheet.append(list(reversed(row)))
    return saved(book, folder / "odwrocone.xlsx")


def renamed_column(folder: Path, template: bytes) -> Path:
    return with_cells(folder, template, {"F1": "Kwota"}, "zmieniona.xlsx")


def missing_column(folder: Path, template: bytes) -> Path:
    book = book_of(template)
    book.worksheets[0].delete_cols(6)
    return saved(book, folder / "bez_kolumny.xlsx")


def merged_cells(folder: Path, template: bytes) -> Path:
    book = book_of(template)
    book.worksheets[0]["F2"] = 5
    book.worksheets[0].merge_cells("F2:F3")
    return saved(book, folder / "scalone.xlsx")


def text_and_date(folder: Path, template: bytes) -> Path:
    cells = {"F2": "dużo", "F3": datetime.date(2024, 5, 1)}
    return with_cells(folder, template, cells, "tekst.xlsx")


def spreadsheet_errors(folder: Path, template: bytes) -> Path:
    """#DIV/0! as a cell value, and a formula whose cached result is #DIV/0!."""
    path = with_cells(folder, template, {"F2": "#DIV/0!", "F3": "=1/0"}, "bledy.xlsx")
    return _cache(path, {"F3": ('t="e"', "#DIV/0!")})


def formula_with_result(folder: Path, template: bytes) -> Path:
    """A formula Excel computed: its cached result is what counts."""
    path = with_cells(folder, template, {"F2": "=20+22"}, "formula.xlsx")
    return _cache(path, {"F2": ("", "42")})


def formula_without_result(folder: Path, template: bytes) -> Path:
    """A formula as a program that does not compute them writes it: no cached result."""
    return with_cells(folder, template, {"F2": "=20+22"}, "bez_wyniku.xlsx")


def _cache(path: Path, results: dict[str, tuple[str, str]]) -> Path:
    """Give formula cells the cached results Excel would have written."""
    with zipfile.ZipFile(path) as source:
        parts = {item.filename: source.read(item.filename) for item in source.infolist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    for ref, (kind, value) in results.items():
        xml = re.sub(
            rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/>',
            lambda m, kind=kind, value=value: (
                f'<c r="{ref}"{m.group(1)} {kind}><f>{m.group(2)}</f><v>{value}</v>'
            ),
            xml,
        )
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def duplicated_row(folder: Path, template: bytes) -> Path:
    book = book_of(template)
    sheet = book.worksheets[0]
    first = [cell.value for cell in sheet[2]]
    first[5] = 7
    sheet.append(first)
    return saved(book, folder / "podwojny.xlsx")


def huge_file(folder: Path, megabytes: int = 50) -> Path:
    """A file of ``megabytes`` (sparse: the size is all that counts, nothing is read)."""
    path = folder / "ogromny.xlsx"
    with path.open("wb") as handle:
        handle.write(b"PK\x03\x04")
        handle.truncate(megabytes * 1024 * 1024)
    return path


def zip_bomb(folder: Path, megabytes: int = 400) -> Path:
    """A tiny .xlsx whose sheet would unpack to ``megabytes`` of zeros."""
    path = folder / "bomba.xlsx"
    chunk = b"0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            for _ in range(megabytes):
                part.write(chunk)
    return path


def csv_windows_1250(folder: Path, teryt: str) -> Path:
    path = folder / "dane.csv"
    text = f"TERYT;Kod;Wartość;Komentarz\r\n{teryt};EDU_EXP;1000;Zwiększone wydatki\r\n"
    path.write_bytes(text.encode("cp1250"))
    return path


def csv_utf8(folder: Path, rows: list[str], *, bom: bool) -> Path:
    path = folder / ("bom.csv" if bom else "dane.csv")
    text = "\r\n".join(["TERYT;Kod;Wartość;Komentarz", *rows]) + "\r\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path
