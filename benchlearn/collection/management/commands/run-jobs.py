import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from benchlearn.collection.files.jobs import import_job_run
from benchlearn.results.services import computation_run


class Command(BaseCommand):
    help = (
        "Run queued background work (for servers with BENCHLEARN_IMPORT_RUNNER=command): "
        "imports of Excel and CSV files and computations of results, one at a time, "
        "forever, or until none is left with --once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="stop when no job is queued")
        parser.add_argument("--sleep", type=float, default=2.0, help="seconds between looks")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            job = import_job_run()
            if job is not None:
                self.stdout.write(
                    _("Import %(id)s (%(file)s): %(state)s.")
                    % {"id": job.pk, "file": job.file_name, "state": job.get_state_display()}
                )
                continue
            computation = computation_run()
            if computation is not None:
                self.stdout.write(
                    _("Computation %(id)s: %(state)s.")
                    % {"id": computation.pk, "state": computation.get_state_display()}
                )
                continue
            if options["once"]:
                return
            time.sleep(options["sleep"])
