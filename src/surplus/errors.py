"""One exception family, so the CLI and the API can turn any expected failure into a clear
message instead of a traceback."""

from __future__ import annotations

from dataclasses import dataclass


class SurplusError(Exception):
    """Base of every error surplus raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what was expected and what was found."""

    file: str
    row: int | None
    column: str | None
    expected: str
    found: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: expected {self.expected}, found {self.found}"


class InputError(SurplusError):
    """A user's input is wrong. Carries every problem found, so one run reports them all.

    Rows are numbered as a person sees them in a spreadsheet: the header is row 1, so the
    first data row is row 2.
    """

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(
        cls, file: str, row: int | None, column: str | None, expected: str, found: object
    ) -> InputError:
        return cls(
            Problem(
                file, row, column, expected, repr(found) if not isinstance(found, str) else found
            )
        )


class DatasetError(InputError):
    """A grid dataset failed validation."""
