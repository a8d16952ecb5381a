"""Reading a catalogue from the portable YAML format, every problem with its line."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import yaml

from benchlearn.engine.catalogue import (
    Catalogue,
)
from benchlearn.engine.io import InputError
from benchlearn.engine.io.catalogue_yaml.changelog_items import read_changelog
from benchlearn.engine.io.catalogue_yaml.items import THE_CATALOGUE, ItemReader
from benchlearn.engine.io.catalogue_yaml.keys import (
    CATALOGUE_PARTS,
    DEFAULT_CATALOGUE,
    FORMAT,
    OLDEST_VERSION,
    PART_KEYS,
    TOP_KEYS,
    VERSION,
    key_phrase,
)
from benchlearn.engine.io.catalogue_yaml.rule_items import read_rule
from benchlearn.engine.messages import Message, Problem, gettext_noop


def catalogue_from_yaml(text: str) -> Catalogue:
    """Read a catalogue from YAML text; raises InputError listing every problem by line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise InputError([_not_yaml(exc)]) from exc
    if root is None:
        raise InputError([Problem(Message(gettext_noop("the file is empty")))])
    reader = ItemReader()
    top = reader.mapping(root, THE_CATALOGUE) or {}
    reader.unknown_keys(top, TOP_KEYS, THE_CATALOGUE)
    fmt = reader.scalar(top.get("format"), key_phrase(None, "format"))
    if fmt is not None and fmt != FORMAT:
        reader.fail(
            top["format"],
            gettext_noop("format must be '%(wanted)s', not '%(found)s'"),
            wanted=FORMAT,
            found=fmt,
        )
    _check_version(reader, top.get("version"))
    catalogue = Catalogue(
        variables=tuple(reader.items(top.get("variables"), "variables", reader.variable)),
        indicators=tuple(reader.items(top.get("indicators"), "indicators", reader.indicator)),
        name=reader.scalar(top.get("name"), key_phrase(None, "name")) or "",
        version=reader.scalar(top.get("catalogue_version"), key_phrase(None, "catalogue_version"))
        or "",
        domains=tuple(reader.items(top.get("domains"), "domains", reader.domain)),
        sets=tuple(reader.items(top.get("sets"), "sets", reader.indicator_set)),
        rules=tuple(reader.items(top.get("rules"), "rules", lambda node: read_rule(reader, node))),
        changelog=tuple(read_changelog(reader, top.get("changelog"))),
    )
    reader.check_references(catalogue)
    if reader.problems:
        raise InputError(reader.problems)
    return catalogue


def _check_version(reader: ItemReader, node: yaml.Node | None) -> None:
    """Versions up to ours are read (each adds keys only); a newer one is refused whole."""
    version = reader.scalar(node, key_phrase(None, "version"))
    if version is None or node is None:
        return
    try:
        number = int(version)
    except ValueError:
        number = None
    if number is not None and number > VERSION:
        reader.fail(
            node,
            gettext_noop(
                "format version %(found)d is newer than this Benchlearn reads "
                "(%(oldest)d..%(newest)d); upgrade Benchlearn"
            ),
            found=number,
            oldest=OLDEST_VERSION,
            newest=VERSION,
        )
    elif number is None or number < OLDEST_VERSION:
        reader.fail(
            node,
            gettext_noop(
                "format version must be a whole number from %(oldest)d to %(newest)d, "
                "not '%(found)s'"
            ),
            found=version,
            oldest=OLDEST_VERSION,
            newest=VERSION,
        )


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
    return catalogue_from_yaml(default_catalogue_text())


def default_catalogue_text() -> str:
    """The shipped catalogue as one file: ``data/default_catalogue.yaml`` (the header,
    the change log and the gmina domains) with the lists of each file of
    ``data/catalogue_parts/`` (one per further domain or group of sets, in name order)
    added at the end of the same lists. The main file's text, comments included, is kept
    as written."""
    data = resources.files("benchlearn.engine").joinpath("data")
    text = data.joinpath(DEFAULT_CATALOGUE).read_text(encoding="utf-8")
    folder = data.joinpath(CATALOGUE_PARTS)
    found = folder.iterdir() if folder.is_dir() else ()
    parts = sorted((p for p in found if p.name.endswith(".yaml")), key=lambda p: p.name)
    for part in parts:
        text = _with_part(text, part.read_text(encoding="utf-8"), part.name)
    return text


_TOP_KEY = re.compile(r"^([a-z_]+):", re.MULTILINE)


def _sections(text: str) -> dict[str, tuple[int, int]]:
    """Where each top-level key's block starts (its key line) and ends, in characters."""
    found = list(_TOP_KEY.finditer(text))
    return {
        match.group(1): (match.start(), found[n + 1].start() if n + 1 < len(found) else len(text))
        for n, match in enumerate(found)
    }


def _with_part(text: str, part: str, name: str) -> str:
    """``text`` with the items of ``part``'s lists appended to the same lists (a part has
    only PART_KEYS, each a list written with the main file's two-space indentation)."""
    blocks = _sections(part)
    unknown = set(blocks) - PART_KEYS
    if unknown:
        raise ValueError(f"{name}: a catalogue part has only {sorted(PART_KEYS)}: {unknown}")
    for key, (start, end) in sorted(blocks.items(), key=lambda item: -item[1][0]):
        items = part[start:end].split("\n", 1)[1].rstrip() + "\n"
        sections = _sections(text)
        if key not in sections:
            raise ValueError(f"{name}: the main catalogue file has no '{key}:' list")
        at = sections[key][1]
        if not text[:at].endswith("\n"):
            items = "\n" + items
        text = text[:at] + items + text[at:]
    return text


def item_lines(text: str) -> dict[str, list[int]]:
    """Where each variable, indicator and rule code is declared: its lines in file order (a
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
        if key.value not in ("variables", "indicators", "rules") or not isinstance(
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
