"""The model indicator sets as the public reads them (reads): only what the office
published — each indicator's published versions, each set's newest published
membership — in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benchlearn.catalogue.models import (
    Domain,
    Indicator,
    IndicatorSet,
    IndicatorSetEntry,
    IndicatorVersion,
)


def in_language(polish: str, english: str) -> str:
    """The English text in English where there is one, else the Polish."""
    return english if (get_language() or "pl").startswith("en") and english else polish


@dataclass(frozen=True)
class PublicIndicator:
    indicator: Indicator
    version: IndicatorVersion  # the newest published

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def name(self) -> str:
        return in_language(self.version.name_pl, self.version.name_en)

    @property
    def notes(self) -> str:
        return in_language(self.version.notes_pl, self.version.notes_en)

    @property
    def domain(self) -> str:
        domain = self.indicator.domain
        return in_language(domain.name_pl, domain.name_en) if domain else ""


@dataclass(frozen=True)
class PublicSet:
    code: str
    name: str
    description: str
    domain: str
    version: int
    indicators: list[PublicIndicator]


def public_indicators() -> dict[str, PublicIndicator]:
    """Every indicator with a published version, by code, in catalogue order."""
    found: dict[str, PublicIndicator] = {}
    for version in (
        IndicatorVersion.objects.filter(published_at__isnull=False)
        .select_related("indicator__domain")
        .order_by(
            "indicator__domain__position", "indicator__position", "indicator__code", "-number"
        )
    ):
        if version.indicator.code not in found:
            found[version.indicator.code] = PublicIndicator(version.indicator, version)
    return found


def public_sets(indicators: dict[str, PublicIndicator]) -> list[PublicSet]:
    """The model sets' newest published memberships, with the indicators as published."""
    newest: dict[int, tuple[IndicatorSet, int, int]] = {}
    for indicator_set in IndicatorSet.objects.select_related("domain").order_by("position", "code"):
        version = (
            indicator_set.versions.filter(published_at__isnull=False).order_by("-number").first()
        )
        if version is not None:
            newest[version.pk] = (indicator_set, version.number, version.pk)
    codes: dict[int, list[str]] = {}
    for set_version_id, code in (
        IndicatorSetEntry.objects.filter(set_version_id__in=newest)
        .order_by("order", "pk")
        .values_list("set_version_id", "indicator_version__indicator__code")
    ):
        codes.setdefault(set_version_id, []).append(code)
    return [
        PublicSet(
            code=indicator_set.code,
            name=in_language(indicator_set.name_pl, indicator_set.name_en),
            description=in_language(indicator_set.description_pl, indicator_set.description_en),
            domain=_domain_name(indicator_set.domain),
            version=number,
            indicators=[indicators[c] for c in codes.get(pk, []) if c in indicators],
        )
        for indicator_set, number, pk in newest.values()
    ]


def _domain_name(domain: Domain | None) -> str:
    return in_language(domain.name_pl, domain.name_en) if domain else ""


def public_indicator_get(code: str) -> tuple[PublicIndicator, list[IndicatorVersion]]:
    """An indicator with a published version and its published versions, newest first;
    404 for any other code."""
    versions = list(
        IndicatorVersion.objects.filter(indicator__code=code, published_at__isnull=False)
        .select_related("indicator__domain")
        .order_by("-number")
    )
    if not versions:
        raise Http404(
            _("There is no published indicator with the code %(code)s.") % {"code": code[:64]}
        )
    return PublicIndicator(versions[0].indicator, versions[0]), versions
