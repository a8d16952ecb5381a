"""The indicators a computation holds, as the pages name and order them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from benchlearn.catalogue.models import Domain, IndicatorSetEntry, IndicatorVersion
from benchlearn.formats.measures import money_decimals, unit_in
from benchlearn.results.cache import remembered
from benchlearn.results.models import (
    Computation,
    Result,
)
from benchlearn.units.models import Unit


@dataclass(frozen=True)
class IndicatorInfo:
    code: str
    name: str
    unit: str
    decimals: int
    polarity: str
    category: str
    category_label: str
    domain: str
    domain_name: str
    formula: str
    numerator: str
    denominator: str
    notes: str
    version: int
    pk: int


def result_periods(computation: Computation, unit: Unit) -> list[int]:
    """The periods in which ``unit`` has results, in order."""
    return remembered(
        computation,
        ("periods", unit.pk),
        lambda: sorted(
            set(
                Result.objects.filter(computation=computation, unit=unit)
                .values_list("period", flat=True)
                .distinct()
            )
        ),
        lambda periods: 40 * len(periods) + 100,
    )


def computed_indicators(computation: Computation, *, language: str) -> dict[str, IndicatorInfo]:
    """The indicators of a computation in the versions it used, in catalogue order
    (kept per process for a finished computation: callers must not change it)."""
    return remembered(
        computation,
        ("indicators", language),
        lambda: _computed_indicators(computation, language=language),
        lambda found: 2_000 * len(found),
    )


def _computed_indicators(computation: Computation, *, language: str) -> dict[str, IndicatorInfo]:
    versions = computation.catalogue
    chosen = IndicatorVersion.objects.filter(indicator__code__in=list(versions)).select_related(
        "indicator__domain"
    )
    english = language.startswith("en")
    found: dict[str, IndicatorInfo] = {}
    for version in sorted(chosen, key=lambda v: (v.indicator.position, v.indicator.code, v.number)):
        indicator = version.indicator
        if versions.get(indicator.code) != version.number:
            continue
        domain = indicator.domain
        found[indicator.code] = IndicatorInfo(
            code=indicator.code,
            name=(version.name_en if english and version.name_en else version.name_pl),
            unit=unit_in(version.unit, language),
            decimals=money_decimals(version.unit, version.decimals),
            polarity=version.polarity,
            category=version.category,
            category_label=str(version.get_category_display()),
            domain=domain.code if domain else "",
            domain_name=(
                (domain.name_en if english and domain.name_en else domain.name_pl) if domain else ""
            ),
            formula=version.formula,
            numerator=version.numerator,
            denominator=version.denominator,
            notes=(version.notes_en if english and version.notes_en else version.notes_pl),
            version=version.number,
            pk=indicator.pk,
        )
    return found


def unit_indicator_codes(*units: Unit) -> set[str]:
    """Codes of the indicators in the indicator sets (as pinned when each round opened)
    of the collection rounds any of ``units`` takes part in."""
    return set(
        IndicatorSetEntry.objects.filter(set_version__rounds__units__in=units)
        .values_list("indicator_version__indicator__code", flat=True)
        .distinct()
    )


def domains_in(indicators: Iterable[IndicatorInfo], *, language: str) -> list[tuple[str, str]]:
    """(code, name) of the domains of these indicators, in catalogue order."""
    codes = {i.domain for i in indicators if i.domain}
    english = language.startswith("en")
    return [
        (d.code, d.name_en if english and d.name_en else d.name_pl)
        for d in Domain.objects.filter(code__in=codes).order_by("position", "code")
    ]
