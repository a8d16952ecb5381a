"""Readers of unit register files: GUS TERC and the bundled gminy file.

Both become the same list of ``RegistryRow`` (voivodeships, then counties, then gminas,
so that parents come before children). A reader checks the whole file and raises
``RegistryFileError`` with every problem it found, each with its line and code, so
that a bad file is reported at once and nothing is written.

Only local government units are kept: in TERC the parts of urban-rural gminas
(RODZ 4 and 5), Warsaw's districts (8) and the delegations of Kraków, Łódź, Poznań and
Wrocław (9) are skipped; a city with county rights is one unit under its gmina code.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.utils.translation import gettext as _

from benchlearn.units.models import UnitKind

_GMINA_KINDS = {
    "1": UnitKind.URBAN_GMINA,
    "2": UnitKind.RURAL_GMINA,
    "3": UnitKind.URBAN_RURAL_GMINA,
}
# Parts of gminas, Warsaw's districts and city delegations: not units of their own.
_TERC_SKIPPED_RODZ = {"4", "5", "8", "9"}
# County codes from 61 up are cities with county rights.
_FIRST_CITY_COUNTY = "61"

TERC_COLUMNS = ("WOJ", "POW", "GMI", "RODZ", "NAZWA")
BUNDLED_COLUMNS = (
    "teryt7",
    "name",
    "gmina_type_code",
    "is_city_with_county_rights",
    "powiat_teryt4",
    "powiat_name",
    "woj_teryt2",
    "voivodeship",
)


@dataclass(frozen=True)
class RegistryRow:
    teryt: str
    name: str
    kind: str
    parent: str  # TERYT code of the county or voivodeship; "" for a voivodeship
    voivodeship: str
    line: int = 0


@dataclass(frozen=True)
class Problem:
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        where = _("line %(line)d") % {"line": self.line} if self.line else _("file")
        code = f" [{self.code}]" if self.code else ""
        return f"{where}{code}: {self.message}"


class RegistryFileError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass
class RegistryFile:
    rows: list[RegistryRow]
    state_on: date | None = None  # STAN_NA of a TERC file
    skipped: int = 0  # TERC rows that are not units (parts, districts, delegations)
    format: str = "terc"
    problems: list[Problem] = field(default_factory=list)


def decode(data: bytes) -> str:
    """UTF-8 text of a file, or a clear error naming the line where it stops being UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            data.decode("cp1250")
            guess = _("it looks like Windows-1250 (ANSI) or ISO-8859-2")
        except UnicodeDecodeError:
            guess = _("its encoding is unknown")
        message = _(
            "The file is not in UTF-8 encoding: %(guess)s. Save it as UTF-8 (in Excel: "
            "“CSV UTF-8”) and try again."
        ) % {"guess": guess}
        raise RegistryFileError([Problem(line, "", message)]) from exc


def _reader(text: str) -> csv.DictReader[str]:
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    return csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)


def read_registry_file(path: Path) -> RegistryFile:
    """Read a TERC file (GUS, ``,`` or ``;`` separated) or the bundled gminy file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RegistryFileError(
            [Problem(0, "", _("Cannot read the file: %(error)s") % {"error": exc.strerror})]
        ) from exc
    return read_registry_text(decode(data))


def read_registry_text(text: str) -> RegistryFile:
    reader = _reader(text)
    columns = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = columns
    if "teryt7" in columns:
        return _checked(_read_bundled(reader, columns))
    return _checked(_read_terc(reader, columns))


def _checked(registry: RegistryFile) -> RegistryFile:
    problems = registry.problems + _structure_problems(registry.rows)
    if problems:
        raise RegistryFileError(sorted(problems, key=lambda problem: problem.line))
    registry.rows.sort(key=lambda row: (len(row.teryt), row.teryt))
    return registry


def _missing_columns(columns: list[str], wanted: Iterable[str]) -> list[Problem]:
    missing = [name for name in wanted if name not in columns]
    if not missing:
        return []
    message = _("Missing columns: %(missing)s (the file has: %(present)s).") % {
        "missing": ", ".join(missing),
        "present": ", ".join(columns) or "—",
    }
    return [Problem(1, "", message)]


def _cell(record: Mapping[str, str | None], column: str) -> str:
    return (record.get(column) or "").strip()


_DIGITS = {"WOJ": 2, "POW": 2, "GMI": 2, "RODZ": 1}


def _read_terc(reader: csv.DictReader[str], columns: list[str]) -> RegistryFile:
    registry = RegistryFile(rows=[], format="terc")
    registry.problems = _missing_columns(columns, TERC_COLUMNS)
    if registry.problems:
        return registry
    extra = "NAZWA_DOD" if "NAZWA_DOD" in columns else "NAZDOD"
    voivodeships: dict[str, str] = {}
    records = []
    for record in reader:
        records.append((reader.line_num, record))
        woj, pow_ = _cell(record, "WOJ"), _cell(record, "POW")
        if woj and not pow_:
            voivodeships[woj] = _cell(record, "NAZWA").lower()
    dates = set()
    for line, record in records:
        parts = {column: _cell(record, column) for column in _DIGITS}
        given = _cell(record, "TERYT") if "TERYT" in columns else None
        teryt = "".join(parts.values())
        code = given or teryt
        problem = _terc_code_problem(parts, given)
        if problem:
            registry.problems.append(Problem(line, code, problem))
            continue
        name = _cell(record, "NAZWA")
        if not name:
            registry.problems.append(Problem(line, code, _("The name (NAZWA) is empty.")))
            continue
        if stan_na := _cell(record, "STAN_NA"):
            try:
                dates.add(date.fromisoformat(stan_na))
            except ValueError:
                message = _("STAN_NA “%(value)s” is not a date (YYYY-MM-DD).") % {"value": stan_na}
                registry.problems.append(Problem(line, code, message))
        row = _terc_row(parts, name, voivodeships.get(parts["WOJ"], ""), line, _cell(record, extra))
        if row is None:
            registry.skipped += 1
        else:
            registry.rows.append(row)
    registry.state_on = max(dates) if dates else None
    return registry


def _terc_code_problem(parts: dict[str, str], given: str | None) -> str | None:
    teryt = "".join(parts.values())
    if given == "" or not parts["WOJ"]:
        return _("The TERYT code is missing.")
    for column, width in _DIGITS.items():
        value = parts[column]
        if value and not (value.isdigit() and len(value) == width):
            return _("%(column)s “%(value)s” is not a %(width)d-digit code.") % {
                "column": column,
                "value": value,
                "width": width,
            }
    if not re.fullmatch(r"\d{2}|\d{4}|\d{7}", teryt) or (parts["GMI"] and not parts["RODZ"]):
        return _("The code parts WOJ, POW, GMI, RODZ do not make a TERYT code.")
    if given is not None and given != teryt:
        return _("TERYT “%(given)s” does not agree with WOJ, POW, GMI, RODZ (%(built)s).") % {
            "given": given,
            "built": teryt,
        }
    if (
        parts["RODZ"]
        and parts["RODZ"] not in _GMINA_KINDS
        and parts["RODZ"] not in (_TERC_SKIPPED_RODZ)
    ):
        return _("RODZ “%(value)s” is not a TERC unit type (1–5, 8, 9).") % {"value": parts["RODZ"]}
    return None


def _terc_row(
    parts: dict[str, str], name: str, voivodeship: str, line: int, extra: str
) -> RegistryRow | None:
    woj, pow_, gmi, rodz = parts["WOJ"], parts["POW"], parts["GMI"], parts["RODZ"]
    city_county = pow_ >= _FIRST_CITY_COUNTY or "na prawach powiatu" in extra
    if not pow_:
        return RegistryRow(
            woj, f"województwo {name.lower()}", UnitKind.VOIVODESHIP, "", voivodeship, line
        )
    if not gmi:
        if city_county:
            return None  # the city is the unit under its gmina code
        return RegistryRow(woj + pow_, f"powiat {name}", UnitKind.COUNTY, woj, voivodeship, line)
    if rodz in _TERC_SKIPPED_RODZ:
        return None
    teryt = woj + pow_ + gmi + rodz
    if pow_ >= _FIRST_CITY_COUNTY:
        return RegistryRow(teryt, name, UnitKind.CITY_COUNTY, woj, voivodeship, line)
    return RegistryRow(teryt, name, _GMINA_KINDS[rodz], woj + pow_, voivodeship, line)


def _read_bundled(reader: csv.DictReader[str], columns: list[str]) -> RegistryFile:
    registry = RegistryFile(rows=[], format="gminy")
    registry.problems = _missing_columns(columns, BUNDLED_COLUMNS)
    if registry.problems:
        return registry
    records = []
    for record in reader:
        records.append((reader.line_num, record))
    registry.rows, registry.problems = rows_from_bundled(records)
    return registry


def rows_from_bundled(
    records: Iterable[tuple[int, Mapping[str, str | None]]],
) -> tuple[list[RegistryRow], list[Problem]]:
    """Voivodeships, counties and gminas of the bundled gminy file (one row per gmina)."""
    units: dict[str, RegistryRow] = {}
    problems: list[Problem] = []
    for line, record in records:
        teryt, woj, pow_ = (_cell(record, c) for c in ("teryt7", "woj_teryt2", "powiat_teryt4"))
        gmina_type, voiv_name = _cell(record, "gmina_type_code"), _cell(record, "voivodeship")
        if not teryt:
            problems.append(Problem(line, "", _("The TERYT code is missing.")))
            continue
        if not (re.fullmatch(r"\d{7}", teryt) and teryt.startswith(pow_) and pow_.startswith(woj)):
            message = _("“%(code)s” is not a 7-digit TERYT code of county %(county)s.") % {
                "code": teryt,
                "county": pow_,
            }
            problems.append(Problem(line, teryt, message))
            continue
        if gmina_type not in _GMINA_KINDS or len(woj) != 2 or len(pow_) != 4:
            message = _("Unknown gmina type “%(value)s” or malformed county code.") % {
                "value": gmina_type
            }
            problems.append(Problem(line, teryt, message))
            continue
        if teryt in units:
            problems.append(_duplicate(line, teryt, units[teryt].line))
            continue
        units.setdefault(
            woj,
            RegistryRow(woj, f"województwo {voiv_name}", UnitKind.VOIVODESHIP, "", voiv_name, line),
        )
        city_county = _cell(record, "is_city_with_county_rights") == "True"
        if not city_county:
            name = f"powiat {_cell(record, 'powiat_name')}"
            units.setdefault(pow_, RegistryRow(pow_, name, UnitKind.COUNTY, woj, voiv_name, line))
        units[teryt] = RegistryRow(
            teryt,
            _cell(record, "name"),
            UnitKind.CITY_COUNTY if city_county else _GMINA_KINDS[gmina_type],
            woj if city_county else pow_,
            voiv_name,
            line,
        )
    return list(units.values()), problems


def _duplicate(line: int, teryt: str, first_line: int) -> Problem:
    message = _("TERYT code %(code)s appears again (first on line %(first)d).") % {
        "code": teryt,
        "first": first_line,
    }
    return Problem(line, teryt, message)


def _structure_problems(rows: list[RegistryRow]) -> list[Problem]:
    """Duplicate codes, empty names and parents missing from the file."""
    problems = []
    first: dict[str, RegistryRow] = {}
    for row in rows:
        if row.teryt in first:
            problems.append(_duplicate(row.line, row.teryt, first[row.teryt].line))
        else:
            first[row.teryt] = row
        if not row.name:
            problems.append(Problem(row.line, row.teryt, _("The name is empty.")))
    for row in first.values():
        if row.parent and row.parent not in first:
            message = _("Its county or voivodeship %(parent)s is not in the file.") % {
                "parent": row.parent
            }
            problems.append(Problem(row.line, row.teryt, message))
    return problems
