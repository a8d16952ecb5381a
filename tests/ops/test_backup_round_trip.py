"""A backup restores: a site with users, units, a collection round, values saved three
times (so with history) and an uploaded file waiting for its import is backed up by
`benchlearn backup` and restored by `benchlearn restore` into a site with an empty
database (no tables, or freshly migrated), which then holds every row of every table
and every stored file, as the first site did. Run as commands in processes of their
own, on the engine of the test run."""

import json
from pathlib import Path

import pytest

from tests.sites import manage, run, site

pytestmark = pytest.mark.timeout(600)


def _tables(env: dict[str, str]) -> dict:
    return json.loads(run(env, "tests.collection.site_process", "tables").stdout)


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory) -> tuple[Path, dict]:
    """A filled site's backup and what the site held."""
    folder = tmp_path_factory.mktemp("source")
    with site(folder / "site", "backup_source") as env:
        manage(env, "migrate", "--verbosity", "0")
        run(env, "tests.collection.site_process", "setup")
        run(env, "tests.collection.site_process", "fill")
        archive = folder / "backups" / "site.tar.gz"
        done = manage(env, "backup", str(archive))
        # The command speaks the site's language, Polish.
        assert "1 zapisany plik" in done.stdout
        return archive, _tables(env)


@pytest.mark.parametrize("target", ["blank", "migrated"])
def test_restore_into_an_empty_database_finds_every_row_and_file(backed_up, tmp_path, target):
    archive, source = backed_up
    tables = source["tables"]
    # The source held what the test is about.
    assert len(tables["accounts_user"]) == 9
    assert len(tables["collection_value"]) == 4
    assert len(tables["collection_valuechange"]) == 12
    assert len(tables["collection_round"]) == 1 and len(tables["units_unit"]) >= 8
    assert len(tables["collection_importjob"]) == 1 and len(source["files"]) == 1
    with site(tmp_path / "site", "backup_target") as env:
        if target == "migrated":
            manage(env, "migrate", "--verbosity", "0")
        done = manage(env, "restore", str(archive))
        assert "Odtworzono kopię zapasową" in done.stdout
        restored = _tables(env)
    assert restored["files"] == source["files"]
    assert sorted(restored["tables"]) == sorted(tables)
    for table, rows in tables.items():
        assert len(restored["tables"][table]) == len(rows), table
        assert restored["tables"][table] == rows, table


def test_a_refused_restore_says_why_without_a_traceback_and_changes_nothing(backed_up, tmp_path):
    archive, _source = backed_up
    with site(tmp_path / "site", "backup_refused") as env:
        manage(env, "migrate", "--verbosity", "0")
        run(env, "tests.collection.site_process", "setup")
        before = _tables(env)
        refused = manage(env, "restore", str(archive), check=False)
        assert refused.returncode == 1
        assert "Baza danych tej instalacji zawiera już dane" in refused.stderr
        assert "--force" in refused.stderr
        assert "Traceback" not in refused.stderr
        damaged = tmp_path / "damaged.tar.gz"
        damaged.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
        refused = manage(env, "restore", str(damaged), "--force", check=False)
        assert refused.returncode == 1 and "jest uszkodzony" in refused.stderr
        assert "Traceback" not in refused.stderr
        assert _tables(env) == before
        # Forced, the backup replaces the site's data.
        manage(env, "restore", str(archive), "--force")
        assert _tables(env) == _tables_of(archive, tmp_path)


def _tables_of(archive: Path, folder: Path) -> dict:
    with site(folder / "fresh", "backup_fresh") as env:
        manage(env, "restore", str(archive))
        return _tables(env)


def test_a_backup_older_than_the_code_is_restored_then_migrated(tmp_path):
    archive = tmp_path / "older.tar.gz"
    with site(tmp_path / "old", "backup_old") as env:
        manage(env, "migrate", "--verbosity", "0")
        # A site one migration behind this code.
        manage(env, "migrate", "collection", "0004", "--verbosity", "0")
        manage(env, "backup", str(archive))
    with site(tmp_path / "new", "backup_new") as env:
        done = manage(env, "restore", str(archive))
        assert "wykonaj `benchlearn migrate`" in done.stdout
        assert (
            "[ ] 0005_history_value_unconstrained"
            in manage(env, "showmigrations", "collection").stdout
        )
        manage(env, "migrate", "--verbosity", "0")
        assert "[ ]" not in manage(env, "showmigrations").stdout
