"""Reading the items of a catalogue file (domains, sets, variables, indicators) from
the composed YAML tree, every problem with its line and the code it is about."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from benchlearn.engine.catalogue import (
    UNIT_KINDS,
    Catalogue,
    Category,
    Domain,
    Indicator,
    IndicatorSet,
    Polarity,
    Source,
    Variable,
)
from benchlearn.engine.io.catalogue_yaml.keys import (
    DOMAIN_KEYS,
    INDICATOR_KEYS,
    SET_KEYS,
    VARIABLE_KEYS,
    key_phrase,
)
from benchlearn.engine.io.catalogue_yaml.rule_items import comparison
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


class ItemReader:
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

    def year(self, node: yaml.Node | None, what: Message) -> int | None:
        value = self.scalar(node, what)
        if value is None or node is None:
            return None
        if not value.isdigit() or not 1900 <= int(value) <= 2200:
            self.fail(
                node,
                gettext_noop("%(what)s must be a year, not '%(value)s'"),
                what=what,
                value=value,
            )
            return None
        return int(value)

    def validity(
        self, fields: dict[str, yaml.Node], what: Message
    ) -> tuple[int | None, int | None]:
        """valid_from and valid_to: inclusive data years, either may be absent."""
        start = self.year(fields.get("valid_from"), key_phrase(what, "valid_from"))
        end = self.year(fields.get("valid_to"), key_phrase(what, "valid_to"))
        if start is not None and end is not None and end < start:
            self.fail(
                fields["valid_to"],
                gettext_noop("%(what)s: valid_to %(end)d is before valid_from %(start)d"),
                what=what,
                start=start,
                end=end,
            )
        return start, end

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
        code = self.scalar(fields.get("code"), key_phrase(_kind(kind), "code"))
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
        domain = self.scalar(node, key_phrase(what, "domain")) or ""
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
        name_pl, name_en = self.text(fields.get("name"), key_phrase(what, "name"))
        description_pl, description_en = self.text(
            fields.get("description"), key_phrase(what, "description")
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
        name_pl, name_en = self.text(fields.get("name"), key_phrase(what, "name"))
        description_pl, description_en = self.text(
            fields.get("description"), key_phrase(what, "description")
        )
        domain = self.scalar(fields.get("domain"), key_phrase(what, "domain")) or ""
        if domain:
            self.set_domains.append(_Reference(fields["domain"], what, code, domain))
        members = self.codes(fields.get("indicators"), key_phrase(what, "indicators"))
        self.set_members += [_Reference(child, what, code, member) for member, child in members]
        return IndicatorSet(
            code=code,
            name_pl=name_pl,
            name_en=name_en,
            domain=domain,
            indicators=tuple(member for member, _ in members),
            description_pl=description_pl,
            description_en=description_en,
            kinds=self.unit_kinds(fields.get("kinds"), what),
        )

    def unit_kinds(self, node: yaml.Node | None, what: Message) -> tuple[str, ...]:
        """The kinds of unit a set applies to, in the register's order; each unknown or
        repeated kind is a problem of the set."""
        found: list[str] = []
        for kind, child in self.codes(node, key_phrase(what, "kinds")):
            if kind not in UNIT_KINDS:
                self.fail(
                    child,
                    gettext_noop("%(what)s: unknown kind of unit '%(kind)s' (known: %(known)s)"),
                    what=what,
                    kind=kind,
                    known=", ".join(UNIT_KINDS),
                )
            elif kind in found:
                self.fail(
                    child,
                    gettext_noop("%(what)s lists kind of unit %(kind)s twice"),
                    what=what,
                    kind=kind,
                )
            else:
                found.append(kind)
        return tuple(kind for kind in UNIT_KINDS if kind in found)

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
        name_pl, name_en = self.text(fields.get("name"), key_phrase(what, "name"))
        definition_pl, definition_en = self.text(
            fields.get("definition"), key_phrase(what, "definition")
        )
        valid_from, valid_to = self.validity(fields, what)
        return Variable(
            code=code,
            name_pl=name_pl,
            name_en=name_en,
            unit=self.scalar(fields.get("unit"), key_phrase(what, "unit")) or "",
            source=self.choice(
                fields.get("source"), key_phrase(what, "source"), Source, Source.FORM
            ),
            minimum=self.number(fields.get("min"), key_phrase(what, "min")),
            maximum=self.number(fields.get("max"), key_phrase(what, "max")),
            definition_pl=definition_pl,
            definition_en=definition_en,
            domain=self.domain_of(fields, what),
            **comparison(self, fields, what),
            valid_from=valid_from,
            valid_to=valid_to,
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
        formula = self.scalar(fields.get("formula"), key_phrase(what, "formula"))
        if not formula:
            self.fail(node, gettext_noop("%(what)s has no formula"), what=what)
            return None
        decimals = self.number(fields.get("decimals"), key_phrase(what, "decimals"))
        name_pl, name_en = self.text(fields.get("name"), key_phrase(what, "name"))
        notes_pl, notes_en = self.text(fields.get("notes"), key_phrase(what, "notes"))
        valid_from, valid_to = self.validity(fields, what)
        return Indicator(
            code=code,
            formula=formula,
            polarity=self.choice(
                fields.get("polarity"), key_phrase(what, "polarity"), Polarity, Polarity.NEUTRAL
            ),
            category=self.choice(
                fields.get("category"), key_phrase(what, "category"), Category, Category.OUTPUT
            ),
            name_pl=name_pl,
            name_en=name_en,
            unit=self.scalar(fields.get("unit"), key_phrase(what, "unit")) or "",
            decimals=int(decimals) if decimals is not None else 2,
            numerator=self.scalar(fields.get("numerator"), key_phrase(what, "numerator")),
            denominator=self.scalar(fields.get("denominator"), key_phrase(what, "denominator")),
            domain=self.domain_of(fields, what),
            notes_pl=notes_pl,
            notes_en=notes_en,
            valid_from=valid_from,
            valid_to=valid_to,
        )
