"""Mentions in a post: ``@`` and a person's full name or e-mail address, as the board
lists them. Only people who may read the board can be mentioned (the caller passes
them), so a mention never tells anyone of a group they cannot open."""

from __future__ import annotations

import re
from collections.abc import Iterable

from benchlearn.accounts.models import User


def _pattern(name: str) -> re.Pattern[str]:
    # Not inside a word or an address ("kasia@…" is no mention of "…"); the name not
    # followed by a letter ("@Anna Kowalska" is not "@Anna Kowalskaja").
    return re.compile(r"(?<![\w@])@" + re.escape(name) + r"(?![\w@.-]*\w)", re.IGNORECASE)


def mention_of(user: User) -> str:
    """How a person is mentioned: ``@`` and their full name, or e-mail without one."""
    return "@" + (user.full_name.strip() or user.email)


def mentioned_in(text: str, people: Iterable[User]) -> set[int]:
    """The ids of ``people`` whom ``text`` mentions by full name or e-mail address."""
    if "@" not in text:
        return set()
    found = set()
    for person in people:
        names = [n for n in (person.full_name.strip(), person.email) if n]
        if any(_pattern(name).search(text) for name in names):
            found.add(person.pk)
    return found
