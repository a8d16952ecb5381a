"""The catalogue imported from and exported to the portable YAML format."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from benchlearn.accounts.models import User
from benchlearn.catalogue.models import (
    CatalogueChange,
    CatalogueRelease,
    Domain,
    Indicator,
    IndicatorSet,
    IndicatorVersion,
    Variable,
)
from benchlearn.catalogue.selectors import (
    current_version,
    engine_catalogue,
    engine_catalogue_for_set,
    set_indicator_codes,
)
from benchlearn.catalogue.services.common import (
    VERSION_FIELDS,
    CatalogueProblems,
    differences,
    domain_for,
    edit_token,
    merged_catalogue,
    plausibility_problems,
    record_change,
)
from benchlearn.catalogue.services.domains import domain_save
from benchlearn.catalogue.services.indicators import apply_indicator
from benchlearn.catalogue.services.rules import rule_import
from benchlearn.catalogue.services.sets import set_members
from benchlearn.catalogue.services.variables import variable_update
from benchlearn.engine import catalogue as engine
from benchlearn.engine.evaluate import (
    DUPLICATE_CODE,
    CatalogueError,
    check_by_year,
    duplicate_code,
)
from benchlearn.engine.io import InputError
from benchlearn.engine.io.catalogue_yaml import (
    catalogue_from_yaml,
    catalogue_to_yaml,
    default_catalogue_text,
    item_lines,
)
from benchlearn.engine.messages import Message, Param, Problem


@dataclass
class ImportSummary:
    domains_created: int = 0
    variables_created: int = 0
    variables_updated: int = 0
    indicators_created: int = 0
    indicators_updated: int = 0
    new_versions: int = 0
    sets_created: int = 0
    sets_updated: int = 0
    rules_created: int = 0
    rules_updated: int = 0
    changelogs: int = 0
    dry_run: bool = False
    # Codes, for the upgrade report: new items, changed ones (an indicator's new
    # versions, a variable's, set's or rule's new content) and those whose validity now
    # ends (a variable or indicator given a last data year it did not have).
    added: dict[str, list[str]] = field(default_factory=dict)
    changed: dict[str, list[str]] = field(default_factory=dict)
    retired: dict[str, list[str]] = field(default_factory=dict)

    def note(self, what: dict[str, list[str]], kind: str, code: str) -> None:
        what.setdefault(kind, []).append(code)

    def code_lines(self) -> list[str]:
        lines = []
        for title, found in (
            ("added", self.added),
            ("changed", self.changed),
            ("retired", self.retired),
        ):
            for kind in ("variables", "indicators", "sets", "rules"):
                if found.get(kind):
                    lines.append(f"{title} {kind}: {', '.join(found[kind])}")
        return lines

    def lines(self) -> list[str]:
        return [
            *self.code_lines(),
            f"domains created: {self.domains_created}",
            f"variables created: {self.variables_created}, updated: {self.variables_updated}",
            f"indicators created: {self.indicators_created}, updated: "
            f"{self.indicators_updated} (new versions: {self.new_versions})",
            f"sets created: {self.sets_created}, updated: {self.sets_updated}",
            f"validation rules created: {self.rules_created}, updated: {self.rules_updated}",
            f"change logs created or updated: {self.changelogs}",
        ]


def _with_lines(problems: list[Problem], text: str) -> list[Message]:
    """The problems found after reading, each placed on the line of the code it names."""
    lines = item_lines(text)
    located = []
    for problem in problems:
        places = lines.get(problem.code or "", [])
        duplicate = problem.message.template == DUPLICATE_CODE
        if problem.line is not None or not places:
            located.append(problem.located())
        elif duplicate and len(places) > 1:
            template = gettext_noop("line %(line)d: %(problem)s (first on line %(first)d)")
            params: dict[str, Param] = {
                "line": places[1],
                "problem": problem.message,
                "first": places[0],
            }
            located.append(Message(template, params))
        elif duplicate:
            template = gettext_noop(
                "line %(line)d: %(problem)s "
                "(the catalogue already has this code for another kind of item)"
            )
            located.append(Message(template, {"line": places[-1], "problem": problem.message}))
        else:
            located.append(Problem(problem.message, problem.code, line=places[-1]).located())
    return located


def catalogue_import(*, text: str, user: User | None, dry_run: bool = False) -> ImportSummary:
    """Import a catalogue in the portable YAML format, all or nothing.

    The file is read (structure problems carry their line), then every formula is checked
    against the existing catalogue with the file's items added or replacing theirs by
    code. Any problem raises CatalogueProblems listing all of them, and nothing changes.
    Otherwise everything is written in one transaction: items are created or updated by
    code, published indicator versions get new versions when what they compute changes.
    With ``dry_run`` the same work is done and rolled back, for the summary.
    """
    try:
        imported = catalogue_from_yaml(text)
    except InputError as error:
        raise CatalogueProblems.of(error.messages) from error
    merged = merged_catalogue(
        engine_catalogue(),
        variables=imported.variables,
        indicators=imported.indicators,
        rules=imported.rules,
    )
    kinds = {v.code: "variable" for v in engine_catalogue().variables}
    kinds |= {i.code: "indicator" for i in engine_catalogue().indicators}
    problems = [
        Problem(
            Message(
                gettext_noop("variable %(code)s: the catalogue has an indicator with this code"),
                {"code": v.code},
            ),
            v.code,
        )
        for v in imported.variables
        if kinds.get(v.code) == "indicator"
    ] + [
        Problem(
            Message(
                gettext_noop("indicator %(code)s: the catalogue has a variable with this code"),
                {"code": i.code},
            ),
            i.code,
        )
        for i in imported.indicators
        if kinds.get(i.code) == "variable"
    ]
    # Merging by code would hide a code the file declares twice: counted on the file.
    # An indicator may be given once per range of data years (check_by_year checks them).
    indicator_codes = {i.code for i in imported.indicators}
    declared = Counter([v.code for v in imported.variables] + list(indicator_codes))
    problems += [duplicate_code(code) for code, count in declared.items() if count > 1]
    try:
        check_by_year(merged)
    except CatalogueError as error:
        problems += error.found
    # The rules and bases the file brings (those already stored were checked when saved).
    mine = {v.code for v in imported.variables} | {r.code for r in imported.rules}
    problems += [p for p in plausibility_problems(merged) if p.code in mine]
    if problems:
        # The same problem may be found twice (a duplicate code): listed once.
        unique = list({str(problem.located()): problem for problem in problems}.values())
        raise CatalogueProblems.of(_with_lines(unique, text))
    with transaction.atomic():
        summary = _write_imported(imported, user)
        summary.dry_run = dry_run
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _write_imported(imported: engine.Catalogue, user: User | None) -> ImportSummary:
    summary = ImportSummary()
    existing_domains = set(Domain.objects.values_list("code", flat=True))
    for position, d in enumerate(imported.domains):
        summary.domains_created += d.code not in existing_domains
        domain_save(
            code=d.code,
            name_pl=d.name_pl,
            name_en=d.name_en,
            description_pl=d.description_pl,
            description_en=d.description_en,
            position=position,
            user=user,
        )
    for position, v in enumerate(imported.variables):
        _import_variable(v, position, user, summary)
    for position, definitions in enumerate(_by_code(imported.indicators)):
        if len(definitions) == 1:
            _import_indicator(definitions[0], position, user, summary)
        else:
            _import_definitions(definitions, position, user, summary)
    for position, s in enumerate(imported.sets):
        _import_set(s, position, user, summary)
    for position, r in enumerate(imported.rules):
        created, updated = rule_import(r, position, user)
        summary.rules_created += created
        summary.rules_updated += updated
        if created or updated:
            summary.note(summary.added if created else summary.changed, "rules", r.code)
    for release in imported.changelog:
        summary.changelogs += _import_release(release, user)
    return summary


def _import_release(release: engine.Release, user: User | None) -> bool:
    """Store a catalogue version's change log (replacing an earlier import of the same
    version); whether anything changed."""
    values = {
        "summary_pl": release.summary_pl,
        "summary_en": release.summary_en,
        "entries": [
            {
                "ref": entry.ref,
                "codes": list(entry.codes),
                "action": entry.action.value,
                "pl": entry.text_pl,
                "en": entry.text_en,
            }
            for entry in release.entries
        ],
    }
    stored = CatalogueRelease.objects.filter(version=release.version).first()
    if stored is not None and all(getattr(stored, k) == v for k, v in values.items()):
        return False
    now = timezone.now()
    CatalogueRelease.objects.update_or_create(
        version=release.version, defaults=values | {"imported_at": now}
    )
    kind = CatalogueChange.Kind.IMPORTED if stored is None else CatalogueChange.Kind.EDITED
    record_change(object_type="changelog", code=release.version, kind=kind, user=user, at=now)
    return True


def _import_set(
    s: engine.IndicatorSet, position: int, user: User | None, summary: ImportSummary
) -> None:
    indicator_set = IndicatorSet.objects.filter(code=s.code).first()
    created = indicator_set is None
    indicator_set = indicator_set or IndicatorSet(code=s.code)
    old_domain = indicator_set.domain.code if indicator_set.domain else ""
    changes = differences(
        indicator_set,
        {
            "name_pl": s.name_pl or s.code,
            "name_en": s.name_en,
            "description_pl": s.description_pl,
            "description_en": s.description_en,
            "kinds": list(s.kinds),
        },
    )
    if s.domain != old_domain:
        changes["domain"] = (old_domain, s.domain)
    indicator_set.domain = domain_for(s.domain)
    for name, (_old, new) in changes.items():
        if name != "domain":
            setattr(indicator_set, name, new)
    indicator_set.position = position
    indicator_set.save()
    old_codes = [] if created else set_indicator_codes(indicator_set)
    if set_members(indicator_set, list(s.indicators), user):
        changes["indicators"] = (old_codes, list(s.indicators))
    if created or changes:
        # An import is an edit too: forms opened before it must see it as stale.
        indicator_set.updated_at = timezone.now()
        indicator_set.save(update_fields=["updated_at"])
        record_change(
            object_type="set",
            code=s.code,
            kind=CatalogueChange.Kind.IMPORTED,
            user=user,
            changes=None if created else changes,
            at=indicator_set.updated_at,
        )
    if created:
        summary.sets_created += 1
        summary.note(summary.added, "sets", s.code)
    elif changes:
        summary.sets_updated += 1
        summary.note(summary.changed, "sets", s.code)


def _import_variable(
    v: engine.Variable, position: int, user: User | None, summary: ImportSummary
) -> None:
    values = {
        "name_pl": v.name_pl or v.code,
        "name_en": v.name_en,
        "unit": v.unit,
        "source": v.source.value,
        "minimum": v.minimum,
        "maximum": v.maximum,
        "definition_pl": v.definition_pl,
        "definition_en": v.definition_en,
        "compare": v.compare.value,
        "compare_per": v.compare_per,
        "plausible_min": v.plausible_min,
        "plausible_max": v.plausible_max,
        "valid_from": v.valid_from,
        "valid_to": v.valid_to,
        "bdl": v.bdl,
    }
    variable = Variable.objects.filter(code=v.code).first()
    if variable is None:
        now = timezone.now()
        Variable.objects.create(
            code=v.code, domain=domain_for(v.domain), position=position, updated_at=now, **values
        )
        record_change(object_type="variable", code=v.code, kind="imported", user=user, at=now)
        summary.variables_created += 1
        summary.note(summary.added, "variables", v.code)
        return
    if variable.position != position:
        variable.position = position
        variable.save(update_fields=["position"])
    before = edit_token(variable.updated_at)
    ended = variable.valid_to is None and v.valid_to is not None
    variable_update(variable=variable, user=user, base_token=None, domain=v.domain, **values)
    variable.refresh_from_db(fields=["updated_at"])
    if before != edit_token(variable.updated_at):
        summary.variables_updated += 1
        summary.note(summary.retired if ended else summary.changed, "variables", v.code)


def _by_code(indicators: tuple[engine.Indicator, ...]) -> list[list[engine.Indicator]]:
    """The file's indicators by code (in the order codes first appear), each code's
    definitions in the order of their data years."""
    found: dict[str, list[engine.Indicator]] = {}
    for indicator in indicators:
        found.setdefault(indicator.code, []).append(indicator)
    return [
        sorted(group, key=lambda i: -1 if i.valid_from is None else i.valid_from)
        for group in found.values()
    ]


def _version_values(i: engine.Indicator) -> dict[str, object]:
    return {
        "formula": i.formula,
        "numerator": i.numerator or "",
        "denominator": i.denominator or "",
        "polarity": i.polarity.value,
        "category": i.category.value,
        "decimals": i.decimals,
        "name_pl": i.name_pl or i.code,
        "name_en": i.name_en,
        "unit": i.unit,
        "notes_pl": i.notes_pl,
        "notes_en": i.notes_en,
        "valid_from": i.valid_from,
        "valid_to": i.valid_to,
    }


def _import_indicator(
    i: engine.Indicator, position: int, user: User | None, summary: ImportSummary
) -> None:
    values = _version_values(i)
    indicator = Indicator.objects.filter(code=i.code).first()
    if indicator is None:
        now = timezone.now()
        indicator = Indicator.objects.create(
            code=i.code, domain=domain_for(i.domain), position=position
        )
        IndicatorVersion.objects.create(
            indicator=indicator, number=1, created_by=user, created_at=now, updated_at=now, **values
        )
        record_change(
            object_type="indicator",
            code=i.code,
            kind="imported",
            user=user,
            version_number=1,
            at=now,
        )
        summary.indicators_created += 1
        summary.note(summary.added, "indicators", i.code)
        return
    if indicator.position != position:
        indicator.position = position
        indicator.save(update_fields=["position"])
    current = current_version(indicator)
    before = (current.pk, current.updated_at)
    # An upgrade never alters a published version, not even its wording.
    version = apply_indicator(
        indicator,
        current,
        values,
        i.domain,
        user,
        kind=CatalogueChange.Kind.IMPORTED,
        versioned=VERSION_FIELDS,
    )
    summary.new_versions += version.pk != before[0]
    if (version.pk, version.updated_at) != before:
        summary.indicators_updated += 1
        ended = current.valid_to is None and i.valid_to is not None
        summary.note(summary.retired if ended else summary.changed, "indicators", i.code)


def catalogue_load_default(*, user: User | None = None) -> ImportSummary:
    """Import the model indicator sets shipped with the program."""
    return catalogue_import(text=default_catalogue_text(), user=user)


def catalogue_export(*, set_code: str | None = None) -> str:
    """The whole catalogue, or one set with the variables, indicators and domains it
    needs, in the portable YAML format."""
    catalogue = (
        engine_catalogue(every_year=True)
        if set_code is None
        else engine_catalogue_for_set(set_code, every_year=True)
    )
    return catalogue_to_yaml(catalogue)


def _import_definitions(
    definitions: list[engine.Indicator], position: int, user: User | None, summary: ImportSummary
) -> None:
    """An indicator the file defines differently for different data years: a new version
    for each definition no version in force has (a published version is never changed),
    numbered in the order of their years so that each year takes its own."""
    first = definitions[0]
    indicator, created = Indicator.objects.get_or_create(
        code=first.code, defaults={"domain": domain_for(first.domain), "position": position}
    )
    if indicator.position != position:
        indicator.position = position
        indicator.save(update_fields=["position"])
    existing = list(indicator.versions.all())
    number = max((v.number for v in existing), default=0)
    open_before = any(v.valid_to is None for v in existing)
    added = 0
    for definition in definitions:
        values = _version_values(definition)
        if any(not differences(v, values) for v in _in_force_over(existing, definition)):
            continue
        number += 1
        now = timezone.now()
        IndicatorVersion.objects.create(
            indicator=indicator, number=number, created_by=user, created_at=now, updated_at=now,
            **values,
        )  # fmt: skip
        record_change(
            object_type="indicator",
            code=indicator.code,
            kind=CatalogueChange.Kind.IMPORTED if created else CatalogueChange.Kind.NEW_VERSION,
            user=user,
            version_number=number,
            at=now,
        )
        added += 1
    if created:
        summary.indicators_created += 1
        summary.note(summary.added, "indicators", first.code)
    elif added:
        summary.indicators_updated += 1
        summary.new_versions += added
        ended = open_before and definitions[-1].valid_to is not None
        summary.note(summary.retired if ended else summary.changed, "indicators", first.code)


def _in_force_over(
    versions: list[IndicatorVersion], definition: engine.Indicator
) -> list[IndicatorVersion]:
    """The version that computes every year of the definition's range, if one does: no
    higher-numbered version is valid in any of those years."""
    found = []
    for version in versions:
        covers = (version.valid_from or 0) <= (definition.valid_from or 0) and (
            version.valid_to is None
            or (definition.valid_to is not None and definition.valid_to <= version.valid_to)
        )
        shadowed = any(
            other.number > version.number and _overlap(other, definition) for other in versions
        )
        if covers and not shadowed:
            found.append(version)
    return found


def _overlap(version: IndicatorVersion, definition: engine.Indicator) -> bool:
    low = max(version.valid_from or 0, definition.valid_from or 0)
    high = min(
        version.valid_to if version.valid_to is not None else 9999,
        definition.valid_to if definition.valid_to is not None else 9999,
    )
    return low <= high
