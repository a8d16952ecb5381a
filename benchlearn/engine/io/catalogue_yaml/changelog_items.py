"""Reading a catalogue file's change log: per catalogue version, what changed and why.

::

    changelog:
      - version: "2026.1"
        summary: {pl: ..., en: ...}
        entries:
          - {ref: D03, codes: [SOC_EXP], action: fixed, pl: ..., en: ...}

``action`` is one of fixed | kept | added | retired; ``ref`` (a reviewer's finding, e.g.
D03) is optional. The codes are not checked against the file: a retired code is gone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import yaml

from benchlearn.engine.catalogue import ChangeAction, ChangeEntry, Release
from benchlearn.engine.io.catalogue_yaml.keys import ENTRY_KEYS, RELEASE_KEYS, key_phrase
from benchlearn.engine.messages import Message, gettext_noop

if TYPE_CHECKING:
    from benchlearn.engine.io.catalogue_yaml.items import ItemReader


def read_changelog(reader: ItemReader, node: yaml.Node | None) -> list[Release]:
    seen: set[str] = set()
    releases: list[Release] = reader.items(
        node, "changelog", lambda item: _release(reader, item, seen)
    )
    return releases


def _release(reader: ItemReader, node: yaml.Node, seen: set[str]) -> Release | None:
    what = Message(gettext_noop("change log entry"))
    fields = reader.mapping(node, what)
    if fields is None:
        return None
    version = reader.scalar(fields.get("version"), key_phrase(what, "version"))
    if not version:
        reader.fail(node, gettext_noop("a change log version without 'version'"))
        return None
    if version in seen:
        reader.fail(
            fields["version"],
            gettext_noop("the change log lists version %(version)s twice"),
            version=version,
        )
    seen.add(version)
    what = Message(gettext_noop("change log %(version)s"), {"version": version})
    reader.unknown_keys(fields, RELEASE_KEYS, what)
    summary_pl, summary_en = reader.text(fields.get("summary"), key_phrase(what, "summary"))
    entries = fields.get("entries")
    found: list[ChangeEntry] = []
    if entries is not None and not isinstance(entries, yaml.SequenceNode):
        reader.fail(entries, gettext_noop("%(what)s: 'entries' must be a list"), what=what)
    elif entries is not None:
        found = [e for e in (_entry(reader, item, what) for item in entries.value) if e]
    return Release(
        version=version, summary_pl=summary_pl, summary_en=summary_en, entries=tuple(found)
    )


def _entry(reader: ItemReader, node: yaml.Node, release: Message) -> ChangeEntry | None:
    what = Message(gettext_noop("%(what)s entry"), {"what": release})
    fields = reader.mapping(node, what)
    if fields is None:
        return None
    reader.unknown_keys(fields, ENTRY_KEYS, what)
    codes = [code for code, _node in reader.codes(fields.get("codes"), key_phrase(what, "codes"))]
    if not codes:
        reader.fail(node, gettext_noop("%(what)s names no codes"), what=what)
    action_node = fields.get("action")
    if action_node is None:
        reader.fail(
            node,
            gettext_noop("%(what)s has no action (one of %(allowed)s)"),
            what=what,
            allowed=", ".join(action.value for action in ChangeAction),
        )
        return None
    action = reader.choice(action_node, key_phrase(what, "action"), ChangeAction, None)
    if action is None or not codes:
        return None
    return ChangeEntry(
        codes=tuple(codes),
        action=action,
        text_pl=reader.scalar(fields.get("pl"), key_phrase(what, "pl")) or "",
        text_en=reader.scalar(fields.get("en"), key_phrase(what, "en")) or "",
        ref=reader.scalar(fields.get("ref"), key_phrase(what, "ref")) or "",
    )
