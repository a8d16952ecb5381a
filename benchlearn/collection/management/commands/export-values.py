from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from benchlearn.collection.files.export import round_csv, round_template
from benchlearn.collection.models import Round


class Command(BaseCommand):
    help = (
        "Export the stored values of a round's units: CSV (TERYT, code, value, comment; "
        "UTF-8 with a byte-order mark, ';', decimal commas) or the round workbook (.xlsx, a "
        "row per unit and a column per variable), both importable again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", type=int, required=True, metavar="ROUND")
        parser.add_argument("--output", type=Path, required=True, metavar="FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = Round.objects.filter(pk=options["round"]).first()
        if round_ is None:
            raise CommandError(
                _("There is no collection round number %(id)s.") % {"id": options["round"]},
                returncode=2,
            )
        output: Path = options["output"]
        suffix = output.suffix.lower()
        if suffix == ".csv":
            data = round_csv(round_)
        elif suffix == ".xlsx":
            data = round_template(round_)
        else:
            raise CommandError(
                _("Name the output FILE.csv or FILE.xlsx, not %(file)s.") % {"file": output},
                returncode=2,
            )
        output.write_bytes(data)
        self.stdout.write(_("Wrote %(file)s.") % {"file": output})
