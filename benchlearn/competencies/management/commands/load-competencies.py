from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from benchlearn.competencies.scheme import SHIPPED, SchemeFileError, scheme_load


class Command(BaseCommand):
    help = (
        "Load the competency scheme shipped with Benchlearn (or that of FILE) and publish "
        "it. A version already stored is left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default=str(SHIPPED))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = scheme_load(path=Path(options["file"]))
        except SchemeFileError as error:
            raise CommandError("\n".join(error.problems)) from error
        state = "loaded" if report.created else "already there"
        self.stdout.write(f"competency scheme {report.scheme.version}: {state}")
