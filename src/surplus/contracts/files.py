"""Term sheets read from files, with every problem named by file, item and field.

Reads what `surplus allocate` writes (a `term_sheets/` folder of one JSON file per grant,
next to the schema) as well as a single sheet, a list of sheets, or an object with a
`term_sheets` list. Nothing is returned unless every sheet is valid and every
`term_sheet_id` unique.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from surplus.contracts.terms import TermSheet
from surplus.errors import InputError, Problem

SCHEMA_FILE = "term-sheet.schema.json"
"""Written next to the sheets by the allocator; not a sheet."""


def parse_term_sheets(items: Sequence[Any], source: str) -> list[TermSheet]:
    """Validate term sheets; a problem names the item (its position, from 1) and the field.

    >>> parse_term_sheets([{"term_sheet_id": "TS-1"}], "sheets.json")
    Traceback (most recent call last):
    ...
    surplus.errors.InputError: ...sheets.json, row 1, column 'allocated_mw': expected Field...
    """
    return _checked([(source, number, item) for number, item in enumerate(items, start=1)])


def load_term_sheets(path: Path) -> list[TermSheet]:
    """Term sheets from a folder of JSON files (each one sheet; the schema file is skipped),
    or from one JSON file: a sheet, a list of sheets, or `{"term_sheets": [...]}`. Rows in
    problems are positions in a list, counted from 1; a file holding one sheet has none."""
    if path.is_dir():
        files = sorted(p for p in path.glob("*.json") if p.name != SCHEMA_FILE)
        if not files:
            raise InputError(Problem(str(path), None, None, "term sheet .json files", "none"))
        return _checked([(str(file), None, _read(file)) for file in files])
    data = _read(path)
    if isinstance(data, dict) and "term_sheets" in data:
        data = data["term_sheets"]
    if isinstance(data, list):
        return _checked([(str(path), n, item) for n, item in enumerate(data, start=1)])
    if isinstance(data, dict):
        return _checked([(str(path), None, data)])
    raise InputError(
        Problem(str(path), None, None, "a term sheet or a list of them", type(data).__name__)
    )


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(Problem(str(path), None, None, "a readable file", str(error))) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        found = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
        raise InputError(Problem(str(path), None, None, "JSON", found)) from None


def _checked(items: list[tuple[str, int | None, Any]]) -> list[TermSheet]:
    problems: list[Problem] = []
    sheets: list[tuple[str, int | None, TermSheet]] = []
    for source, row, item in items:
        try:
            sheets.append((source, row, TermSheet.model_validate(item)))
        except ValidationError as error:
            for issue in error.errors():
                field = ".".join(str(part) for part in issue["loc"]) or None
                found = repr(issue.get("input"))[:80]
                problems.append(Problem(source, row, field, issue["msg"], found))
    seen: dict[str, str] = {}
    for source, row, sheet in sheets:
        where = seen.get(sheet.term_sheet_id)
        if where is not None:
            found = f"{sheet.term_sheet_id!r}, as in {where}"
            problems.append(Problem(source, row, "term_sheet_id", "a unique id", found))
        seen.setdefault(sheet.term_sheet_id, source if row is None else f"{source}, row {row}")
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.file, p.row or 0, p.column or "")))
    return [sheet for _, _, sheet in sheets]
