"""The portable catalogue format (YAML), for exchanging model indicator sets.

A file looks like this (every key but ``code`` and, for indicators, ``formula`` is
optional; names, definitions and notes may be a plain string or ``{pl: ..., en: ...}``)::

    format: benchlearn-catalogue
    version: 1
    name: Oświata
    variables:
      - code: EDU_EXP
        name: {pl: Wydatki bieżące na oświatę, en: Current expenditure on education}
        unit: PLN
        source: form            # form | survey | public_statistics
        min: 0
    indicators:
      - code: EDU_COST_PUPIL
        name: {pl: Wydatki bieżące na ucznia, en: Current expenditure per pupil}
        formula: EDU_EXP / PUPILS
        numerator: EDU_EXP      # declared parts give the group aggregate (ratio of sums)
        denominator: PUPILS
        unit: PLN
        polarity: lower         # higher | lower | neutral
        category: efficiency    # input | output | efficiency | quality | satisfaction | governance
        decimals: 0

Reading checks the structure and reports every problem with its line; formulas are
checked afterwards by the evaluator, against the codes the file declares.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from benchlearn.engine.catalogue import Catalogue, Category, Indicator, Polarity, Source, Variable
from benchlearn.engine.io import InputError

FORMAT = "benchlearn-catalogue"
VERSION = 1

_VARIABLE_KEYS = {"code", "name", "unit", "source", "min", "max", "definition"}
_INDICATOR_KEYS = {
    "code", "name", "formula", "unit", "polarity", "category", "decimals",
    "numerator", "denominator", "domain", "notes",
}  # fmt: skip


class _Reader:
    """Turns the composed YAML tree into catalogue objects, collecting problems."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, node: yaml.Node, message: str) -> None:
        self.problems.append(f"line {node.start_mark.line + 1}: {message}")

    def mapping(self, node: yaml.Node, what: str) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping of keys to values")
            return None
        result: dict[str, yaml.Node] = {}
        for key, value in node.value:
            if key.value in result:
                self.fail(key, f"{what}: key '{key.value}' appears twice")
            result[str(key.value)] = value
        return result

    def scalar(self, node: yaml.Node | None, what: str) -> str | None:
        if node is None:
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, f"{what} must be a single value")
            return None
        return None if node.tag.endswith(":null") else str(node.value)

    def text(self, node: yaml.Node | None, what: str) -> tuple[str, str]:
        """A translatable text: a plain string (both languages) or {pl: ..., en: ...}."""
        if node is None:
            return "", ""
        if isinstance(node, yaml.MappingNode):
            values = self.mapping(node, what) or {}
            for key in values.keys() - {"pl", "en"}:
                self.fail(values[key], f"{what}: unknown language '{key}' (use pl and en)")
            polish = self.scalar(values.get("pl"), what) or ""
            english = self.scalar(values.get("en"), what) or ""
            return polish, english
        value = self.scalar(node, what) or ""
        return value, value

    def number(self, node: yaml.Node | None, what: str) -> float | None:
        value = self.scalar(node, what)
        if value is None:
            return None
        try:
            return float(value)
        except ValueError:
            self.fail(node, f"{what} must be a number, not '{value}'")  # type: ignore[arg-type]
            return None

    def choice(self, node: yaml.Node | None, what: str, enum: Any, default: Any) -> Any:
        value = self.scalar(node, what)
        if value is None:
            return default
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            self.fail(node, f"{what} must be one of {allowed}, not '{value}'")  # type: ignore[arg-type]
            return default

    def items(
        self, node: yaml.Node | None, what: str, read: Callable[[yaml.Node], Any]
    ) -> list[Any]:
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, f"'{what}' must be a list")
            return []
        return [item for item in (read(child) for child in node.value) if item is not None]

    def code(self, fields: dict[str, yaml.Node], node: yaml.Node, what: str) -> str | None:
        code = self.scalar(fields.get("code"), f"{what} code")
        if not code:
            self.fail(node, f"{what} without a code")
            return None
        return code

    def unknown_keys(self, fields: dict[str, yaml.Node], allowed: set[str], what: str) -> None:
        for key in sorted(fields.keys() - allowed):
            self.fail(fields[key], f"{what}: unknown key '{key}'")

    def variable(self, node: yaml.Node) -> Variable | None:
        fields = self.mapping(node, "variable")
        if fields is None:
            return None
        code = self.code(fields, node, "variable")
        if code is None:
            return None
        what = f"variable {code}"
        self.unknown_keys(fields, _VARIABLE_KEYS, what)
        name_pl, name_en = self.text(fields.get("name"), f"{what} name")
        definition_pl, definition_en = self.text(fields.get("definition"), f"{what} definition")
        return Variable(
            code=code,
            name_pl=name_pl,
            name_en=name_en,
            unit=self.scalar(fields.get("unit"), f"{what} unit") or "",
            source=self.choice(fields.get("source"), f"{what} source", Source, Source.FORM),
            minimum=self.number(fields.get("min"), f"{what} min"),
            maximum=self.number(fields.get("max"), f"{what} max"),
            definition_pl=definition_pl,
            definition_en=definition_en,
        )

    def indicator(self, node: yaml.Node) -> Indicator | None:
        fields = self.mapping(node, "indicator")
        if fields is None:
            return None
        code = self.code(fields, node, "indicator")
        if code is None:
            return None
        what = f"indicator {code}"
        self.unknown_keys(fields, _INDICATOR_KEYS, what)
        formula = self.scalar(fields.get("formula"), f"{what} formula")
        if not formula:
            self.fail(node, f"{what} has no formula")
            return None
        decimals = self.number(fields.get("decimals"), f"{what} decimals")
        name_pl, name_en = self.text(fields.get("name"), f"{what} name")
        notes_pl, notes_en = self.text(fields.get("notes"), f"{what} notes")
        return Indicator(
            code=code,
            formula=formula,
            polarity=self.choice(
                fields.get("polarity"), f"{what} polarity", Polarity, Polarity.NEUTRAL
            ),
            category=self.choice(
                fields.get("category"), f"{what} category", Category, Category.OUTPUT
            ),
            name_pl=name_pl,
            name_en=name_en,
            unit=self.scalar(fields.get("unit"), f"{what} unit") or "",
            decimals=int(decimals) if decimals is not None else 2,
            numerator=self.scalar(fields.get("numerator"), f"{what} numerator"),
            denominator=self.scalar(fields.get("denominator"), f"{what} denominator"),
            domain=self.scalar(fields.get("domain"), f"{what} domain") or "",
            notes_pl=notes_pl,
            notes_en=notes_en,
        )


def catalogue_from_yaml(text: str) -> Catalogue:
    """Read a catalogue from YAML text; raises InputError listing every problem by line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError([f"{where}not valid YAML: {problem}"]) from exc
    if root is None:
        raise InputError(["the file is empty"])
    reader = _Reader()
    top = reader.mapping(root, "the catalogue") or {}
    fmt = reader.scalar(top.get("format"), "format")
    if fmt not in (None, FORMAT):
        reader.fail(top["format"], f"format must be '{FORMAT}', not '{fmt}'")
    version = reader.scalar(top.get("version"), "version")
    if version not in (None, str(VERSION)):
        reader.fail(top["version"], f"this program reads version {VERSION} files, not {version}")
    catalogue = Catalogue(
        variables=tuple(reader.items(top.get("variables"), "variables", reader.variable)),
        indicators=tuple(reader.items(top.get("indicators"), "indicators", reader.indicator)),
        name=reader.scalar(top.get("name"), "name") or "",
        version=reader.scalar(top.get("catalogue_version"), "catalogue_version") or "",
    )
    if reader.problems:
        raise InputError(reader.problems)
    return catalogue


def read_catalogue(path: Path) -> Catalogue:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from exc
    except OSError as exc:
        raise InputError([f"{path}: cannot be read ({exc.strerror})"]) from exc
    return catalogue_from_yaml(text)


def _text(pl_text: str, en_text: str) -> str | dict[str, str] | None:
    if not pl_text and not en_text:
        return None
    return pl_text if pl_text == en_text else {"pl": pl_text, "en": en_text}


def catalogue_to_yaml(catalogue: Catalogue) -> str:
    """Write a catalogue in the portable format; reading it back gives the same catalogue."""
    variables = [
        {
            key: value
            for key, value in {
                "code": v.code,
                "name": _text(v.name_pl, v.name_en),
                "unit": v.unit or None,
                "source": v.source.value,
                "min": v.minimum,
                "max": v.maximum,
                "definition": _text(v.definition_pl, v.definition_en),
            }.items()
            if value is not None
        }
        for v in catalogue.variables
    ]
    indicators = [
        {
            key: value
            for key, value in {
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
            }.items()
            if value is not None
        }
        for i in catalogue.indicators
    ]
    document: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    if catalogue.name:
        document["name"] = catalogue.name
    if catalogue.version:
        document["catalogue_version"] = catalogue.version
    document["variables"] = variables
    document["indicators"] = indicators
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
