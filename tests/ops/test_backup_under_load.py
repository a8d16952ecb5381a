"""A backup taken while eight people save, through a real web server, is a consistent
snapshot: restored, every unit's values are those of its last history rows, and each
save is there whole (both of its values and history rows) or not at all. The saves
all succeed meanwhile."""

import json
import time

import pytest

from tests.load import people_save
from tests.sites import manage, run, site

pytestmark = pytest.mark.timeout(600)


def test_a_backup_taken_while_people_save_restores_a_consistent_state(tmp_path):
    archive = tmp_path / "during.tar.gz"

    def back_up(outcomes: list) -> None:
        while len(outcomes) < 8:  # once the first saves are in, while the rest go on
            time.sleep(0.05)
        manage(env, "backup", str(archive))

    with site(tmp_path / "live", "backup_live") as env:
        manage(env, "migrate", "--verbosity", "0")
        people_save(env, tmp_path, saves=20, meanwhile=back_up)
    with site(tmp_path / "restored", "backup_restored") as restored:
        manage(restored, "restore", str(archive))
        units = json.loads(run(restored, "tests.collection.site_process", "report").stdout)
    saved = 0
    for teryt, unit in units.items():
        edu = [value for code, value in unit["history_values"] if code == "EDU_EXP"]
        teachers = [value for code, value in unit["history_values"] if code == "TEACHERS"]
        assert len(edu) == len(teachers), teryt
        expected = {"EDU_EXP": edu[-1], "TEACHERS": teachers[-1]} if edu else {}
        assert unit["values"] == expected, teryt
        saved += len(edu)
    assert saved >= 1
