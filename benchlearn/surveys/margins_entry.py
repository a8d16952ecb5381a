"""Entering a unit's population by sex and age band (the margins of ``margins``), kept
as context values with their history; the margin variables added to the catalogue
where missing."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.catalogue.models import Source, Variable
from benchlearn.catalogue.services import variable_create
from benchlearn.surveys.margins import MARGIN_CODES, MARGIN_VARIABLES
from benchlearn.units.models import Unit
from benchlearn.units.services.context import context_values_store


def margin_variables_ensure() -> dict[str, Variable]:
    """The catalogue's margin variables by code; those missing are added (public
    statistics, people)."""
    found = {v.code: v for v in Variable.objects.filter(code__in=MARGIN_CODES)}
    for spec in MARGIN_VARIABLES:
        if spec.code not in found:
            found[spec.code] = variable_create(
                user=None,
                code=spec.code,
                name_pl=spec.name_pl,
                name_en=spec.name_en,
                unit="osoby",
                source=Source.PUBLIC_STATISTICS,
                definition_pl=spec.name_pl
                + " według faktycznego miejsca zamieszkania, stan na 31 grudnia (GUS BDL).",
                definition_en=spec.name_en
                + " by actual place of residence on 31 December (Statistics Poland, BDL).",
                minimum=0,
            )
    return found


class MarginsError(ValueError):
    pass


@transaction.atomic
def margins_store(
    *,
    unit: Unit,
    year: int,
    counts: Mapping[str, float],
    by: User | None,
    source: str | None = None,
    origin: str = "survey margins entered",
) -> None:
    """Enter a unit's population by sex and age band for a year (code → people), kept
    as context values with their history. Every margin variable is needed, none negative.
    ``source`` says where the figures come from (default: entered by the office)."""
    missing = [code for code in MARGIN_CODES if counts.get(code) is None]
    if missing:
        raise MarginsError(_("Missing: %(codes)s.") % {"codes": ", ".join(missing)})
    if any(float(counts[code]) < 0 for code in MARGIN_CODES):
        raise MarginsError(_("A population cannot be negative."))
    variables = margin_variables_ensure()
    for code in MARGIN_CODES:
        context_values_store(
            variable=variables[code],
            values=[(unit, year, float(counts[code]))],
            source=source if source is not None else _("entered by the office"),
            origin=origin,
            by=by,
        )
