"""`benchlearn import-units FILE`: refreshing the registry from a TERC file."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from benchlearn.units.models import Unit, UnitChange, UnitKind, UnitMembership
from benchlearn.units.services import unit_registry_load_bundled

TERC = Path("/work/shared/data/poland/terc_2024-01-01.csv")
HEADER = "TERYT,WOJ,POW,GMI,RODZ,NAZWA,NAZWA_DOD,STAN_NA"
# The units of tests/conftest.py: śląskie, powiat bielski, Bestwina, and the cities
# Bielsko-Biała and Gliwice; plus the parts of TERC that are not units.
BASE = [
    "24,24,,,,ŚLĄSKIE,województwo,2025-01-01",
    "2402,24,02,,,bielski,powiat,2025-01-01",
    "2402022,24,02,02,2,Bestwina,gmina wiejska,2025-01-01",
    "2461,24,61,,,Bielsko-Biała,miasto na prawach powiatu,2025-01-01",
    "2461011,24,61,01,1,Bielsko-Biała,gmina miejska,2025-01-01",
    "2466,24,66,,,Gliwice,miasto na prawach powiatu,2025-01-01",
    "2466011,24,66,01,1,Gliwice,gmina miejska,2025-01-01",
]


def write(tmp_path: Path, lines: list[str], *, encoding: str = "utf-8") -> Path:
    path = tmp_path / "terc.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def run(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import-units", str(path), *args, stdout=out)
    return out.getvalue()


def dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", "units", "groups", stdout=out)
    return out.getvalue()


def refused(path: Path, *args: str) -> str:
    """The report of a refused import, after checking that nothing changed."""
    before = dump()
    with pytest.raises(CommandError) as caught:
        run(path, *args)
    assert caught.value.returncode == 2
    assert dump() == before
    return str(caught.value)


def test_the_official_register_matches_the_bundled_one(db):
    unit_registry_load_bundled()
    out = run(TERC)
    assert "0 created, 0 renamed, 0 abolished, 2807 unchanged" in out
    assert "1525 rows that are not units skipped" in out


def test_refresh_renames_creates_and_abolishes_keeping_what_is_attached(
    tmp_path, programme, group, unit_a, unit_b, unit_c
):
    lines = [HEADER, *BASE]
    # Bestwina becomes an urban-rural gmina (so its code ends in 3) named Bestwina Zdrój.
    lines[3] = "2402023,24,02,02,3,Bestwina Zdrój,gmina miejsko-wiejska,2025-01-01"
    lines.remove("2466011,24,66,01,1,Gliwice,gmina miejska,2025-01-01")
    lines.append("2402032,24,02,03,2,Buczkowice,gmina wiejska,2025-01-01")
    lines.append("2402034,24,02,03,4,Buczkowice,miasto,2025-01-01")  # a part: skipped

    out = run(write(tmp_path, lines), "--allow-mass-abolition")

    assert "1 created, 1 renamed, 1 abolished, 3 unchanged" in out
    unit_c.refresh_from_db()
    assert (unit_c.teryt, unit_c.name) == ("2402023", "Bestwina Zdrój")
    assert unit_c.kind == UnitKind.URBAN_RURAL_GMINA
    assert UnitMembership.objects.filter(unit=unit_c).count() == 1
    recoded = UnitChange.objects.get(unit=unit_c, kind="recoded")
    assert (recoded.old_value, recoded.new_value) == ("2402022", "2402023")
    renamed = UnitChange.objects.get(unit=unit_c, kind="renamed")
    assert (renamed.old_value, renamed.new_value) == ("Bestwina", "Bestwina Zdrój")
    assert str(renamed.effective_on) == "2025-01-01"
    assert renamed.source == "terc.csv"
    unit_b.refresh_from_db()
    assert str(unit_b.abolished_on) == "2025-01-01"
    # Gliwice is abolished, not deleted: its participant and its group stay.
    assert UnitMembership.objects.filter(unit=unit_b).count() == 1
    assert unit_b in group.units.all()
    new = Unit.objects.get(teryt="2402032")
    assert (new.name, new.parent.teryt, new.kind) == ("Buczkowice", "2402", UnitKind.RURAL_GMINA)
    assert not Unit.objects.filter(teryt="2402034").exists()

    # Gliwice comes back in a later register.
    out = run(write(tmp_path, [HEADER, *BASE]), "--on", "2026-01-01", "--allow-mass-abolition")
    assert "1 back in the register" in out
    unit_b.refresh_from_db()
    assert unit_b.abolished_on is None
    unit_c.refresh_from_db()
    assert (unit_c.teryt, unit_c.name) == ("2402022", "Bestwina")


def test_a_partial_file_is_refused_before_it_abolishes_half_the_country(tmp_path, units):
    report = refused(write(tmp_path, [HEADER, *BASE[:3]]))
    assert "would abolish 2 of 5 units" in report


def test_dry_run_reports_and_changes_nothing(tmp_path, units):
    lines = [HEADER, *BASE]
    lines[3] = "2402022,24,02,02,2,Bestwina Górna,gmina wiejska,2025-01-01"
    before = dump()
    out = run(write(tmp_path, lines), "--dry-run")
    assert "1 renamed" in out and "Dry run" in out
    assert dump() == before


def test_semicolon_file_without_teryt_column_as_gus_publishes_it(tmp_path, units):
    lines = ["WOJ;POW;GMI;RODZ;NAZWA;NAZDOD;STAN_NA"]
    for line in BASE:
        cells = line.split(",")[1:]
        lines.append(";".join(cells))
    lines[3] = "24;02;02;2;Bestwina Dolna;gmina wiejska;2025-01-01"
    out = run(write(tmp_path, lines))
    assert "0 created, 1 renamed, 0 abolished, 4 unchanged" in out


@pytest.mark.parametrize(
    ("bad_line", "expected"),
    [
        (
            ",24,02,02,2,Bestwina,gmina wiejska,2025-01-01",
            "line 4 [2402022]: The TERYT code is missing.",
        ),
        (
            "24020X2,24,02,0X,2,Bestwina,gmina wiejska,2025-01-01",
            "line 4 [24020X2]: GMI “0X” is not a 2-digit code.",
        ),
        (
            "2402023,24,02,02,2,Bestwina,gmina wiejska,2025-01-01",
            "line 4 [2402023]: TERYT “2402023” does not agree with WOJ, POW, GMI, RODZ (2402022).",
        ),
        (
            "2402027,24,02,02,7,Bestwina,gmina wiejska,2025-01-01",
            "line 4 [2402027]: RODZ “7” is not a TERC unit type",
        ),
        ("2402022,24,02,02,2,,gmina wiejska,2025-01-01", "line 4 [2402022]: The name"),
        ("2402022,24,02,02,2,Bestwina,gmina wiejska,1.1.2025", "is not a date"),
    ],
)
def test_each_malformed_row_is_reported_with_its_line_and_code(tmp_path, units, bad_line, expected):
    lines = [HEADER, *BASE]
    lines[3] = bad_line
    assert expected in refused(write(tmp_path, lines))


def test_duplicates_and_orphans_are_all_reported_at_once(tmp_path, units):
    lines = [HEADER, *BASE, BASE[2], "2499012,24,99,01,2,Nigdzie,gmina wiejska,2025-01-01"]
    lines.append("2403012,24,03,01,2,Sierota,gmina wiejska,2025-01-01")
    report = refused(write(tmp_path, lines))
    assert "(2 problems)" in report
    assert "line 9 [2402022]: TERYT code 2402022 appears again (first on line 4)." in report
    assert "line 11 [2403012]: Its county or voivodeship 2403 is not in the file." in report


def test_windows_1250_file_is_named_as_such(tmp_path, units):
    report = refused(write(tmp_path, [HEADER, *BASE], encoding="cp1250"))
    assert "line 2: The file is not in UTF-8 encoding: it looks like Windows-1250" in report


def test_missing_columns_are_named(tmp_path, units):
    lines = ["TERYT,WOJ,POW,GMI,NAZWA", "24,24,,,ŚLĄSKIE"]
    report = refused(write(tmp_path, lines))
    assert "line 1: Missing columns: RODZ" in report


def test_empty_and_missing_files(tmp_path, units):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "Missing columns: WOJ, POW, GMI, RODZ, NAZWA" in refused(empty)
    assert "Cannot read the file" in refused(tmp_path / "nowhere.csv")


def test_bundled_format_is_checked_too(tmp_path, units):
    source = Path("benchlearn/units/data/gminy_2024.csv").read_text(encoding="utf-8")
    header, first, *_rest = source.splitlines()
    broken = first.replace("0201011", "020101", 1)
    report = refused(write(tmp_path, [header, first, broken, first]))
    assert "line 3 [020101]: “020101” is not a 7-digit TERYT code" in report
    assert "line 4 [0201011]: TERYT code 0201011 appears again (first on line 2)." in report
