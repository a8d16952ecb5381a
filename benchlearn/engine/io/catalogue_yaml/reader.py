"""Reading a catalogue from the portable YAML format, every problem with its line."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from benchlearn.engine.catalogue import (
    Catalogue,
    Category,
    Domain,
    Indicator,
    IndicatorSet,
    Polarity,
    Source,
    Variable,
)
from benchlearn.engine.io import InputError
from benchlearn.engine.io.catalogue_yaml.keys import (
    DEFAULT_CATALOGUE,
    DOMAIN_KEYS,
    FORMAT,
    INDICATOR_KEYS,
    SET_KEYS,
    TOP_KEYS,
    VARIABLE_KEYS,
    VERSION,
)
from benchlearn.engine.messages import Message, Problem, gettext_noop

# What a problem is about: the catalogue, a kind of item, an item, a key of either.
THE_CATALOGUE = Message(gettext_noop("the catalogue"))
_KINDS = {
    "domain": gettext_noop("domain"),
    "set": gettext_noop("set"),
    "variable": gettext_noop("variable"),
    "indicator": gettext_noop("indicator"),
}
_ITEMS = {
    "domain": gettext_noop("domain %(code)s"),
    "set": gettext_noop("set %(code)s"),
    "variable": gettext_noop("variable %(code)s"),
    "indicator": gettext_noop("indicator %(code)s"),
}


def _kind(kind: str) -> Message:
    return Message(_KINDS[kind])


def _item(kind: str, code: str) -> Message:
    return Message(_ITEMS[kind], {"code": code})


def _key(what: Message | None, key: str) -> Message:
    """A key of the file (``what`` None: at the top) or of an item, e.g. "indicator X formula"."""
    if what is None:
        # Translators: a top-level key of a catalogue file, e.g. "format" (not translated).
        return Message(gettext_noop("%(key)s"), {"key": key})
    # Translators: a key of an item in a catalogue file: what is e.g. "indicator X" and
    # key e.g. "formula" (keys are not translated).
    return Message(gettext_noop("%(what)s %(key)s"), {"what": what, "key": key})


@dataclass(frozen=True)
class _Reference:
    """A code named somewhere in the file, kept with its node for the line number."""

    node: yaml.Node
    owner: Message  # "indicator X", "set S"...
    owner_code: str  # X, S...
    code: str


_UNKNOWN = {
    "domain": gettext_noop("%(what)s: unknown domain '%(code)s'"),
    "indicator": gettext_noop("%(what)s: unknown indicator '%(code)s'"),
}
_UNKNOWN_SUGGESTED = {
    "domain": gettext_noop("%(what)s: unknown domain '%(code)s' (did you mean %(suggestion)s?)"),
    "indicator": gettext_noop(
        "%(what)s: unknown indicator '%(code)s' (did you mean %(suggestion)s?)"
    ),
}


class _Reader:
    """Turns the composed YAML tree into catalogue objects, collecting problems."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.current: str | None = None  # the code of the item being read
        # Cross-references, checked once everything is read (see _check_references).
        self.declared: dict[str, list[_Reference]] = {"domain": [], "set": []}
        self.domain_uses: list[_Reference] = []  # of variables and indicators
        self.set_domains: list[_Reference] = []
        self.set_members: list[_Reference] = []

    def fail(
        self,
        node: yaml.Node,
        template: str,
        *,
        about: str | None = None,
        **params: str | int | Message,
    ) -> None:
        """A problem at ``node``, about the item ``about`` (by default the one being read)."""
        self.problems.append(
            Problem(
                Message(template, params),
                code=about or self.current,
                line=node.start_mark.line + 1,
            )
        )

    def twice(
        self,
        node: yaml.Node,
        first: yaml.Node,
        template: str,
        template_first: str,
        *,
        about: str,
        **params: str | Message,
    ) -> None:
        """Something given again at ``node``, first at ``first`` (named if on another line)."""
        if first.start_mark.line == node.start_mark.line:
            self.fail(node, template, about=about, **params)
        else:
            self.fail(node, template_first, about=about, **params, first=first.start_mark.line + 1)

    def mapping(self, node: yaml.Node, what: Message) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, gettext_noop("%(what)s must be a mapping of keys to values"), what=what)
            return None
        result: dict[str, yaml.Node] = {}
        for key, value in node.value:
            if key.value in result:
                self.fail(
                    key,
                    gettext_noop("%(what)s: key '%(key)s' appears twice"),
                    what=what,
                    key=str(key.value),
                )
            result[str(key.value)] = value
        return result

    def scalar(self, node: yaml.Node | None, what: Message) -> str | None:
        if node is None:
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, gettext_noop("%(what)s must be a single value"), what=what)
            return None
        return None if node.tag.endswith(":null") else str(node.value)

    def text(self, node: yaml.Node | None, what: Message) -> tuple[str, str]:
        """A translatable text: a plain string (both languages) or {pl: ..., en: ...}."""
        if node is None:
            return "", ""
        if isinstance(node, yaml.MappingNode):
            values = self.mapping(node, what) or {}
            for key in values.keys() - {"pl", "en"}:
                self.fail(
                    values[key],
                    gettext_noop("%(what)s: unknown language '%(language)s' (use pl and en)"),
                    what=what,
                    language=key,
                )
            polish = self.scalar(values.get("pl"), what) or ""
            english = self.scalar(values.get("en"), what) or ""
            return polish, english
        value = self.scalar(node, what) or ""
        return value, value

    def number(self, node: yaml.Node | None, what: Message) -> float | None:
        value = self.scalar(node, what)
        if value is None or node is None:
            return None
        try:
            return float(value)
        except ValueError:
            self.fail(
                node,
                gettext_noop("%(what)s must be a number, not '%(value)s'"),
                what=what,
                value=value,
            )
            return None

    def choice(self, node: yaml.Node | None, what: Message, enum: Any, default: Any) -> Any:
        value = self.scalar(node, what)
        if value is None or node is None:
            return default
        try:
            return enum(value)
        except ValueError:
            self.fail(
                node,
                gettext_noop("%(what)s must be one of %(allowed)s, not '%(value)s'"),
                what=what,
                allowed=", ".join(member.value for member in enum),
                value=value,
            )
            return default

    def items(
        self, node: yaml.Node | None, key: str, read: Callable[[yaml.Node], Any]
    ) -> list[Any]:
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, gettext_noop("'%(key)s' must be a list"), key=key)
            return []
        found = []
        for child in node.value:
            self.current = None
            item = read(child)
            if item is not None:
                found.append(item)
        self.current = None
        return found

    def code(self, fields: dict[str, yaml.Node], node: yaml.Node, kind: str) -> str | None:
        code = self.scalar(fields.get("code"), _key(_kind(kind), "code"))
        if not code:
            self.fail(node, gettext_noop("%(what)s without a code"), what=_kind(kind))
            return None
        self.current = code
        return code

    def unknown_keys(self, fields: dict[str, yaml.Node], allowed: set[str], what: Message) -> None:
        for key in sorted(fields.keys() - allowed):
            self.fail(
                fields[key], gettext_noop("%(what)s: unknown key '%(key)s'"), what=what, key=key
            )

    def domain_of(self, fields: dict[str, yaml.Node], what: Message) -> str:
        node = fields.get("domain")
        domain = self.scalar(node, _key(what, "domain")) or ""
        if node is not None and domain:
            self.domain_uses.append(_Reference(node, what, self.current or "", domain))
        return domain

    def codes(self, node: yaml.Node | None, what: Message) -> list[tuple[str, yaml.Node]]:
        """A list of codes, each with its node."""
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, gettext_noop("%(what)s must be a list of codes"), what=what)
            return []
        item = Message(gettext_noop("%(what)s item"), {"what": what})
        found = [(self.scalar(child, item), child) for child in node.value]
        return [(code, child) for code, child in found if code]

    def domain(self, node: yaml.Node) -> Domain | None:
        fields = self.mapping(node, _kind("domain"))
        if fields is None:
            return None
        code = self.code(fields, node, "domain")
        if code is None:
            return None
        what = _item("domain", code)
        self.declared["domain"].append(_Reference(fields["code"], what, code, code))
        self.unknown_keys(fields, DOMAIN_KEYS, what)
        name_pl, name_en = self.text(fields.get("name"), _key(what, "name"))
        description_pl, description_en = self.text(
            fields.get("description"), _key(what, "description")
        )
        return Domain(
            code=code,
            name_pl=name_pl,
            name_en=name_en,
            description_pl=description_pl,
            description_en=description_en,
        )

    def indicator_set(self, node: yaml.Node) -> IndicatorSet | None:
        fields = self.mapping(node, _kind("set"))
        if fields is None:
            return None
        code = self.code(fields, node, "set")
        if code is None:
            return None
        what = _item("set", code)
        self.declared["set"].append(_Reference(fields["code"], what, code, code))
        self.unknown_keys(fields, SET_KEYS, what)
        name_pl, name_en = self.text(fields.get("name"), _key(what, "name"))
        description_pl, description_en = self.text(
            fields.get("description"), _key(what, "description")
        )
        domain = self.scalar(fields.get("domain"), _key(what, "domain")) or ""
        if domain:
            self.set_domains.append(_Reference(fields["domain"], what, code, domain))
        members = self.codes(fields.get("indicators"), _key(what, "indicators"))
        self.set_members += [_Reference(child, what, code, member) for member, child in members]
        return IndicatorSet(
            code=code,
            name_pl=name_pl,
            name_en=name_en,
            domain=domain,
            indicators=tuple(member for member, _ in members),
            description_pl=description_pl,
            description_en=description_en,
        )

    def check_references(self, catalogue: Catalogue) -> None:
        """Codes declared twice and references to codes the file does not declare."""
        for kind, declared in self.declared.items():
            first: dict[str, yaml.Node] = {}
            for ref in declared:
                if ref.code in first:
                    self.twice(
                        ref.node,
                        first[ref.code],
                        gettext_noop("%(what)s appears twice"),
                        gettext_noop("%(what)s appears twice (first on line %(first)d)"),
                        about=ref.code,
                        what=_item(kind, ref.code),
                    )
                first.setdefault(ref.code, ref.node)
        domains = [domain.code for domain in catalogue.domains]
        # Domains were free text before files could declare them: checked only when declared.
        uses = self.set_domains + (self.domain_uses if domains else [])
        for ref in uses:
            self.unknown(ref, "domain", domains)
        indicators = [indicator.code for indicator in catalogue.indicators]
        seen: dict[tuple[str, str], yaml.Node] = {}
        for ref in self.set_members:
            key = (str(ref.owner), ref.code)
            if key in seen:
                self.twice(
                    ref.node,
                    seen[key],
                    gettext_noop("%(what)s lists indicator %(code)s twice"),
                    gettext_noop(
                        "%(what)s lists indicator %(code)s twice (first on line %(first)d)"
                    ),
                    about=ref.owner_code,
                    what=ref.owner,
                    code=ref.code,
                )
            seen.setdefault(key, ref.node)
            self.unknown(ref, "indicator", indicators)

    def unknown(self, ref: _Reference, kind: str, known: list[str]) -> None:
        if ref.code in known:
            return
        close = difflib.get_close_matches(ref.code, known, n=1)
        if close:
            template = _UNKNOWN_SUGGESTED[kind]
            self.fail(
                ref.node,
                template,
                about=ref.owner_code,
                what=ref.owner,
                code=ref.code,
                suggestion=close[0],
            )
        else:
            self.fail(ref.node, _UNKNOWN[kind], about=ref.owner_code, what=ref.owner, code=ref.code)

    def variable(self, node: yaml.Node) -> Variable | None:
        fields = self.mapping(node, _kind("variable"))
        if fields is None:
            return None
        code = self.code(fields, node, "variable")
        if code is None:
            return None
        what = _item("variable", code)
        self.unknown_keys(fields, VARIABLE_KEYS, what)
        name_pl, name_en = self.text(fields.get("name"), _key(what, "name"))
        definition_pl, definition_en = self.text(fields.get("definition"), _key(what, "definition"))
        return Variable(
            code=code,
            name_pl=name_pl,
            name_en=name_en,
            unit=self.scalar(fields.get("unit"), _key(what, "unit")) or "",
            source=self.choice(fields.get("source"), _key(what, "source"), Source, Source.FORM),
            minimum=self.number(fields.get("min"), _key(what, "min")),
            maximum=self.number(fields.get("max"), _key(what, "max")),
            definition_pl=definition_pl,
            definition_en=definition_en,
            domain=self.domain_of(fields, what),
        )

    def indicator(self, node: yaml.Node) -> Indicator | None:
        fields = self.mapping(node, _kind("indicator"))
        if fields is None:
            return None
        code = self.code(fields, node, "indicator")
        if code is None:
            return None
        what = _item("indicator", code)
        self.unknown_keys(fields, INDICATOR_KEYS, what)
        formula = self.scalar(fields.get("formula"), _key(what, "formula"))
        if not formula:
            self.fail(node, gettext_noop("%(what)s has no formula"), what=what)
            return None
        decimals = self.number(fields.get("decimals"), _key(what, "decimals"))
        name_pl, name_en = self.text(fields.get("name"), _key(what, "name"))
        notes_pl, notes_en = self.text(fields.get("notes"), _key(what, "notes"))
        return Indicator(
            code=code,
            formula=formula,
            polarity=self.choice(
                fields.get("polarity"), _key(what, "polarity"), Polarity, Polarity.NEUTRAL
            ),
            category=self.choice(
                fields.get("category"), _key(what, "category"), Category, Category.OUTPUT
            ),
            name_pl=name_pl,
            name_en=name_en,
            unit=self.scalar(fields.get("unit"), _key(what, "unit")) or "",
            decimals=int(decimals) if decimals is not None else 2,
            numerator=self.scalar(fields.get("numerator"), _key(what, "numerator")),
            denominator=self.scalar(fields.get("denominator"), _key(what, "denominator")),
            domain=self.domain_of(fields, what),
            notes_pl=notes_pl,
            notes_en=notes_en,
        )


def catalogue_from_yaml(text: str) -> Catalogue:
    """Read a catalogue from YAML text; raises InputError listing every problem by line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise InputError([_not_yaml(exc)]) from exc
    if root is None:
        raise InputError([Problem(Message(gettext_noop("the file is empty")))])
    reader = _Reader()
    top = reader.mapping(root, THE_CATALOGUE) or {}
    reader.unknown_keys(top, TOP_KEYS, THE_CATALOGUE)
    fmt = reader.scalar(top.get("format"), _key(None, "format"))
    if fmt is not None and fmt != FORMAT:
        reader.fail(
            top["format"],
            gettext_noop("format must be '%(wanted)s', not '%(found)s'"),
            wanted=FORMAT,
            found=fmt,
        )
    version = reader.scalar(top.get("version"), _key(None, "version"))
    if version is not None and version != str(VERSION):
        reader.fail(
            top["version"],
            gettext_noop("this program reads version %(wanted)d files, not %(found)s"),
            wanted=VERSION,
            found=version,
        )
    catalogue = Catalogue(
        variables=tuple(reader.items(top.get("variables"), "variables", reader.variable)),
        indicators=tuple(reader.items(top.get("indicators"), "indicators", reader.indicator)),
        name=reader.scalar(top.get("name"), _key(None, "name")) or "",
        version=reader.scalar(top.get("catalogue_version"), _key(None, "catalogue_version")) or "",
        domains=tuple(reader.items(top.get("domains"), "domains", reader.domain)),
        sets=tuple(reader.items(top.get("sets"), "sets", reader.indicator_set)),
    )
    reader.check_references(catalogue)
    if reader.problems:
        raise InputError(reader.problems)
    return catalogue


def _not_yaml(exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    # PyYAML's own words, in English.
    problem = getattr(exc, "problem", None) or str(exc)
    message = Message(gettext_noop("not valid YAML: %(problem)s"), {"problem": problem})
    if mark is None:
        return Problem(message)
    return Problem(message, line=mark.line + 1, column=mark.column + 1)


def read_catalogue(path: Path) -> Catalogue:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            [
                Message(
                    gettext_noop("%(path)s: not UTF-8 text (%(reason)s at byte %(byte)d)"),
                    {"path": str(path), "reason": exc.reason, "byte": exc.start},
                )
            ]
        ) from exc
    except OSError as exc:
        raise InputError(
            [
                Message(
                    gettext_noop("%(path)s: cannot be read (%(reason)s)"),
                    {"path": str(path), "reason": exc.strerror or ""},
                )
            ]
        ) from exc
    return catalogue_from_yaml(text)


def read_default_catalogue() -> Catalogue:
    """The model indicator sets shipped with the program, a programme's starting point."""
    source = resources.files("benchlearn.engine").joinpath("data", DEFAULT_CATALOGUE)
    return catalogue_from_yaml(source.read_text(encoding="utf-8"))


def item_lines(text: str) -> dict[str, list[int]]:
    """Where each variable and indicator code is declared: its lines in file order (a
    code declared twice has two). For placing problems found after reading, which name
    a code (:class:`~benchlearn.engine.messages.Problem`), in the file."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    found: dict[str, list[int]] = {}
    if not isinstance(root, yaml.MappingNode):
        return found
    for key, section in root.value:
        if key.value not in ("variables", "indicators") or not isinstance(
            section, yaml.SequenceNode
        ):
            continue
        for item in section.value:
            if not isinstance(item, yaml.MappingNode):
                continue
            for item_key, value in item.value:
                if item_key.value == "code" and isinstance(value, yaml.ScalarNode):
                    found.setdefault(str(value.value), []).append(value.start_mark.line + 1)
    return found
