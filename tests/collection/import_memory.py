"""Run by ``test_files_memory.py`` in processes of their own, against a fresh SQLite
database: ``build FOLDER`` creates the round of the collection tests and writes every
file of ``hostile.heavy.heavy_cases()`` (a list in FOLDER/files.json); ``import FOLDER``
imports each through the ``import-values`` command and prints, as JSON, each file's
outcome and the process's peak resident memory (in kB). Two processes, so that
building the files does not count in the peak."""

from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path


def build(folder: Path) -> None:
    from django.core.management import call_command

    from benchlearn.catalogue.services import catalogue_import, catalogue_publish
    from benchlearn.collection.files.export import unit_template
    from benchlearn.collection.models import Submission
    from benchlearn.units.models import Unit
    from tests.collection.conftest import COLLECTION_YAML, make_round
    from tests.collection.hostile.heavy import heavy_cases
    from tests.conftest import TERYT_A, load_units, make_user

    call_command("migrate", verbosity=0)
    operator = make_user("biuro@example.org", "Olga Operator", is_operator=True)
    load_units(TERYT_A)
    catalogue_import(text=COLLECTION_YAML, user=operator)
    catalogue_publish(user=operator)
    round_ = make_round(operator, [Unit.objects.get(teryt=TERYT_A)])
    template = unit_template(Submission.objects.get(round=round_))
    files = {}
    for number, case in enumerate(heavy_cases()):
        target = folder / f"case{number}"
        target.mkdir()
        files[case.name] = str(case.build(target, template, TERYT_A))
    (folder / "files.json").write_text(json.dumps({"round": round_.pk, "files": files}))


def _peak_kb() -> int:
    """This process's peak resident memory. Linux's VmHWM belongs to the program now
    running; ru_maxrss carries the high-water mark of the pytest process that started
    us across exec, so a big test run would be counted as the import's."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def imports(folder: Path) -> None:
    from django.core.management import CommandError, call_command

    plan = json.loads((folder / "files.json").read_text())
    before = _peak_kb()
    outcome = {}
    for name, path in plan["files"].items():
        try:
            call_command("import-values", "--round", str(plan["round"]), "--file", path)
            outcome[name] = ""
        except CommandError as error:
            outcome[name] = str(error)
    peak = _peak_kb()
    print(json.dumps({"outcome": outcome, "before_kb": before, "peak_kb": peak}))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchlearn.settings")
    import django

    django.setup()
    from django.utils import translation

    translation.activate("en")  # the messages the test reads
    {"build": build, "import": imports}[sys.argv[1]](Path(sys.argv[2]))
