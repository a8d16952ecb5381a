from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from benchlearn.background.queue import enqueue
from benchlearn.engine.catalogue import bdl_sources
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
        "--code POP --years 2019-2023, or bdl-fetch --code FIN_REV_TOTAL --years 2021-2024 "
        "for a variable whose BDL source the catalogue names. Answers are cached "
        "(BENCHLEARN_BDL_CACHE_DIR); BENCHLEARN_BDL_CLIENT_ID sets an optional API key. "
        "Exit status 2 when BDL cannot be reached or answers badly; nothing is changed "
        "then. With --queue a worker fetches it (its result and any error are kept with the task)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bdl-variable",
            type=int,
            action="append",
            metavar="ID",
            help="repeatable: several BDL variables are added up (e.g. the single years of "
            "age 18 to 24 into POP_18_24, a survey's population margin); without it, the "
            "catalogue's BDL source of the variable (its bdl key)",
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
        plan = _plan(variable, options["bdl_variable"], options["unit_level"])
        if options["queue"]:
            for levels, ids in plan:
                enqueue(
                    context_fetch_bdl_task,
                    code=code,
                    bdl_variable=list(ids),
                    years=options["years"],
                    unit_levels=levels,
                    refresh=options["refresh"],
                )
            self.stdout.write(_("Queued: a worker fetches it (benchlearn worker)."))
            return
        with BdlClient(BdlConfig.from_settings(), refresh=options["refresh"]) as client:
            try:
                for levels, ids in plan:
                    self._fetch(client, variable, levels, ids, options)
            except BdlError as exc:
                raise CommandError(str(exc), returncode=2) from exc

    def _fetch(
        self,
        client: BdlClient,
        variable: Any,
        levels: list[int],
        ids: tuple[int, ...],
        options: Any,
    ) -> None:
        for bdl_id in ids:
            self.stdout.write(
                _("BDL variable %(id)d: %(name)s")
                % {"id": bdl_id, "name": client.variable_name(bdl_id)}
            )
        result = context_fetch_bdl(
            client=client,
            bdl_variable=list(ids),
            variable=variable,
            years=options["years"],
            unit_levels=levels,
        )
        self.stdout.write(
            _(
                "%(code)s from BDL variable %(bdl)s: %(records)d values, %(created)d new, "
                "%(changed)d changed, %(unchanged)d unchanged; %(skipped)d BDL units not in "
                "the registry skipped; %(requests)d requests to BDL."
            )
            % {
                "code": variable.code,
                "bdl": "+".join(str(bdl_id) for bdl_id in ids),
                "records": result.records,
                "created": result.stored.created,
                "changed": result.stored.changed,
                "unchanged": result.stored.unchanged,
                "skipped": len(result.skipped),
                "requests": result.requests,
            }
        )


def _plan(
    variable: Any, given: list[int] | None, levels: list[int] | None
) -> list[tuple[list[int], tuple[int, ...]]]:
    """(BDL levels, BDL variables added up) to fetch: those given at the levels given (or
    gminas) in one go, else the catalogue's declared source level by level (each level
    has its own BDL variables), at the levels given if any."""
    if given:
        return [(levels or [6], tuple(given))]
    declared = bdl_sources(variable.bdl)
    if not declared:
        raise CommandError(
            _(
                "The catalogue names no BDL source of %(code)s: give the BDL variable with "
                "--bdl-variable ID."
            )
            % {"code": variable.code},
            returncode=2,
        )
    wanted = [([level], ids) for level, ids in declared.items() if not levels or level in levels]
    if not wanted:
        raise CommandError(
            _("BDL publishes %(code)s at levels %(declared)s only.")
            % {"code": variable.code, "declared": ", ".join(str(n) for n in declared)},
            returncode=2,
        )
    return wanted
