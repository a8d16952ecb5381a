from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from benchlearn.compute.cli import dea_files
from benchlearn.engine.dea import min_units
from benchlearn.engine.io import InputError


def _codes(text: str) -> list[str]:
    return [code.strip() for code in text.split(",") if code.strip()]


class Command(BaseCommand):
    help = (
        "Data envelopment analysis of a CSV table (no database). OUT.csv: id,efficiency,peers "
        "(id:lambda;…) and one slack column per input and output. Units with missing or "
        "zero inputs are listed, not scored. Exit status 2 on invalid input."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", type=Path, required=True, metavar="FILE.csv")
        parser.add_argument("--id", required=True, metavar="COLUMN")
        parser.add_argument("--inputs", type=_codes, required=True, metavar="A,B")
        parser.add_argument("--outputs", type=_codes, required=True, metavar="C,D")
        parser.add_argument("--rts", choices=["crs", "vrs"], default="crs")
        parser.add_argument("--orientation", choices=["input", "output"], default="input")
        parser.add_argument("--output", type=Path, required=True, metavar="OUT.csv")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            excluded, scored = dea_files(
                input_path=options["input"],
                id_column=options["id"],
                inputs=options["inputs"],
                outputs=options["outputs"],
                rts=options["rts"],
                orientation=options["orientation"],
                output_path=options["output"],
            )
        except InputError as exc:
            raise CommandError("\n".join(exc.problems), returncode=2) from exc
        for unit, reason in excluded.iter_rows():
            self.stderr.write(f"not scored: {unit}: {reason}")
        needed = min_units(len(options["inputs"]), len(options["outputs"]))
        if scored < needed:
            self.stderr.write(
                f"warning: {scored} units scored; with {len(options['inputs'])} inputs and "
                f"{len(options['outputs'])} outputs the rule of thumb max(m·s, 3·(m+s)) asks "
                f"for at least {needed}: with fewer, most units come out efficient."
            )
        self.stdout.write(f"Efficiency scores written to {options['output']}.")
