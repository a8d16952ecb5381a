"""Writing a catalogue in the portable YAML format."""

from __future__ import annotations

from typing import Any

import yaml

from benchlearn.engine.catalogue import Catalogue
from benchlearn.engine.io.catalogue_yaml.keys import FORMAT, VERSION


def _text(pl_text: str, en_text: str) -> str | dict[str, str] | None:
    if not pl_text and not en_text:
        return None
    return pl_text if pl_text == en_text else {"pl": pl_text, "en": en_text}


def _present(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


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
            }
        )
        for s in catalogue.sets
    ]
    document: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    if catalogue.name:
        document["name"] = catalogue.name
    if catalogue.version:
        document["catalogue_version"] = catalogue.version
    if domains:  # files without domains and sets stay as they were
        document["domains"] = domains
    document["variables"] = variables
    document["indicators"] = indicators
    if sets:
        document["sets"] = sets
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
