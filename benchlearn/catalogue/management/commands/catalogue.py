import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from benchlearn.catalogue.models import IndicatorSet
from benchlearn.catalogue.services import (
    CatalogueProblems,
    catalogue_export,
    catalogue_import,
    catalogue_load_default,
)


class Command(BaseCommand):
    help = (
        "Export the indicator catalogue as YAML, import a YAML file into it (all or "
        "nothing; exit status 2 with the problems on stderr), or load the bundled default."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help="Write the catalogue (or one set) as YAML.")
        export.add_argument("--set", dest="set_code", metavar="CODE")
        export.add_argument("--output", type=Path, metavar="FILE")
        load = actions.add_parser("import", help="Import a YAML catalogue file.")
        load.add_argument("file", type=Path, metavar="FILE")
        load.add_argument("--dry-run", action="store_true", help="Check and report only.")
        actions.add_parser("load-default", help="Import the bundled model indicator sets.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "export":
                self._export(options["set_code"], options["output"])
                return
            if options["action"] == "import":
                text = self._read(options["file"])
                summary = catalogue_import(text=text, user=None, dry_run=options["dry_run"])
            else:
                summary = catalogue_load_default(user=None)
        except CatalogueProblems as exc:
            raise CommandError("\n".join(exc.problems), returncode=2) from exc
        if summary.dry_run:
            self.stdout.write("Dry run: nothing was stored. The import would give:")
        for line in summary.lines():
            self.stdout.write(line)

    def _read(self, path: Path) -> str:
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise CatalogueProblems([f"{path}: not UTF-8 text"]) from exc
        except OSError as exc:
            raise CatalogueProblems([f"{path}: cannot be read ({exc.strerror})"]) from exc

    def _export(self, set_code: str | None, output: Path | None) -> None:
        if set_code and not IndicatorSet.objects.filter(code=set_code).exists():
            raise CommandError(f"there is no indicator set {set_code}", returncode=2)
        text = catalogue_export(set_code=set_code)
        if output is None:
            self.stdout.write(text, ending="")
            return
        # Written next to the target and renamed, so a reader never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=output.parent or Path("."), suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, output)
        self.stdout.write(f"Catalogue written to {output}.")
