"""The catalogue as the engine sees it: plain variables, indicators and sets."""

from __future__ import annotations

from dataclasses import replace

from django.http import Http404
from django.utils.translation import gettext as _

from benchlearn.catalogue.models import (
    CatalogueRelease,
    Domain,
    Indicator,
    IndicatorSet,
    IndicatorVersion,
    Variable,
)
from benchlearn.catalogue.selectors.lookups import (
    current_versions,
    effective_ranges,
    set_indicator_codes,
)
from benchlearn.catalogue.selectors.rules import validation_rules
from benchlearn.engine import catalogue as engine
from benchlearn.engine.formula import FormulaError, parse, references
from benchlearn.engine.rules import rule_variables as rule_codes
from benchlearn.engine.rules import rules_reading


def engine_variable(variable: Variable) -> engine.Variable:
    return engine.Variable(
        code=variable.code,
        name_pl=variable.name_pl,
        name_en=variable.name_en,
        unit=variable.unit,
        source=engine.Source(variable.source),
        minimum=variable.minimum,
        maximum=variable.maximum,
        definition_pl=variable.definition_pl,
        definition_en=variable.definition_en,
        domain=variable.domain.code if variable.domain else "",
        compare=engine.Basis(variable.compare),
        compare_per=variable.compare_per,
        plausible_min=variable.plausible_min,
        plausible_max=variable.plausible_max,
        valid_from=variable.valid_from,
        valid_to=variable.valid_to,
        bdl=variable.bdl,
    )


def engine_indicator(version: IndicatorVersion) -> engine.Indicator:
    indicator = version.indicator
    return engine.Indicator(
        code=indicator.code,
        formula=version.formula,
        polarity=engine.Polarity(version.polarity),
        category=engine.Category(version.category),
        name_pl=version.name_pl,
        name_en=version.name_en,
        unit=version.unit,
        decimals=version.decimals,
        numerator=version.numerator or None,
        denominator=version.denominator or None,
        domain=indicator.domain.code if indicator.domain else "",
        notes_pl=version.notes_pl,
        notes_en=version.notes_en,
        valid_from=version.valid_from,
        valid_to=version.valid_to,
    )


def engine_catalogue(*, every_year: bool = False) -> engine.Catalogue:
    """The whole catalogue as the engine sees it: current versions, in catalogue order.
    With ``every_year`` (an export), each indicator in every version some data years are
    computed with, each given the years it computes."""
    currents = current_versions()
    indicators = Indicator.objects.select_related("domain").order_by("position", "code")
    for indicator in indicators:
        currents[indicator.pk].indicator = indicator
    definitions = (
        [d for i in indicators for d in _by_year(i)]
        if every_year
        else [engine_indicator(currents[i.pk]) for i in indicators]
    )
    sets = IndicatorSet.objects.select_related("domain").order_by("position", "code")
    return engine.Catalogue(
        domains=tuple(
            engine.Domain(
                code=d.code,
                name_pl=d.name_pl,
                name_en=d.name_en,
                description_pl=d.description_pl,
                description_en=d.description_en,
            )
            for d in Domain.objects.order_by("position", "code")
        ),
        variables=tuple(
            engine_variable(v)
            for v in Variable.objects.select_related("domain").order_by("position", "code")
        ),
        indicators=tuple(definitions),
        sets=tuple(_engine_set(s) for s in sets),
        rules=tuple(validation_rules()),
        changelog=tuple(engine_release(r) for r in releases()),
    )


def _by_year(indicator: Indicator) -> list[engine.Indicator]:
    versions = list(indicator.versions.all())
    for version in versions:
        version.indicator = indicator
    return [
        replace(engine_indicator(version), valid_from=start, valid_to=end)
        for version, start, end in effective_ranges(versions)
    ]


def releases() -> list[CatalogueRelease]:
    """The stored change logs, newest catalogue version first ("2026.10" after "2026.9")."""
    return sorted(
        CatalogueRelease.objects.all(), key=lambda r: _version_key(r.version), reverse=True
    )


def _version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in version.split("."))


def engine_release(release: CatalogueRelease) -> engine.Release:
    return engine.Release(
        version=release.version,
        summary_pl=release.summary_pl,
        summary_en=release.summary_en,
        entries=tuple(
            engine.ChangeEntry(
                codes=tuple(entry.get("codes", ())),
                action=engine.ChangeAction(entry["action"]),
                text_pl=entry.get("pl", ""),
                text_en=entry.get("en", ""),
                ref=entry.get("ref", ""),
            )
            for entry in release.entries
        ),
    )


def _engine_set(indicator_set: IndicatorSet) -> engine.IndicatorSet:
    return engine.IndicatorSet(
        code=indicator_set.code,
        name_pl=indicator_set.name_pl,
        name_en=indicator_set.name_en,
        domain=indicator_set.domain.code if indicator_set.domain else "",
        indicators=tuple(set_indicator_codes(indicator_set)),
        description_pl=indicator_set.description_pl,
        description_en=indicator_set.description_en,
        kinds=tuple(indicator_set.kinds),
    )


def needed_codes(catalogue: engine.Catalogue, codes: list[str]) -> set[str]:
    """``codes`` and every code their formulas use, transitively."""
    by_code = {i.code: i for i in catalogue.indicators}
    needed: set[str] = set()
    todo = list(codes)
    while todo:
        code = todo.pop()
        if code in needed:
            continue
        needed.add(code)
        indicator = by_code.get(code)
        if indicator is None:
            continue
        for text in (indicator.formula, indicator.numerator, indicator.denominator):
            if text:
                try:
                    todo += sorted(references(parse(text)))
                except FormulaError:
                    continue
    return needed


def engine_catalogue_for_set(set_code: str, *, every_year: bool = False) -> engine.Catalogue:
    """One set with the indicators, variables and domains it needs."""
    whole = engine_catalogue(every_year=every_year)
    chosen = next((s for s in whole.sets if s.code == set_code), None)
    if chosen is None:
        raise Http404(_("There is no indicator set with code %(code)s.") % {"code": set_code})
    needed = needed_codes(whole, list(chosen.indicators))
    # Rules of the set's own variables: not every rule that reads the shared context
    # (the population), which every domain's rules do.
    own = {v.code for v in whole.variables if v.code in needed and v.domain}
    rules = tuple(rules_reading(whole.rules, own))
    # The rules' other variables and the comparison bases' divisors come along (a
    # divisor may be compared per another variable in turn).
    needed |= {code for rule in rules for code in rule_codes(rule)}
    divisors = {v.code: v.divisor for v in whole.variables if v.divisor}
    todo = [code for code in needed if code in divisors]
    while todo:
        divisor = divisors.get(todo.pop())
        if divisor and divisor not in needed:
            needed.add(divisor)
            todo.append(divisor)
    indicators = tuple(i for i in whole.indicators if i.code in needed)
    variables = tuple(v for v in whole.variables if v.code in needed)
    domain_codes = {chosen.domain} | {x.domain for x in indicators} | {x.domain for x in variables}
    return engine.Catalogue(
        domains=tuple(d for d in whole.domains if d.code in domain_codes),
        variables=variables,
        indicators=indicators,
        sets=(chosen,),
        rules=rules,
    )


def rules_for_set(set_code: str) -> list[engine.Rule]:
    """The rules that read any variable the set's indicators use (raises Http404 for an
    unknown set)."""
    return list(engine_catalogue_for_set(set_code).rules)
