from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from benchlearn.compute.cli import compute_files
from benchlearn.engine.evaluate import CatalogueError
from benchlearn.engine.io import InputError


class Command(BaseCommand):
    help = (
        "Evaluate a catalogue's indicators over values from a CSV file (no database). "
        "VALUES.csv: unit,period,variable,value. OUT.csv: unit,period,indicator,value,flag. "
        "With --groups (group,unit) also writes group statistics to --stats-output. "
        "Exit status 2 on invalid input; no output file is written then."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--catalogue", type=Path, required=True, metavar="CAT.yaml")
        parser.add_argument("--values", type=Path, required=True, metavar="VALUES.csv")
        parser.add_argument("--output", type=Path, required=True, metavar="OUT.csv")
        parser.add_argument("--groups", type=Path, metavar="GROUPS.csv")
        parser.add_argument("--stats-output", type=Path, metavar="STATS.csv")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = compute_files(
                catalogue_path=options["catalogue"],
                values_path=options["values"],
                output_path=options["output"],
                groups_path=options["groups"],
                stats_output_path=options["stats_output"],
            )
        except (InputError, CatalogueError) as exc:
            raise CommandError("\n".join(exc.problems), returncode=2) from exc
        self.stdout.write(
            f"{summary.indicators} indicators for {summary.units} units × {summary.periods} "
            f"periods written to {options['output']} ({summary.missing} missing values, "
            f"{summary.div0} divisions by zero)."
        )
        if summary.groups:
            self.stdout.write(
                f"Statistics for {summary.groups} groups written to {options['stats_output']}."
            )
