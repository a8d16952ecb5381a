from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.collection.files.importer import import_file
from benchlearn.collection.models import Round, ValueSource


class Command(BaseCommand):
    help = (
        "Import collected values of a round from an Excel workbook (a unit's template or "
        "the round workbook, with its hidden template sheet) or a CSV file (TERYT, code, "
        "value, comment; UTF-8). All or nothing: on any problem nothing is stored, the "
        "problems are printed one per line and the exit status is 2."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", type=int, required=True, metavar="ROUND")
        parser.add_argument("--file", type=Path, required=True, metavar="FILE")
        parser.add_argument("--dry-run", action="store_true", help="check, store nothing")
        parser.add_argument(
            "--user", metavar="EMAIL", help="account recorded in the history (default: none)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = Round.objects.filter(pk=options["round"]).first()
        if round_ is None:
            raise CommandError(
                _("There is no collection round number %(id)s.") % {"id": options["round"]},
                returncode=2,
            )
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("There is no file %(file)s.") % {"file": path}, returncode=2)
        user = None
        if options["user"]:
            user = User.objects.filter(email__iexact=options["user"]).first()
            if user is None:
                raise CommandError(
                    _("There is no account %(email)s.") % {"email": options["user"]}, returncode=2
                )
        result = import_file(
            path=path,
            name=path.name,
            round_=round_,
            user=user,
            source=ValueSource.CLI,
            dry_run=options["dry_run"],
        )
        if not result.ok:
            head = _("%(file)s was not imported (%(count)d problems); nothing was stored:") % {
                "file": path,
                "count": len(result.problems),
            }
            raise CommandError(
                "\n".join([head, *(str(problem) for problem in result.problems)]), returncode=2
            )
        summary = _("%(file)s: %(values)d values of %(units)d units read, %(changed)d changed.") % {
            "file": path,
            "values": result.values,
            "units": result.units,
            "changed": result.changed,
        }
        self.stdout.write(summary)
        for row in result.skipped:
            self.stdout.write(
                _("Skipped, unchanged and locked: %(unit)s (%(teryt)s, %(state)s).")
                % {"unit": row.unit, "teryt": row.teryt, "state": row.state}
            )
        if options["dry_run"]:
            self.stdout.write(_("Dry run: nothing was stored."))
