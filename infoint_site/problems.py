"""Problems found in a journal: values with a source position, collected, never raised.

Every stage returns the problems it found next to its result, so one run reports
everything wrong with a journal rather than the first thing. A problem prints as
``path:line:col: severity[code]: message`` so editors can jump to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a problem is: errors fail `check` and `build`; warnings only under --strict."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the journal, at a place in one file."""

    path: str
    """The file, relative to the journal root, with forward slashes."""
    line: int
    """1-based line in the file itself (the opening ``---`` is line 1)."""
    col: int
    """1-based column."""
    severity: Severity
    code: str
    """A stable code such as ``E203``; ``docs/validation.md`` lists them all."""
    message: str

    def format(self) -> str:
        """The problem as ``path:line:col: severity[code]: message``."""
        return (
            f"{self.path}:{self.line}:{self.col}: "
            f"{self.severity.value}[{self.code}]: {self.message}"
        )

    def to_dict(self) -> dict[str, object]:
        """The problem as `check --format json` prints it."""
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
        }

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def error(path: str, line: int, col: int, code: str, message: str) -> Problem:
    return Problem(path, line, col, Severity.ERROR, code, message)


def warning(path: str, line: int, col: int, code: str, message: str) -> Problem:
    return Problem(path, line, col, Severity.WARNING, code, message)


def shorten(text: str, limit: int = 60) -> str:
    """A value short enough to quote in a message, on one line: a line break, tab or
    other invisible character in it is shown escaped (``\\n``, ``\\u2028``)."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                       for c in text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in file order, so a report reads top to bottom, file by file."""
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.col, p.code, p.message))


def count(problems: Iterable[Problem]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = warnings = 0
    for problem in problems:
        if problem.is_error:
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def summary(errors: int, warnings: int) -> str:
    """'2 errors, 1 warning' in words a person reads."""
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
