"""What the catalogue pages show: lists, filters, an item's page and its history."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from benchlearn.accounts.access import Perm, may, require
from benchlearn.catalogue.models import (
    CatalogueChange,
    Domain,
    Indicator,
    IndicatorSet,
    IndicatorSetEntry,
    IndicatorSetVersion,
    IndicatorVersion,
    ValidationRule,
    Variable,
)
from benchlearn.catalogue.selectors.engine_view import (
    engine_catalogue,
    rules_for_set,
)
from benchlearn.catalogue.selectors.lookups import (
    current_versions,
    set_indicator_codes,
)
from benchlearn.catalogue.selectors.rules import engine_rule
from benchlearn.engine.formula import FormulaError, parse, references
from benchlearn.engine.rules import rule_variables

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


@dataclass
class DomainSection:
    domain: Domain | None
    sets: list[IndicatorSet] = field(default_factory=list)
    indicators: list[IndicatorVersion] = field(default_factory=list)
    variables: list[Variable] = field(default_factory=list)


@dataclass
class CataloguePage:
    sections: list[DomainSection]
    domains: list[Domain]
    can_edit: bool
    unpublished: int
    unpublished_sets: int = 0


def catalogue_page_for(
    user: AnyUser, *, domain: str = "", category: str = "", q: str = ""
) -> CataloguePage:
    require(user, Perm.CATALOGUE_VIEW)
    domains = list(Domain.objects.order_by("position", "code"))
    sections = {d.pk: DomainSection(d) for d in domains if not domain or d.code == domain}
    shared = DomainSection(None)
    currents = current_versions()
    for indicator in indicators_filtered(domain=domain, category=category, q=q):
        version = currents[indicator.pk]
        version.indicator = indicator
        sections.get(indicator.domain_id or 0, shared).indicators.append(version)
    variables = Variable.objects.order_by("position", "code")
    if domain:
        variables = variables.filter(domain__code=domain)
    if q:
        variables = variables.filter(
            Q(code__icontains=q) | Q(name_pl__icontains=q) | Q(name_en__icontains=q)
        )
    for variable in variables:
        sections.get(variable.domain_id or 0, shared).variables.append(variable)
    sets = IndicatorSet.objects.order_by("position", "code")
    if domain:
        sets = sets.filter(domain__code=domain)
    for indicator_set in sets:
        sections.get(indicator_set.domain_id or 0, shared).sets.append(indicator_set)
    # A domain with nothing in it yet is listed too (so that it can be found and
    # filled), unless a search or category filter hides it.
    listed = [
        s for s in sections.values() if s.indicators or s.variables or s.sets or not (category or q)
    ]
    if shared.indicators or shared.variables or shared.sets:
        listed.append(shared)
    unpublished = sum(1 for v in currents.values() if v.published_at is None)
    # Only a set's newest version can be unpublished (a draft of its membership).
    unpublished_sets = (
        IndicatorSet.objects.filter(versions__published_at__isnull=True).distinct().count()
    )
    return CataloguePage(
        listed, domains, may(user, Perm.CATALOGUE_EDIT), unpublished, unpublished_sets
    )


def indicators_filtered(
    *, domain: str = "", category: str = "", q: str = "", set_code: str = ""
) -> QuerySet[Indicator]:
    """Indicators whose current version matches the filters, in catalogue order."""
    indicators = Indicator.objects.select_related("domain").order_by("position", "code")
    if domain:
        indicators = indicators.filter(domain__code=domain)
    if category or q:
        ids = [
            v.indicator_id
            for v in current_versions().values()
            if (not category or v.category == category)
            and (
                not q
                or q.lower() in v.indicator.code.lower()
                or q.lower() in v.name_pl.lower()
                or q.lower() in v.name_en.lower()
            )
        ]
        indicators = indicators.filter(pk__in=ids)
    if set_code:
        indicator_set = IndicatorSet.objects.filter(code=set_code).first()
        codes = set_indicator_codes(indicator_set) if indicator_set else []
        indicators = indicators.filter(code__in=codes)
    return indicators


def variables_filtered(*, domain: str = "", source: str = "", q: str = "") -> QuerySet[Variable]:
    variables = Variable.objects.select_related("domain").order_by("position", "code")
    if domain:
        variables = variables.filter(domain__code=domain)
    if source:
        variables = variables.filter(source=source)
    if q:
        variables = variables.filter(
            Q(code__icontains=q) | Q(name_pl__icontains=q) | Q(name_en__icontains=q)
        )
    return variables


def rules_filtered(
    *, domain: str = "", variable: str = "", set_code: str = ""
) -> list[ValidationRule]:
    """The validation rules of a domain, reading a variable, or checking the data of a
    set's indicators (as its YAML export has them), in catalogue order. An unknown set
    is Http404; the caller checks the codes it was given exist (``unknown_filters``)."""
    rules = ValidationRule.objects.select_related("domain").order_by("position", "code")
    if domain:
        rules = rules.filter(domain__code=domain)
    found = list(rules)
    if variable:
        found = [rule for rule in found if variable in rule_variables(engine_rule(rule))]
    if set_code:
        of_set = {rule.code for rule in rules_for_set(set_code)}
        found = [rule for rule in found if rule.code in of_set]
    return found


def unknown_filters(*, domain: str = "", variable: str = "", set_code: str = "") -> dict[str, str]:
    """The filters naming nothing in the catalogue, each with its message (by the
    filter's name: "domain", "variable", "set")."""
    unknown: dict[str, str] = {}
    if domain and not Domain.objects.filter(code=domain).exists():
        unknown["domain"] = _("There is no domain with code %(code)s.") % {"code": domain}
    if variable and not Variable.objects.filter(code=variable).exists():
        unknown["variable"] = _("There is no variable with code %(code)s.") % {"code": variable}
    if set_code and not IndicatorSet.objects.filter(code=set_code).exists():
        unknown["set"] = _("There is no indicator set with code %(code)s.") % {"code": set_code}
    return unknown


@dataclass
class IndicatorPage:
    indicator: Indicator
    version: IndicatorVersion
    versions: list[IndicatorVersion]
    history: list[CatalogueChange]
    sets: list[IndicatorSet]
    can_edit: bool


def indicator_page_for(
    user: AnyUser, indicator: Indicator, number: int | None = None
) -> IndicatorPage:
    versions = list(indicator.versions.select_related("created_by").order_by("-number"))
    version = next((v for v in versions if v.number == number), None) if number else versions[0]
    if version is None:
        raise Http404(_("There is no such version."))
    history = CatalogueChange.objects.filter(object_type="indicator", code=indicator.code)
    sets = IndicatorSet.objects.filter(
        versions__entries__indicator_version__indicator=indicator
    ).distinct()
    return IndicatorPage(
        indicator=indicator,
        version=version,
        versions=versions,
        history=list(history.select_related("changed_by")[:50]),
        sets=list(sets),
        can_edit=may(user, Perm.CATALOGUE_EDIT),
    )


@dataclass
class SetPage:
    indicator_set: IndicatorSet
    version: IndicatorSetVersion | None
    indicators: list[IndicatorVersion]
    versions: list[IndicatorSetVersion]  # newest first, each with its entries prefetched
    history: list[CatalogueChange]
    can_edit: bool


def set_page_for(user: AnyUser, indicator_set: IndicatorSet) -> SetPage:
    entries = IndicatorSetEntry.objects.select_related(
        "indicator_version__indicator", "indicator_version__indicator__domain"
    ).order_by("order")
    versions = list(
        indicator_set.versions.order_by("-number").prefetch_related(
            Prefetch("entries", queryset=entries)
        )
    )
    version = versions[0] if versions else None
    indicators = [e.indicator_version for e in version.entries.all()] if version else []
    return SetPage(
        indicator_set,
        version,
        indicators,
        versions,
        history=catalogue_history("set", indicator_set.code),
        can_edit=may(user, Perm.CATALOGUE_EDIT),
    )


def catalogue_history(object_type: str, code: str) -> list[CatalogueChange]:
    rows = CatalogueChange.objects.filter(object_type=object_type, code=code)
    return list(rows.select_related("changed_by")[:50])


@dataclass
class DomainPage:
    domain: Domain
    sets: list[IndicatorSet]
    indicators: list[IndicatorVersion]
    variables: list[Variable]
    history: list[CatalogueChange]
    can_edit: bool


def domain_page_for(user: AnyUser, domain: Domain) -> DomainPage:
    require(user, Perm.CATALOGUE_VIEW)
    currents = current_versions()
    indicators = []
    for indicator in domain.indicators.order_by("position", "code"):
        version = currents[indicator.pk]
        version.indicator = indicator
        indicators.append(version)
    return DomainPage(
        domain=domain,
        sets=list(domain.sets.order_by("position", "code")),
        indicators=indicators,
        variables=list(domain.variables.order_by("position", "code")),
        history=catalogue_history("domain", domain.code),
        can_edit=may(user, Perm.CATALOGUE_EDIT),
    )


def indicator_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every indicator as (code, label), grouped by domain in catalogue order, for the
    membership form of a set."""
    currents = current_versions()
    groups: dict[str, list[tuple[str, str]]] = {}
    shared = _("Shared by every domain")
    for indicator in Indicator.objects.select_related("domain").order_by(
        "domain__position", "domain__code", "position", "code"
    ):
        label = str(indicator.domain) if indicator.domain else shared
        name = currents[indicator.pk].name_pl
        groups.setdefault(label, []).append((indicator.code, f"{indicator.code} — {name}"))
    return list(groups.items())


def variable_history(variable: Variable) -> list[CatalogueChange]:
    return catalogue_history("variable", variable.code)


def indicators_using(code: str) -> list[str]:
    """Codes of indicators whose current formula names ``code``."""
    catalogue = engine_catalogue()
    using = []
    for indicator in catalogue.indicators:
        for text in (indicator.formula, indicator.numerator, indicator.denominator):
            try:
                if text and code in references(parse(text)):
                    using.append(indicator.code)
                    break
            except FormulaError:
                continue
    return using
