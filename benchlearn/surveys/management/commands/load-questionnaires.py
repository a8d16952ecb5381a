from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from benchlearn.surveys.questionnaires import (
    SHIPPED,
    QuestionnaireFileError,
    questionnaires_load,
)


class Command(BaseCommand):
    help = (
        "Load the questionnaires shipped with Benchlearn (or those of FILE). A changed "
        "questionnaire gets a new version; an unchanged one is left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default=str(SHIPPED))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = questionnaires_load(path=Path(options["file"]))
        except QuestionnaireFileError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"new: {len(report.created)}, new versions: {len(report.new_versions)}, "
            f"unchanged: {len(report.unchanged)}"
        )
