"""Fetching context values from BDL as a task, for a worker (``bdl-fetch --queue``):
hundreds of requests to a rate-limited API are no work for a request or a terminal."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_tasks import task

from benchlearn.catalogue.models import Variable
from benchlearn.units.bdl import BdlClient, BdlConfig
from benchlearn.units.services import (
    CONTEXT_VARIABLES,
    context_fetch_bdl,
    context_variable_ensure,
)


def bdl_variable_for(code: str) -> Variable:
    """The catalogue's variable ``code`` (a context variable is added when missing);
    ValueError with a message when there is none."""
    if code in CONTEXT_VARIABLES:
        return context_variable_ensure(code=code)
    variable = Variable.objects.filter(code=code).first()
    if variable is None:
        raise ValueError(_("There is no variable %(code)s in the catalogue.") % {"code": code})
    return variable


@task()
def context_fetch_bdl_task(
    *,
    code: str,
    bdl_variable: int | list[int],
    years: list[int],
    unit_levels: list[int],
    refresh: bool,
) -> dict[str, int]:
    """What was stored (kept as the task's result); a BDL error fails the task with its
    message and changes nothing."""
    variable = bdl_variable_for(code)
    with BdlClient(BdlConfig.from_settings(), refresh=refresh) as client:
        result = context_fetch_bdl(
            client=client,
            bdl_variable=bdl_variable,
            variable=variable,
            years=years,
            unit_levels=unit_levels,
        )
    return {
        "records": result.records,
        "created": result.stored.created,
        "changed": result.stored.changed,
        "unchanged": result.stored.unchanged,
        "skipped": len(result.skipped),
    }
