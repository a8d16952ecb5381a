from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benchlearn.ops.backup import backup_create
from benchlearn.ops.errors import BackupError


class Command(BaseCommand):
    help = (
        "Back up the site into one archive FILE: a consistent snapshot of the database "
        "(SQLite's online backup or pg_dump; the site may stay up) and the stored files. "
        "Restore it with `benchlearn restore FILE`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, metavar="FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_create(path=options["file"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        files = ngettext("%(count)s stored file", "%(count)s stored files", manifest.files) % {
            "count": manifest.files
        }
        self.stdout.write(
            _("Backed up the %(engine)s database and %(files)s to %(file)s.")
            % {"engine": manifest.engine, "files": files, "file": options["file"]}
        )
