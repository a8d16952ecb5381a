"""Readers and writers at the edge of the engine, one module per format."""

from collections.abc import Sequence

from benchlearn.engine.messages import Message, as_messages


class InputError(ValueError):
    """Bad input file: every problem found, each naming its line, row or code.

    ``messages`` are the problems as translatable messages, ``problems`` in English.
    """

    def __init__(self, problems: Sequence[str | Message]) -> None:
        self.messages = as_messages(problems)
        self.problems = [str(message) for message in self.messages]
        super().__init__("\n".join(self.problems))
