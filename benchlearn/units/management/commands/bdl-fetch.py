from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from benchlearn.background.queue import enqueue
from benchlearn.units.bdl import BdlClient, BdlConfig, BdlError
from benchlearn.units.services import context_fetch_bdl
from benchlearn.units.tasks import bdl_variable_for, context_fetch_bdl_task


def _years(text: str) -> list[int]:
    """``2019-2023``, ``2019,2021`` or ``2020``."""
    years: list[int] = []
    for part in text.split(","):
        first, _dash, last = part.strip().partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise ValueError(text)
        years.extend(range(int(first), int(last or first) + 1))
    return years


class Command(BaseCommand):
    help = (
        "Fetch a variable from GUS's Local Data Bank (BDL API) and store it as context "
        "values of the units, with history. Example: bdl-fetch --bdl-variable 72305 "
        "--code POP --years 2019-2023. Answers are cached (BENCHLEARN_BDL_CACHE_DIR); "
        "BENCHLEARN_BDL_CLIENT_ID sets an optional API key. Exit status 2 when BDL cannot "
        "be reached or answers badly; nothing is changed then. With --queue a worker "
        "fetches it (its result and any error are kept with the task)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bdl-variable",
            type=int,
            action="append",
            required=True,
            metavar="ID",
            help="repeatable: several BDL variables are added up (e.g. the single years of "
            "age 18 to 24 into POP_18_24, a survey's population margin)",
        )
        parser.add_argument("--code", required=True, help="catalogue variable code, e.g. POP")
        parser.add_argument("--years", type=_years, required=True, metavar="2019-2023")
        parser.add_argument(
            "--unit-level",
            type=int,
            action="append",
            choices=[2, 5, 6],
            help="BDL level: 2 voivodeships, 5 counties, 6 gminas (default); repeatable",
        )
        parser.add_argument("--refresh", action="store_true", help="ignore the cache")
        parser.add_argument(
            "--queue", action="store_true", help="leave the fetch to a worker (benchlearn worker)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["code"]
        try:
            variable = bdl_variable_for(code)
        except ValueError as unknown:
            raise CommandError(str(unknown), returncode=2) from unknown
        levels = options["unit_level"] or [6]
        if options["queue"]:
            enqueue(
                context_fetch_bdl_task,
                code=code,
                bdl_variable=options["bdl_variable"],
                years=options["years"],
                unit_levels=levels,
                refresh=options["refresh"],
            )
            self.stdout.write(_("Queued: a worker fetches it (benchlearn worker)."))
            return
        with BdlClient(BdlConfig.from_settings(), refresh=options["refresh"]) as client:
            try:
                result = context_fetch_bdl(
                    client=client,
                    bdl_variable=options["bdl_variable"],
                    variable=variable,
                    years=options["years"],
                    unit_levels=levels,
                )
            except BdlError as exc:
                raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(
            _(
                "%(code)s from BDL variable %(bdl)s: %(records)d values, %(created)d new, "
                "%(changed)d changed, %(unchanged)d unchanged; %(skipped)d BDL units not in "
                "the registry skipped; %(requests)d requests to BDL."
            )
            % {
                "code": code,
                "bdl": "+".join(str(bdl_id) for bdl_id in options["bdl_variable"]),
                "records": result.records,
                "created": result.stored.created,
                "changed": result.stored.changed,
                "unchanged": result.stored.unchanged,
                "skipped": len(result.skipped),
                "requests": result.requests,
            }
        )
