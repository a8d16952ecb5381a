"""Readers and writers at the edge of the engine, one module per format."""

from collections.abc import Sequence

from benchlearn.engine.messages import Message, Problem, as_problems


class InputError(ValueError):
    """Bad input file: every problem found, each naming its line, row or code.

    ``found`` are the problems as structured :class:`Problem` objects (code, line,
    column, message), ``messages`` the same located for people (translatable),
    ``problems`` in English.
    """

    def __init__(self, problems: Sequence[str | Message | Problem]) -> None:
        self.found = as_problems(problems)
        self.messages = [problem.located() for problem in self.found]
        self.problems = [str(message) for message in self.messages]
        super().__init__("\n".join(self.problems))
