"""Messages for people, kept translatable without the engine knowing about Django.

The engine words its errors in English. Each one is a :class:`Message`: a template with
named parameters, so that the web pages can look the template up in the translation
catalogue and fill in the same parameters (``benchlearn.i18n.translate_message``), while
``str(message)`` stays the English text the CLI and the logs print.

Templates are wrapped in :func:`gettext_noop` where they are written: Django's
``makemessages`` extracts calls of that name, which is how they reach the catalogue.
A parameter may itself be a Message (a phrase such as "indicator X" inside "line 3: ...");
it is translated first. Whole sentences are templates, never assembled from pieces, so
that a translator can put the words in the order the language needs.

A :class:`Problem` is a message with what a program needs to act on it: the catalogue
code it is about and its place in a text file. Callers look places up by code and
translate the message; nobody reads the English text back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeAlias

Param: TypeAlias = "str | int | Message"

VERBATIM = "%(text)s"  # a text that has no template (from a library, or already built)


def gettext_noop(text: str) -> str:
    """Mark ``text`` for the translation catalogue; returns it unchanged."""
    return text


@dataclass(frozen=True, eq=True)
class Message:
    template: str
    params: Mapping[str, Param] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.template % {
            name: str(value) if isinstance(value, Message) else value
            for name, value in self.params.items()
        }

    @classmethod
    def verbatim(cls, text: str) -> Message:
        """A text shown as it is, in every language."""
        return cls(VERBATIM, {"text": text})


AT_LINE = gettext_noop("line %(line)d: %(problem)s")
AT_LINE_COLUMN = gettext_noop("line %(line)d, column %(column)d: %(problem)s")


@dataclass(frozen=True)
class Problem:
    """One problem found in an input, structured.

    ``message`` says what is wrong (its template is the message id); ``code`` names the
    variable, indicator, domain or set it is about, when it is about one; ``line`` is
    where in a text file, from 1; ``column`` is given only where one character is at
    fault (a syntax error), not where a whole entry is.
    """

    message: Message
    code: str | None = None
    line: int | None = None
    column: int | None = None
    # Every code the problem involves, when more than one does (a cycle's members).
    involves: tuple[str, ...] = ()

    def is_about(self, code: str) -> bool:
        """Whether the problem concerns ``code``."""
        return code == self.code or code in self.involves

    def located(self) -> Message:
        """The message with its place in front, as people read it."""
        if self.line is None:
            return self.message
        if self.column is None:
            return Message(AT_LINE, {"line": self.line, "problem": self.message})
        params: dict[str, Param] = {"line": self.line, "column": self.column}
        return Message(AT_LINE_COLUMN, params | {"problem": self.message})


def as_problems(problems: Iterable[str | Message | Problem]) -> list[Problem]:
    """Problems for ``problems``: messages without a code or a place, strings verbatim."""
    found = []
    for problem in problems:
        if isinstance(problem, str):
            problem = Message.verbatim(problem)
        found.append(problem if isinstance(problem, Problem) else Problem(problem))
    return found
