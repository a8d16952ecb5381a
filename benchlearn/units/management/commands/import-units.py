from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benchlearn.units.registry_io import RegistryFileError, read_registry_file
from benchlearn.units.services import RegistryError, RegistryLoadResult, unit_registry_refresh


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Refresh the unit registry from a GUS TERC file (TERYT, WOJ, POW, GMI, RODZ, NAZWA, "
        "NAZWA_DOD, STAN_NA; ',' or ';' separated, UTF-8) or from a file in the format of "
        "the bundled gminy_2024.csv. Units are matched by TERYT code: renamed ones are "
        "updated in place (the old name is kept in their history), missing ones are marked "
        "abolished, new ones are created. Exit status 2 on a bad file; nothing is changed then."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, metavar="FILE")
        parser.add_argument(
            "--on",
            type=date.fromisoformat,
            help="date of the changes (default: the file's STAN_NA, else today)",
        )
        parser.add_argument("--dry-run", action="store_true", help="report, change nothing")
        parser.add_argument(
            "--allow-mass-abolition",
            action="store_true",
            help="accept a file that abolishes more than 5%% of the units in use",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            registry = read_registry_file(path)
        except RegistryFileError as exc:
            raise CommandError(self._problems(path, exc.problems), returncode=2) from exc
        on = options["on"] or registry.state_on or timezone.localdate()
        try:
            with transaction.atomic():
                result = unit_registry_refresh(
                    rows=registry.rows,
                    on=on,
                    source=path.name,
                    allow_mass_abolition=options["allow_mass_abolition"],
                )
                self._summary(result, skipped=registry.skipped, on=on)
                if options["dry_run"]:
                    raise _DryRun
        except RegistryError as exc:
            raise CommandError(self._problems(path, exc.problems), returncode=2) from exc
        except _DryRun:
            self.stdout.write(_("Dry run: nothing was changed."))

    def _problems(self, path: Path, problems: list[Any]) -> str:
        head = _("%(file)s was not imported (%(count)d problems); nothing was changed:") % {
            "file": path,
            "count": len(problems),
        }
        return "\n".join([head, *(f"  {problem}" for problem in problems)])

    def _summary(self, result: RegistryLoadResult, *, skipped: int, on: date) -> None:
        self.stdout.write(
            _(
                "Registry as of %(on)s: %(created)d created, %(renamed)d renamed, "
                "%(abolished)d abolished, %(unchanged)d unchanged, %(changed)d changed kind "
                "or county, %(restored)d back in the register (%(skipped)d rows that are not "
                "units skipped)."
            )
            % {
                "on": on.isoformat(),
                "created": result.created,
                "renamed": result.renamed,
                "abolished": result.abolished,
                "unchanged": result.unchanged,
                "changed": result.changed,
                "restored": result.restored,
                "skipped": skipped,
            }
        )
        for change in result.changes:
            if change.kind == "created" and result.created > 20:
                continue
            self.stdout.write(
                f"  {change.unit.teryt} {change.get_kind_display()}: "
                f"{change.old_display or '—'} → {change.new_display or '—'}"
            )
