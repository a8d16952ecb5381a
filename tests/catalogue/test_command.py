import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from benchlearn.catalogue.models import IndicatorVersion, Variable
from tests.catalogue.conftest import SMALL_YAML


def test_import_export_round_trip(db, tmp_path, capsys):
    source = tmp_path / "in.yaml"
    source.write_text(SMALL_YAML, encoding="utf-8")
    call_command("catalogue", "import", str(source))
    assert "indicators created: 3" in capsys.readouterr().out
    out = tmp_path / "out.yaml"
    call_command("catalogue", "export", "--output", str(out))
    call_command("catalogue", "export", "--set", "SET_EDU")
    assert "SET_EDU" in capsys.readouterr().out
    assert "EDU_COST_PUPIL" in out.read_text(encoding="utf-8")


def test_dry_run_stores_nothing(db, tmp_path, capsys):
    source = tmp_path / "in.yaml"
    source.write_text(SMALL_YAML, encoding="utf-8")
    call_command("catalogue", "import", str(source), "--dry-run")
    assert "nothing was stored" in capsys.readouterr().out
    assert Variable.objects.count() == 0


def test_bad_file_exits_2_and_stores_nothing(db, tmp_path):
    source = tmp_path / "in.yaml"
    source.write_text(SMALL_YAML.replace("PUPILS / POP", "PUPILS / POPS"), encoding="utf-8")
    with pytest.raises(CommandError) as failed:
        call_command("catalogue", "import", str(source))
    assert failed.value.returncode == 2
    assert "PUPILS_PER_1000" in str(failed.value) and "line " in str(failed.value)
    assert IndicatorVersion.objects.count() == 0
