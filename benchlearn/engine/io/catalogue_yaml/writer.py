"""Writing a catalogue in the portable YAML format."""

from __future__ import annotations

import re
from typing import Any

import yaml

from benchlearn.engine.catalogue import (
    BDL_LEVELS,
    Basis,
    Catalogue,
    Operator,
    Release,
    Rule,
    Variable,
    bdl_sources,
)
from benchlearn.engine.io.catalogue_yaml.keys import FORMAT, VERSION


def _text(pl_text: str, en_text: str) -> str | dict[str, str] | None:
    if not pl_text and not en_text:
        return None
    return pl_text if pl_text == en_text else {"pl": pl_text, "en": en_text}


def _present(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _formula(text: str) -> str | int | float:
    """A rule's side: a plain number is written as a YAML number, a formula as text."""
    text = text.strip()
    if _NUMBER.fullmatch(text):
        number = float(text)
        return int(number) if number.is_integer() and "." not in text else number
    return text


def _comparison(v: Variable) -> dict[str, Any]:
    plausible = None
    if v.plausible_min is not None or v.plausible_max is not None:
        plausible = [v.plausible_min, v.plausible_max]
    return {
        "compare": None if v.compare is Basis.AS_IS else v.compare.value,
        "compare_per": v.compare_per or None,
        "plausible": plausible,
        "bdl": _bdl(v.bdl),
    }


def _bdl(text: str) -> dict[str, Any] | None:
    """The stored text of a variable's BDL source as the file writes it."""
    if not text:
        return None
    words = {level: word for word, level in BDL_LEVELS.items()}
    return {
        words[level]: ids[0] if len(ids) == 1 else list(ids)
        for level, ids in bdl_sources(text).items()
    }


def _rule(r: Rule) -> dict[str, Any]:
    if r.operator is Operator.BETWEEN:
        comparison: dict[str, Any] = {"between": [_formula(r.right), _formula(r.upper)]}
    else:
        comparison = {"operator": r.operator.value, "right": _formula(r.right)}
    return _present(
        {
            "code": r.code,
            "domain": r.domain or None,
            "left": r.left,
            **comparison,
            "severity": r.severity.value,
            "message": _text(r.message_pl, r.message_en),
        }
    )


def _release(release: Release) -> dict[str, Any]:
    entries = [
        _present(
            {
                "ref": entry.ref or None,
                "codes": list(entry.codes),
                "action": entry.action.value,
                "pl": entry.text_pl or None,
                "en": entry.text_en or None,
            }
        )
        for entry in release.entries
    ]
    return _present(
        {
            "version": release.version,
            "summary": _text(release.summary_pl, release.summary_en),
            "entries": entries or None,
        }
    )


def catalogue_to_yaml(catalogue: Catalogue) -> str:
    """Write a catalogue in the portable format; reading it back gives the same catalogue."""
    domains = [
        _present(
            {
                "code": d.code,
                "name": _text(d.name_pl, d.name_en),
                "description": _text(d.description_pl, d.description_en),
            }
        )
        for d in catalogue.domains
    ]
    variables = [
        _present(
            {
                "code": v.code,
                "name": _text(v.name_pl, v.name_en),
                "unit": v.unit or None,
                "source": v.source.value,
                "min": v.minimum,
                "max": v.maximum,
                "domain": v.domain or None,
                "definition": _text(v.definition_pl, v.definition_en),
                **_comparison(v),
                "valid_from": v.valid_from,
                "valid_to": v.valid_to,
            }
        )
        for v in catalogue.variables
    ]
    indicators = [
        _present(
            {
                "code": i.code,
                "name": _text(i.name_pl, i.name_en),
                "formula": i.formula,
                "numerator": i.numerator,
                "denominator": i.denominator,
                "unit": i.unit or None,
                "polarity": i.polarity.value,
                "category": i.category.value,
                "decimals": i.decimals,
                "domain": i.domain or None,
                "notes": _text(i.notes_pl, i.notes_en),
                "valid_from": i.valid_from,
                "valid_to": i.valid_to,
            }
        )
        for i in catalogue.indicators
    ]
    sets = [
        _present(
            {
                "code": s.code,
                "name": _text(s.name_pl, s.name_en),
                "domain": s.domain or None,
                "description": _text(s.description_pl, s.description_en),
                "indicators": list(s.indicators),
                "kinds": list(s.kinds) or None,
            }
        )
        for s in catalogue.sets
    ]
    document: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    if catalogue.name:
        document["name"] = catalogue.name
    if catalogue.version:
        document["catalogue_version"] = catalogue.version
    if catalogue.changelog:
        document["changelog"] = [_release(release) for release in catalogue.changelog]
    if domains:  # files without domains and sets stay as they were
        document["domains"] = domains
    document["variables"] = variables
    document["indicators"] = indicators
    if sets:
        document["sets"] = sets
    if catalogue.rules:
        document["rules"] = [_rule(rule) for rule in catalogue.rules]
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
