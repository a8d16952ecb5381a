"""Readers and writers at the edge of the engine, one module per format."""


class InputError(ValueError):
    """Bad input file: every problem found, each naming its line, row or code."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
