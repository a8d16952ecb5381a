"""``benchlearn survey import``: responses loaded into a survey from a file."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from benchlearn.surveys.imports import (
    CSV,
    FORMATS,
    ImportMapping,
    ImportRefused,
    guess_answers,
    guess_mapping,
    read_table,
    responses_import,
)
from benchlearn.surveys.models import Survey

IMPORT_HELP = (
    "Load responses into a survey (mode “import”) from a CSV file, all or nothing. "
    "--format csv (default): one row per response, a column per question named by the "
    "question's code, and a column “unit” with the unit's TERYT code (or --unit for a file "
    "of one unit); answers are the questionnaire's codes (1–5 for a scale, 9 “don't know”, "
    "option codes; several options of a multiple choice separated by spaces). "
    "--format limesurvey: LimeSurvey's response export (CSV, headings “Question code”, "
    "answers “Answer codes”): Q1 or Q2[SQ001] columns are matched to the questions of the "
    "same code (Q2_SQ001 or SQ001 for an array's item), A1… read as 1…, rows without a "
    "submitdate (incomplete) are left out. --mapping FILE.json overrides the guess: "
    '{"columns": {"heading": "question code" | "unit" | ""}, '
    '"answers": {"question code": {"file answer": "code"}}, "unit": "TERYT"}. '
    "--dry-run checks the file and stores nothing. Exit status 2 with the problems "
    "(line and column) on bad input; nothing is stored then."
)


class Command(BaseCommand):
    help = "Survey tasks: `survey import` loads responses from a file."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help=IMPORT_HELP, description=IMPORT_HELP)
        load.add_argument("--survey", type=int, required=True, metavar="ID")
        load.add_argument("file", type=Path, metavar="FILE")
        load.add_argument("--format", choices=FORMATS, default=CSV)
        load.add_argument("--unit", default="", metavar="TERYT")
        load.add_argument("--mapping", type=Path, metavar="FILE.json")
        load.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options)

    def _import(self, options: dict[str, Any]) -> None:
        survey = (
            Survey.objects.select_related("questionnaire_version")
            .filter(pk=options["survey"])
            .first()
        )
        if survey is None:
            raise CommandError(f"There is no survey {options['survey']}.", returncode=2)
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}", returncode=2) from None
        try:
            table = read_table(data, path.name)
            mapping = guess_mapping(table, survey, options["format"])
            if options["mapping"]:
                mapping = _mapping_file(options["mapping"], mapping)
                if not mapping.answers:
                    mapping.answers = guess_answers(table, survey, mapping.columns)
            if options["unit"]:
                mapping.unit = options["unit"]
            result = responses_import(
                survey=survey,
                table=table,
                mapping=mapping,
                by=None,
                fmt=options["format"],
                dry_run=options["dry_run"],
            )
        except ImportRefused as refused:
            lines = [f"{path.name}: {refused.message}"]
            lines += [f"  {problem}" for problem in refused.problems]
            raise CommandError("\n".join(lines), returncode=2) from None
        units = ", ".join(f"{teryt}: {count}" for teryt, count in sorted(result.by_unit.items()))
        verb = "would be imported (dry run, nothing stored)" if result.dry_run else "imported"
        self.stdout.write(f"{result.count} responses {verb} ({units}).")
        if result.skipped:
            self.stdout.write(f"{result.skipped} incomplete responses left out.")


def _mapping_file(path: Path, guessed: ImportMapping) -> ImportMapping:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(f"{path}: not a JSON mapping ({error}).", returncode=2) from None
    if not isinstance(raw, dict):
        raise CommandError(f"{path}: the mapping must be a JSON object.", returncode=2)
    columns = raw.get("columns", {})
    answers = raw.get("answers", {})
    if (
        not isinstance(columns, dict)
        or not isinstance(answers, dict)
        or not all(isinstance(value, dict) for value in answers.values())
    ):
        raise CommandError(
            f"{path}: “columns” maps headings to codes, “answers” question codes to "
            "{file answer: code}.",
            returncode=2,
        )
    merged = dict(guessed.columns)
    merged.update({str(key): str(value) for key, value in columns.items()})
    return ImportMapping(
        columns=merged,
        answers={
            str(code): {str(k): str(v) for k, v in pairs.items()} for code, pairs in answers.items()
        },
        unit=str(raw.get("unit", "") or ""),
    )
