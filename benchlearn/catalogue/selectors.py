"""Reads of the indicator catalogue: pages, the engine's view of it, formula checks.

Every logged-in user may read the catalogue; only operators edit it (see
``benchlearn.accounts.access``).
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl
from django.db.models import Count, Max, Prefetch, Q, QuerySet
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
    Variable,
)
from benchlearn.engine import catalogue as engine
from benchlearn.engine.evaluate import CatalogueError, check_catalogue, evaluate
from benchlearn.engine.formula import FormulaError, Ref, parse, references, walk
from benchlearn.i18n import translate_message
from benchlearn.units.models import ContextValue

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser

# --- lookups with access checks -------------------------------------------------------


def indicator_get_for_user(user: AnyUser, code: str, perm: Perm = Perm.CATALOGUE_VIEW) -> Indicator:
    indicator = Indicator.objects.filter(code=code).select_related("domain").first()
    if indicator is None:
        raise Http404(_("There is no indicator with code %(code)s.") % {"code": code})
    require(user, perm)
    return indicator


def variable_get_for_user(user: AnyUser, code: str, perm: Perm = Perm.CATALOGUE_VIEW) -> Variable:
    variable = Variable.objects.filter(code=code).select_related("domain").first()
    if variable is None:
        raise Http404(_("There is no variable with code %(code)s.") % {"code": code})
    require(user, perm)
    return variable


def indicator_set_get_for_user(
    user: AnyUser, code: str, perm: Perm = Perm.CATALOGUE_VIEW
) -> IndicatorSet:
    indicator_set = IndicatorSet.objects.filter(code=code).select_related("domain").first()
    if indicator_set is None:
        raise Http404(_("There is no indicator set with code %(code)s.") % {"code": code})
    require(user, perm)
    return indicator_set


def domain_get_for_user(user: AnyUser, code: str, perm: Perm = Perm.CATALOGUE_VIEW) -> Domain:
    domain = Domain.objects.filter(code=code).first()
    if domain is None:
        raise Http404(_("There is no domain with code %(code)s.") % {"code": code})
    require(user, perm)
    return domain


# --- versions -------------------------------------------------------------------------


def current_version(indicator: Indicator) -> IndicatorVersion:
    """The indicator's highest-numbered version (every indicator has at least one)."""
    return indicator.versions.order_by("-number").first() or _no_version(indicator)


def _no_version(indicator: Indicator) -> IndicatorVersion:
    raise IndicatorVersion.DoesNotExist(f"indicator {indicator.code} has no version")


def current_versions() -> dict[int, IndicatorVersion]:
    """Every indicator's current version, by indicator id, in one query."""
    currents: dict[int, IndicatorVersion] = {}
    for version in IndicatorVersion.objects.select_related("indicator").order_by(
        "indicator_id", "-number"
    ):
        currents.setdefault(version.indicator_id, version)
    return currents


def set_current_version(indicator_set: IndicatorSet) -> IndicatorSetVersion | None:
    return indicator_set.versions.order_by("-number").first()


def set_indicator_codes(indicator_set: IndicatorSet) -> list[str]:
    version = set_current_version(indicator_set)
    if version is None:
        return []
    return list(
        version.entries.order_by("order").values_list(
            "indicator_version__indicator__code", flat=True
        )
    )


# --- the engine's view ----------------------------------------------------------------


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
    )


def engine_catalogue() -> engine.Catalogue:
    """The whole catalogue as the engine sees it: current versions, in catalogue order."""
    currents = current_versions()
    indicators = Indicator.objects.select_related("domain").order_by("position", "code")
    for indicator in indicators:
        currents[indicator.pk].indicator = indicator
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
        indicators=tuple(engine_indicator(currents[i.pk]) for i in indicators),
        sets=tuple(_engine_set(s) for s in sets),
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
    )


def _needed(catalogue: engine.Catalogue, codes: list[str]) -> set[str]:
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


def engine_catalogue_for_set(set_code: str) -> engine.Catalogue:
    """One set with the indicators, variables and domains it needs."""
    whole = engine_catalogue()
    chosen = next((s for s in whole.sets if s.code == set_code), None)
    if chosen is None:
        raise Http404(_("There is no indicator set with code %(code)s.") % {"code": set_code})
    needed = _needed(whole, list(chosen.indicators))
    indicators = tuple(i for i in whole.indicators if i.code in needed)
    variables = tuple(v for v in whole.variables if v.code in needed)
    domain_codes = {chosen.domain} | {x.domain for x in indicators} | {x.domain for x in variables}
    return engine.Catalogue(
        domains=tuple(d for d in whole.domains if d.code in domain_codes),
        variables=variables,
        indicators=indicators,
        sets=(chosen,),
    )


# --- pages ----------------------------------------------------------------------------


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


# --- live formula check ---------------------------------------------------------------


@dataclass
class UnknownCode:
    code: str
    column: int
    suggestions: list[str]


@dataclass
class PartCheck:
    part: str  # "formula", "numerator", "denominator"
    text: str
    error: str = ""  # in the request's language
    column: int | None = None
    unknown: list[UnknownCode] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.error and not self.unknown

    @property
    def before(self) -> str:
        return self.text[: (self.column or 1) - 1]

    @property
    def at(self) -> str:
        return self.text[(self.column or 1) - 1 : self.column or 1] or " "

    @property
    def after(self) -> str:
        return self.text[self.column or 1 :]


@dataclass
class PreviewRow:
    unit: str
    inputs: list[tuple[str, float | None]]
    value: float | None
    flag: str


@dataclass
class FormulaCheck:
    parts: list[PartCheck]
    problems: list[str]  # cycles and other whole-catalogue problems, translated
    preview: list[PreviewRow]
    preview_source: str  # "context" or "sample" ("" without a preview)
    preview_period: int | None = None
    decimals: int = 2

    @property
    def ok(self) -> bool:
        return all(part.ok for part in self.parts) and not self.problems


def _known_codes(catalogue: engine.Catalogue, own_code: str) -> list[str]:
    return (
        [v.code for v in catalogue.variables]
        + [i.code for i in catalogue.indicators if i.code != own_code]
        + ([own_code] if own_code else [])
    )


def _check_part(part: str, text: str, known: list[str]) -> PartCheck:
    check = PartCheck(part, text)
    try:
        node = parse(text)
    except FormulaError as error:
        check.error = translate_message(error.text)
        check.column = error.column
        return check
    known_set = set(known)
    refs = sorted((n for n in walk(node) if isinstance(n, Ref)), key=lambda n: n.column)
    for ref in refs:
        code = ref.code
        if code not in known_set and all(u.code != code for u in check.unknown):
            check.unknown.append(
                UnknownCode(code, ref.column, difflib.get_close_matches(code, known, n=3))
            )
    return check


def formula_check(
    user: AnyUser,
    *,
    code: str,
    formula: str,
    numerator: str = "",
    denominator: str = "",
    decimals: int = 2,
) -> FormulaCheck:
    """Check an indicator's formula (and parts) as typed: syntax with its column, unknown
    codes with suggestions, cycles through the rest of the catalogue; when all is well, a
    preview of its values for a few units."""
    require(user, Perm.CATALOGUE_VIEW)
    catalogue = engine_catalogue()
    own = code or "NEW_INDICATOR"
    known = _known_codes(catalogue, own)
    parts = [_check_part("formula", formula, known)]
    if numerator.strip() or denominator.strip():
        parts += [
            _check_part("numerator", numerator, known),
            _check_part("denominator", denominator, known),
        ]
    result = FormulaCheck(
        parts=parts, problems=[], preview=[], preview_source="", decimals=decimals
    )
    if not all(part.ok for part in parts):
        return result
    edited = engine.Indicator(
        code=own,
        formula=formula,
        numerator=numerator.strip() or None,
        denominator=denominator.strip() or None,
    )
    others = [i for i in catalogue.indicators if i.code != own]
    trial = engine.Catalogue(variables=catalogue.variables, indicators=(*others, edited))
    try:
        check_catalogue(trial)
    except CatalogueError as error:
        # The English wording says which problems are about the edited indicator.
        pairs = list(zip(error.problems, error.messages, strict=True))
        own_pairs = [
            (p, m) for p, m in pairs if own in p.split() or ("cycle" in p and own in p)
        ] or pairs
        result.problems = [translate_message(message) for _text, message in own_pairs]
        return result
    _preview(result, trial, own)
    return result


PREVIEW_UNITS = 5


def _preview(result: FormulaCheck, catalogue: engine.Catalogue, code: str) -> None:
    needed = _needed(catalogue, [code])
    variables = [v for v in catalogue.variables if v.code in needed]
    subset = engine.Catalogue(
        variables=tuple(variables),
        indicators=tuple(i for i in catalogue.indicators if i.code in needed),
    )
    values, source = _context_values([v.code for v in variables])
    if values is None:
        values, source = _sample_values(variables), "sample"
    if values.height == 0:
        values = pl.DataFrame(
            {"unit": ["—"], "period": [2000], "variable": ["__none__"], "value": [0.0]}
        )
    evaluated = evaluate(values, subset).filter(pl.col("indicator") == code)
    period = int(values["period"].max())  # type: ignore[arg-type]
    evaluated = evaluated.filter(pl.col("period") == period)
    inputs = values.filter(pl.col("period") == period)
    for row in evaluated.iter_rows(named=True):
        unit_inputs = inputs.filter(pl.col("unit") == row["unit"])
        by_code = dict(zip(unit_inputs["variable"], unit_inputs["value"], strict=True))
        result.preview.append(
            PreviewRow(
                unit=str(row["unit"]),
                inputs=[(v.code, by_code.get(v.code)) for v in variables],
                value=row["value"],
                flag=row["flag"] or "",
            )
        )
    result.preview_source = source
    result.preview_period = period


def _context_values(codes: list[str]) -> tuple[pl.DataFrame | None, str]:
    """Five units' real context values for ``codes``, in the latest year in which some
    units have them all; None when there are none to show."""
    if not codes:
        return None, ""
    stored = ContextValue.objects.filter(variable__code__in=codes)
    latest = stored.aggregate(latest=Max("year"))["latest"]
    if latest is None:
        return None, ""
    complete = (
        stored.filter(year=latest)
        .values("unit")
        .annotate(found=Count("variable", distinct=True))
        .filter(found=len(set(codes)))
        .order_by("unit__name")
        .values_list("unit", flat=True)[:PREVIEW_UNITS]
    )
    rows = stored.filter(year=latest, unit__in=list(complete)).values_list(
        "unit__name", "variable__code", "value"
    )
    records = [
        {"unit": unit, "period": int(latest), "variable": code, "value": float(value)}
        for unit, code, value in rows
    ]
    if not records:
        return None, ""
    return pl.DataFrame(records), "context"


def _sample_values(variables: list[engine.Variable]) -> pl.DataFrame:
    """Deterministic made-up values inside each variable's range, for five sample units."""
    records: list[dict[str, Any]] = []
    for number in range(PREVIEW_UNITS):
        unit = _("Sample unit %(letter)s") % {"letter": "ABCDE"[number]}
        for variable in variables:
            low = variable.minimum if variable.minimum is not None else 0.0
            high = variable.maximum if variable.maximum is not None else max(low * 2, low + 1000)
            digest = hashlib.sha256(f"{variable.code}/{number}".encode()).digest()
            share = int.from_bytes(digest[:4], "big") / 0xFFFFFFFF
            value = round(low + (high - low) * (0.1 + 0.8 * share), 2)
            records.append(
                {"unit": unit, "period": 2000, "variable": variable.code, "value": value}
            )
    if not records:
        return pl.DataFrame(
            schema={
                "unit": pl.String,
                "period": pl.Int64,
                "variable": pl.String,
                "value": pl.Float64,
            }
        )
    return pl.DataFrame(records)
