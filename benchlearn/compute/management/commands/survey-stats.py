from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from benchlearn.compute.cli import survey_stats_files
from benchlearn.engine.io import InputError


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _codes(text: str) -> list[float]:
    """Answer codes such as ``4,5``; argparse turns the ValueError into exit status 2."""
    return [float(code) for code in _names(text)]


class Command(BaseCommand):
    help = (
        "Resident survey figures from a CSV of respondents (no database): per --by group "
        "and question n, n_effective (Kish), the share satisfied with its 95 % Wilson "
        "interval (on n_effective when weighted) and the mean, without the --exclude "
        "codes and empty answers. Weights from --weight or raked to --rake MARGINS.csv "
        "([group,]variable,category,share) within each group, optionally trimmed at --cap "
        "× the mean; a respondent with an empty cell or an --exclude code in a margin's "
        "column keeps weight 1 (counted, and said on the output). "
        "OUT.csv: group,question,n,n_effective,share,ci_low,ci_high,mean. "
        "Exit status 2 on invalid input; no output file is written then."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--responses", type=Path, required=True, metavar="FILE.csv")
        parser.add_argument("--question", type=_names, required=True, metavar="COL[,COL…]")
        parser.add_argument("--satisfied", type=_codes, required=True, metavar="4,5")
        parser.add_argument("--exclude", type=_codes, default=[], metavar="9")
        parser.add_argument("--by", metavar="COLUMN")
        weighting = parser.add_mutually_exclusive_group()
        weighting.add_argument("--weight", metavar="COLUMN")
        weighting.add_argument("--rake", type=Path, metavar="MARGINS.csv")
        parser.add_argument("--cap", type=float, metavar="K")
        parser.add_argument("--output", type=Path, required=True, metavar="OUT.csv")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = survey_stats_files(
                responses_path=options["responses"],
                questions=options["question"],
                satisfied=options["satisfied"],
                exclude=options["exclude"],
                output_path=options["output"],
                by=options["by"],
                weight=options["weight"],
                margins_path=options["rake"],
                cap=options["cap"],
            )
        except InputError as exc:
            raise CommandError("\n".join(exc.problems), returncode=2) from exc
        self.stdout.write(
            f"{summary.questions} questions for {summary.groups} groups "
            f"({summary.respondents} respondents) written to {options['output']}."
        )
        if summary.design_effects is not None:
            low, high = summary.design_effects
            self.stdout.write(f"Design effect of the weights: {low:.2f} to {high:.2f} per group.")
        if summary.unweighted:
            self.stdout.write(
                f"{summary.unweighted} respondents could not be weighted (no answer in a "
                "column of the margins): they keep weight 1 and their answers are counted."
            )
