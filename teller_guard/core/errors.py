"""Errors the domain raises: rule problems (all of them at once) and bad input."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleProblem:
    """One problem in one rules file: where it is and what is wrong."""

    file: str
    """The file, relative to the rules folder (e.g. ``signals.toml``)."""
    key: str
    """The dotted key path inside the file (e.g. ``signal[3].weight``); empty for the whole file."""
    message: str
    """What is wrong, in plain English."""

    def __str__(self) -> str:
        where = f"{self.file}: {self.key}" if self.key else self.file
        return f"{where}: {self.message}"


class RulesError(Exception):
    """The rules folder is invalid. Carries every problem found, never just the first."""

    def __init__(self, problems: list[RuleProblem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the rules")

    def report(self) -> str:
        """Return one line per problem, ready for stderr."""
        lines = [f"invalid rules: {len(self.problems)} problem(s)"]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)


class InputError(ValueError):
    """Bad input to the engine, naming the field that is wrong."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")
