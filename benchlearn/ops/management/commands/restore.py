from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from benchlearn.ops.backup import backup_restore
from benchlearn.ops.errors import BackupError


class Command(BaseCommand):
    help = (
        "Restore a backup made by `benchlearn backup`: the database and the stored files. "
        "Into an empty site only, unless --force (which replaces everything). Stop the web "
        "server and the workers first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, metavar="FILE")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the data of a site that already holds some.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_restore(path=options["file"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("Restored the backup of %(created)s from %(file)s.")
            % {"created": result.manifest.created_at, "file": options["file"]}
        )
        if result.pending:
            self.stdout.write(
                _(
                    "The backup predates %(count)s migrations of this version: run "
                    "`benchlearn migrate` before starting the site."
                )
                % {"count": len(result.pending)}
            )
