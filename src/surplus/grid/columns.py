"""Parsing the columns of the static tables (zones, plants, corridors, hydro budgets).

Each parser returns the typed column and the problems it found, so one pass over a dataset
reports every error at once.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from surplus.errors import Problem
from surplus.grid.files import RawTable
from surplus.grid.schema import Column, Table

IDENTIFIER = re.compile(r"^[A-Za-z0-9_-]+$")
TRUE_WORDS = {"true", "1", "yes", "y"}
FALSE_WORDS = {"false", "0", "no", "n"}
MAX_PROBLEMS_PER_COLUMN = 20


class Collector:
    """Gathers problems, capping each column so one bad column does not drown the rest."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self._per_column: dict[tuple[str, str | None], int] = {}

    def add(self, problem: Problem) -> None:
        key = (problem.file, problem.column)
        count = self._per_column.get(key, 0) + 1
        self._per_column[key] = count
        if count <= MAX_PROBLEMS_PER_COLUMN:
            self.problems.append(problem)
        elif count == MAX_PROBLEMS_PER_COLUMN + 1:
            self.problems.append(
                Problem(
                    problem.file,
                    None,
                    problem.column,
                    "no further errors",
                    "more errors in this column; only the first 20 are listed",
                )
            )


def _describe(column: Column) -> str:
    if column.kind == "float":
        bounds = []
        if column.minimum is not None:
            bounds.append(f">= {column.minimum:g}")
        if column.maximum is not None:
            bounds.append(f"<= {column.maximum:g}")
        unit = f" {column.unit}" if column.unit else ""
        return "a number" + (" " + " and ".join(bounds) if bounds else "") + unit
    if column.kind == "int":
        return f"a whole number from {column.minimum:g} to {column.maximum:g}"
    if column.kind == "bool":
        return "true or false"
    if column.kind == "choice":
        return "one of " + ", ".join(column.choices)
    if column.kind == "id":
        return "an identifier of letters, digits, '_' and '-'"
    return "text"


def _parse_float(text: str, column: Column) -> float | None:
    if column.name == "must_run":
        lowered = text.lower()
        if lowered in TRUE_WORDS - {"1"}:
            return 1.0
        if lowered in FALSE_WORDS - {"0"}:
            return 0.0
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    if column.minimum is not None and value < column.minimum:
        return None
    if column.maximum is not None and value > column.maximum:
        return None
    return value


def parse_cell(text: str, column: Column) -> object | None:
    """The typed value of one non-empty cell, or None when it is not valid for the column."""
    if column.kind in ("float",):
        return _parse_float(text, column)
    if column.kind == "int":
        value = _parse_float(text, column)
        return int(value) if value is not None and value == int(value) else None
    if column.kind == "bool":
        lowered = text.lower()
        return True if lowered in TRUE_WORDS else False if lowered in FALSE_WORDS else None
    if column.kind == "choice":
        return text if text in column.choices else None
    if column.kind in ("id", "ref"):
        return text if IDENTIFIER.match(text) else None
    return text


def _empty_value(column: Column) -> object:
    if column.default:
        return parse_cell(column.default, column)
    if column.kind in ("float", "int"):
        return np.nan
    if column.kind == "bool":
        return False
    return ""


def _may_be_empty(column: Column, table: Table) -> bool:
    if column.kind in ("text",) or column.default:
        return True
    if not column.required:
        return True
    return table.name == "corridors" and column.name == "reverse_capacity_mw"


def parse_table(raw: RawTable, table: Table, found: Collector) -> pd.DataFrame:
    """Typed frame of a static table; cells that fail become NaN/empty and a problem each."""
    frame = raw.frame
    missing = [c.name for c in table.columns if c.required and c.name not in frame.columns]
    for name in missing:
        found.add(
            Problem(raw.file, None, name, f"a column '{name}'", "no such column in the header")
        )
    typed = pd.DataFrame(index=frame.index)
    for column in table.columns:
        if column.name not in frame.columns:
            typed[column.name] = [_empty_value(column)] * len(frame)
            continue
        values: list[object] = []
        for position, text in enumerate(frame[column.name]):
            if text == "":
                if not _may_be_empty(column, table):
                    found.add(
                        Problem(
                            raw.file,
                            raw.row(position),
                            column.name,
                            _describe(column),
                            "an empty cell",
                        )
                    )
                values.append(_empty_value(column))
                continue
            value = parse_cell(text, column)
            if value is None:
                found.add(
                    Problem(raw.file, raw.row(position), column.name, _describe(column), repr(text))
                )
                value = _empty_value(column)
            values.append(value)
        typed[column.name] = values
    extra = [name for name in frame.columns if name not in typed.columns]
    for name in extra:
        typed[name] = frame[name]
    _check_unique(raw, table, typed, found)
    return typed


def _check_unique(raw: RawTable, table: Table, typed: pd.DataFrame, found: Collector) -> None:
    key = list(table.key)
    if not set(key) <= set(raw.frame.columns):
        return
    duplicated = typed.duplicated(subset=key, keep="first")
    for position in np.flatnonzero(duplicated.to_numpy()):
        value = ", ".join(str(typed.iloc[position][k]) for k in key)
        first = typed.index[(typed[key] == typed.iloc[position][key]).all(axis=1)][0]
        found.add(
            Problem(
                raw.file,
                raw.row(position),
                ",".join(key),
                f"a unique {'/'.join(key)}",
                f"{value!r} again (first at row {raw.row(first)})",
            )
        )


def check_references(
    raw: RawTable,
    typed: pd.DataFrame,
    column: str,
    allowed: set[str],
    what: str,
    found: Collector,
) -> None:
    """Each non-empty value of `column` must be one of `allowed` (e.g. a known zone)."""
    if column not in raw.frame.columns:
        return
    for position, value in enumerate(typed[column]):
        if value and value not in allowed:
            found.add(Problem(raw.file, raw.row(position), column, f"a {what}", repr(value)))
